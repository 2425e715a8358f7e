"""The job coach's pages: one episode with everything done in it, proposing a package
change, and the approver's list of changes to decide.

Thin, as everywhere: parse a form, call ``casework.services``, redirect back with a
banner; or show the page again with what was wrong (400), or with the service's
refusal (400; 409 when someone else changed the episode first). Showing an episode is
a read of the person's record and is audited, allowed or refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pathways.casework import appointment_forms, documents, plan_forms, selectors, services
from pathways.casework.forms import (
    ActivityForm,
    ApproveForm,
    CloseForm,
    PackageForm,
    RejectForm,
    ReviewForm,
    StageForm,
)
from pathways.casework.models import ActivityKind, EndReason, Episode, Package, Stage
from pathways.casework.policy import episode_policy
from pathways.casework.prompts import prompt_label
from pathways.core import audit
from pathways.core.pages import attempt, paged
from pathways.core.types import AuthedRequest

#: The forms of the episode page: context name → form prefix.
ACTION_FORMS = {
    "stage_form": "stage",
    "activity_form": "activity",
    "review_form": "review",
    "close_form": "close",
    "approve_form": "approve",
    "reject_form": "reject",
}


def _what(episode: Episode, doing: str = "") -> str:
    return f"episode {episode.episode_ref}{f': {doing}' if doing else ''}"


#: Timeline entries on the episode page, newest first.
TIMELINE_PER_PAGE = 25


def _episode_or_404(request: AuthedRequest, pk: int, doing: str = "") -> Episode:
    """The episode with its history, or a 404 (audited as a refused read when the
    episode exists but the user may not see it)."""
    return episode_policy.fetch_or_refuse(
        request.user,
        pk,
        rows=selectors.episode_with_history(),
        channel="web",
        what=lambda existing: _what(existing, doing),
        request=request,
    )


def _require(request: AuthedRequest, action: str, episode: Episode, message: str) -> None:
    episode_policy.require(
        request.user,
        action,
        episode,
        refusal=message,
        channel="web",
        what=_what(episode),
        request=request,
    )


def _form(name: str, episode: Episode, data: Any = None, **kwargs: Any) -> forms.Form:
    prefix = ACTION_FORMS[name]
    if name in ("approve_form", "reject_form"):
        return (ApproveForm if name == "approve_form" else RejectForm)(data, prefix=prefix)
    today = timezone.localdate()
    version = {"version": episode.version}
    if name == "stage_form":
        initial = {**version, "entered_on": today}
        return StageForm(data, prefix=prefix, episode=episode, initial=initial)
    if name == "activity_form":
        return ActivityForm(data, prefix=prefix, episode=episode, initial={"occurred_on": today})
    if name == "review_form":
        return ReviewForm(data, prefix=prefix, episode=episode, initial={"reviewed_on": today})
    return CloseForm(data, prefix=prefix, episode=episode, initial={**version, "ended_on": today})


def _days_left(days: int) -> str:
    if days > 1:
        return f"{days} days left"
    if days == 1:
        return "1 day left"
    if days == 0:
        return "ends today"
    return "ended 1 day ago" if days == -1 else f"ended {-days} days ago"


#: The latest feedback the episode page lists (each has its own page).
FEEDBACK_SHOWN = 5


def _episode_page(
    request: AuthedRequest, episode: Episode, *, status: int = 200, **bound: forms.Form
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    current = selectors.current_package_of(episode)
    pending = selectors.pending_package_of(episode)
    is_open = episode.is_open
    may_work = is_open and episode_policy.can(user, "work", episode)
    may_close = is_open and episode_policy.can(user, "close", episode)
    may_approve = is_open and episode_policy.can(user, "approve_package", episode)
    may_decide = may_approve and pending is not None and pending.proposed_by_id != user.pk
    action_forms = {name: bound.get(name) or _form(name, episode) for name in ACTION_FORMS}
    limit_text = ""
    if current is not None and current.is_transitional and current.transitional_ends_on:
        limit_text = _days_left((current.transitional_ends_on - today).days)
    audit.record_access(user, episode.person, channel="web", what=_what(episode), request=request)
    timeline = paged(request, selectors.timeline_of(episode), TIMELINE_PER_PAGE)
    episode_documents = list(documents.documents_of_episode(user, episode))
    return render(
        request,
        "casework/episode.html",
        {
            "episode": episode,
            "person": episode.person,
            "current": current,
            "pending": pending,
            "limit_text": limit_text,
            "packages": list(episode.packages.all()),
            "stage_entries": list(episode.stage_entries.all()),
            "reviews": list(episode.reviews.all()),
            "activities": timeline.page.object_list,
            "paged": timeline,
            "may_work": may_work,
            "may_close": may_close,
            "may_approve": may_approve,
            "may_decide": may_decide,
            "may_review": may_work and current is not None and current.is_long_term,
            "may_propose": may_work and pending is None,
            "documents": episode_documents,
            "feedback": [
                (f, prompt_label(f.prompted_by))
                for f in selectors.feedback_of_episode(episode)[:FEEDBACK_SHOWN]
            ],
            "deletable_documents": documents.deletable(user, episode_documents),
            "may_upload_document": may_work,
            # Bound forms of other sections (the action plan's) join the error summary.
            "action_forms": [
                *action_forms.values(),
                *(form for name, form in bound.items() if name not in ACTION_FORMS),
            ],
            "has_errors": any(f.errors for f in bound.values()),
            **action_forms,
            **plan_forms.plan_context(episode, bound),
            **appointment_forms.appointment_context(episode, bound, may_work=may_work),
        },
        status=status,
    )


@login_required
def episode(request: AuthedRequest, pk: int) -> HttpResponse:
    return _episode_page(request, _episode_or_404(request, pk))


def _act(
    request: AuthedRequest,
    pk: int,
    *,
    action: str,
    refusal: str,
    form_name: str,
    perform: Callable[[Episode, dict[str, Any]], str],
    make_form: Callable[[Episode], forms.Form] | None = None,
    anchor: str = "",
) -> HttpResponse:
    """Handle one of the episode page's forms: 403 without the right to ``action``;
    the page again with the form's errors or the service's refusal; or back to the page
    (at ``anchor``) with the banner ``perform`` returns. ``make_form`` builds forms
    that are not one of the page's fixed ``ACTION_FORMS`` (the action plan's)."""
    episode = _episode_or_404(request, pk)
    _require(request, action, episode, refusal)
    form = make_form(episode) if make_form else _form(form_name, episode, request.POST)
    outcome = attempt(form, lambda data: perform(episode, data))
    if outcome.done:
        messages.success(request, str(outcome.result))
        return redirect(reverse("casework:episode", args=[episode.pk]) + anchor)
    status = outcome.status
    return _episode_page(request, episode, status=status, **{form_name: form})


WORK_REFUSAL = "Only the person's worker or their team can change this episode."


@login_required
@require_POST
def change_stage(request: AuthedRequest, pk: int) -> HttpResponse:
    def perform(episode: Episode, data: dict[str, Any]) -> str:
        services.change_stage(
            request.user,
            episode,
            stage=data["stage"],
            on=data["entered_on"],
            expected_version=data["version"],
        )
        return f"Stage changed to {Stage(data['stage']).label}."

    return _act(
        request,
        pk,
        action="work",
        refusal=WORK_REFUSAL,
        form_name="stage_form",
        perform=perform,
    )


@login_required
@require_POST
def record_activity(request: AuthedRequest, pk: int) -> HttpResponse:
    def perform(episode: Episode, data: dict[str, Any]) -> str:
        activity = services.record_activity(
            request.user,
            episode,
            kind=data["kind"],
            occurred_on=data["occurred_on"],
            with_whom=data["with_whom"],
            minutes=data["minutes"],
            notes=data["notes"],
        )
        return (
            f"{ActivityKind(activity.kind).label} on {activity.occurred_on:%-d %B %Y} "
            "added to the timeline."
        )

    return _act(
        request,
        pk,
        action="work",
        refusal=WORK_REFUSAL,
        form_name="activity_form",
        perform=perform,
    )


@login_required
@require_POST
def record_review(request: AuthedRequest, pk: int) -> HttpResponse:
    def perform(episode: Episode, data: dict[str, Any]) -> str:
        review = services.record_review(
            request.user,
            episode,
            reviewed_on=data["reviewed_on"],
            support_still_right=data["support_still_right"] == "yes",
            notes=data["notes"],
        )
        return f"Review of long-term support on {review.reviewed_on:%-d %B %Y} recorded."

    return _act(
        request,
        pk,
        action="work",
        refusal=WORK_REFUSAL,
        form_name="review_form",
        perform=perform,
    )


@login_required
@require_POST
def close(request: AuthedRequest, pk: int) -> HttpResponse:
    def perform(episode: Episode, data: dict[str, Any]) -> str:
        services.close_episode(
            request.user,
            episode,
            reason=data["reason"],
            notes=data["notes"],
            on=data["ended_on"],
            expected_version=data["version"],
        )
        return f"Episode {episode.episode_ref} closed: {EndReason(data['reason']).label}."

    return _act(
        request,
        pk,
        action="close",
        refusal="Only the person's worker or their team manager can close this episode.",
        form_name="close_form",
        perform=perform,
    )


def _package_of(episode: Episode, package_pk: int) -> Package:
    package = next((p for p in episode.packages.all() if p.pk == package_pk), None)
    if package is None:
        raise Http404("No such package")
    return package


APPROVE_REFUSAL = "Only a package approver or the team manager can decide package changes."


@login_required
@require_POST
def approve(request: AuthedRequest, pk: int, package_pk: int) -> HttpResponse:
    def perform(episode: Episode, data: dict[str, Any]) -> str:
        package = services.approve_package(
            request.user, _package_of(episode, package_pk), reason=data["reason"]
        )
        return f"Package change approved: {package.describe()}."

    return _act(
        request,
        pk,
        action="approve_package",
        refusal=APPROVE_REFUSAL,
        form_name="approve_form",
        perform=perform,
    )


@login_required
@require_POST
def reject(request: AuthedRequest, pk: int, package_pk: int) -> HttpResponse:
    def perform(episode: Episode, data: dict[str, Any]) -> str:
        package = services.reject_package(
            request.user, _package_of(episode, package_pk), reason=data["reason"]
        )
        return f"Package change rejected: {package.describe()}."

    return _act(
        request,
        pk,
        action="approve_package",
        refusal=APPROVE_REFUSAL,
        form_name="reject_form",
        perform=perform,
    )


@login_required
def propose_package(request: AuthedRequest, pk: int) -> HttpResponse:
    """The coach proposes a package, or a change to it, for an approver to agree."""
    episode = _episode_or_404(request, pk, "propose a package change")
    _require(request, "work", episode, WORK_REFUSAL)
    interval = episode.team.review_interval_days
    form = PackageForm(
        request.POST if request.method == "POST" else None,
        episode=episode,
        review_interval_days=interval,
    )
    status = 200
    if request.method == "POST":
        outcome = attempt(
            form,
            lambda _: services.propose_package(request.user, episode, **form.service_arguments()),
        )
        package = outcome.result
        if package is not None:
            messages.success(
                request,
                f"Package change proposed: {package.describe()}. "
                "It takes effect when an approver agrees.",
            )
            return redirect("casework:episode", episode.pk)
        status = outcome.status
    else:
        audit.record_access(
            request.user,
            episode.person,
            channel="web",
            what=_what(episode, "propose a package change"),
            request=request,
        )
    return render(
        request,
        "casework/propose_package.html",
        {
            "episode": episode,
            "person": episode.person,
            "form": form,
            "current": selectors.current_package_of(episode),
            "pending": selectors.pending_package_of(episode),
            "review_interval_days": interval,
        },
        status=status,
    )


@login_required
def approvals(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "casework/approvals.html",
        {
            "packages": list(selectors.packages_awaiting(request.user)),
            "may_approve": selectors.may_approve_packages(request.user),
        },
    )


class CaseNotesSearchForm(forms.Form):
    q = forms.CharField(
        label="Words in the notes",
        max_length=200,
        required=False,
        help_text='For example, interview practice, or "travel training" as a phrase',
    )


#: Case notes found, per page.
NOTES_PER_PAGE = 25


@login_required
def search_case_notes(request: AuthedRequest) -> HttpResponse:
    """Case notes of the episodes the user may see; reading the notes found is a read
    of each person's record, so each person on the page is on the trail."""
    form = CaseNotesSearchForm(request.GET or None)
    words = form.cleaned_data["q"].strip() if form.is_valid() else ""
    found = None
    if words:
        found = paged(request, selectors.search_case_notes(request.user, words), NOTES_PER_PAGE)
        people = {a.episode.person_id: a.episode.person for a in found.page}
        audit.record_access_bulk(
            request.user,
            people.values(),
            channel="web",
            what="case notes search",
            request=request,
        )
    return render(
        request,
        "casework/case_notes_search.html",
        {"form": form, "words": words, "paged": found},
        status=400 if form.errors else 200,
    )
