"""``/api/v1/reports``: the published outcome reports, for other systems.

Each report answers exactly the JSON that ``pathways report NAME --format json``
prints, from the same functions (``reporting.outcomes``); its ``/rows`` variant lists
the rows behind the figures, pseudonymised for callers who may not read every record
of the authority and audited as a read of each person listed (``reporting.access``,
shared with the pages and their CSV exports). Callers who see aggregates only
(commissioners) get the figures under the small-number rules
(``reporting.disclosure``): a suppressed count is null and listed in ``suppressed``;
pseudonymised rows carry bands in place of exact ages, dates and care costs.

Who may call them: team managers, authority-wide roles and superusers (403 for
others). ``authority`` (repeatable) defaults to every authority the caller reports
on; a code that does not exist or is outside the caller's reach answers 404, the same
for both, as for any record outside the caller's scope. A bad date or period is 422.

The routes are made from the reports' descriptions (``reporting.catalogue``), two per
report. django-ninja reads a route's query parameters from its function's signature,
so there is one route function per way of asking (a reporting date, or a period)
rather than one for all; what the OpenAPI document says of each report (its shapes,
summary and description) is in ``ENDPOINTS``.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Router, Schema
from ninja.errors import ValidationError
from ninja.params import P, QueryEx

from pathways.api.common import READ_REFUSALS
from pathways.core.models import Authority
from pathways.core.replica import reads_from_replica
from pathways.core.types import AuthedRequest
from pathways.reporting import access, periods, providers
from pathways.reporting.catalogue import (
    EMPLOYMENT_RATE,
    OUTCOMES,
    PURCHASES,
    SAVINGS,
    Dates,
    OutcomeReport,
    When,
)

router = Router(tags=["reports"])
Codes = QueryEx[
    list[str] | None,
    P(description="Authority code (repeatable); default: every one you report on"),
]
OnDate = QueryEx[dt.date | None, P(description="Reporting date, YYYY-MM-DD")]
Year = QueryEx[str | None, P(description="Financial year YYYY-YY, counted on 31 March")]
First = QueryEx[dt.date, P(alias="from", description="First day, YYYY-MM-DD")]
Last = QueryEx[dt.date, P(alias="to", description="Last day, YYYY-MM-DD (included)")]


# --- shapes: the CLI's JSON -----------------------------------------------------------


#: A count: null where the small-number rules suppress it (listed in ``suppressed``).
Count = int | None


class Suppressed(Schema):
    suppressed: list[str] | None = Field(
        None,
        description=(
            "Only for callers who see aggregates only (commissioners): the dotted paths of\n"
            "the figures that are null because they count fewer than the council's threshold\n"
            "of people (5 by default), or would let such a figure be worked out."
        ),
    )


class HoursBands(Schema):
    under_16: Count
    from_16_to_29: Count = Field(alias="16_to_29")
    from_30_plus: Count = Field(alias="30_plus")


class RateCohortOut(Schema):
    """One cohort of the employment-rate report (not a cohort allocation's answer)."""

    denominator: Count = Field(description="People in the cohort on the reporting date")
    numerator: Count = Field(description="Of them, people in paid work")
    percent: float | None = Field(
        description="Rounded half up to 0.1; null when 0 counted, or suppressed"
    )
    hours_bands: HoursBands


class TargetOut(Schema):
    authority: str
    measure: str
    cohort: str | None
    kind: str = Field(description="`target` (the authority's own) or `comparator`")
    year_ending: dt.date = Field(description="The financial year's last day, 31 March")
    value: str = Field(
        description="A percentage (an employment rate) or a number of job starts, as a "
        "string with two decimals"
    )
    label: str


class EmploymentRateOut(Suppressed):
    reporting_date: dt.date
    authorities: list[str]
    learning_disability: RateCohortOut
    secondary_mental_health: RateCohortOut
    targets: list[TargetOut] = Field(
        description="The authorities' targets and published comparators for the "
        "reporting date's financial year (entered as data by their commissioners)"
    )


class OutcomeCounts(Schema):
    job_starts: Count
    sustained_13_weeks: Count
    sustained_26_weeks: Count
    sustained_52_weeks: Count


class OutcomesOut(OutcomeCounts, Suppressed):
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    authorities: list[str]
    by_need: dict[str, OutcomeCounts] = Field(
        description="The same counts by primary support reason (`unknown` for blank)"
    )
    targets: list[TargetOut] = Field(
        description="The authorities' job-start targets and published comparators for the "
        "financial years the period touches (entered as data by their commissioners)"
    )


class ProgrammeCostOut(Schema):
    fixed_fees: str
    outcome_payments: str
    purchases: str
    total: str


class SavingsOut(Suppressed):
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    authorities: list[str]
    people: Count
    weekly_before: str | None = Field(
        description="Money as a string with two decimals; null when `people` is suppressed"
    )
    weekly_now: str | None
    annual_saving: str | None
    no_baseline: Count = Field(
        description="People with care costs but none in force the day before their first "
        "paid start: left out of the figures, not counted as costing 0.00"
    )
    programme_cost: ProgrammeCostOut
    net_benefit: str = Field(
        description="`annual_saving` less `programme_cost.total` (the cost in the period)"
    )
    sustained_26: Count = Field(description="Approved 26-week sustained jobs in the period")
    cost_per_sustained_26: str | None = Field(description="Null when there are none")
    people_in_work: Count
    people_not_in_work: Count
    weekly_care_cost_in_work: str | None = Field(
        description="Average weekly care cost on `to` of people with an episode in the "
        "period and care costs, in paid work that day; null for no one"
    )
    weekly_care_cost_not_in_work: str | None


class RowWho(Schema):
    authority: str
    person_ref: str = Field(description="The person's reference, or their pseudonym")
    name: str = Field(description="The person's name, or their pseudonym")


PSEUDONYMISED_DATE = "YYYY-MM-DD; in pseudonymised rows only the month, YYYY-MM"


class EmploymentRateRowOut(RowWho):
    cohort: str
    age: int | str = Field(description="Age in years; in pseudonymised rows a band, `25 to 34`")
    in_paid_work: bool
    hours: str | None = Field(
        description="Hours a week in paid work on the date; null in pseudonymised rows"
    )
    band: str | None


class OutcomeRowOut(RowWho):
    need: str
    placement_ref: str
    start_date: str = Field(description=PSEUDONYMISED_DATE)
    end_date: str | None = Field(description=PSEUDONYMISED_DATE)
    job_starts: bool
    sustained_13_weeks: bool
    sustained_26_weeks: bool
    sustained_52_weeks: bool


class SavingsRowOut(RowWho):
    first_start: str = Field(description=PSEUDONYMISED_DATE)
    weekly_before: str = Field(
        description="Money with two decimals; in pseudonymised rows a band, `£100 to £249`"
    )
    weekly_now: str
    annual_saving: str


class PurchaseFigures(Schema):
    people: Count = Field(description="People with a purchase on any day of the period")
    spend: str | None = Field(
        description=(
            "Weekly cost x days inside the period / 7, to the penny, added up; null when\n"
            "`people` is suppressed"
        )
    )
    people_with_job: Count = Field(
        description="Of them, people with a paid job start during a purchase or 91 days after"
    )
    spend_per_person_with_job: str | None = Field(
        description="`spend` / `people_with_job`; null when no one, or suppressed"
    )


class PurchasesOut(PurchaseFigures, Suppressed):
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    authorities: list[str]
    by_route: dict[str, PurchaseFigures] = Field(
        description="The same by route: direct_payment, individual_service_fund, spot_purchase"
    )


class PurchaseRowOut(RowWho):
    purchase_ref: str = Field(description="The purchase's reference, or its pseudonym")
    route: str
    buys: str
    supplier: str
    start_date: str = Field(description=PSEUDONYMISED_DATE)
    end_date: str | None = Field(description=PSEUDONYMISED_DATE)
    weekly_cost: str = Field(
        description="Money with two decimals; in pseudonymised rows a band, `£100 to £249`"
    )
    spend: str | None = Field(description="Spend in the period; null in pseudonymised rows")
    job_start: str | None = Field(
        description="The paid job start that counts; " + PSEUDONYMISED_DATE
    )


# --- checks ---------------------------------------------------------------------------


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError([{"loc": ("query", field), "msg": message}])


def _authorities(request: AuthedRequest, codes: list[str] | None) -> list[Authority]:
    if not access.may_see_reports(request.user):
        raise PermissionDenied("Your role does not include outcome reports.")
    try:
        return access.report_authorities(request.user, codes or [])
    except access.ReportScopeError as exc:
        if not codes:
            raise PermissionDenied(exc.message) from exc
        wanted = ", ".join(codes)
        raise Http404(f"No authority with the code {wanted} that you may report on.") from exc


def _reporting_date(on: dt.date | None, year: str | None) -> dt.date:
    if on and year:
        raise _invalid("on", "Give either year or on, not both.")
    if year:
        try:
            return periods.financial_year_end(year)
        except ValueError as exc:
            message = str(exc)
            raise _invalid("year", f"{message[0].upper()}{message[1:]}.") from exc
    if on is None:
        raise _invalid("on", "Give year (a financial year, YYYY-YY) or on (a date, YYYY-MM-DD).")
    return on


def _period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    if start > end:
        raise _invalid("from", f"The first day, {start}, is after the last day, {end}.")
    return start, end


# --- routes ---------------------------------------------------------------------------

#: What a route answers, given the request, the authorities and the dates asked for.
Answer = Callable[[AuthedRequest, list[Authority], Dates], Any]


def _figures(
    report: OutcomeReport, request: AuthedRequest, authorities: list[Authority], dates: Dates
) -> dict[str, Any]:
    limit = access.small_number_limit(request.user, authorities)
    return report.figures(authorities, dates, limit)


def _rows(
    report: OutcomeReport, request: AuthedRequest, authorities: list[Authority], dates: Dates
) -> list[dict[str, Any]]:
    return access.report_rows(
        request.user, report, authorities, dates, channel="api", request=request
    )


def _on_a_reporting_date(answer: Answer) -> Callable[..., Any]:
    """A route asked for with ``on`` or ``year``: the caller and the authorities are
    checked first (403, 404), then the date (422)."""

    def route(
        request: AuthedRequest,
        authority: Codes = None,
        on: OnDate = None,
        year: Year = None,
    ) -> Any:
        @reads_from_replica
        def reporting() -> Any:
            authorities = _authorities(request, authority)
            return answer(request, authorities, (_reporting_date(on, year),))

        return reporting()

    return route


def _over_a_period(answer: Answer) -> Callable[..., Any]:
    """A route asked for with ``from`` and ``to``, checked in the same order."""

    def route(
        request: AuthedRequest,
        start: First,
        end: Last,
        authority: Codes = None,
    ) -> Any:
        @reads_from_replica
        def reporting() -> Any:
            authorities = _authorities(request, authority)
            return answer(request, authorities, _period(start, end))

        return reporting()

    return route


#: A route function for each way of asking, with its query parameters.
ROUTES = {When.REPORTING_DATE: _on_a_reporting_date, When.PERIOD: _over_a_period}


@dataclass(frozen=True)
class Endpoints:
    """What the OpenAPI document says of a report's two routes, ``/<slug>`` (the
    figures, as the command prints them) and ``/<slug>/rows``. The descriptions keep
    the line breaks of the docstrings they were."""

    report: OutcomeReport
    figures: type[Schema]
    rows: Any  # list[<its row schema>]
    summary: str
    description: str
    rows_description: str


ENDPOINTS = (
    Endpoints(
        EMPLOYMENT_RATE,
        EmploymentRateOut,
        list[EmploymentRateRowOut],
        summary="Employment rate (ASCOF)",
        description=(
            "The learning-disability and secondary mental-health cohorts in paid work on the\n"
            "reporting date, with hours bands: give `year` or `on`."
        ),
        rows_description=(
            "One row per person per cohort they are counted in. Each person listed is a read\n"
            "of their record; rows are pseudonymised unless you may read every record."
        ),
    ),
    Endpoints(
        OUTCOMES,
        OutcomesOut,
        list[OutcomeRowOut],
        summary="Job outcomes in a period",
        description=(
            "Job starts and jobs sustained 13, 26 and 52 weeks in the period, overall and by\n"
            "need group."
        ),
        rows_description=(
            "One row per paid job that counts towards any measure. Audited and pseudonymised\n"
            "as the employment-rate rows."
        ),
    ),
    Endpoints(
        SAVINGS,
        SavingsOut,
        list[SavingsRowOut],
        summary="Care cost savings",
        description=(
            "Weekly care costs before and after the first paid start in the period, for the\n"
            "people with care costs: the totals (the rows per person are at `/savings/rows`)."
        ),
        rows_description=(
            "One row per person counted in the savings. Audited and pseudonymised as the\n"
            "employment-rate rows."
        ),
    ),
    Endpoints(
        PURCHASES,
        PurchasesOut,
        list[PurchaseRowOut],
        summary="Purchases with a personal budget",
        description=(
            "Per route (direct payment, individual service fund, spot purchase): people, spend\n"
            "in the period, people with a paid job start during a purchase or within 91 days\n"
            "after it ended, and spend per such person; with the totals."
        ),
        rows_description=(
            "One row per purchase in force in the period. Audited and pseudonymised as the\n"
            "employment-rate rows."
        ),
    ),
)


def _add_routes(endpoints: Endpoints) -> None:
    report = endpoints.report
    route = ROUTES[report.when]
    # the names the routes had as functions of this module, kept for the OpenAPI
    # document's operation ids and the URL names
    name = report.slug.replace("-", "_")
    router.get(
        f"/{report.slug}",
        response={200: endpoints.figures, **READ_REFUSALS},
        by_alias=True,
        # ``suppressed`` only where the small-number rules apply
        exclude_unset=True,
        summary=endpoints.summary,
        description=endpoints.description,
        operation_id=f"pathways_api_reports_{name}",
        url_name=name,
    )(route(partial(_figures, report)))
    router.get(
        f"/{report.slug}/rows",
        response={200: endpoints.rows, **READ_REFUSALS},
        summary=f"{report.title}: the rows",
        description=endpoints.rows_description,
        operation_id=f"pathways_api_reports_{name}_rows",
        url_name=f"{name}_rows",
    )(route(partial(_rows, report)))


for _endpoints in ENDPOINTS:
    _add_routes(_endpoints)


# --- the providers report ----------------------------------------------------------------

ContractRef = QueryEx[str | None, P(description="One contract, by its reference")]


@router.get(
    "/providers",
    response={200: dict[str, Any], **READ_REFUSALS},
    summary="Providers: performance against the contract",
    description=(
        "Per contract of the authority in force in the period, the figures of\n"
        "`pathways report providers AUTHORITY --format json`: referrals, waiting, caseload\n"
        "against places, outcomes, money, cost per job, targets, the creaming and parking\n"
        "indicators and flags. Commissioners of the authority see every contract (counts\n"
        "under the small-number rules, listed in `suppressed`); a provider's team managers\n"
        "their own organisation's. Anyone else, or a contract not theirs, is 404."
    ),
    url_name="providers",
)
def providers_report(
    request: AuthedRequest,
    authority: QueryEx[str, P(description="The commissioning authority's code")],
    start: First,
    end: Last,
    contract: ContractRef = None,
) -> Any:
    _period(start, end)

    @reads_from_replica
    def reporting() -> Any:
        try:
            shown = providers.serve(
                request.user, authority, start, end, contract or "", channel="api", request=request
            )
        except providers.ProvidersRefused as exc:
            raise Http404(exc.message) from exc
        return providers.as_json(shown)

    return reporting()
