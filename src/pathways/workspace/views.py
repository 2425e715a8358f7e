"""The pages that span the pathway: "My work" (a staff member's day), the person page
(a person's record with their referrals, episodes and jobs) and the audit pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pathways.casework.policy import may_work_with
from pathways.casework.selectors import (
    may_approve_packages,
    openable_episode_ids,
    packages_awaiting,
    work_queue,
)
from pathways.core import audit, policies
from pathways.core.types import AuthedRequest
from pathways.employment.selectors import placements_of_person
from pathways.people.policy import person_policy
from pathways.people.selectors import consent_history, current_consents, get_person_for_audit
from pathways.referrals.selectors import teams_of, waiting_list
from pathways.workspace.selectors import my_open_cases, person_page_rows, recent_denials


@login_required
def my_work(request: AuthedRequest) -> HttpResponse:
    user = request.user
    teams = list(teams_of(user))
    due = [
        {"item": item, "label": item.label}
        for item in work_queue(user, timezone.localdate(), worker=user)
    ]
    return render(
        request,
        "workspace/my_work.html",
        {
            "due": due,
            "awaiting_approval": (
                packages_awaiting(user).count() if may_approve_packages(user) else None
            ),
            "cases": my_open_cases(user),
            "waiting": waiting_list(user).filter(team__in=teams)[:50],
            "teams": teams,
        },
    )


@login_required
def person(request: AuthedRequest, pk: int) -> HttpResponse:
    """A person's record with their referrals, episodes and jobs: a read, audited."""
    user = request.user
    found = person_policy.fetch_or_refuse(
        user, pk, rows=person_page_rows(), channel="web", what="person record", request=request
    )
    audit.record_access(user, found, channel="web", request=request)
    return render(
        request,
        "workspace/person.html",
        {
            "person": found,
            "consents": current_consents(found),
            "consent_history": consent_history(found),
            "can_refer": policies.teams_to_refer_to(user)
            .filter(authority_id=found.authority_id)
            .exists(),
            "can_change": person_policy.can(user, "change", found),
            "can_view_audit": person_policy.can(user, "view_audit", found),
            "openable_episodes": openable_episode_ids(user, found),
            "placements": list(placements_of_person(user, found.pk)),
            "may_record_job": may_work_with(user, found.pk),
        },
    )


@login_required
def audit_person(request: AuthedRequest, pk: int) -> HttpResponse:
    """The data protection officer's view of who read or changed one person's record."""
    person = get_person_for_audit(request.user, pk)
    if person is None:
        raise PermissionDenied("Only the data protection officer or an admin can see this trail.")
    # Reading the trail is a read of the person's record, as on the command line, and
    # the page lists it first.
    audit.record_access(request.user, person, channel="web", what="audit trail", request=request)
    entries = [audit.describe(e) for e in audit.person_trail(person)[:500]]
    return render(request, "workspace/audit_person.html", {"person": person, "entries": entries})


@login_required
def audit_home(request: AuthedRequest) -> HttpResponse:
    if not policies.may_view_audit(request.user):
        raise PermissionDenied(
            "Only the data protection officer or an admin can see the audit trail."
        )
    return render(request, "workspace/audit_home.html", {"entries": recent_denials(request.user)})
