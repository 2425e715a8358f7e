"""Sign-in, the staff member's home page ("My work") and the audit trail pages."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pathways.casework.selectors import may_approve_packages, packages_awaiting, work_queue
from pathways.core import audit, policies
from pathways.core.selectors import my_open_cases
from pathways.core.types import AuthedRequest
from pathways.people.selectors import get_person_for_audit
from pathways.referrals.selectors import teams_of, waiting_list


class SignInView(auth_views.LoginView):
    template_name = "core/sign_in.html"
    redirect_authenticated_user = True


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The one-time link from `pathways invite` or a reset: choose a password."""

    template_name = "core/set_password.html"
    post_reset_login = False
    success_url = "/sign-in/?password=set"


#: The work queue's kinds in plain words; a kind not listed shows its name.


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
        "core/my_work.html",
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
def audit_person(request: AuthedRequest, pk: int) -> HttpResponse:
    """The data protection officer's view of who read or changed one person's record."""
    person = get_person_for_audit(request.user, pk)
    if person is None:
        raise PermissionDenied("Only the data protection officer or an admin can see this trail.")
    entries = [audit.describe(e) for e in audit.person_trail(person)[:500]]
    return render(request, "core/audit_person.html", {"person": person, "entries": entries})


@login_required
def audit_home(request: AuthedRequest) -> HttpResponse:
    if not policies.may_view_audit(request.user):
        raise PermissionDenied(
            "Only the data protection officer or an admin can see the audit trail."
        )
    return render(request, "core/audit_home.html", {"entries": audit.recent_denials(request.user)})
