"""Work-queue kinds for in-work support, registered with ``casework.queue.kind``.

Only jobs still supported count: once support has ended (progression), a returner's
old job brings no checks, milestones or fading back into a new coach's queue.

Each rule reads what it needs for all the listed episodes in a fixed number of queries
(the queue's query count does not grow with the caseload). An item belongs to the
person's open episode in the list: the one the job started in when it is there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db.models import F, Prefetch, Q
from django.urls import reverse

from pathways.casework.models import Episode
from pathways.casework.queue import QueueItem, kind
from pathways.employment.models import FadingStep, Milestone, Placement, PostStartCheck
from pathways.employment.selectors import (
    STALLED_WEEKS,
    coaching_minutes,
    current_placements,
    fading_weeks,
    stalled,
)

#: How far back the queue looks at coaching time (a longer run shows as this long).
HISTORY_WEEKS = 26


def _episode_for(episodes: list[Episode]) -> Callable[[Placement], Episode]:
    by_pk = {e.pk: e for e in episodes}
    by_person: dict[int, Episode] = {}
    for episode in episodes:
        by_person.setdefault(episode.person_id, episode)

    def find(placement: Placement) -> Episode:
        return by_pk.get(placement.episode_id or 0) or by_person[placement.person_id]

    return find


def _page(placement: Placement) -> str:
    return reverse("employment:placement", args=[placement.pk])


def _job(placement: Placement) -> str:
    return f"{placement.job_title} at {placement.employer_name}"


@kind("post_start_check", label="Post-start check")
def post_start_check(episodes: list[Episode], on: dt.date) -> Iterable[QueueItem]:
    """Each of the six checks not yet done on a job going on, from the start day."""
    find = _episode_for(episodes)
    checks = (
        PostStartCheck.objects.filter(
            done_on__isnull=True,
            placement__person_id__in={e.person_id for e in episodes},
            placement__start_date__lte=on,
            placement__support_ended_on__isnull=True,
        )
        .filter(Q(placement__end_date__isnull=True) | Q(placement__end_date__gte=on))
        .select_related("placement__employer")
    )
    for check in checks:
        detail = f"{check.get_kind_display()}: {_job(check.placement)}"
        yield QueueItem(
            "post_start_check",
            find(check.placement),
            check.due_on,
            check.due_on < on,
            detail,
            _page(check.placement),
        )


@kind("milestone_due", label="Milestone to confirm")
def milestone_due(episodes: list[Episode], on: dt.date) -> Iterable[QueueItem]:
    """A 13/26/52-week milestone found by the daily run and not yet confirmed."""
    find = _episode_for(episodes)
    milestones = (
        Milestone.objects.filter(
            confirmed_on__isnull=True,
            reached_on__lte=on,
            placement__person_id__in={e.person_id for e in episodes},
            placement__support_ended_on__isnull=True,
        )
        .filter(Q(placement__end_date__isnull=True) | Q(placement__end_date__gte=F("reached_on")))
        .select_related("placement__employer")
    )
    for milestone in milestones:
        detail = (
            f"{milestone.weeks} weeks in work on {milestone.reached_on:%-d %b %Y}: confirm "
            f"{_job(milestone.placement)}"
        )
        yield QueueItem(
            "milestone_due",
            find(milestone.placement),
            milestone.reached_on,
            milestone.reached_on < on,
            detail,
            _page(milestone.placement),
        )


@kind("fading_stalled", label="Fading stalled")
def fading_stalled(episodes: list[Episode], on: dt.date) -> Iterable[QueueItem]:
    """Coaching above the fading plan for the last three whole weeks of a job."""
    find = _episode_for(episodes)
    people = {e.person_id for e in episodes}
    placements = list(
        current_placements(people, on)
        .filter(fading_steps__isnull=False, support_ended_on__isnull=True)
        .distinct()
        .select_related("employer")
        .prefetch_related(Prefetch("fading_steps", queryset=FadingStep.objects.all()))
    )
    if not placements:
        return
    since = on - dt.timedelta(weeks=HISTORY_WEEKS)
    minutes = coaching_minutes({p.person_id for p in placements}, since, on)
    for placement in placements:
        weeks = fading_weeks(
            placement, placement.fading_steps.all(), minutes[placement.person_id], on
        )
        run = stalled(weeks)
        if not run:
            continue
        due = run[STALLED_WEEKS - 1].ends_on + dt.timedelta(days=1)
        detail = (
            f"Coaching above the fading plan for {len(run)} weeks: {_job(placement)} "
            f"(last week {run[-1].actual_hours} hours against {run[-1].planned_hours} planned)"
        )
        yield QueueItem("fading_stalled", find(placement), due, due < on, detail, _page(placement))
