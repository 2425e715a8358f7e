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
from django.utils import timezone

from pathways.casework.models import Activity, ActivityKind
from pathways.core.models import User
from pathways.employment.models import (
    CheckKind,
    FadingStep,
    Milestone,
    Placement,
    PlacementTerms,
    PostStartCheck,
)
from pathways.employment.policy import placement_policy
from pathways.people.models import Person

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


# --- What the person sees of their job in their portal -------------------------------


@dataclass(frozen=True)
class SupportStep:
    """Planned coaching hours a week from a date: one step of the fading plan."""

    starts_on: dt.date
    hours_per_week: Decimal
    #: In force today (the latest step started on or before today).
    current: bool


@dataclass(frozen=True)
class MyJob:
    """The person's job in their terms: what it is, the hours and pay in force, who to
    call, and the support they get and how it fades."""

    placement_id: int
    job_title: str
    employer: str
    start_date: dt.date
    paid: bool
    hours_per_week: Decimal
    hourly_pay: Decimal | None
    weekly_pay: Decimal | None
    #: The named contact agreed in the post-start checks (the check's notes), if done.
    named_contact: str
    #: The coach: the worker of the episode the job started in, by first name.
    coach: str
    coach_email: str
    support_ended_on: dt.date | None
    #: The fading plan in order (empty once support has ended).
    support: list[SupportStep]
    #: The next change in support, if one is planned.
    next_step: SupportStep | None


def my_job(person: Person, on: dt.date | None = None) -> MyJob | None:
    """The person's current job (the latest started, if they hold several), for their
    portal (the portal decides who may see it). Four queries, whatever the job holds."""
    day = on or timezone.localdate()
    placement = (
        current_placements([person.pk], day)
        .select_related("employer", "episode__worker")
        .prefetch_related(
            Prefetch(
                "terms",
                queryset=PlacementTerms.objects.filter(effective_from__lte=day).order_by(
                    "-effective_from"
                ),
                to_attr="terms_so_far",
            ),
            Prefetch(
                "checks",
                queryset=PostStartCheck.objects.filter(
                    kind=CheckKind.NAMED_CONTACT, done_on__isnull=False
                ),
                to_attr="named_contact_checks",
            ),
            Prefetch(
                "fading_steps",
                queryset=FadingStep.objects.order_by("starts_on"),
                to_attr="plan",
            ),
        )
        .order_by("-start_date", "-pk")
        .first()
    )
    if placement is None:
        return None
    terms = placement.terms_so_far[0] if placement.terms_so_far else None  # type: ignore[attr-defined]
    hours = terms.hours_per_week if terms is not None else placement.hours_per_week
    pay = terms.hourly_pay if terms is not None else placement.hourly_pay
    if not placement.paid:
        pay = None
    named = placement.named_contact_checks  # type: ignore[attr-defined]
    worker = placement.episode.worker if placement.episode is not None else None
    ended = placement.support_ended_on is not None and placement.support_ended_on <= day
    steps: list[FadingStep] = [] if ended else placement.plan  # type: ignore[attr-defined]
    current_start = max((s.starts_on for s in steps if s.starts_on <= day), default=None)
    support = [
        SupportStep(s.starts_on, s.planned_hours, current=s.starts_on == current_start)
        for s in steps
    ]
    return MyJob(
        placement_id=placement.pk,
        job_title=placement.job_title,
        employer=placement.employer_name,
        start_date=placement.start_date,
        paid=placement.paid,
        hours_per_week=hours,
        hourly_pay=pay,
        weekly_pay=(hours * pay).quantize(pay) if pay is not None else None,
        named_contact=named[0].notes if named else "",
        coach=(worker.first_name or worker.email) if worker is not None else "",
        coach_email=worker.email if worker is not None else "",
        support_ended_on=placement.support_ended_on,
        support=support,
        next_step=next((s for s in support if s.starts_on > day), None),
    )
