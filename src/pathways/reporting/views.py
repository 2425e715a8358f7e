"""Report pages: figures with the numbers in tables (no personal data)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from pathways.casework import services as casework
from pathways.core import policies
from pathways.core.errors import ActionRefused
from pathways.core.models import Team, User
from pathways.core.types import AuthedRequest
from pathways.referrals.services import ALLOCATABLE_ROLES
from pathways.reporting.caseload import caseload
from pathways.reporting.forms import ReassignForm


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
            memberships__team=team, memberships__role__in=ALLOCATABLE_ROLES, is_active=True
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
