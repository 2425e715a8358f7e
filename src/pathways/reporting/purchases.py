"""The purchases report's page, chart, rows and small-number rules: what personal
budgets bought per route, and how many people got a paid job (decision 0027).

The figures are ``commissioning.purchase_report``'s; this module adds what the other
outcome reports have (``catalogue.PURCHASES`` describes it once for the page, the API
and ``pathways report purchases``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pathways.commissioning.models import Route
from pathways.commissioning.purchase_report import (
    MEASURES,
    ROUTES,
    purchase_lines,
    purchases_report,
)
from pathways.core.models import Authority
from pathways.reporting import charts, disclosure
from pathways.reporting.outcomes import Pseudonymise, _row, _Who, pseudonym

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Shown where there is no spend per person with a job (no one got one).
NONE = "—"
ROUTE_LABELS = dict(Route.choices)
COLUMNS = (
    "authority",
    "person_ref",
    "name",
    "purchase_ref",
    "route",
    "buys",
    "supplier",
    "start_date",
    "end_date",
    "weekly_cost",
    "spend",
    "job_start",
)


def summary(authorities: list[Authority], start: dt.date, end: dt.date) -> dict[str, Any]:
    return purchases_report(authorities, start, end)


def rows(
    authorities: list[Authority],
    start: dt.date,
    end: dt.date,
    *,
    pseudonymise: Pseudonymise = False,
    seen: list[int] | None = None,
) -> list[dict[str, Any]]:
    """One row per purchase in force in the period. Pseudonymised rows also give the
    purchase's reference as a pseudonym, its dates as months, its weekly cost as a band
    and no exact spend (weekly cost and dates would give it back)."""
    codes = {a.pk: a.code for a in authorities}
    out = []
    for line in purchase_lines(authorities, start, end):
        who = _Who(line.person_id, codes[line.authority_id], line.person_ref, line.name)
        hidden = who.hidden(pseudonymise)
        row = _row(
            who,
            pseudonymise,
            purchase_ref=(
                pseudonym(who.authority, line.purchase_ref) if hidden else line.purchase_ref
            ),
            route=line.route,
            buys=line.buys,
            supplier=line.supplier,
            start_date=line.start_date.isoformat(),
            end_date=line.end_date.isoformat() if line.end_date else None,
            weekly_cost=(
                disclosure.weekly_cost_band(line.weekly_cost) if hidden else str(line.weekly_cost)
            ),
            spend=None if hidden else str(line.spend),
            job_start=(
                disclosure.month(line.job_start.isoformat())
                if hidden
                else line.job_start.isoformat()
            )
            if line.job_start
            else None,
        )
        out.append(row)
        if seen is not None:
            seen.append(line.person_id)
    return out


def disclose(data: Mapping[str, Any], limit: int | None) -> disclosure.Disclosed:
    """Counts of people under the small-number rules; money only with the people it is
    spent on, spend per person with a job only with both counts. The routes add up to
    the totals (a person on two routes makes the total smaller than the sum: treating it
    as a sum only hides more)."""
    table = disclosure.Table()

    def cells(base: tuple[str, ...], figures: Mapping[str, Any]) -> tuple[tuple, tuple]:
        people = table.count((*base, "people"), figures["people"])
        working = table.count((*base, "people_with_job"), figures["people_with_job"])
        without = (*base, "people without a job")
        table.unpublished[without] = figures["people"] - figures["people_with_job"]
        table.sums.append((people, (working, without)))
        table.follows[(*base, "spend")] = (people,)
        table.follows[(*base, "spend_per_person_with_job")] = (people, working)
        return people, working

    people, working = cells((), data)
    parts = [cells(("by_route", route), data["by_route"][route]) for route in data["by_route"]]
    table.sums.append((people, tuple(p for p, _ in parts)))
    table.sums.append((working, tuple(w for _, w in parts)))
    return disclosure.disclose(data, table, limit)


def _shown(value: Any) -> Any:
    return NONE if value is None else value


def _pounds(value: Any) -> str:
    if value is None:
        return NONE
    text = str(value)
    return text if text == disclosure.HIDDEN or text.startswith("<") else charts.pounds(text)


def table(data: dict[str, Any]) -> list[Sequence[Any]]:
    """One line per route, then the totals (route ``all``)."""
    lines: list[Sequence[Any]] = [("from", "to", "route", *MEASURES)]
    for route, figures in [*data["by_route"].items(), ("all", data)]:
        lines.append((data["from"], data["to"], route, *(_shown(figures[m]) for m in MEASURES)))
    return lines


def page(authorities: list[Authority], dates: tuple[dt.date, ...], limit: int | None) -> dict:
    start, end = dates
    shown = disclose(purchases_report(authorities, start, end), limit)
    data = shown.marked()
    return {
        "data": data,
        "start": start,
        "end": end,
        "routes": [
            (
                ROUTE_LABELS[route],
                figures["people"],
                _pounds(figures["spend"]),
                figures["people_with_job"],
                _pounds(figures["spend_per_person_with_job"]),
            )
            for route, figures in data["by_route"].items()
        ],
        "totals": (
            data["people"],
            _pounds(data["spend"]),
            data["people_with_job"],
            _pounds(data["spend_per_person_with_job"]),
        ),
        "chart_alt": chart_alt(data),
        "suppressed": bool(shown.small or shown.hidden),
        "limit": limit,
    }


def chart_alt(data: Mapping[str, Any]) -> str:
    parts = [
        f"{ROUTE_LABELS[route]}: {_pounds(f['spend'])} spent on {f['people']} people, "
        f"{f['people_with_job']} with a paid job"
        for route, f in data["by_route"].items()
    ]
    return "Spend and people with a paid job by route. " + "; ".join(parts) + "."


def chart_svg(data: Mapping[str, Any]) -> bytes:
    """Two panels: spend in the period per route, and people with a paid job per route,
    each bar labelled with its figure (a mark where the small-number rules hide it)."""

    def draw() -> Figure:
        figure = charts._figure(9.6, 2.9)
        spend_axes, job_axes = figure.subplots(1, 2, sharey=True)
        labels = [ROUTE_LABELS[route] for route in ROUTES]
        spends = [data["by_route"][r]["spend"] for r in ROUTES]
        jobs = [data["by_route"][r]["people_with_job"] for r in ROUTES]
        for axes, values, texts, title, unit in (
            (spend_axes, spends, [_pounds(v) for v in spends], "Spend in the period", "£"),
            (job_axes, jobs, [str(_shown(v)) for v in jobs], "People with a paid job", "People"),
        ):
            numbers = [charts.number(float(v) if _is_money(v) else v) for v in values]
            bars = axes.barh(labels, numbers, color=charts.BLUE, height=0.6)
            axes.bar_label(bars, labels=texts, padding=3, color=charts.BLACK, fontsize=10)
            axes.set_xlim(0, max([1.0, *numbers]) * 1.45)
            axes.set_title(title, loc="left", fontsize=10)
            axes.set_xlabel(unit)
        spend_axes.invert_yaxis()
        figure.suptitle(
            f"Purchases with a personal budget, {charts.long_date(data['from'])} to "
            f"{charts.long_date(data['to'])}",
            x=0.01,
            ha="left",
            fontweight="bold",
        )
        return figure

    return charts._svg(draw)


def _is_money(value: Any) -> bool:
    return isinstance(value, str) and value.replace(".", "", 1).isdigit()
