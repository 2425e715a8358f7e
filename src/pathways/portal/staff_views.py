"""The staff side of the portal: on a person's record, who has portal access, inviting
the person or (with their consent) a supporter, sending a new link, ending access."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from pathways.core.audit import record_access
from pathways.core.pages import attempt
from pathways.core.types import AuthedRequest
from pathways.people.models import Person
from pathways.people.policy import person_policy
from pathways.portal import services
from pathways.portal.models import PortalAccount
from pathways.portal.policy import may_invite
from pathways.portal.selectors import accounts_of
from pathways.portal.staff_forms import EndAccessForm, InvitePersonForm, InviteSupporterForm


def _person(request: AuthedRequest, pk: int) -> Person:
    person = person_policy.fetch_or_refuse(
        request.user, pk, channel="web", what="portal access", request=request
    )
    person_policy.require(
        request.user,
        "change",
        person,
        refusal="Only staff who work with this person can manage their portal access.",
        channel="web",
        what="portal access",
        request=request,
    )
    return person  # type: ignore[no-any-return]


@login_required
def access(request: AuthedRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    record_access(request.user, person, channel="web", what="portal access", request=request)
    return render(
        request,
        "portal/staff/access.html",
        {
            "person": person,
            "accounts": accounts_of(person),
            "person_form": InvitePersonForm(initial={"email": person.email}),
            "supporter_form": InviteSupporterForm(person_id=person.pk),
            "end_form": EndAccessForm(),
        },
    )


@login_required
def invite_person(request: AuthedRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = InvitePersonForm(request.POST or None, initial={"email": person.email})
    if request.method == "POST":
        done = attempt(
            form,
            lambda d: services.invite_person(
                request.user,
                person,
                email=d["email"],
                base_url=settings.PATHWAYS_BASE_URL,
            ),
        )
        if done.done:
            messages.success(request, f"{person.given_name} has been sent a sign-in link.")
            return redirect("portal-access", pk=person.pk)
    return render(
        request,
        "portal/staff/invite_person.html",
        {"person": person, "form": form},
        status=200 if not form.errors else 400,
    )


@login_required
def invite_supporter(request: AuthedRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = InviteSupporterForm(request.POST or None, person_id=person.pk)
    if request.method == "POST":
        done = attempt(
            form,
            lambda d: services.invite_supporter(
                request.user,
                person,
                contact=d["contact"],
                sections=d["sections"],
                agreed_on=d["agreed_on"],
                base_url=settings.PATHWAYS_BASE_URL,
            ),
        )
        if done.done:
            messages.success(
                request, f"{form.cleaned_data['contact'].name} has been sent a sign-in link."
            )
            return redirect("portal-access", pk=person.pk)
    return render(
        request,
        "portal/staff/invite_supporter.html",
        {"person": person, "form": form},
        status=200 if not form.errors else 400,
    )


def _account(request: AuthedRequest, pk: int, account_pk: int) -> PortalAccount:
    person = _person(request, pk)
    account = get_object_or_404(
        PortalAccount.objects.select_related("user", "person", "supporter"),
        pk=account_pk,
        person=person,
    )
    if not may_invite(request.user, person):
        raise PermissionDenied
    return account


@login_required
def end_access(request: AuthedRequest, pk: int, account_pk: int) -> HttpResponse:
    account = _account(request, pk, account_pk)
    form = EndAccessForm(request.POST or None)
    if request.method == "POST":
        done = attempt(
            form,
            lambda d: services.end_portal_access(
                request.user,
                account,
                reason=d["reason"],
            ),
        )
        if done.done:
            messages.success(request, "The portal access has ended.")
            return redirect("portal-access", pk=pk)
    return render(
        request,
        "portal/staff/end_access.html",
        {"person": account.person, "account": account, "form": form},
        status=200 if not form.errors else 400,
    )


@login_required
def resend(request: AuthedRequest, pk: int, account_pk: int) -> HttpResponse:
    account = _account(request, pk, account_pk)
    if request.method != "POST":
        return redirect("portal-access", pk=pk)
    services.resend_link(request.user, account, base_url=settings.PATHWAYS_BASE_URL)
    messages.success(request, "A new sign-in link has been sent.")
    return redirect("portal-access", pk=pk)
