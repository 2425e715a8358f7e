"""Forms for the action plan on the episode page, and the plan's part of that page's
context (``plan_context``), which ``casework.views`` adds to every episode page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from pathways.casework.models import Episode, Goal
from pathways.casework.plans import STEP_LENGTH
from pathways.core.forms import ConfirmUnusualForm, DatePartsField

#: Context names of the plan's forms, as views pass them bound to ``_episode_page``.
GOAL_FORM = "goal_form"
STEP_FORM = "step_form"
STATUS_FORM = "goal_status_form"
ACTION_FORM = "plan_action_form"


class GoalForm(ConfirmUnusualForm):
    description = forms.CharField(
        label="Goal",
        widget=forms.Textarea,
        error_messages={"required": "Enter the goal"},
        help_text="In the person's own words where you can",
    )
    owner = forms.ChoiceField(
        label="Who owns this goal?",
        choices=Goal.Owner.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who owns the goal"},
    )
    target_on = DatePartsField(
        label="Target date (optional)",
        required=False,
        label_for_errors="target date",
        help_text="For example, 3 11 2026",
    )
    agreed_today = forms.BooleanField(label="", required=False)

    def __init__(self, *args: Any, person_name: str = "the person", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreed_today"].label = f"{person_name} agreed this goal today"


class StepForm(ConfirmUnusualForm):
    description = forms.CharField(
        label="Step",
        max_length=STEP_LENGTH,
        error_messages={
            "required": "Enter the step",
            "max_length": f"The step must be {STEP_LENGTH} characters or fewer",
        },
    )
    due_on = DatePartsField(
        label="Due date (optional)",
        required=False,
        label_for_errors="due date",
        help_text="For example, 3 11 2026",
    )


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=Goal.Status.choices,
        error_messages={"required": "Choose the goal's status"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanActionForm(forms.Form):
    """No fields: carries a refusal of a one-button action (a step done, an agreement)
    to the error summary."""


def first_name(episode: Episode) -> str:
    person = episode.person
    return person.preferred_name or person.given_name


def goal_form(episode: Episode, data: Any = None) -> GoalForm:
    return GoalForm(data, prefix="goal", person_name=first_name(episode))


def step_form(goal_id: int, data: Any = None) -> StepForm:
    form = StepForm(data, prefix=f"step-{goal_id}")
    form.goal_id = goal_id  # type: ignore[attr-defined]
    return form


def status_form(goal: Goal, data: Any = None) -> GoalStatusForm:
    form = GoalStatusForm(
        data,
        prefix=f"goal-{goal.pk}",
        initial={"status": goal.status, "version": goal.version},
    )
    form.goal_id = goal.pk  # type: ignore[attr-defined]
    return form


def _by_date(day: dt.date | None, pk: int) -> tuple[bool, dt.date, int]:
    """Dated first, in date order; undated last (the same on every database)."""
    return (day is None, day or dt.date.min, pk)


def plan_context(episode: Episode, bound: dict[str, forms.Form]) -> dict[str, Any]:
    """The goals (prefetched with their steps by ``selectors.episode_with_history``: no query
    here), each carrying its steps and forms; a bound form with errors replaces the
    empty one it stands for."""
    goals = sorted(episode.goals.all(), key=lambda g: _by_date(g.target_on, g.pk))
    bound_step = bound.get(STEP_FORM)
    bound_status = bound.get(STATUS_FORM)
    for goal in goals:
        goal.step_list = sorted(  # type: ignore[attr-defined]
            goal.steps.all(), key=lambda s: _by_date(s.due_on, s.pk)
        )
        goal.step_form = (  # type: ignore[attr-defined]
            bound_step
            if bound_step is not None and getattr(bound_step, "goal_id", None) == goal.pk
            else step_form(goal.pk)
        )
        goal.status_form = (  # type: ignore[attr-defined]
            bound_status
            if bound_status is not None and getattr(bound_status, "goal_id", None) == goal.pk
            else status_form(goal)
        )
    return {
        "goals": goals,
        "person_first_name": first_name(episode),
        GOAL_FORM: bound.get(GOAL_FORM) or goal_form(episode),
    }
