"""Report pages: figures with the numbers in tables (no personal data on the pages).

The outcome reports (employment rate, outcomes, savings) each have a page with a GET
form, a chart or two served from their own URLs as SVG (``charts``) and the numbers in
tables beside them (under the small-number rules of ``disclosure`` for those who see
aggregates only, ``access.small_number_limit``), and a CSV of the rows behind the
figures (``access.report_rows``: pseudonymised, with bands, for those who may not read
every record; audited). One page view, one
chart view and one rows view serve all three, from each report's description
(``catalogue``; ``urls`` passes it). Who may see them and on which authorities is
``reporting.access``. The pages that only report read from the read replica when there
is one (``core.replica.reads_from_replica``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from pathways.casework import services as casework
from pathways.commissioning import targets
from pathways.core import policies
from pathways.core.charts import svg_response
from pathways.core.errors import ActionRefused
from pathways.core.models import Team, User
from pathways.core.policies import CASEWORK_ROLES
from pathways.core.replica import reads_from_replica
from pathways.core.types import AuthedRequest
from pathways.reporting import access, charts, exports, providers
from pathways.reporting.caseload import caseload
from pathways.reporting.catalogue import Chart, Dates, OutcomeReport
from pathways.reporting.forms import OutcomeReportForm, ProvidersForm, ReassignForm


@login_required
@reads_from_replica
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


def _report_form(request: AuthedRequest, report: OutcomeReport) -> OutcomeReportForm:
    """The report's form bound to the query string, for a user who may see reports
    (403 otherwise); it offers the authorities they may report on."""
    if not access.may_see_reports(request.user):
        raise PermissionDenied("Your role does not include outcome reports.")
    try:
        authorities = access.report_authorities(request.user)
    except access.ReportScopeError as exc:
        raise PermissionDenied(exc.message) from exc
    form = report.form(request.GET, authorities=authorities, today=timezone.localdate())
    form.is_valid()
    return form


def _valid(form: OutcomeReportForm) -> OutcomeReportForm:
    """For charts and exports, whose links the pages write: a bad query is a 400."""
    if form.errors:
        raise BadRequest("; ".join(str(e) for errors in form.errors.values() for e in errors))
    return form


def _csv(report: OutcomeReport, rows: list[dict[str, Any]], dates: Dates) -> HttpResponse:
    response = HttpResponse(
        exports.rows_csv(report.slug, rows), content_type="text/csv; charset=utf-8"
    )
    stamp = "-to-".join(d.isoformat() for d in dates)
    response["Content-Disposition"] = f'attachment; filename="{report.slug}-rows-{stamp}.csv"'
    return response


def _links(report: OutcomeReport, form: OutcomeReportForm) -> dict[str, str]:
    """The page's own URL (``self``), its rows' and its charts', for the same query."""
    query = urlencode(form.query())
    links = {
        name: f"{reverse(f'reporting:{report.slug}-{name}')}?{query}"
        for name in ("rows", *(chart.name for chart in report.charts))
    }
    links["self"] = f"{reverse(f'reporting:{report.slug}')}?{query}"
    return links


def _render(
    request: AuthedRequest, template: str, form: OutcomeReportForm, context: dict[str, Any]
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
    return render(
        request,
        "reporting/index.html",
        {
            "providers": bool(providers.authorities_for(request.user)),
            "keeps_targets": targets.may_keep(request.user),
        },
    )


@login_required
@reads_from_replica
def report_page(request: AuthedRequest, report: OutcomeReport) -> HttpResponse:
    """The report's form, and for a valid query its figures (``report.page``), with
    links to its charts and rows."""
    form = _report_form(request, report)
    if form.errors:
        return _render(request, report.template, form, {})
    chosen = form.chosen_authorities()
    limit = access.small_number_limit(request.user, chosen)
    figures = report.page(chosen, form.report_dates, limit, **report.asking(request.user))
    return _render(request, report.template, form, {**figures, "links": _links(report, form)})


@login_required
@reads_from_replica
def report_chart(request: AuthedRequest, report: OutcomeReport, chart: Chart) -> HttpResponse:
    form = _valid(_report_form(request, report))
    chosen = form.chosen_authorities()
    limit = access.small_number_limit(request.user, chosen)
    drawn = chart.disclose(chart.figures(chosen, *form.report_dates), limit)
    return svg_response(chart.svg(drawn))


@login_required
@reads_from_replica
def report_rows(request: AuthedRequest, report: OutcomeReport) -> HttpResponse:
    form = _valid(_report_form(request, report))
    dates = form.report_dates
    rows = access.report_rows(
        request.user,
        report,
        form.chosen_authorities(),
        dates,
        channel="export",
        request=request,
    )
    return _csv(report, rows, dates)


# --- the providers report --------------------------------------------------------------


def _providers_form(request: AuthedRequest) -> ProvidersForm:
    """Commissioners and a provider's team managers (403 for anyone else)."""
    authorities = providers.authorities_for(request.user)
    if not authorities:
        raise PermissionDenied("Your role does not include the providers report.")
    form = ProvidersForm(request.GET, authorities=authorities, today=timezone.localdate())
    form.is_valid()
    return form


def _providers(
    request: AuthedRequest, form: ProvidersForm, *, audited: bool = True
) -> dict[str, Any]:
    start, end = form.period
    try:
        shown = providers.serve(
            request.user,
            form.chosen_authorities()[0].code,
            start,
            end,
            form.cleaned_data.get("contract") or "",
            channel="web",
            request=request,
            audited=audited,
        )
    except providers.ProvidersRefused as exc:
        raise PermissionDenied(exc.message) from exc
    return {"shown": shown, "rows": providers.as_marked(shown)["contracts"]}


@login_required
@reads_from_replica
def providers_page(request: AuthedRequest) -> HttpResponse:
    """Every contract the viewer may see, side by side, with charts beside tables."""
    form = _providers_form(request)
    if form.errors:
        return render(request, "reporting/providers.html", {"form": form}, status=400)
    figures = _providers(request, form)
    query = urlencode(form.query())
    start, end = form.period
    return render(
        request,
        "reporting/providers.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "authority": form.chosen_authorities()[0],
            "rows": figures["rows"],
            "flagged": any(row["flags"] for row in figures["rows"]),
            "limit": figures["shown"].limit,
            "suppressed": bool(figures["shown"].small or figures["shown"].hidden),
            "chart_alt": charts.providers_alt(figures["rows"]),
            "links": {
                name: f"{reverse(f'reporting:providers-{name}')}?{query}"
                for name in ("outcomes", "cost")
            },
        },
    )


@login_required
@reads_from_replica
def providers_chart(request: AuthedRequest, chart: str) -> HttpResponse:
    form = _providers_form(request)
    if form.errors:
        raise BadRequest("; ".join(str(e) for errors in form.errors.values() for e in errors))
    # The page recorded the read; its charts draw the same figures (and two charts
    # writing the same trail at once would only contend for it).
    rows = _providers(request, form, audited=False)["rows"]
    draw = charts.providers_outcomes_svg if chart == "outcomes" else charts.providers_cost_svg
    return svg_response(draw(rows))
