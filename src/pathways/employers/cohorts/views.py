"""Supported-internship cohorts: the list, a cohort's page, setting one up, choosing its
interns and adding rotations. Planning who goes where in a rotation is in
``matching.views``. A cohort's page lists interns, so it is audited as a read of them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render

from pathways.core import audit, policies
from pathways.core.models import Team
from pathways.core.pages import attempt
from pathways.core.types import AuthedRequest
from pathways.employers.cohorts import forms as cohort_forms
from pathways.employers.cohorts import selectors, services
from pathways.employers.cohorts.pages import cohort_or_404
from pathways.employers.cohorts.policy import cohort_policy
from pathways.employers.engagement.selectors import employers_for
from pathways.employers.opportunities.models import Opportunity
from pathways.people.models import Person
from pathways.people.policy import person_policy


@login_required
def cohort_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "employers/cohort_list.html",
        {
            "cohorts": list(selectors.cohort_list(request.user)),
            "may_set_up": _cohort_teams(request).exists(),
        },
    )


@login_required
def cohort(request: AuthedRequest, pk: int) -> HttpResponse:
    found = cohort_or_404(request, pk)
    audit.record_access_bulk(
        request.user,
        found.visible_interns,
        channel="web",
        what=f"cohort {found}",
        request=request,
    )
    return render(
        request,
        "employers/cohort.html",
        {
            "cohort": found,
            "rotations": list(found.rotations.all()),
            "may_change": cohort_policy.can(request.user, "change", found),
            "hidden_interns": found.intern_count - len(found.visible_interns),
        },
    )


def _cohort_teams(request: AuthedRequest) -> QuerySet[Team]:
    scope = policies.scope_of(request.user)
    teams = Team.objects.select_related("authority").order_by("name")
    if scope.is_superuser:
        return teams
    return teams.filter(
        pk__in=[
            t for t, roles in scope.roles_by_team.items() if roles & set(policies.CASEWORK_ROLES)
        ]
    )


@login_required
def cohort_new(request: AuthedRequest) -> HttpResponse:
    teams = _cohort_teams(request)
    if not teams.exists():
        raise PermissionDenied("Only specialists and managers can set up a cohort.")
    form = cohort_forms.CohortForm(
        request.POST or None,
        teams=teams,
        hosts=employers_for(request.user).order_by("name"),
        initial={"programme": "project_search"},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            team, host = data.pop("team"), data.pop("host")
            outcome = attempt(
                form, lambda _data: services.create_cohort(request.user, team, host, **data)
            )
            created, status = outcome.result, outcome.status
            if created is not None:
                messages.success(request, f"{created} set up. Add its interns and rotations.")
                return redirect("employers:cohort", created.pk)
    return render(request, "employers/cohort_new.html", {"form": form}, status=status)


def _changeable_cohort(request: AuthedRequest, pk: int) -> Any:
    found = cohort_or_404(request, pk)
    if not cohort_policy.can(request.user, "change", found):
        raise PermissionDenied("Only specialists and managers of the cohort's team can do this.")
    return found


@login_required
def cohort_interns(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _changeable_cohort(request, pk)
    candidates = person_policy.visible(
        request.user,
        Person.objects.filter(
            Q(episodes__team=found.team, episodes__ended_on__isnull=True) | Q(cohorts=found)
        ).distinct(),
    ).order_by("family_name", "given_name")
    form = cohort_forms.InternsForm(
        request.POST or None,
        people=candidates,
        initial={"interns": [p.pk for p in found.visible_interns]},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            hidden = set(found.interns.values_list("pk", flat=True)) - {
                p.pk for p in found.visible_interns
            }
            chosen = [*form.cleaned_data["interns"], *Person.objects.filter(pk__in=hidden)]

            def save() -> bool:
                services.set_interns(request.user, found, chosen)
                return True

            outcome = attempt(form, lambda _data: save())
            done, status = outcome.result, outcome.status
            if done:
                messages.success(request, f"Interns saved: {len(chosen)} in the cohort.")
                return redirect("employers:cohort", found.pk)
    return render(
        request,
        "employers/cohort_form.html",
        {"cohort": found, "form": form, "title": "Choose the interns"},
        status=status,
    )


@login_required
def rotation_new(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _changeable_cohort(request, pk)
    departments = Opportunity.objects.filter(employer=found.host).order_by("title")
    form = cohort_forms.RotationForm(request.POST or None, departments=departments)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            outcome = attempt(form, lambda data: services.add_rotation(request.user, found, **data))
            rotation, status = outcome.result, outcome.status
            if rotation is not None:
                messages.success(request, f"Rotation {rotation.number} added.")
                return redirect("employers:cohort", found.pk)
    return render(
        request,
        "employers/cohort_form.html",
        {"cohort": found, "form": form, "title": "Add a rotation"},
        status=status,
    )
