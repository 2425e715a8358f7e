"""The staff pages (``/staff/``): administrators invite staff, change their teams and
roles, reset two-step sign-in, revoke API tokens and deactivate leavers, and see every
such action on the activity page. Only for administrators (of their authorities' teams)
and superusers (``may_administer_staff``); a member they do not administer is "not
found". The rules are in ``core.accounts``, ``core.tokens`` and ``workspace.staff``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pathways.casework.selectors import open_cases_by_team
from pathways.core import accounts, policies
from pathways.core.models import ApiToken, Membership, User
from pathways.core.pages import act, attempt, paged, posted
from pathways.core.tokens import revoke_token
from pathways.core.two_factor import recovery_codes_left
from pathways.core.types import AuthedRequest
from pathways.workspace import staff
from pathways.workspace.staff_forms import (
    DeactivateForm,
    InviteForm,
    MembershipForm,
    StaffSearchForm,
)
from pathways.workspace.staff_selectors import (
    activity_rows,
    member_rows,
    memberships_of,
    staff_activity,
    staff_list,
    tokens_of,
)

PER_PAGE = 50


def _require_admin(request: AuthedRequest) -> None:
    if not policies.may_administer_staff(request.user):
        raise PermissionDenied("Only an administrator can manage staff accounts.")


def _member(request: AuthedRequest, pk: int) -> User:
    _require_admin(request)
    member: User = policies.staff_policy.fetch_or_refuse(
        request.user, pk, rows=member_rows(), channel="web", request=request
    )
    return member


def _base_url(request: AuthedRequest) -> str:
    return request.build_absolute_uri("/")


@login_required
def staff_home(request: AuthedRequest) -> HttpResponse:
    _require_admin(request)
    form = StaffSearchForm(request.GET)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    found = paged(request, staff_list(request.user, search), PER_PAGE)
    return render(
        request, "workspace/staff/list.html", {"form": form, "paged": found, "search": search}
    )


@login_required
def invite(request: AuthedRequest) -> HttpResponse:
    _require_admin(request)
    form = InviteForm(posted(request), user=request.user)
    if request.method == "POST":
        done = attempt(
            form,
            lambda data: accounts.invite_staff(
                request.user,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                team=data["team"],
                role=data["role"],
                base_url=_base_url(request),
            ),
        )
        if done.done and done.result is not None:
            messages.success(request, f"Invitation sent to {done.result.email}")
            return redirect("staff-member", pk=done.result.pk)
        return render(request, "workspace/staff/invite.html", {"form": form}, status=done.status)
    return render(request, "workspace/staff/invite.html", {"form": form})


def _member_page(
    request: AuthedRequest,
    member: User,
    *,
    membership_form: MembershipForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "workspace/staff/member.html",
        {
            "member": member,
            "memberships": memberships_of(member),
            "membership_form": membership_form or MembershipForm(user=request.user),
            "tokens": tokens_of(member),
            "recovery_codes_left": recovery_codes_left(member),
            "open_cases": open_cases_by_team(member),
            "invitation_pending": member.is_active and not member.has_usable_password(),
            "is_self": member.pk == request.user.pk,
        },
        status=status,
    )


@login_required
def member(request: AuthedRequest, pk: int) -> HttpResponse:
    return _member_page(request, _member(request, pk))


@login_required
@require_POST
def add_role(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _member(request, pk)
    form = MembershipForm(request.POST, user=request.user)
    done = attempt(
        form,
        lambda data: accounts.add_membership(
            request.user, found, team=data["team"], role=data["role"]
        ),
    )
    if done.done:
        messages.success(request, "Role added")
        return redirect("staff-member", pk=found.pk)
    return _member_page(request, found, membership_form=form, status=done.status)


@login_required
@require_POST
def remove_role(request: AuthedRequest, pk: int, membership: int) -> HttpResponse:
    found = _member(request, pk)
    row = get_object_or_404(
        Membership.objects.select_related("team", "user"), pk=membership, user=found
    )
    act(request, lambda: accounts.remove_membership(request.user, row), done="Role removed")
    return redirect("staff-member", pk=found.pk)


@login_required
@require_POST
def resend(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _member(request, pk)
    act(
        request,
        lambda: accounts.resend_invitation(request.user, found, base_url=_base_url(request)),
        done=f"Invitation sent to {found.email}",
    )
    return redirect("staff-member", pk=found.pk)


@login_required
@require_POST
def reset_two_factor(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _member(request, pk)
    act(
        request,
        lambda: accounts.reset_two_factor(request.user, found, base_url=_base_url(request)),
        done=f"Two-step sign-in reset. We have emailed {found.email} a link to set it up again",
    )
    return redirect("staff-member", pk=found.pk)


@login_required
@require_POST
def revoke(request: AuthedRequest, pk: int, token: int) -> HttpResponse:
    found = _member(request, pk)
    row = get_object_or_404(ApiToken.objects.select_related("user"), pk=token, user=found)
    if revoke_token(request.user, row):
        messages.success(request, f"API token {row.prefix}… revoked")
    else:
        messages.info(request, f"API token {row.prefix}… had already ended")
    return redirect("staff-member", pk=found.pk)


@login_required
def deactivate(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _member(request, pk)
    colleagues = staff.colleagues_for(found)
    form = DeactivateForm(posted(request), colleagues=colleagues)
    status = 200
    if request.method == "POST":
        done = attempt(
            form,
            lambda data: staff.deactivate_leaver(request.user, found, hand_to=data["hand_to"]),
        )
        if done.done:
            moved = done.result or 0
            messages.success(
                request,
                f"{found} is deactivated"
                + (f" and {moved} case{'s' if moved != 1 else ''} handed over" if moved else ""),
            )
            return redirect("staff-member", pk=found.pk)
        status = done.status
    context: dict[str, Any] = {
        "member": found,
        "form": form,
        "open_cases": open_cases_by_team(found),
    }
    return render(request, "workspace/staff/deactivate.html", context, status=status)


@login_required
def activity(request: AuthedRequest) -> HttpResponse:
    _require_admin(request)
    found = paged(request, staff_activity(request.user), PER_PAGE)
    return render(
        request,
        "workspace/staff/activity.html",
        {"paged": found, "entries": activity_rows(found.page)},
    )
