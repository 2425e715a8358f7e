"""The action plan's forms on the episode page: add a goal, change its status, record
the person's agreement, add a step, mark a step done or not done.

Thin, like ``casework.views`` (whose helpers and page builder they reuse): parse the
form, call ``casework.plans``, go back to the plan with a banner; or show the episode
page again with what was wrong (400; 409 when someone else changed the goal first).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pathways.casework import plan_forms, plans, views
from pathways.casework.models import Episode, Goal, Step
from pathways.casework.views import WORK_REFUSAL
from pathways.core.types import AuthedRequest
from pathways.core.unusual import confirmed_in


def _goal_of(episode: Episode, goal_id: int) -> Goal:
    """One of the episode's goals (from the prefetched plan), or 404."""
    goal = next((g for g in episode.goals.all() if g.pk == goal_id), None)
    if goal is None:
        raise Http404("No such goal")
    goal.episode = episode  # the services read the episode: no query for it
    return goal


def _step_of(episode: Episode, step_id: int) -> Step:
    for goal in episode.goals.all():
        for step in goal.steps.all():
            if step.pk == step_id:
                goal.episode = episode
                step.goal = goal
                return step
    raise Http404("No such step")


def _act(
    request: AuthedRequest,
    pk: int,
    *,
    form_name: str,
    make_form: Callable[[Episode], forms.Form],
    perform: Callable[[Episode, dict[str, Any]], str],
) -> HttpResponse:
    """One plan form: the episode page's own handler, needing the right to work the
    episode and returning to the plan."""
    return views._act(
        request,
        pk,
        action="work",
        refusal=WORK_REFUSAL,
        form_name=form_name,
        make_form=make_form,
        perform=perform,
        anchor="#action-plan",
    )


@login_required
@require_POST
def add_goal(request: AuthedRequest, pk: int) -> HttpResponse:
    def perform(episode: Episode, data: dict[str, Any]) -> str:
        goal = plans.add_goal(
            request.user,
            episode,
            description=data["description"],
            owner=data["owner"],
            target_on=data["target_on"],
            agreed_with_person_on=timezone.localdate() if data["agreed_today"] else None,
            confirmed=confirmed_in(data),
        )
        return f"Goal added to the action plan: {goal}."

    return _act(
        request,
        pk,
        form_name=plan_forms.GOAL_FORM,
        make_form=lambda episode: plan_forms.goal_form(episode, request.POST),
        perform=perform,
    )


@login_required
@require_POST
def change_goal_status(request: AuthedRequest, pk: int, goal_id: int) -> HttpResponse:
    def make_form(episode: Episode) -> forms.Form:
        return plan_forms.status_form(_goal_of(episode, goal_id), request.POST)

    def perform(episode: Episode, data: dict[str, Any]) -> str:
        goal = plans.update_goal(
            request.user,
            _goal_of(episode, goal_id),
            expected_version=data["version"],
            status=data["status"],
        )
        return f"Goal “{goal}” is now {goal.get_status_display().lower()}."

    return _act(
        request,
        pk,
        form_name=plan_forms.STATUS_FORM,
        make_form=make_form,
        perform=perform,
    )


@login_required
@require_POST
def record_agreement(request: AuthedRequest, pk: int, goal_id: int) -> HttpResponse:
    def perform(episode: Episode, data: dict[str, Any]) -> str:
        goal = plans.record_agreement(
            request.user, _goal_of(episode, goal_id), timezone.localdate()
        )
        return f"Recorded that {plan_forms.first_name(episode)} agreed the goal “{goal}” today."

    return _act(
        request,
        pk,
        form_name=plan_forms.ACTION_FORM,
        make_form=lambda episode: plan_forms.PlanActionForm(request.POST),
        perform=perform,
    )


@login_required
@require_POST
def add_step(request: AuthedRequest, pk: int, goal_id: int) -> HttpResponse:
    def make_form(episode: Episode) -> forms.Form:
        return plan_forms.step_form(_goal_of(episode, goal_id).pk, request.POST)

    def perform(episode: Episode, data: dict[str, Any]) -> str:
        step = plans.add_step(
            request.user,
            _goal_of(episode, goal_id),
            description=data["description"],
            due_on=data["due_on"],
            confirmed=confirmed_in(data),
        )
        return f"Step added: {step}."

    return _act(
        request,
        pk,
        form_name=plan_forms.STEP_FORM,
        make_form=make_form,
        perform=perform,
    )


@login_required
@require_POST
def step_done(request: AuthedRequest, pk: int, step_id: int) -> HttpResponse:
    def perform(episode: Episode, data: dict[str, Any]) -> str:
        step = plans.complete_step(request.user, _step_of(episode, step_id), timezone.localdate())
        return f"Step done: {step}."

    return _act(
        request,
        pk,
        form_name=plan_forms.ACTION_FORM,
        make_form=lambda episode: plan_forms.PlanActionForm(request.POST),
        perform=perform,
    )


@login_required
@require_POST
def step_not_done(request: AuthedRequest, pk: int, step_id: int) -> HttpResponse:
    def perform(episode: Episode, data: dict[str, Any]) -> str:
        step = plans.reopen_step(request.user, _step_of(episode, step_id))
        return f"Step marked as not done: {step}."

    return _act(
        request,
        pk,
        form_name=plan_forms.ACTION_FORM,
        make_form=lambda episode: plan_forms.PlanActionForm(request.POST),
        perform=perform,
    )
