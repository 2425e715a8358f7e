"""Front-door pages: thin wrappers that parse a form, call a service, and render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pathways.core import policies
from pathways.core.errors import ActionRefused, CaseloadCapReached, NeedsConfirmation
from pathways.core.forms import add_service_errors
from pathways.core.models import Team, User
from pathways.core.pages import act, ask_to_confirm, paged
from pathways.core.types import AuthedRequest
from pathways.core.unusual import confirmed_in
from pathways.people.selectors import people_for
from pathways.referrals import selectors, services
from pathways.referrals.forms import (
    AllocateForm,
    NewReferralForm,
    ReasonForm,
    RedirectForm,
    UrgentForm,
)
from pathways.referrals.models import Referral
from pathways.referrals.policy import referral_policy


def _referral_or_404(request: AuthedRequest, pk: int) -> Referral:
    return referral_policy.fetch_or_refuse(
        request.user,
        pk,
        rows=selectors.referral_page_rows(),
        channel="web",
        what=f"referral {pk}",
        request=request,
    )


@login_required
def new_referral(request: AuthedRequest) -> HttpResponse:
    if not policies.may_refer(request.user):
        raise PermissionDenied("Your role does not include making referrals.")
    teams = policies.teams_to_refer_to(request.user)
    person = None
    pid = request.GET.get("person") or request.POST.get("person") or ""
    if pid:
        person = people_for(request.user).filter(pk=int(pid)).first() if pid.isdigit() else None
        if person is None:
            raise Http404("No such person")
    form = NewReferralForm(
        request.POST if request.method == "POST" else None, teams=teams, person=person
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if person is not None:
                referral = services.create_referral(
                    request.user,
                    person=person,
                    team=data["team"],
                    source=data["source"],
                    received_on=data["received_on"],
                    notes=data["notes"],
                    confirmed=confirmed_in(data),
                )
            else:
                referral = services.refer_new_person(
                    request.user,
                    team=data["team"],
                    source=data["source"],
                    received_on=data["received_on"],
                    notes=data["notes"],
                    confirmed=confirmed_in(data),
                    person_fields={
                        k: data[k]
                        for k in (
                            "person_ref",
                            "given_name",
                            "family_name",
                            "date_of_birth",
                            "postcode",
                            "primary_support_reason",
                        )
                    },
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except NeedsConfirmation as exc:
            ask_to_confirm(form, exc, request=request)
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"Referral {referral.referral_ref} received for {referral.person.full_name}.",
            )
            return redirect("referrals:detail", referral.pk)
    return render(request, "referrals/new.html", {"form": form, "person": person})


#: New referrals to triage, per page (oldest first).
TRIAGE_PER_PAGE = 50
#: People on a page of the waiting list.
WAITING_PER_PAGE = 50


@login_required
def triage(request: AuthedRequest) -> HttpResponse:
    found = paged(request, selectors.triage_list(request.user), TRIAGE_PER_PAGE)
    return render(
        request,
        "referrals/triage.html",
        {
            "referrals": found.page.object_list,
            "paged": found,
        },
    )


@login_required
def waiting(request: AuthedRequest) -> HttpResponse:
    """The waiting list, 50 a page in its order (urgent first, then oldest), with its
    summary over the whole list: the same number of queries on every page."""
    referrals = selectors.waiting_list(request.user)
    found = paged(request, referrals, WAITING_PER_PAGE)
    return render(
        request,
        "referrals/waiting.html",
        {
            "referrals": found.page.object_list,
            "paged": found,
            "offset": found.page.start_index() - 1 if found.total else 0,
            "summary": selectors.waiting_summary(referrals),
        },
    )


def _detail_context(request: AuthedRequest, referral: Referral, **forms: Form) -> dict:
    user = request.user
    version = {"version": referral.version}
    context = {
        "referral": referral,
        "can_triage": referral_policy.can(user, "triage", referral),
        "can_allocate": referral_policy.can(user, "allocate", referral),
        "can_set_urgent": referral_policy.can(user, "set_urgent", referral),
        "decline_form": forms.get("decline_form") or ReasonForm(initial=version, prefix="decline"),
        "close_form": forms.get("close_form") or ReasonForm(initial=version, prefix="close"),
        "redirect_form": forms.get("redirect_form")
        or RedirectForm(initial=version, prefix="redirect", teams=_redirect_teams(user, referral)),
        "urgent_form": forms.get("urgent_form")
        or UrgentForm(
            initial={**version, "urgent": referral.urgent, "reason": referral.urgent_reason},
            prefix="urgent",
        ),
        "accept_version": referral.version,
        "earlier_episodes": selectors.earlier_episodes(user, referral.person),
    }
    context["action_forms"] = [
        context[name] for name in ("decline_form", "close_form", "redirect_form", "urgent_form")
    ]
    return context


def _redirect_teams(user: User, referral: Referral) -> QuerySet[Team]:
    return Team.objects.filter(authority_id=referral.authority_id).exclude(pk=referral.team_id)


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = _referral_or_404(request, pk)
    return render(request, "referrals/detail.html", _detail_context(request, referral))


def _run(
    request: AuthedRequest,
    referral: Referral,
    action: Callable[..., Any],
    success: str,
    **kwargs: Any,
) -> HttpResponse:
    act(request, lambda: action(request.user, referral, **kwargs), done=success)
    return redirect("referrals:detail", referral.pk)


@login_required
@require_POST
def accept(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = _referral_or_404(request, pk)
    version = request.POST.get("version", "")
    if not version.isdigit():
        # Without the version the page was read at, accepting could act on a referral
        # someone has since changed (decision 0005): every versioned form requires it.
        messages.error(
            request, "This page was out of date. Look at the referral again, then accept it."
        )
        return redirect("referrals:detail", referral.pk)
    return _run(
        request,
        referral,
        services.accept_referral,
        f"{referral.person.full_name} is now on the waiting list.",
        expected_version=int(version),
    )


@login_required
@require_POST
def decline(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = _referral_or_404(request, pk)
    form = ReasonForm(request.POST, prefix="decline")
    if not form.is_valid():
        return render(
            request,
            "referrals/detail.html",
            _detail_context(request, referral, decline_form=form),
            status=400,
        )
    return _run(
        request,
        referral,
        services.decline_referral,
        "Referral declined.",
        reason=form.cleaned_data["reason"],
        expected_version=form.cleaned_data["version"],
    )


@login_required
@require_POST
def close(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = _referral_or_404(request, pk)
    form = ReasonForm(request.POST, prefix="close")
    if not form.is_valid():
        return render(
            request,
            "referrals/detail.html",
            _detail_context(request, referral, close_form=form),
            status=400,
        )
    return _run(
        request,
        referral,
        services.close_referral,
        "Referral closed.",
        reason=form.cleaned_data["reason"],
        expected_version=form.cleaned_data["version"],
    )


@login_required
@require_POST
def redirect_onward(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = _referral_or_404(request, pk)
    form = RedirectForm(
        request.POST, prefix="redirect", teams=_redirect_teams(request.user, referral)
    )
    if not form.is_valid():
        return render(
            request,
            "referrals/detail.html",
            _detail_context(request, referral, redirect_form=form),
            status=400,
        )
    to_team = form.cleaned_data["to_team"]
    return _run(
        request,
        referral,
        services.redirect_referral,
        f"Referral redirected to {to_team.name}.",
        to_team=to_team,
        reason=form.cleaned_data["reason"],
        expected_version=form.cleaned_data["version"],
    )


@login_required
@require_POST
def mark_urgent(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = _referral_or_404(request, pk)
    form = UrgentForm(request.POST, prefix="urgent")
    if not form.is_valid():
        return render(
            request,
            "referrals/detail.html",
            _detail_context(request, referral, urgent_form=form),
            status=400,
        )
    urgent = form.cleaned_data["urgent"]
    return _run(
        request,
        referral,
        services.set_urgent,
        "Marked urgent." if urgent else "No longer marked urgent.",
        urgent=urgent,
        reason=form.cleaned_data["reason"] or "",
        expected_version=form.cleaned_data["version"],
    )


@login_required
def allocate(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = _referral_or_404(request, pk)
    referral_policy.require(
        request.user,
        "allocate",
        referral,
        refusal="Only the team's intake officer or manager can allocate.",
        channel="web",
        what=f"referral {referral.pk}",
        request=request,
    )
    loads = selectors.worker_loads(referral.team)
    form = AllocateForm(
        request.POST if request.method == "POST" else None,
        loads=loads,
        initial={"version": referral.version},
    )
    if request.method == "POST" and form.is_valid():
        worker = next(x.worker for x in loads if str(x.worker.pk) == form.cleaned_data["worker"])
        try:
            services.allocate(
                request.user,
                referral,
                worker=worker,
                override_reason=form.cleaned_data["override_reason"],
                expected_version=form.cleaned_data["version"],
            )
        except PermissionDenied as exc:
            form.add_error("override_reason", str(exc))
        except CaseloadCapReached as exc:
            if referral_policy.can(request.user, "override_cap", referral):
                form.add_error(
                    "override_reason",
                    f"{exc.facts} Enter the reason for allocating over the cap",
                )
            else:
                form.add_error("override_reason", exc.message)
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{referral.person.full_name} is allocated to {worker}.")
            return redirect("referrals:detail", referral.pk)
    return render(
        request,
        "referrals/allocate.html",
        {
            "referral": referral,
            "loads": loads,
            "form": form,
            "can_override": referral_policy.can(request.user, "override_cap", referral),
        },
    )
