"""Reads of placements and their in-work support, scoped by ``employment.policy.placement_policy``.

The fading plan is compared week by week with the coaching actually given: the
in-work coaching activities in the person's timeline. Weeks are counted from the job
start (week 1 is the start day and the six days after), so a plan and its actuals line
up however the start falls in the calendar. A week's plan is the step in force on its
first day (a step starting mid-week counts from the next week), and the last week of
an ended job counts even if it is short.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum

from pathways.casework.models import Activity, ActivityKind
from pathways.core.models import User
from pathways.employment.models import FadingStep, Milestone, Placement, PostStartCheck
from pathways.employment.policy import placement_policy

#: Weeks in a row above plan that make a fading plan "stalled".
STALLED_WEEKS = 3


def placements_for(user: User) -> QuerySet[Placement]:
    return placement_policy.visible(user, Placement.objects.all())


def placements_of_person(user: User, person_id: int) -> QuerySet[Placement]:
    """A person's jobs, newest first, with what the person page shows of each."""
    return (
        placements_for(user)
        .filter(person_id=person_id)
        .select_related("employer", "access_to_work")
        .prefetch_related(
            Prefetch("checks", queryset=PostStartCheck.objects.filter(done_on__isnull=True)),
            Prefetch("milestones", queryset=Milestone.objects.filter(confirmed_on__isnull=True)),
        )
        .order_by("-start_date", "-pk")
    )


def placement_page_rows() -> QuerySet[Placement]:
    """Placements with everything the job page shows (unscoped: the placement policy
    scopes it)."""
    return Placement.objects.select_related(
        "person",
        "person__authority",
        "employer",
        "episode",
        "episode__team",
        "candidacy",
        "access_to_work",
    ).prefetch_related(
        Prefetch("checks", queryset=PostStartCheck.objects.select_related("done_by")),
        "terms",
        "fading_steps",
        Prefetch("milestones", queryset=Milestone.objects.select_related("confirmed_by")),
    )


@dataclass(frozen=True)
class FadingWeek:
    number: int
    starts_on: dt.date
    planned_hours: Decimal | None
    actual_hours: Decimal

    @property
    def ends_on(self) -> dt.date:
        return self.starts_on + dt.timedelta(days=6)

    @property
    def above_plan(self) -> bool:
        return self.planned_hours is not None and self.actual_hours > self.planned_hours


def planned_on(steps: Iterable[FadingStep], day: dt.date) -> Decimal | None:
    """The planned hours in force on a day (the latest step starting on or before it)."""
    planned = None
    for step in sorted(steps, key=lambda s: s.starts_on):
        if step.starts_on <= day:
            planned = step.planned_hours
    return planned


def fading_weeks(
    placement: Placement,
    steps: Iterable[FadingStep],
    minutes_by_day: dict[dt.date, int],
    until: dt.date,
) -> list[FadingWeek]:
    """Planned against actual for each whole week of the job up to ``until`` (the week
    holding ``until`` is left out until it is over). Pure: the caller loads the data."""
    steps = list(steps)
    weeks = []
    number, start = 1, placement.start_date
    while start + dt.timedelta(days=6) < until and (
        placement.end_date is None or start <= placement.end_date
    ):
        minutes = sum(minutes_by_day.get(start + dt.timedelta(days=d), 0) for d in range(7))
        actual = (Decimal(minutes) / 60).quantize(Decimal("0.1"))
        weeks.append(FadingWeek(number, start, planned_on(steps, start), actual))
        number, start = number + 1, start + dt.timedelta(days=7)
    return weeks


def stalled(weeks: list[FadingWeek]) -> list[FadingWeek]:
    """The run of weeks above plan at the end, when it is at least three long."""
    run: list[FadingWeek] = []
    for week in reversed(weeks):
        if not week.above_plan:
            break
        run.insert(0, week)
    return run if len(run) >= STALLED_WEEKS else []


def coaching_minutes(
    person_ids: Collection[int], since: dt.date, until: dt.date
) -> dict[int, dict[dt.date, int]]:
    """In-work coaching minutes per person per day, in one query."""
    rows = (
        Activity.objects.filter(
            episode__person_id__in=person_ids,
            kind=ActivityKind.IN_WORK_COACHING,
            occurred_on__gte=since,
            occurred_on__lte=until,
        )
        .values("episode__person_id", "occurred_on")
        .annotate(minutes=Sum("minutes"))
    )
    by_person: dict[int, dict[dt.date, int]] = defaultdict(dict)
    for row in rows:
        by_person[row["episode__person_id"]][row["occurred_on"]] = row["minutes"]
    return by_person


def fading_of(placement: Placement, until: dt.date) -> list[FadingWeek]:
    """The fading chart's weeks for one placement (its steps should be prefetched)."""
    minutes = coaching_minutes([placement.person_id], placement.start_date, until)
    return fading_weeks(
        placement, placement.fading_steps.all(), minutes[placement.person_id], until
    )


def current_placements(person_ids: Collection[int], on: dt.date) -> QuerySet[Placement]:
    """Jobs the people hold on a date."""
    return Placement.objects.filter(person_id__in=person_ids, start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
