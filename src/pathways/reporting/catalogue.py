"""The outcome reports, each described once (``OutcomeReport``): the three outcome
reports, and the purchases with a personal budget (``reporting.purchases``).

The employment rate, job outcomes and care cost savings differ in what they count and
how their figures are laid out, not in how they are asked for, checked, exported,
audited or served. So the pages (``views``), the API (``api.reports``) and ``pathways
report`` are each written once, and read what differs from these descriptions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pathways.core.models import Authority
from pathways.reporting import charts, disclosure, figures, purchases
from pathways.reporting import outcomes as reports
from pathways.reporting.forms import EmploymentRateForm, PeriodForm

#: The dates a report is asked for, as its functions take them after the authorities:
#: ``(reporting date,)`` or ``(first day, last day)``.
Dates = tuple[dt.date, ...]
#: One line of a report printed by ``pathways report --format csv|table``.
Line = Sequence[Any]


class When(Enum):
    """How a report is asked for: counted on a reporting date (a financial year's last
    day, or any date), or over a period with both days included."""

    REPORTING_DATE = "reporting date"
    PERIOD = "period"


@dataclass(frozen=True)
class Chart:
    """A chart on a report's page, served as SVG from ``<slug>/<name>.svg`` (URL name
    ``reporting:<slug>-<name>``) with the page's query."""

    name: str
    #: What it draws, from ``(authorities, *dates)``.
    figures: Callable[..., Any]
    svg: Callable[[Any], bytes]
    #: ``(figures, limit)`` -> the figures as a viewer under the small-number rules
    #: reads them (``disclosure``: ``<5`` and ``hidden`` in place of numbers).
    disclose: Callable[[Any, int | None], Any]


@dataclass(frozen=True)
class OutcomeReport:
    """What one outcome report's pages, API routes and command differ by."""

    #: Its name everywhere: the page's path and URL names, the API path, ``pathways
    #: report NAME``, the CSV's file name, and what the audit trail says was read.
    slug: str
    title: str
    when: When
    #: The page's GET form: the authority and the dates, with the page's defaults.
    form: type[EmploymentRateForm] | type[PeriodForm]
    #: ``(authorities, *dates)`` -> the report's published JSON.
    summary: Callable[..., dict[str, Any]]
    #: ``(summary, limit)`` -> the summary under the small-number rules.
    disclose: Callable[[dict[str, Any], int | None], disclosure.Disclosed]
    #: ``(authorities, *dates, pseudonymise=, seen=)`` -> the rows behind the figures.
    rows: Callable[..., list[dict[str, Any]]]
    #: The rows' keys, in the order of the CSV export's columns.
    columns: tuple[str, ...]
    template: str
    #: ``(authorities, dates, limit)`` -> what the page's template shows besides the
    #: form, under the small-number rules when ``limit`` is given.
    page: Callable[[list[Authority], Dates, int | None], dict[str, Any]]
    charts: tuple[Chart, ...]
    #: The summary as lines for ``pathways report --format csv|table``, header first.
    table: Callable[[dict[str, Any]], list[Line]]
    #: ``pathways report NAME --detail`` adds the rows to the summary (savings only, as
    #: the spec has it); the summary function then takes ``detail``, ``pseudonymise``
    #: and ``seen`` as the rows function does.
    detail: bool = False

    def figures(
        self, authorities: list[Authority], dates: Dates, limit: int | None
    ) -> dict[str, Any]:
        """The report's JSON, under the small-number rules when ``limit`` is given."""
        return self.disclose(self.summary(authorities, *dates), limit).json()

    @property
    def rows_read(self) -> str:
        """What a read of its rows is recorded as in the audit trail."""
        return f"{self.slug.replace('-', ' ')} report rows"


_WHO = ("authority", "person_ref", "name")


# --- employment rate ------------------------------------------------------------------


@dataclass(frozen=True)
class NeedRateShown:
    """A line of the employment rate by need group as the page shows it: the counts,
    or their marks where the small-number rules hide them (``disclosure``)."""

    cohort: str
    need: str
    denominator: int | str
    numerator: int | str
    percent: float | str | None

    @property
    def cohort_label(self) -> str:
        return figures.COHORT_LABELS[self.cohort]

    @property
    def need_label(self) -> str:
        return figures.need_label(self.need)


def _employment_rate_page(
    authorities: list[Authority], dates: Dates, limit: int | None
) -> dict[str, Any]:
    """The cohorts' rates and hours bands, the cohorts by need group, and the trend over
    the last 8 quarter ends (the reporting date's own figures counted once)."""
    (on,) = dates
    counted = reports.employment_rate(authorities, on)
    trend = [
        disclosure.employment_rate(point, limit).marked()
        for point in figures.rate_trend(authorities, on, known=counted)
    ]
    by_need: dict[str, dict[str, dict[str, Any]]] = {}
    for line in figures.rate_by_need(authorities, on):
        by_need.setdefault(line.cohort, {})[line.need] = {
            "denominator": line.denominator,
            "numerator": line.numerator,
            "percent": line.percent,
        }
    shown = disclosure.employment_rate_page(counted, by_need, limit)
    rate = shown.marked()
    by_need_shown = rate.pop("by_need")
    return {
        "rate": rate,
        "on": on,
        "cohorts": [
            (
                figures.COHORT_LABELS[c],
                rate[c],
                [rate[c]["hours_bands"][b] for b in reports.BANDS],
            )
            for c in reports.COHORTS
        ],
        "band_labels": [figures.BAND_LABELS[b] for b in reports.BANDS],
        "cohort_labels": [figures.COHORT_LABELS[c] for c in reports.COHORTS],
        "by_need": [
            NeedRateShown(cohort, need, **cells)
            for cohort, needs in by_need_shown.items()
            for need, cells in needs.items()
        ],
        "trend": [
            (dt.date.fromisoformat(p["reporting_date"]), [p[c] for c in reports.COHORTS])
            for p in trend
        ],
        "chart_alt": charts.cohort_rates_alt(rate),
        "trend_alt": charts.rate_trend_alt(trend),
        "suppressed": bool(shown.small or shown.hidden),
        "limit": limit,
    }


def _employment_rate_table(data: dict[str, Any]) -> list[Line]:
    """One line per cohort."""
    lines: list[Line] = [
        (
            "reporting_date",
            "authorities",
            "cohort",
            "denominator",
            "numerator",
            "percent",
            *reports.BANDS,
        )
    ]
    for cohort in reports.COHORTS:
        counted = data[cohort]
        lines.append(
            (
                data["reporting_date"],
                " ".join(data["authorities"]),
                cohort,
                counted["denominator"],
                counted["numerator"],
                counted["percent"],
                *(counted["hours_bands"][band] for band in reports.BANDS),
            )
        )
    return lines


EMPLOYMENT_RATE = OutcomeReport(
    slug="employment-rate",
    title="Employment rate",
    when=When.REPORTING_DATE,
    form=EmploymentRateForm,
    summary=reports.employment_rate,
    disclose=disclosure.employment_rate,
    rows=reports.employment_rate_rows,
    columns=(*_WHO, "cohort", "age", "in_paid_work", "hours", "band"),
    template="reporting/employment_rate.html",
    page=_employment_rate_page,
    charts=(
        Chart(
            "chart",
            reports.employment_rate,
            charts.cohort_rates_svg,
            lambda rate, limit: disclosure.employment_rate(rate, limit).marked(),
        ),
        Chart(
            "trend",
            figures.rate_trend,
            charts.rate_trend_svg,
            lambda points, limit: [disclosure.employment_rate(p, limit).marked() for p in points],
        ),
    ),
    table=_employment_rate_table,
)


# --- job outcomes ---------------------------------------------------------------------


def _outcomes_page(authorities: list[Authority], dates: Dates, limit: int | None) -> dict[str, Any]:
    """The four measures by need group, with their totals."""
    start, end = dates
    shown = disclosure.outcomes(reports.outcomes(authorities, start, end), limit)
    data = shown.marked()
    return {
        "data": data,
        "start": start,
        "end": end,
        "measure_labels": [figures.MEASURE_LABELS[m] for m in reports.OUTCOME_MEASURES],
        "needs": [
            (figures.need_label(need), [counts[m] for m in reports.OUTCOME_MEASURES])
            for need, counts in data["by_need"].items()
        ],
        "totals": [data[m] for m in reports.OUTCOME_MEASURES],
        "chart_alt": charts.outcomes_alt(data),
        "suppressed": bool(shown.small or shown.hidden),
        "limit": limit,
    }


def _outcomes_table(data: dict[str, Any]) -> list[Line]:
    """The totals (need ``all``), then one line per need group."""
    lines: list[Line] = [("from", "to", "need", *reports.OUTCOME_MEASURES)]
    for need, counts in [("all", data), *data["by_need"].items()]:
        lines.append(
            (data["from"], data["to"], need, *(counts[m] for m in reports.OUTCOME_MEASURES))
        )
    return lines


OUTCOMES = OutcomeReport(
    slug="outcomes",
    title="Job outcomes",
    when=When.PERIOD,
    form=PeriodForm,
    summary=reports.outcomes,
    disclose=disclosure.outcomes,
    rows=reports.outcome_rows,
    columns=(
        *_WHO,
        "need",
        "placement_ref",
        "start_date",
        "end_date",
        *reports.OUTCOME_MEASURES,
    ),
    template="reporting/outcomes.html",
    page=_outcomes_page,
    charts=(
        Chart(
            "chart",
            reports.outcomes,
            charts.outcomes_svg,
            lambda data, limit: disclosure.outcomes(data, limit).marked(),
        ),
    ),
    table=_outcomes_table,
)


# --- care cost savings ----------------------------------------------------------------


def _savings_page(authorities: list[Authority], dates: Dates, limit: int | None) -> dict[str, Any]:
    """The totals and the same by need group, in pounds."""
    start, end = dates
    # the rows (real references, never shown) only to group them by need
    counted = reports.savings(authorities, start, end, detail=True)
    lines = figures.savings_by_need(authorities, start, end, rows=counted.pop("rows"))
    by_need = {
        line.need: {"people": line.people, **{k: getattr(line, k) for k in figures.SAVINGS_MONEY}}
        for line in lines
    }
    shown = disclosure.savings(counted, limit, by_need)
    data = shown.marked()
    by_need_shown = data.pop("by_need")
    return {
        "data": data,
        "start": start,
        "end": end,
        "money": {key: _pounds(data[key]) for key in figures.SAVINGS_MONEY},
        "by_need": [figures.NeedSavings(need, **cells) for need, cells in by_need_shown.items()],
        "need_lines": [
            (
                figures.need_label(need),
                cells["people"],
                [_pounds(cells[key]) for key in figures.SAVINGS_MONEY],
            )
            for need, cells in by_need_shown.items()
        ],
        "chart_alt": charts.savings_alt(data),
        "suppressed": bool(shown.small or shown.hidden),
        "limit": limit,
    }


def _pounds(value: str) -> str:
    """Money as the page shows it; a suppressed amount's mark as it is."""
    return value if value == disclosure.HIDDEN or value.startswith("<") else charts.pounds(value)


def _savings_table(data: dict[str, Any]) -> list[Line]:
    """One line per person (with ``--detail``), then the totals."""
    lines: list[Line] = [
        (
            "row",
            "authority",
            "person_ref",
            "first_start",
            "people",
            "weekly_before",
            "weekly_now",
            "annual_saving",
        )
    ]
    for r in data.get("rows", []):
        lines.append(
            (
                "person",
                r["authority"],
                r["person_ref"],
                r["first_start"],
                1,
                r["weekly_before"],
                r["weekly_now"],
                r["annual_saving"],
            )
        )
    lines.append(
        (
            "total",
            " ".join(data["authorities"]),
            "",
            "",
            data["people"],
            data["weekly_before"],
            data["weekly_now"],
            data["annual_saving"],
        )
    )
    return lines


SAVINGS = OutcomeReport(
    slug="savings",
    title="Care cost savings",
    when=When.PERIOD,
    form=PeriodForm,
    summary=reports.savings,
    disclose=disclosure.savings,
    rows=reports.savings_rows,
    columns=(*_WHO, "first_start", "weekly_before", "weekly_now", "annual_saving"),
    template="reporting/savings.html",
    page=_savings_page,
    charts=(
        Chart(
            "chart",
            reports.savings,
            charts.savings_svg,
            lambda data, limit: disclosure.savings(data, limit).marked(),
        ),
    ),
    table=_savings_table,
    detail=True,
)


# --- purchases with a personal budget -------------------------------------------------


PURCHASES = OutcomeReport(
    slug="purchases",
    title="Purchases with a personal budget",
    when=When.PERIOD,
    form=PeriodForm,
    summary=purchases.summary,
    disclose=purchases.disclose,
    rows=purchases.rows,
    columns=purchases.COLUMNS,
    template="reporting/purchases.html",
    page=purchases.page,
    charts=(
        Chart(
            "chart",
            purchases.summary,
            purchases.chart_svg,
            lambda data, limit: purchases.disclose(data, limit).marked(),
        ),
    ),
    table=purchases.table,
)


#: Every outcome report by slug, in the order pages, routes and commands list them.
REPORTS: dict[str, OutcomeReport] = {
    r.slug: r for r in (EMPLOYMENT_RATE, OUTCOMES, SAVINGS, PURCHASES)
}
