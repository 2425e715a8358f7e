"""What the report pages show besides the reports themselves, derived from them with
no rule of its own: the employment-rate trend by quarter (``outcomes.employment_rate``
on each quarter end), the employment rate by need group (the rows of
``outcomes.employment_rate_rows`` grouped by each person's primary support reason) and
the care cost savings by need group (the rows of ``outcomes.savings_rows`` grouped the
same way); and the words the pages and charts use for the reports' codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from pathways.core.models import Authority
from pathways.core.money import money
from pathways.people.models import Person, SupportReason
from pathways.reporting import outcomes as reports
from pathways.reporting.periods import quarter_ends

COHORT_LABELS = {
    reports.LEARNING_DISABILITY: "Learning disability",
    reports.SECONDARY_MENTAL_HEALTH: "Secondary mental health",
}
NEED_LABELS = {**dict(SupportReason.choices), reports.UNKNOWN_NEED: "Not recorded"}
NEED_ORDER = [*SupportReason.values, reports.UNKNOWN_NEED]
MEASURE_LABELS = {
    "job_starts": "Job starts",
    "sustained_13_weeks": "In work at 13 weeks",
    "sustained_26_weeks": "In work at 26 weeks",
    "sustained_52_weeks": "In work at 52 weeks",
}
BAND_LABELS = {
    "under_16": "Under 16 hours",
    "16_to_29": "16 to 29 hours",
    "30_plus": "30 hours or more",
}


def need_label(need: str) -> str:
    return NEED_LABELS.get(need, need.replace("_", " ").capitalize())


def rate_trend(
    authorities: list[Authority], on: dt.date, *, known: dict | None = None
) -> list[dict]:
    """``employment_rate`` on each of the last 8 quarter ends up to ``on``, oldest
    first, in one query whatever the number of people (``outcomes.employment_rates``).
    ``known`` is the report already counted on ``on``, reused when ``on`` is itself a
    quarter end."""
    ends = quarter_ends(on)
    counted: dict[str, dict] = {known["reporting_date"]: known} if known is not None else {}
    missing = [end for end in ends if end.isoformat() not in counted]
    for day, figures in reports.employment_rates(authorities, missing).items():
        counted[day.isoformat()] = figures
    return [counted[end.isoformat()] for end in ends]


@dataclass(frozen=True)
class NeedRate:
    cohort: str
    need: str
    denominator: int
    numerator: int

    @property
    def percent(self) -> float | None:
        return reports.percent(self.numerator, self.denominator)

    @property
    def cohort_label(self) -> str:
        return COHORT_LABELS[self.cohort]

    @property
    def need_label(self) -> str:
        return need_label(self.need)


def needs_of_rows(rows: Sequence[dict]) -> dict[tuple[str, str], str]:
    """(authority, person_ref) -> primary support reason (``unknown`` when blank) of
    the people rows with real references list, in one query."""
    refs = {(r["authority"], r["person_ref"]) for r in rows}
    if not refs:
        return {}
    found = Person.objects.filter(
        authority__code__in={a for a, _ in refs}, person_ref__in={p for _, p in refs}
    ).values_list("authority__code", "person_ref", "primary_support_reason")
    return {
        (code, ref): need or reports.UNKNOWN_NEED
        for code, ref, need in found
        if (code, ref) in refs
    }


def rate_by_need(authorities: list[Authority], on: dt.date) -> list[NeedRate]:
    """Each cohort's people counted and in paid work on ``on``, by need group (only the
    groups with someone counted), in three queries: the rows, then their needs."""
    rows = reports.employment_rate_rows(authorities, on)
    needs = needs_of_rows(rows)
    counts: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        need = needs.get((row["authority"], row["person_ref"]), reports.UNKNOWN_NEED)
        tally = counts.setdefault((row["cohort"], need), [0, 0])
        tally[0] += 1
        tally[1] += row["in_paid_work"]
    order = {need: i for i, need in enumerate(NEED_ORDER)}
    return [
        NeedRate(cohort, need, denominator, numerator)
        for (cohort, need), (denominator, numerator) in sorted(
            counts.items(),
            key=lambda item: (
                reports.COHORTS.index(item[0][0]),
                order.get(item[0][1], len(order)),
                item[0][1],
            ),
        )
    ]


@dataclass(frozen=True)
class NeedSavings:
    """The savings report's figures for one need group; money as the report gives it
    (``core.money``: pounds to the penny, as text); on a page under the
    small-number rules, the people and money may be their marks (``disclosure``)."""

    need: str
    people: int | str
    weekly_before: str
    weekly_now: str
    annual_saving: str

    @property
    def need_label(self) -> str:
        return need_label(self.need)


SAVINGS_MONEY = ("weekly_before", "weekly_now", "annual_saving")


def savings_by_need(
    authorities: list[Authority],
    start: dt.date,
    end: dt.date,
    *,
    rows: Sequence[dict] | None = None,
) -> list[NeedSavings]:
    """The savings report by need group (only the groups with someone counted), in
    NEED_ORDER: the people counted and the sums of their rows' money, which add up to
    the report's totals. Three queries: ``outcomes.savings_rows`` (2), then the people's
    needs (1); ``rows`` are those rows already read (not pseudonymised, as
    ``outcomes.savings(..., detail=True)`` gives them), leaving only the needs to read."""
    if rows is None:
        rows = reports.savings_rows(authorities, start, end)
    needs = needs_of_rows(rows)
    sums: dict[str, list[Decimal]] = {}
    people: dict[str, int] = {}
    for row in rows:
        need = needs.get((row["authority"], row["person_ref"]), reports.UNKNOWN_NEED)
        people[need] = people.get(need, 0) + 1
        tally = sums.setdefault(need, [reports.ZERO] * len(SAVINGS_MONEY))
        for i, key in enumerate(SAVINGS_MONEY):
            tally[i] += Decimal(row[key])
    order = {need: i for i, need in enumerate(NEED_ORDER)}
    return [
        NeedSavings(need, people[need], *(money(total) for total in sums[need]))
        for need in sorted(sums, key=lambda need: (order.get(need, len(order)), need))
    ]
