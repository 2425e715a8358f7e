"""Small numbers and quasi-identifiers: the one place the rules of statistical
disclosure control live (decision 0024). Every output for a viewer who sees aggregates
only (``access.small_number_limit``: commissioners) and every pseudonymised row goes
through here.

**Counts (primary suppression).** A count of 1 to ``limit - 1`` people
(``PATHWAYS_SMALL_NUMBER_THRESHOLD``, 5 by default: 1 to 4) is *small* and is not shown.
Zero is shown: "no one" is the usual practice and hiding it would hide most of a small
borough's tables. A percentage, or a sum of money, is shown only when the counts it is
made from are (``follows``): 1 of 40 people in paid work is small even as "2.5%".

**Totals (secondary suppression).** A table's totals are the sums of its parts
(``Table.sums``): a cohort's people = those in paid work + those not (an unpublished
part), those in paid work = the three hours bands, a measure's total = its need groups.
A sum with exactly one unknown member (a suppressed cell, or an unpublished part that is
small) would give that member away by subtraction, so one more member is suppressed: the
smallest non-zero part still shown (parts before the total, so totals stay visible),
until no sum has exactly one unknown. Each report's JSON, and each page, is one table;
the same point in time is never published twice with different cells hidden, except
that a page adds its need-group breakdown to the figures the API and ``pathways
report`` give (those parts are suppressed, not the totals, so they agree).

**How a suppressed cell is shown.** JSON (API, ``pathways report --format json``):
``null``, and the dotted path of every suppressed cell in a ``suppressed`` list (present
whenever the output is under these rules, empty when nothing was hidden). Pages, charts,
and ``--format csv|table``: ``<5`` for a small count (``<N`` for another threshold) and
``hidden`` for a cell hidden only to protect another one (it may be 5 or more).

**Pseudonymised rows** (``band_row``) carry no exact quasi-identifier: an age is its
band (``18 to 24``, ``25 to 34`` … ``65 to 69``), a date its month (``2025-07``), exact
hours a week are left out (the hours band stays), a weekly care cost its band (``£0 to
£99``, ``£100 to £249``, ``£250 to £499``, ``£500 to £999``, ``£1,000 to £1,999``, ``£2,000
or more``) and an annual saving its band. No report row carries a postcode; one that
did would give its district at most (``postcode_district``). References and names are
already pseudonyms (``outcomes.pseudonym``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings

#: A cell's place in a report's JSON: the keys leading to it.
Path = tuple[str, ...]
HIDDEN = "hidden"


def threshold() -> int:
    """The council's threshold: counts from 1 up to (not including) it are small."""
    return int(settings.PATHWAYS_SMALL_NUMBER_THRESHOLD)


def small_mark(limit: int) -> str:
    return f"<{limit}"


# --- the rule -------------------------------------------------------------------------


@dataclass
class Table:
    """The counts of one published table, and how they add up."""

    #: Published counts.
    cells: dict[Path, int] = field(default_factory=dict)
    #: Counts not published but known to add up with published ones (people counted
    #: but not in paid work): small ones must not be recoverable either.
    unpublished: dict[Path, int] = field(default_factory=dict)
    #: ``(total, parts)``: total = the sum of the parts.
    sums: list[tuple[Path, tuple[Path, ...]]] = field(default_factory=list)
    #: A derived cell (a percentage, money) -> the counts it is shown only with.
    follows: dict[Path, tuple[Path, ...]] = field(default_factory=dict)

    def count(self, path: Path, value: int) -> Path:
        self.cells[path] = value
        return path


def suppress(table: Table, limit: int | None) -> tuple[set[Path], set[Path]]:
    """The cells to hide: ``(small, hidden)``, primary and secondary suppression."""
    if limit is None or limit <= 1:
        return set(), set()
    small = {p for p, v in table.cells.items() if 0 < v < limit}
    sensitive = {p for p, v in table.unpublished.items() if 0 < v < limit}
    hidden: set[Path] = set()
    changed = True
    while changed:
        changed = False
        for total, parts in table.sums:
            members = (total, *parts)
            unknown = [m for m in members if m in small or m in hidden or m in table.unpublished]
            if len(unknown) != 1:
                continue
            if unknown[0] in table.unpublished and unknown[0] not in sensitive:
                continue
            shown = [p for p in parts if p in table.cells and p not in unknown]
            if shown:
                pick = min(shown, key=lambda p: (table.cells[p] == 0, table.cells[p], p))
            elif total in table.cells:
                pick = total
            else:  # pragma: no cover - a sum always has a published member
                continue
            hidden.add(pick)
            changed = True
    for derived, sources in table.follows.items():
        if any(s in small or s in hidden for s in sources):
            hidden.add(derived)
    return small, hidden


@dataclass(frozen=True)
class Disclosed:
    """A report's figures with its suppressed cells: ``None`` in ``data``."""

    data: dict[str, Any]
    limit: int | None
    small: frozenset[Path] = frozenset()
    hidden: frozenset[Path] = frozenset()

    @property
    def controlled(self) -> bool:
        return self.limit is not None

    def json(self) -> dict[str, Any]:
        """The JSON: suppressed cells null, listed in ``suppressed`` (controlled only)."""
        if not self.controlled:
            return self.data
        paths = sorted(".".join(p) for p in self.small | self.hidden)
        return {**self.data, "suppressed": paths}

    def marked(self) -> dict[str, Any]:
        """For people to read: ``<5`` for a small count, ``hidden`` for the others."""
        out = copy.deepcopy(self.data)
        for paths, mark in (
            (self.small, small_mark(self.limit or 0)),
            (self.hidden, HIDDEN),
        ):
            for path in paths:
                _put(out, path, mark)
        return out


def _put(data: dict[str, Any], path: Path, value: Any) -> None:
    *parents, last = path
    for key in parents:
        data = data[key]
    data[last] = value


def disclose(data: Mapping[str, Any], table: Table, limit: int | None) -> Disclosed:
    small, hidden = suppress(table, limit)
    out = copy.deepcopy(dict(data))
    for path in small | hidden:
        _put(out, path, None)
    return Disclosed(out, limit, frozenset(small), frozenset(hidden))


# --- the reports' tables --------------------------------------------------------------


def _rate_cells(table: Table, base: Path, figures: Mapping[str, Any], bands: bool) -> None:
    """A cohort's people, those in paid work (and their hours bands) and its percent."""
    denominator = table.count((*base, "denominator"), figures["denominator"])
    numerator = table.count((*base, "numerator"), figures["numerator"])
    not_working: Path = (*base, "not in paid work")
    table.unpublished[not_working] = figures["denominator"] - figures["numerator"]
    table.sums.append((denominator, (numerator, not_working)))
    table.follows[(*base, "percent")] = (numerator, denominator)
    if bands:
        parts = tuple(
            table.count((*base, "hours_bands", band), count)
            for band, count in figures["hours_bands"].items()
        )
        table.sums.append((numerator, parts))


def _rate_table(data: Mapping[str, Any]) -> Table:
    """Each cohort of the employment rate (the keys whose figures have a denominator)."""
    table = Table()
    for cohort, figures in data.items():
        if isinstance(figures, Mapping) and "denominator" in figures:
            _rate_cells(table, (cohort,), figures, bands=True)
    return table


def employment_rate(data: Mapping[str, Any], limit: int | None) -> Disclosed:
    """The employment rate's JSON: each cohort's counts, bands and percent."""
    return disclose(data, _rate_table(data), limit)


def employment_rate_page(
    data: Mapping[str, Any], by_need: Mapping[str, Mapping[str, Any]], limit: int | None
) -> Disclosed:
    """The employment rate with its need groups (``by_need``: cohort -> need ->
    denominator, numerator, percent), whose counts add up to the cohorts'."""
    table = _rate_table(data)
    for cohort, needs in by_need.items():
        for need, figures in needs.items():
            _rate_cells(table, ("by_need", cohort, need), figures, bands=False)
        for key in ("denominator", "numerator"):
            table.sums.append(
                ((cohort, key), tuple(("by_need", cohort, need, key) for need in needs))
            )
    return disclose({**data, "by_need": by_need}, table, limit)


def outcomes(data: Mapping[str, Any], limit: int | None) -> Disclosed:
    """Job outcomes: each measure's total, the sum of its need groups."""
    table = Table()
    measures: Mapping[str, int] = next(iter(data["by_need"].values()), {})
    for measure in measures:
        total = table.count((measure,), data[measure])
        parts = tuple(
            table.count(("by_need", need, measure), counts[measure])
            for need, counts in data["by_need"].items()
        )
        table.sums.append((total, parts))
    return disclose(data, table, limit)


def job_starts_by_year(data: Mapping[str, Any], limit: int | None) -> Disclosed:
    """The period's job starts by financial year: the total, the sum of its years."""
    table = Table()
    total = table.count(("job_starts",), data["job_starts"])
    parts = tuple(
        table.count(("by_year", year, "job_starts"), counts["job_starts"])
        for year, counts in data["by_year"].items()
    )
    table.sums.append((total, parts))
    return disclose(data, table, limit)


SAVINGS_MONEY = ("weekly_before", "weekly_now", "annual_saving")


def savings(
    data: Mapping[str, Any],
    limit: int | None,
    by_need: Mapping[str, Mapping[str, Any]] | None = None,
) -> Disclosed:
    """Care cost savings: money is shown only with the count of people it sums over; on
    the page, the need groups (``by_need``: need -> people and money) add up to it."""
    table = Table()
    people = table.count(("people",), data["people"])
    table.follows.update({(key,): (people,) for key in SAVINGS_MONEY if key in data})
    if "no_baseline" in data:  # people left out for want of a baseline: a count too
        table.count(("no_baseline",), data["no_baseline"])
    if "people_in_work" in data:  # the cost-benefit's averages, over these people
        for group in ("in_work", "not_in_work"):
            count = table.count((f"people_{group}",), data[f"people_{group}"])
            table.follows[(f"weekly_care_cost_{group}",)] = (count,)
    if "sustained_26" in data:
        jobs = table.count(("sustained_26",), data["sustained_26"])
        table.follows[("cost_per_sustained_26",)] = (jobs,)
    if by_need is None:
        return disclose(data, table, limit)
    parts = []
    for need, figures in by_need.items():
        part = table.count(("by_need", need, "people"), figures["people"])
        table.follows.update({("by_need", need, key): (part,) for key in SAVINGS_MONEY})
        parts.append(part)
    table.sums.append((people, tuple(parts)))
    return disclose({**data, "by_need": by_need}, table, limit)


# --- pseudonymised rows ---------------------------------------------------------------

#: (youngest, oldest) of each age band: the cohorts' ages, 18 to 69.
AGE_BANDS = ((18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 69))
#: The lower bounds of the weekly care cost bands, in pounds.
WEEKLY_COST_BANDS = (0, 100, 250, 500, 1000, 2000)
#: The lower bounds of the annual saving bands, in pounds (below 0: costs went up).
ANNUAL_SAVING_BANDS = (0, 5000, 10000, 25000, 50000)


def age_band(age: int) -> str:
    for youngest, oldest in AGE_BANDS:
        if youngest <= age <= oldest:
            return f"{youngest} to {oldest}"
    return (
        f"under {AGE_BANDS[0][0]}" if age < AGE_BANDS[0][0] else f"{AGE_BANDS[-1][1] + 1} or over"
    )


def month(iso_date: str | None) -> str | None:
    """``2025-07-14`` -> ``2025-07``."""
    return iso_date[:7] if iso_date else None


def _money_band(amount: Decimal, bounds: Sequence[int]) -> str:
    lower = [b for b in bounds if amount >= b]
    if not lower:
        return "costs went up"
    low = lower[-1]
    higher = [b for b in bounds if b > low]
    if not higher:
        return f"£{low:,} or more"
    return f"£{low:,} to £{higher[0] - 1:,}"


def weekly_cost_band(amount: str | Decimal) -> str:
    """A weekly care cost's band (pounds and pence are rounded down to the pound)."""
    return _money_band(Decimal(amount), WEEKLY_COST_BANDS)


def annual_saving_band(amount: str | Decimal) -> str:
    return _money_band(Decimal(amount), ANNUAL_SAVING_BANDS)


def postcode_district(postcode: str) -> str:
    """``SW1A 1AA`` -> ``SW1A``: the outward code, the most a pseudonymised row shows."""
    compact = "".join(postcode.split()).upper()
    return compact[:-3]  # the inward code is always a digit and two letters


#: Each kind of row field -> how a pseudonymised row shows it.
_BANDED = {
    "age": lambda v: age_band(v) if v is not None else None,
    "hours": lambda v: None,
    "start_date": month,
    "end_date": month,
    "first_start": month,
    "weekly_before": weekly_cost_band,
    "weekly_now": weekly_cost_band,
    "annual_saving": annual_saving_band,
    "postcode": lambda v: postcode_district(v) if v else v,
}


def band_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A pseudonymised row with bands in place of exact quasi-identifiers."""
    return {key: _BANDED[key](value) if key in _BANDED else value for key, value in row.items()}
