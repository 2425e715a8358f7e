"""The one-page case summary (a read, like ``selectors``): everything a worker takes to a
meeting about a person, gathered in a fixed number of queries however long the
person's history is.

The person comes from ``person_policy`` (the page fetches them). Casework in the
summary (the episode, its plan, the timeline, what is due) is what the user may see
through ``episode_policy``, as on the episode page; jobs through ``placement_policy``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, QuerySet

from pathways.casework.models import Activity, Episode, Goal, Package, StageEntry, Step
from pathways.casework.queue import QueueItem, build_queue
from pathways.casework.selectors import current_package_of, episodes_for
from pathways.core.models import User
from pathways.employment.models import MILESTONE_WEEKS, Milestone, Placement
from pathways.employment.selectors import current_placements, placements_for
from pathways.people.models import Contact, Person
from pathways.people.selectors import current_consents

#: How much of each list fits on one printed page.
CONTACTS_SHOWN = 4
GOALS_SHOWN = 4
STEPS_SHOWN = 1
DUE_SHOWN = 4
ACTIVITIES_SHOWN = 5
#: Characters of an activity's first line of notes.
FIRST_LINE_LENGTH = 80


def summary_rows() -> QuerySet[Person]:
    """People with what the summary shows of their own record (unscoped: the person
    policy scopes it)."""
    return Person.objects.select_related("authority").prefetch_related(
        Prefetch("contacts", queryset=Contact.objects.order_by("pk")),
        "consents",
    )


@dataclass(frozen=True)
class GoalLine:
    goal: Goal
    next_steps: list[Step]


@dataclass(frozen=True)
class ActivityLine:
    activity: Activity
    first_line: str


@dataclass(frozen=True)
class Job:
    placement: Placement
    #: The next milestone: (weeks, the day it falls, whether it is reached and waits
    #: for the coach to confirm it); None when every milestone is confirmed.
    next_milestone: tuple[int, dt.date, bool] | None


@dataclass(frozen=True)
class CaseSummary:
    person: Person
    on: dt.date
    age: int
    consents: list
    contacts: list[Contact]
    more_contacts: int
    episode: Episode | None
    package: Package | None
    stage_since: dt.date | None
    days_since_contact: int | None
    goals: list[GoalLine] = field(default_factory=list)
    more_goals: int = 0
    job: Job | None = None
    due: list[QueueItem] = field(default_factory=list)
    more_due: int = 0
    activities: list[ActivityLine] = field(default_factory=list)


def _current_episode(episodes: QuerySet[Episode]) -> Episode | None:
    """The open episode (the newest, should there be two), else the last one closed,
    with its packages, stages and plan."""
    return (
        episodes.select_related("team", "worker")
        .prefetch_related(
            Prefetch("packages", queryset=Package.objects.filter(status=Package.Status.APPROVED)),
            Prefetch("stage_entries", queryset=StageEntry.objects.order_by("entered_on", "id")),
            Prefetch(
                "goals",
                queryset=Goal.objects.exclude(
                    status__in=[Goal.Status.ACHIEVED, Goal.Status.DROPPED]
                ).prefetch_related(
                    Prefetch(
                        "steps",
                        queryset=Step.objects.filter(done_on__isnull=True).order_by(
                            F("due_on").asc(nulls_last=True), "id"
                        ),
                    )
                ),
            ),
        )
        .order_by(F("ended_on").desc(nulls_first=True), "-started_on", "-id")
        .first()
    )


def _stage_since(episode: Episode) -> dt.date | None:
    """When the episode entered the stage it is in (its latest entry of that stage)."""
    entries = [e for e in episode.stage_entries.all() if e.stage == episode.stage]
    return entries[-1].entered_on if entries else None


def _first_line(notes: str) -> str:
    line = next((part.strip() for part in notes.splitlines() if part.strip()), "")
    if len(line) > FIRST_LINE_LENGTH:
        line = line[: FIRST_LINE_LENGTH - 1].rstrip() + "…"
    return line


def _next_milestone(placement: Placement, on: dt.date) -> tuple[int, dt.date, bool] | None:
    recorded = {m.weeks: m for m in placement.milestones.all()}
    for weeks in MILESTONE_WEEKS:
        milestone = recorded.get(weeks)
        if milestone is not None and milestone.confirmed_on is not None:
            continue
        reached_on = placement.start_date + dt.timedelta(days=7 * weeks)
        return weeks, reached_on, milestone is not None or reached_on <= on
    return None


def _current_job(user: User, person: Person, on: dt.date) -> Job | None:
    """The job the person holds today that the user may see (the latest started)."""
    placement = (
        placements_for(user)
        .filter(pk__in=current_placements([person.pk], on).values("pk"))
        .select_related("employer")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("weeks")))
        .order_by("-start_date", "-pk")
        .first()
    )
    if placement is None:
        return None
    return Job(placement, _next_milestone(placement, on))


def case_summary(user: User, person: Person, on: dt.date) -> CaseSummary:
    """What the summary shows of ``person`` (fetched through ``summary_rows``) for
    ``user`` on ``on``."""
    visible = episodes_for(user).filter(person=person)
    episode = _current_episode(visible)
    contacts = list(person.contacts.all())
    package = stage_since = days = None
    goals: list[GoalLine] = []
    all_goals: list[Goal] = []
    if episode is not None:
        package = current_package_of(episode)
        stage_since = _stage_since(episode)
        if episode.last_contact_on is not None:
            days = (on - episode.last_contact_on).days
        all_goals = list(episode.goals.all())
        goals = [GoalLine(g, list(g.steps.all())[:STEPS_SHOWN]) for g in all_goals[:GOALS_SHOWN]]
    due = build_queue(visible, on) if episode is not None else []
    activities = (
        Activity.objects.filter(episode__in=visible).order_by("-occurred_on", "-id")
        if episode is not None
        else Activity.objects.none()
    )
    return CaseSummary(
        person=person,
        on=on,
        age=person.age_on(on),
        consents=list(current_consents(person).values()),
        contacts=contacts[:CONTACTS_SHOWN],
        more_contacts=max(0, len(contacts) - CONTACTS_SHOWN),
        episode=episode,
        package=package,
        stage_since=stage_since,
        days_since_contact=days,
        goals=goals,
        more_goals=max(0, len(all_goals) - GOALS_SHOWN),
        job=_current_job(user, person, on),
        due=due[:DUE_SHOWN],
        more_due=max(0, len(due) - DUE_SHOWN),
        activities=[ActivityLine(a, _first_line(a.notes)) for a in activities[:ACTIVITIES_SHOWN]],
    )
