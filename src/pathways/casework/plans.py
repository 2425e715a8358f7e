"""The episode's action plan: goals agreed with the person, and the steps towards them.

Every change checks ``casework.policy.episode_policy`` ("work"), runs in one transaction with
the episode locked, and is refused on a closed episode (``services._lock_open``).
auditlog records each change to a goal or a step.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pathways.casework.models import Episode, Goal, Step
from pathways.casework.services import _lock_open, _require, add_years, check_within_episode
from pathways.core.errors import ConcurrentEdit, IllegalTransition
from pathways.core.models import User
from pathways.core.unusual import Confirmed, Unusual, settle

REFUSAL = "Only the person's worker or their team can change the action plan."
#: What ``update_goal`` may change.
GOAL_FIELDS = ("description", "owner", "target_on", "status", "agreed_with_person_on")
STEP_LENGTH = Step._meta.get_field("description").max_length or 300


def _text(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise IllegalTransition(f"Enter the {what}.")
    return value


def _owner(owner: str) -> str:
    if owner not in Goal.Owner.values:
        raise IllegalTransition("Choose who owns the goal.")
    return owner


def _past_date(day: dt.date, episode: Episode, what: str) -> dt.date:
    if day > timezone.localdate():
        raise IllegalTransition(f"The {what} cannot be in the future.")
    if day < episode.started_on:
        raise IllegalTransition(
            f"The {what} cannot be before {episode.started_on:%-d %B %Y}, "
            "when this episode started."
        )
    return day


#: A target further ahead than this many years is refused; further than
#: ``TARGET_ASK_YEARS``, asked about (decision 0036): a plan is reviewed at least
#: yearly, and even long-term support sets goals within reach.
TARGET_MAX_YEARS = 5
TARGET_ASK_YEARS = 2


def _target(day: dt.date | None, episode: Episode, field: str, what: str) -> list[Unusual]:
    """Refuse a target date before the episode began or more than ``TARGET_MAX_YEARS``
    ahead; one more than ``TARGET_ASK_YEARS`` ahead is returned to ask about."""
    if day is None:
        return []
    check_within_episode(episode, day, field, what)
    today = timezone.localdate()
    if day > add_years(today, TARGET_MAX_YEARS):
        raise ValidationError(
            {
                field: f"The {what} must be within {TARGET_MAX_YEARS} years: set a nearer "
                "one and review it"
            }
        )
    if day > add_years(today, TARGET_ASK_YEARS):
        return [
            Unusual(
                field,
                f"The {what}, {day:%-d %B %Y}, is more than {TARGET_ASK_YEARS} years away. "
                "A nearer target is usually easier to work towards.",
            )
        ]
    return []


def _open_episode(actor: User, episode: Episode) -> Episode:
    _require(actor, "work", episode, REFUSAL)
    return _lock_open(episode)


def _lock_goal(goal: Goal, episode: Episode, expected_version: int | None = None) -> Goal:
    fresh = Goal.objects.select_for_update().get(pk=goal.pk)
    fresh.episode = episode  # the audit entry reads the person from it
    if expected_version is not None and fresh.version != expected_version:
        raise ConcurrentEdit(
            "Someone else changed this goal while you were working on it. "
            "Check its current state and try again."
        )
    return fresh


@transaction.atomic
def add_goal(
    actor: User,
    episode: Episode,
    *,
    description: str,
    owner: str,
    target_on: dt.date | None = None,
    agreed_with_person_on: dt.date | None = None,
    confirmed: Confirmed = False,
) -> Goal:
    """A new goal; the target date may be in the future (a far one is asked about:
    ``core.unusual``), the agreement may not."""
    episode = _open_episode(actor, episode)
    if agreed_with_person_on is not None:
        _past_date(agreed_with_person_on, episode, "date the person agreed the goal")
    unusual = _target(target_on, episode, "target_on", "target date")
    description = _text(description, "goal")
    owner = _owner(owner)
    settle(unusual, confirmed)
    return Goal.objects.create(
        episode=episode,
        description=description,
        owner=owner,
        target_on=target_on,
        agreed_with_person_on=agreed_with_person_on,
        created_by=actor,
    )


@transaction.atomic
def update_goal(
    actor: User,
    goal: Goal,
    *,
    expected_version: int,
    confirmed: Confirmed = False,
    **fields: Any,
) -> Goal:
    """Change any of ``GOAL_FIELDS``. Any status may follow any other: an achieved or
    dropped goal is reopened by setting its status again. A new target date is checked
    as in ``add_goal``."""
    unknown = set(fields) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"update_goal cannot change {', '.join(sorted(unknown))}")
    episode = _open_episode(actor, goal.episode)
    goal = _lock_goal(goal, episode, expected_version)
    if "description" in fields:
        fields["description"] = _text(fields["description"], "goal")
    if "owner" in fields:
        _owner(fields["owner"])
    if "status" in fields and fields["status"] not in Goal.Status.values:
        raise IllegalTransition("Choose the goal's status.")
    if fields.get("agreed_with_person_on") is not None:
        _past_date(fields["agreed_with_person_on"], episode, "date the person agreed the goal")
    changed = [name for name, value in fields.items() if getattr(goal, name) != value]
    if not changed:
        return goal
    if "target_on" in changed:
        settle(_target(fields["target_on"], episode, "target_on", "target date"), confirmed)
    for name in changed:
        setattr(goal, name, fields[name])
    goal.version += 1
    goal.save(update_fields=[*changed, "version"])
    return goal


@transaction.atomic
def record_agreement(actor: User, goal: Goal, on: dt.date) -> Goal:
    """The person agreed the goal on ``on`` (not in the future)."""
    episode = _open_episode(actor, goal.episode)
    goal = _lock_goal(goal, episode)
    goal.agreed_with_person_on = _past_date(on, episode, "date the person agreed the goal")
    goal.version += 1
    goal.save(update_fields=["agreed_with_person_on", "version"])
    return goal


@transaction.atomic
def add_step(
    actor: User,
    goal: Goal,
    *,
    description: str,
    due_on: dt.date | None = None,
    confirmed: Confirmed = False,
) -> Step:
    """A step towards the goal; its due date may be in the future, within the same
    bounds as a goal's target date."""
    goal.episode = _open_episode(actor, goal.episode)
    description = _text(description, "step")
    if len(description) > STEP_LENGTH:
        raise IllegalTransition(f"A step must be {STEP_LENGTH} characters or fewer.")
    settle(_target(due_on, goal.episode, "due_on", "due date"), confirmed)
    return Step.objects.create(goal=goal, description=description, due_on=due_on)


def _lock_step(actor: User, step: Step) -> tuple[Step, Episode]:
    goal = step.goal
    episode = goal.episode = _open_episode(actor, goal.episode)
    fresh = Step.objects.select_for_update().get(pk=step.pk)
    fresh.goal = goal  # the audit entry reads the person through it
    return fresh, episode


@transaction.atomic
def complete_step(actor: User, step: Step, on: dt.date) -> Step:
    """The step was done on ``on``: not in the future, not before the episode began."""
    step, episode = _lock_step(actor, step)
    step.done_on = _past_date(on, episode, "date the step was done")
    step.save(update_fields=["done_on"])
    return step


@transaction.atomic
def reopen_step(actor: User, step: Step) -> Step:
    step, _ = _lock_step(actor, step)
    if step.done_on is None:
        raise IllegalTransition("This step is not done yet.")
    step.done_on = None
    step.save(update_fields=["done_on"])
    return step
