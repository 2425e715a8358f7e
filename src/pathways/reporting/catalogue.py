"""The three outcome reports, each described once (``OutcomeReport``).

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
from pathways.reporting import charts, figures
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
    #: ``(authorities, *dates, pseudonymise=, seen=)`` -> the rows behind the figures.
    rows: Callable[..., list[dict[str, Any]]]
    #: The rows' keys, in the order of the CSV export's columns.
    columns: tuple[str, ...]
    template: str
    #: ``(authorities, dates)`` -> what the page's template shows besides the form.
    page: Callable[[list[Authority], Dates], dict[str, Any]]
    charts: tuple[Chart, ...]
    #: The summary as lines for ``pathways report --format csv|table``, header first.
    table: Callable[[dict[str, Any]], list[Line]]
    #: ``pathways report NAME --detail`` adds the rows to the summary (savings only, as
    #: the spec has it); the summary function then takes ``detail``, ``pseudonymise``
    #: and ``seen`` as the rows function does.
    detail: bool = False

    @property
    def rows_read(self) -> str:
        """What a read of its rows is recorded as in the audit trail."""
        return f"{self.slug.replace('-', ' ')} report rows"


_WHO = ("authority", "person_ref", "name")


# --- employment rate ------------------------------------------------------------------


def _employment_rate_page(authorities: list[Authority], dates: Dates) -> dict[str, Any]:
    """The cohorts' rates and hours bands, the cohorts by need group, and the trend over
    the last 8 quarter ends (the reporting date's own figures counted once)."""
    (on,) = dates
    rate = reports.employment_rate(authorities, on)
    trend = figures.rate_trend(authorities, on, known=rate)
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
        "by_need": figures.rate_by_need(authorities, on),
        "trend": [
            (dt.date.fromisoformat(p["reporting_date"]), [p[c] for c in reports.COHORTS])
            for p in trend
        ],
        "chart_alt": charts.cohort_rates_alt(rate),
        "trend_alt": charts.rate_trend_alt(trend),
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
    rows=reports.employment_rate_rows,
    columns=(*_WHO, "cohort", "age", "in_paid_work", "hours", "band"),
    template="reporting/employment_rate.html",
    page=_employment_rate_page,
    charts=(
        Chart("chart", reports.employment_rate, charts.cohort_rates_svg),
        Chart("trend", figures.rate_trend, charts.rate_trend_svg),
    ),
    table=_employment_rate_table,
)


# --- job outcomes ---------------------------------------------------------------------


def _outcomes_page(authorities: list[Authority], dates: Dates) -> dict[str, Any]:
    """The four measures by need group, with their totals."""
    start, end = dates
    data = reports.outcomes(authorities, start, end)
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
    charts=(Chart("chart", reports.outcomes, charts.outcomes_svg),),
    table=_outcomes_table,
)


# --- care cost savings ----------------------------------------------------------------


def _savings_page(authorities: list[Authority], dates: Dates) -> dict[str, Any]:
    """The totals and the same by need group, in pounds."""
    start, end = dates
    # the rows (real references, never shown) only to group them by need
    data = reports.savings(authorities, start, end, detail=True)
    by_need = figures.savings_by_need(authorities, start, end, rows=data.pop("rows"))
    return {
        "data": data,
        "start": start,
        "end": end,
        "money": {key: charts.pounds(data[key]) for key in figures.SAVINGS_MONEY},
        "by_need": by_need,
        "need_lines": [
            (
                line.need_label,
                line.people,
                [charts.pounds(getattr(line, key)) for key in figures.SAVINGS_MONEY],
            )
            for line in by_need
        ],
        "chart_alt": charts.savings_alt(data),
    }


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
    rows=reports.savings_rows,
    columns=(*_WHO, "first_start", "weekly_before", "weekly_now", "annual_saving"),
    template="reporting/savings.html",
    page=_savings_page,
    charts=(Chart("chart", reports.savings, charts.savings_svg),),
    table=_savings_table,
    detail=True,
)


#: Every outcome report by slug, in the order pages, routes and commands list them.
REPORTS: dict[str, OutcomeReport] = {r.slug: r for r in (EMPLOYMENT_RATE, OUTCOMES, SAVINGS)}
