"""Report pages: figures with the numbers in tables (no personal data on the pages).

The outcome reports (employment rate, outcomes, savings) each have a page with a GET
form, a chart served from its own URL as SVG (``charts``) and the numbers in tables
beside it, and a CSV of the rows behind the figures (``access.report_rows``:
pseudonymised for those who may not read every record, audited). Who may see them and
on which authorities is ``reporting.access``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from pathways.casework import services as casework
from pathways.core import policies
from pathways.core.charts import svg_response
from pathways.core.errors import ActionRefused
from pathways.core.models import Team, User
from pathways.core.policies import CASEWORK_ROLES
from pathways.core.types import AuthedRequest
from pathways.reporting import access, charts, exports, figures
from pathways.reporting import outcomes as reports
from pathways.reporting.caseload import caseload
from pathways.reporting.forms import EmploymentRateForm, PeriodForm, ReassignForm, ReportForm
from pathways.reporting.outcomes import BANDS, COHORTS, OUTCOME_MEASURES


@login_required
def caseload_page(request: AuthedRequest) -> HttpResponse:
    team_ids = policies.report_team_ids(request.user)
    if team_ids is not None and not team_ids:
        raise PermissionDenied("Your role does not include caseload reports.")
    lines = caseload(team_ids, timezone.localdate())
    managed = policies.managed_team_ids(request.user)
    return render(
        request,
        "reporting/caseload.html",
        {
            "lines": lines,
            "managed_codes": {t.code for t in Team.objects.filter(pk__in=managed)},
        },
    )


@login_required
def reassign(request: AuthedRequest, code: str) -> HttpResponse:
    team = Team.objects.filter(code=code).first()
    if team is None:
        raise Http404("No such team")
    if not (request.user.is_superuser or team.pk in policies.managed_team_ids(request.user)):
        raise PermissionDenied("Only the team manager can reassign a caseload.")
    workers = (
        User.objects.filter(
            memberships__team=team, memberships__role__in=CASEWORK_ROLES, is_active=True
        )
        .distinct()
        .order_by("last_name", "first_name")
    )
    form = ReassignForm(request.POST if request.method == "POST" else None, workers=workers)
    if request.method == "POST" and form.is_valid():
        try:
            moved = casework.reassign_caseload(
                request.user,
                team=team,
                from_worker=form.cleaned_data["from_worker"],
                to_workers=list(form.cleaned_data["to_workers"]),
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, f"{len(moved)} cases moved from {form.cleaned_data['from_worker']}."
            )
            return redirect("reporting:caseload")
    status = 400 if request.method == "POST" else 200
    return render(request, "reporting/reassign.html", {"team": team, "form": form}, status=status)


# --- outcome reports: pages, charts and row exports -----------------------------------

FormT = TypeVar("FormT", bound=ReportForm)


def _report_form(request: AuthedRequest, form_class: type[FormT]) -> FormT:
    """The report's form bound to the query string, for a user who may see reports
    (403 otherwise); it offers the authorities they may report on."""
    if not access.may_see_reports(request.user):
        raise PermissionDenied("Your role does not include outcome reports.")
    try:
        authorities = access.report_authorities(request.user)
    except access.ReportScopeError as exc:
        raise PermissionDenied(exc.message) from exc
    form = form_class(request.GET, authorities=authorities, today=timezone.localdate())
    form.is_valid()
    return form


def _valid(form: FormT) -> FormT:
    """For charts and exports, whose links the pages write: a bad query is a 400."""
    if form.errors:
        raise BadRequest("; ".join(str(e) for errors in form.errors.values() for e in errors))
    return form


def _csv(name: str, rows: list[dict], *dates: dt.date) -> HttpResponse:
    response = HttpResponse(exports.rows_csv(name, rows), content_type="text/csv; charset=utf-8")
    stamp = "-to-".join(d.isoformat() for d in dates)
    response["Content-Disposition"] = f'attachment; filename="{name}-rows-{stamp}.csv"'
    return response


def _links(name: str, form: ReportForm, *charts: str) -> dict[str, str]:
    query = urlencode(form.query())
    links = {
        chart: f"{reverse(f'reporting:{name}-{chart}')}?{query}" for chart in ("rows", *charts)
    }
    links["self"] = f"{reverse(f'reporting:{name}')}?{query}"
    return links


def _render(
    request: AuthedRequest, template: str, form: ReportForm, context: dict[str, Any]
) -> HttpResponse:
    chosen = form.chosen_authorities() if not form.errors else []
    hidden = access.hidden_authorities(request.user, chosen)
    return render(
        request,
        template,
        {
            "form": form,
            "chosen": chosen,
            "pseudonymised": bool(hidden),
            **context,
        },
        status=400 if form.errors else 200,
    )


@login_required
def reports_index(request: AuthedRequest) -> HttpResponse:
    if not access.may_see_reports(request.user):
        raise PermissionDenied("Your role does not include outcome reports.")
    return render(request, "reporting/index.html")


@login_required
def employment_rate_page(request: AuthedRequest) -> HttpResponse:
    form = _report_form(request, EmploymentRateForm)
    if form.errors:
        return _render(request, "reporting/employment_rate.html", form, {})
    chosen, on = form.chosen_authorities(), form.reporting_date
    rate = reports.employment_rate(chosen, on)
    trend = figures.rate_trend(chosen, on, known=rate)
    return _render(
        request,
        "reporting/employment_rate.html",
        form,
        {
            "rate": rate,
            "on": on,
            "cohorts": [
                (figures.COHORT_LABELS[c], rate[c], [rate[c]["hours_bands"][b] for b in BANDS])
                for c in COHORTS
            ],
            "band_labels": [figures.BAND_LABELS[b] for b in BANDS],
            "cohort_labels": [figures.COHORT_LABELS[c] for c in COHORTS],
            "by_need": figures.rate_by_need(chosen, on),
            "trend": [
                (dt.date.fromisoformat(p["reporting_date"]), [p[c] for c in COHORTS]) for p in trend
            ],
            "chart_alt": charts.cohort_rates_alt(rate),
            "trend_alt": charts.rate_trend_alt(trend),
            "links": _links("employment-rate", form, "chart", "trend"),
        },
    )


@login_required
def employment_rate_chart(request: AuthedRequest) -> HttpResponse:
    form = _valid(_report_form(request, EmploymentRateForm))
    rate = reports.employment_rate(form.chosen_authorities(), form.reporting_date)
    return svg_response(charts.cohort_rates_svg(rate))


@login_required
def employment_rate_trend(request: AuthedRequest) -> HttpResponse:
    form = _valid(_report_form(request, EmploymentRateForm))
    return svg_response(
        charts.rate_trend_svg(figures.rate_trend(form.chosen_authorities(), form.reporting_date))
    )


@login_required
def employment_rate_rows(request: AuthedRequest) -> HttpResponse:
    form = _valid(_report_form(request, EmploymentRateForm))
    on = form.reporting_date
    rows = access.report_rows(
        request.user,
        "employment-rate",
        form.chosen_authorities(),
        on,
        channel="export",
        request=request,
    )
    return _csv("employment-rate", rows, on)


@login_required
def outcomes_page(request: AuthedRequest) -> HttpResponse:
    form = _report_form(request, PeriodForm)
    if form.errors:
        return _render(request, "reporting/outcomes.html", form, {})
    start, end = form.period
    data = reports.outcomes(form.chosen_authorities(), start, end)
    return _render(
        request,
        "reporting/outcomes.html",
        form,
        {
            "data": data,
            "start": start,
            "end": end,
            "measure_labels": [figures.MEASURE_LABELS[m] for m in OUTCOME_MEASURES],
            "needs": [
                (figures.need_label(need), [counts[m] for m in OUTCOME_MEASURES])
                for need, counts in data["by_need"].items()
            ],
            "totals": [data[m] for m in OUTCOME_MEASURES],
            "chart_alt": charts.outcomes_alt(data),
            "links": _links("outcomes", form, "chart"),
        },
    )


@login_required
def outcomes_chart(request: AuthedRequest) -> HttpResponse:
    form = _valid(_report_form(request, PeriodForm))
    return svg_response(
        charts.outcomes_svg(reports.outcomes(form.chosen_authorities(), *form.period))
    )


@login_required
def outcomes_rows(request: AuthedRequest) -> HttpResponse:
    form = _valid(_report_form(request, PeriodForm))
    rows = access.report_rows(
        request.user,
        "outcomes",
        form.chosen_authorities(),
        *form.period,
        channel="export",
        request=request,
    )
    return _csv("outcomes", rows, *form.period)


@login_required
def savings_page(request: AuthedRequest) -> HttpResponse:
    form = _report_form(request, PeriodForm)
    if form.errors:
        return _render(request, "reporting/savings.html", form, {})
    chosen, (start, end) = form.chosen_authorities(), form.period
    # the rows (real references, never shown) only to group them by need
    data = reports.savings(chosen, start, end, detail=True)
    by_need = figures.savings_by_need(chosen, start, end, rows=data.pop("rows"))
    return _render(
        request,
        "reporting/savings.html",
        form,
        {
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
            "links": _links("savings", form, "chart"),
        },
    )


@login_required
def savings_chart(request: AuthedRequest) -> HttpResponse:
    form = _valid(_report_form(request, PeriodForm))
    return svg_response(
        charts.savings_svg(reports.savings(form.chosen_authorities(), *form.period))
    )


@login_required
def savings_rows(request: AuthedRequest) -> HttpResponse:
    form = _valid(_report_form(request, PeriodForm))
    rows = access.report_rows(
        request.user,
        "savings",
        form.chosen_authorities(),
        *form.period,
        channel="export",
        request=request,
    )
    return _csv("savings", rows, *form.period)
