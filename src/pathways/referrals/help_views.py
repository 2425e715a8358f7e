"""The intake officer's pages for requests for help from the public form: the new
requests of their authorities, each with the people on record who may be the one
asking, and the three ways to deal with one. Thin: the rules are in
``referrals.help_requests``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pathways.core import policies
from pathways.core.audit import record_access_bulk, record_reads
from pathways.core.models import Team
from pathways.core.pages import attempt, paged
from pathways.core.types import AuthedRequest
from pathways.core.unusual import confirmed_in
from pathways.people.models import Person
from pathways.referrals import help_requests, selectors
from pathways.referrals.forms import ReasonForm, ReferExistingPersonForm, ReferNewPersonForm
from pathways.referrals.models import HelpRequest
from pathways.referrals.policy import help_request_policy, may_triage

#: Requests on a page of the list, oldest first.
PER_PAGE = 50


def _may_triage_or_refuse(request: AuthedRequest) -> None:
    if not may_triage(request.user):
        raise PermissionDenied(
            "Only intake officers and team managers deal with requests for help."
        )


def _shown(
    request: AuthedRequest, rows: list[HelpRequest], matches: dict[int, list[Person]]
) -> None:
    """What the page shows is on the trail: each request read, and each person shown as
    possibly the one asking."""
    record_reads(request.user, rows, channel="web", what="help request", request=request)
    people = {p.pk: p for found in matches.values() for p in found}
    record_access_bulk(
        request.user,
        people.values(),
        channel="web",
        what="shown as possibly someone asking for help",
        request=request,
    )


@login_required
def help_request_list(request: AuthedRequest) -> HttpResponse:
    _may_triage_or_refuse(request)
    found = paged(request, selectors.new_help_requests(request.user), PER_PAGE)
    rows = list(found.page.object_list)
    matches = selectors.possible_matches(request.user, rows)
    _shown(request, rows, matches)
    return render(
        request,
        "referrals/help_requests.html",
        {
            "rows": [(r, matches[r.pk]) for r in rows],
            "paged": found,
        },
    )


def _help_request_or_404(request: AuthedRequest, pk: int) -> HelpRequest:
    _may_triage_or_refuse(request)
    return help_request_policy.fetch_or_refuse(
        request.user,
        pk,
        rows=selectors.help_request_rows().select_related("referral", "dealt_with_by"),
        channel="web",
        request=request,
    )


def _teams(request: AuthedRequest, help_request: HelpRequest) -> QuerySet[Team]:
    return policies.teams_to_refer_to(request.user).filter(authority_id=help_request.authority_id)


def _page(
    request: AuthedRequest, help_request: HelpRequest, *, status: int = 200, **forms: Form
) -> HttpResponse:
    matches = selectors.possible_matches(request.user, [help_request])[help_request.pk]
    _shown(request, [help_request], {help_request.pk: matches})
    teams = _teams(request, help_request)
    version = {"version": help_request.version}
    new_form = forms.get("new_form") or ReferNewPersonForm(
        initial=version, prefix="new", teams=teams
    )
    existing_form = forms.get("existing_form") or ReferExistingPersonForm(
        initial=version, prefix="existing", teams=teams, people=matches
    )
    not_real_form = forms.get("not_real_form") or ReasonForm(initial=version, prefix="not-real")
    return render(
        request,
        "referrals/help_request.html",
        {
            "help_request": help_request,
            "matches": matches,
            "new_form": new_form,
            "existing_form": existing_form,
            "not_real_form": not_real_form,
            "action_forms": [new_form, existing_form, not_real_form],
            "can_deal": help_request_policy.can(request.user, "deal", help_request),
        },
        status=status,
    )


@login_required
def help_request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _page(request, _help_request_or_404(request, pk))


def _answer(
    request: AuthedRequest, help_request: HelpRequest, form_name: str, form: Form, outcome: Any
) -> HttpResponse:
    if outcome.done:
        referral = outcome.result
        messages.success(
            request,
            f"Referral {referral.referral_ref} received for {referral.person.full_name}.",
        )
        return redirect("referrals:detail", referral.pk)
    return _page(request, help_request, status=outcome.status, **{form_name: form})


@login_required
@require_POST
def refer_new(request: AuthedRequest, pk: int) -> HttpResponse:
    help_request = _help_request_or_404(request, pk)
    form = ReferNewPersonForm(request.POST, prefix="new", teams=_teams(request, help_request))
    outcome = attempt(
        form,
        lambda data: help_requests.refer_as_new_person(
            request.user,
            help_request,
            team=data["team"],
            person_ref=data["person_ref"],
            date_of_birth=data["date_of_birth"],
            expected_version=data["version"],
            confirmed=confirmed_in(data),
        ),
        request=request,
    )
    return _answer(request, help_request, "new_form", form, outcome)


@login_required
@require_POST
def refer_existing(request: AuthedRequest, pk: int) -> HttpResponse:
    help_request = _help_request_or_404(request, pk)
    matches = selectors.possible_matches(request.user, [help_request])[help_request.pk]
    form = ReferExistingPersonForm(
        request.POST, prefix="existing", teams=_teams(request, help_request), people=matches
    )
    by_pk = {p.pk: p for p in matches}
    outcome = attempt(
        form,
        lambda data: help_requests.refer_existing_person(
            request.user,
            help_request,
            person=by_pk[data["person"]],
            team=data["team"],
            expected_version=data["version"],
            confirmed=confirmed_in(data),
        ),
        request=request,
    )
    return _answer(request, help_request, "existing_form", form, outcome)


@login_required
@require_POST
def not_real(request: AuthedRequest, pk: int) -> HttpResponse:
    help_request = _help_request_or_404(request, pk)
    form = ReasonForm(request.POST, prefix="not-real")
    outcome = attempt(
        form,
        lambda data: help_requests.set_aside(
            request.user,
            help_request,
            reason=data["reason"],
            expected_version=data["version"],
        ),
        request=request,
    )
    if outcome.done:
        messages.success(request, "The request is set aside as not a real request.")
        return redirect("referrals:help-requests")
    return _page(request, help_request, status=outcome.status, not_real_form=form)
