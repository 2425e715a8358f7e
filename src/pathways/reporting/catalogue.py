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
from decimal import Decimal
from enum import Enum
from typing import Any

from pathways.commissioning import cost, targets
from pathways.core.models import Authority
from pathways.reporting import charts, disclosure, figures, purchases, user_voice
from pathways.reporting import outcomes as reports
from pathways.reporting.forms import EmploymentRateForm, PeriodForm
from pathways.reporting.periods import year_ending

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
    #: Its figures depend on who asks, not only on the authorities (the user voice
    #: report: a team manager's own teams, and the words only for the team): its
    #: summary, page and rows functions then take ``viewer`` (None: the command line
    #: without ``--as``, every team).
    per_viewer: bool = False

    def asking(self, viewer: Any) -> dict[str, Any]:
        """The keyword arguments that tell its functions who asks, when they need to."""
        return {"viewer": viewer} if self.per_viewer else {}

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
    figures_beside = _rate_targets(
        authorities, dt.date.fromisoformat(trend[0]["reporting_date"]), on
    )
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
        "trend_alt": charts.rate_trend_alt(trend, figures_beside),
        "targets": [
            {**t, "cohort_label": figures.COHORT_LABELS[t["cohort"]]} for t in figures_beside
        ],
        "suppressed": bool(shown.small or shown.hidden),
        "limit": limit,
    }


def _rate_targets(authorities: list[Authority], first: dt.date, on: dt.date) -> list[dict]:
    """The authorities' targets and comparators for the employment rate, for the years
    ending from ``first`` to the end of the reporting date's year (one query)."""
    found = targets.for_rates([a.pk for a in authorities], first, year_ending(on))
    return targets.as_json(found)


def employment_rate_summary(authorities: list[Authority], on: dt.date) -> dict[str, Any]:
    """The employment rate (the spec's keys) and, as an extra key, the authorities'
    targets and comparators for the reporting date's financial year."""
    year = year_ending(on)
    return {
        **reports.employment_rate(authorities, on),
        "targets": targets.as_json(targets.for_rates([a.pk for a in authorities], year, year)),
    }


def _trend_with_targets(authorities: list[Authority], on: dt.date) -> dict[str, Any]:
    points = figures.rate_trend(authorities, on)
    first = dt.date.fromisoformat(points[0]["reporting_date"])
    return {"points": points, "targets": _rate_targets(authorities, first, on)}


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
    summary=employment_rate_summary,
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
            _trend_with_targets,
            lambda drawn: charts.rate_trend_svg(drawn["points"], drawn["targets"]),
            lambda drawn, limit: {
                **drawn,
                "points": [disclosure.employment_rate(p, limit).marked() for p in drawn["points"]],
            },
        ),
    ),
    table=_employment_rate_table,
)


# --- job outcomes ---------------------------------------------------------------------


def outcomes_summary(authorities: list[Authority], start: dt.date, end: dt.date) -> dict[str, Any]:
    """Job outcomes (the spec's keys) and, as an extra key as the employment rate has,
    the authorities' job-start targets and comparators for the financial years the
    period touches."""
    return {
        **reports.outcomes(authorities, start, end),
        "targets": _job_start_targets(authorities, start, end),
    }


def _job_start_targets(authorities: list[Authority], start: dt.date, end: dt.date) -> list[dict]:
    found = targets.for_job_starts(
        [a.pk for a in authorities], year_ending(start), year_ending(end)
    )
    return targets.as_json(found)


def _starts_by_year_with_targets(
    authorities: list[Authority], start: dt.date, end: dt.date
) -> dict[str, Any]:
    return {
        "years": reports.job_starts_by_year(authorities, start, end),
        "targets": _job_start_targets(authorities, start, end),
    }


def _outcomes_page(authorities: list[Authority], dates: Dates, limit: int | None) -> dict[str, Any]:
    """The four measures by need group, with their totals; and the job starts by
    financial year beside the authorities' job-start targets and comparators."""
    start, end = dates
    shown = disclosure.outcomes(reports.outcomes(authorities, start, end), limit)
    data = shown.marked()
    drawn = _starts_by_year_with_targets(authorities, start, end)
    by_year = disclosure.job_starts_by_year(drawn["years"], limit)
    years = by_year.marked()
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
        "years": [
            (charts.year_words(year, counted), counted["job_starts"])
            for year, counted in years["by_year"].items()
        ],
        "years_alt": charts.job_starts_years_alt(years, drawn["targets"]),
        "targets": drawn["targets"],
        "suppressed": bool(shown.small or shown.hidden or by_year.small or by_year.hidden),
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
    summary=outcomes_summary,
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
        Chart(
            "years",
            _starts_by_year_with_targets,
            lambda drawn: charts.job_starts_years_svg(drawn["years"], drawn["targets"]),
            lambda drawn, limit: {
                **drawn,
                "years": disclosure.job_starts_by_year(drawn["years"], limit).marked(),
            },
        ),
    ),
    table=_outcomes_table,
)


# --- care cost savings ----------------------------------------------------------------


def savings_summary(
    authorities: list[Authority], start: dt.date, end: dt.date, detail: bool = False, **rows: Any
) -> dict[str, Any]:
    """The savings (the spec's keys), and beside them, as extra keys, what the programme
    cost in the period and what it bought (``commissioning.cost``, decision 0028)."""
    out = reports.savings(authorities, start, end, detail, **rows)
    ids = [a.pk for a in authorities]
    return {**out, **cost.cost_benefit(ids, start, end, Decimal(out["annual_saving"]))}


def _savings_page(authorities: list[Authority], dates: Dates, limit: int | None) -> dict[str, Any]:
    """The totals and the same by need group, in pounds, and the programme's cost."""
    start, end = dates
    # the rows (real references, never shown) only to group them by need
    counted = savings_summary(authorities, start, end, detail=True)
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
        "cost": _cost_lines(data),
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


def _pounds(value: str | None) -> str:
    """Money as the page shows it; a suppressed amount's mark as it is; none as a dash."""
    if value is None:
        return "none"
    return value if value == disclosure.HIDDEN or value.startswith("<") else charts.pounds(value)


def _cost_lines(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The programme's cost and what it bought, as the page's table rows."""
    paid = data["programme_cost"]
    return [
        ("Fixed fees of contracts in force", _pounds(paid["fixed_fees"])),
        ("Outcome payments approved", _pounds(paid["outcome_payments"])),
        ("Purchases with personal budgets", _pounds(paid["purchases"])),
        ("Programme cost in the period", _pounds(paid["total"])),
        (
            "Net benefit: the saving for a year less the programme cost in the period",
            _pounds(data["net_benefit"]),
        ),
        ("Jobs sustained 26 weeks (approved)", str(data["sustained_26"])),
        ("Cost per job sustained 26 weeks", _pounds(data["cost_per_sustained_26"])),
        (
            f"Average weekly care cost on the last day, people in paid work "
            f"({data['people_in_work']})",
            _pounds(data["weekly_care_cost_in_work"]),
        ),
        (
            f"Average weekly care cost on the last day, people not in paid work "
            f"({data['people_not_in_work']})",
            _pounds(data["weekly_care_cost_not_in_work"]),
        ),
    ]


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
            "no_baseline",
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
                "",
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
            data["no_baseline"],
        )
    )
    return lines


SAVINGS = OutcomeReport(
    slug="savings",
    title="Care cost savings",
    when=When.PERIOD,
    form=PeriodForm,
    summary=savings_summary,
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


# --- user voice: "How is it going?" ----------------------------------------------------


USER_VOICE = OutcomeReport(
    slug="user-voice",
    title="User voice",
    when=When.PERIOD,
    form=PeriodForm,
    summary=user_voice.summary,
    disclose=user_voice.disclose,
    rows=user_voice.rows,
    columns=user_voice.COLUMNS,
    template="reporting/user_voice.html",
    page=user_voice.page,
    charts=(),
    table=user_voice.table,
    per_viewer=True,
)


#: Every outcome report by slug, in the order pages, routes and commands list them.
REPORTS: dict[str, OutcomeReport] = {
    r.slug: r for r in (EMPLOYMENT_RATE, OUTCOMES, SAVINGS, PURCHASES, USER_VOICE)
}
