"""``/api/v1/reports``: the outcome reports of spec/cli-and-reports.md for other systems.

Each report answers exactly the JSON that ``pathways report NAME --format json``
prints, from the same functions (``reporting.outcomes``); its ``/rows`` variant lists
the rows behind the figures, pseudonymised for callers who may not read every record
of the authority and audited as a read of each person listed (``reporting.access``,
shared with the pages and their CSV exports).

Who may call them: team managers, authority-wide roles and superusers (403 for
others). ``authority`` (repeatable) defaults to every authority the caller reports
on; a code that does not exist or is outside the caller's reach answers 404, the same
for both, as for any record outside the caller's scope. A bad date or period is 422.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Router, Schema
from ninja.errors import ValidationError
from ninja.params import P, QueryEx

from pathways.api.schemas import Error, FieldErrors
from pathways.core.models import Authority
from pathways.core.types import AuthedRequest
from pathways.reporting import access, periods
from pathways.reporting import outcomes as outcome_reports
from pathways.reporting.catalogue import EMPLOYMENT_RATE, OUTCOMES, SAVINGS

router = Router(tags=["reports"])
REFUSALS = {401: Error, 403: Error, 404: Error, 422: FieldErrors}
Codes = QueryEx[
    list[str] | None,
    P(description="Authority code (repeatable); default: every one you report on"),
]
OnDate = QueryEx[dt.date | None, P(description="Reporting date, YYYY-MM-DD")]
Year = QueryEx[str | None, P(description="Financial year YYYY-YY, counted on 31 March")]
First = QueryEx[dt.date, P(alias="from", description="First day, YYYY-MM-DD")]
Last = QueryEx[dt.date, P(alias="to", description="Last day, YYYY-MM-DD (included)")]


# --- shapes: the CLI's JSON -----------------------------------------------------------


class HoursBands(Schema):
    under_16: int
    from_16_to_29: int = Field(alias="16_to_29")
    from_30_plus: int = Field(alias="30_plus")


class CohortOut(Schema):
    denominator: int = Field(description="People in the cohort on the reporting date")
    numerator: int = Field(description="Of them, people in paid work")
    percent: float | None = Field(description="Rounded half up to 0.1; null when 0 counted")
    hours_bands: HoursBands


class EmploymentRateOut(Schema):
    reporting_date: dt.date
    authorities: list[str]
    learning_disability: CohortOut
    secondary_mental_health: CohortOut


class OutcomeCounts(Schema):
    job_starts: int
    sustained_13_weeks: int
    sustained_26_weeks: int
    sustained_52_weeks: int


class OutcomesOut(OutcomeCounts):
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    authorities: list[str]
    by_need: dict[str, OutcomeCounts] = Field(
        description="The same counts by primary support reason (`unknown` for blank)"
    )


class SavingsOut(Schema):
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    authorities: list[str]
    people: int
    weekly_before: str = Field(description="Money as a string with two decimals")
    weekly_now: str
    annual_saving: str


class RowWho(Schema):
    authority: str
    person_ref: str = Field(description="The person's reference, or their pseudonym")
    name: str = Field(description="The person's name, or their pseudonym")


class EmploymentRateRowOut(RowWho):
    cohort: str
    age: int
    in_paid_work: bool
    hours: str | None = Field(description="Hours a week in paid work on the date")
    band: str | None


class OutcomeRowOut(RowWho):
    need: str
    placement_ref: str
    start_date: dt.date
    end_date: dt.date | None
    job_starts: bool
    sustained_13_weeks: bool
    sustained_26_weeks: bool
    sustained_52_weeks: bool


class SavingsRowOut(RowWho):
    first_start: dt.date
    weekly_before: str
    weekly_now: str
    annual_saving: str


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


# --- reports --------------------------------------------------------------------------


@router.get(
    "/employment-rate",
    response={200: EmploymentRateOut, **REFUSALS},
    by_alias=True,
    summary="Employment rate (ASCOF)",
)
def employment_rate(
    request: AuthedRequest,
    authority: Codes = None,
    on: OnDate = None,
    year: Year = None,
):
    """The learning-disability and secondary mental-health cohorts in paid work on the
    reporting date, with hours bands: give `year` or `on`."""
    authorities = _authorities(request, authority)
    return outcome_reports.employment_rate(authorities, _reporting_date(on, year))


@router.get(
    "/employment-rate/rows",
    response={200: list[EmploymentRateRowOut], **REFUSALS},
    summary="Employment rate: the rows",
)
def employment_rate_rows(
    request: AuthedRequest,
    authority: Codes = None,
    on: OnDate = None,
    year: Year = None,
):
    """One row per person per cohort they are counted in. Each person listed is a read
    of their record; rows are pseudonymised unless you may read every record."""
    authorities = _authorities(request, authority)
    return access.report_rows(
        request.user,
        EMPLOYMENT_RATE,
        authorities,
        (_reporting_date(on, year),),
        channel="api",
        request=request,
    )


@router.get(
    "/outcomes",
    response={200: OutcomesOut, **REFUSALS},
    by_alias=True,
    summary="Job outcomes in a period",
)
def outcomes(
    request: AuthedRequest,
    start: First,
    end: Last,
    authority: Codes = None,
):
    """Job starts and jobs sustained 13, 26 and 52 weeks in the period, overall and by
    need group."""
    authorities = _authorities(request, authority)
    return outcome_reports.outcomes(authorities, *_period(start, end))


@router.get(
    "/outcomes/rows",
    response={200: list[OutcomeRowOut], **REFUSALS},
    summary="Job outcomes: the rows",
)
def outcomes_rows(
    request: AuthedRequest,
    start: First,
    end: Last,
    authority: Codes = None,
):
    """One row per paid job that counts towards any measure. Audited and pseudonymised
    as the employment-rate rows."""
    authorities = _authorities(request, authority)
    return access.report_rows(
        request.user, OUTCOMES, authorities, _period(start, end), channel="api", request=request
    )


@router.get(
    "/savings",
    response={200: SavingsOut, **REFUSALS},
    by_alias=True,
    summary="Care cost savings",
)
def savings(
    request: AuthedRequest,
    start: First,
    end: Last,
    authority: Codes = None,
):
    """Weekly care costs before and after the first paid start in the period, for the
    people with care costs: the totals (the rows per person are at `/savings/rows`)."""
    authorities = _authorities(request, authority)
    return outcome_reports.savings(authorities, *_period(start, end))


@router.get(
    "/savings/rows",
    response={200: list[SavingsRowOut], **REFUSALS},
    summary="Care cost savings: the rows",
)
def savings_rows(
    request: AuthedRequest,
    start: First,
    end: Last,
    authority: Codes = None,
):
    """One row per person counted in the savings. Audited and pseudonymised as the
    employment-rate rows."""
    authorities = _authorities(request, authority)
    return access.report_rows(
        request.user, SAVINGS, authorities, _period(start, end), channel="api", request=request
    )
