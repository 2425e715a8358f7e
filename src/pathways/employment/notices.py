"""What the daily run tells workers about jobs (``core.notifications``): post-start
checks falling due and milestones found, each once (a second run the same day, or the
next, tells nobody again). The worker is the one allocated to the person's open
episode (the one the job started in, when it is open). The texts name nobody.

Only items that fell due in the last ``WINDOW_DAYS`` are told, so missed days are
caught up while older work (in the work queue and its daily summary already) does not
arrive as a flood the first time the run sends notices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, F, Q
from django.urls import reverse

from pathways.casework.models import Episode
from pathways.core.models import User
from pathways.core.notifications import notification_kind, notify
from pathways.employment.models import Milestone, PostStartCheck

CHECK_DUE = notification_kind("check_due", "Post-start checks fall due").name
MILESTONE_DUE = notification_kind("milestone_due", "A milestone in work is ready to confirm").name

#: How far back the daily run looks for items that fell due.
WINDOW_DAYS = 7


def _workers(rows: Iterable[tuple[int, int | None]]) -> dict[tuple[int, int | None], User]:
    """The worker for each (person, job's episode) pair, in one query."""
    pairs = list(rows)
    episodes = Episode.objects.filter(
        person_id__in={p for p, _ in pairs}, ended_on__isnull=True, worker__isnull=False
    ).select_related("worker")
    by_pk = {e.pk: e for e in episodes}
    by_person: dict[int, Episode] = {}
    for episode in sorted(episodes, key=lambda e: e.pk):
        by_person.setdefault(episode.person_id, episode)
    found: dict[tuple[int, int | None], User] = {}
    for person_id, episode_id in pairs:
        chosen = by_pk.get(episode_id or 0) or by_person.get(person_id)
        if chosen is not None and chosen.worker is not None:
            found[(person_id, episode_id)] = chosen.worker
    return found


def notify_due(on: dt.date) -> int:
    """Tell workers of the checks and milestones that fell due by ``on``; how many
    notices were made."""
    since = on - dt.timedelta(days=WINDOW_DAYS)
    checks = list(
        PostStartCheck.objects.filter(
            done_on__isnull=True,
            due_on__lte=on,
            due_on__gt=since,
            placement__support_ended_on__isnull=True,
        )
        .filter(Q(placement__end_date__isnull=True) | Q(placement__end_date__gte=on))
        .values("placement_id", "placement__person_id", "placement__episode_id", "due_on")
        .annotate(checks=Count("id"))
        .order_by("placement_id", "due_on")
    )
    milestones = list(
        Milestone.objects.filter(
            confirmed_on__isnull=True,
            found_on__lte=on,
            found_on__gt=since,
            placement__support_ended_on__isnull=True,
        )
        .filter(Q(placement__end_date__isnull=True) | Q(placement__end_date__gte=F("reached_on")))
        .values("pk", "weeks", "placement_id", "placement__person_id", "placement__episode_id")
        .order_by("pk")
    )
    workers = _workers(
        [(r["placement__person_id"], r["placement__episode_id"]) for r in checks]
        + [(r["placement__person_id"], r["placement__episode_id"]) for r in milestones]
    )
    made = 0
    for row in checks:
        worker = workers.get((row["placement__person_id"], row["placement__episode_id"]))
        if worker is None:
            continue
        n = row["checks"]
        text = (
            "A post-start check for a job you support is due."
            if n == 1
            else f"{n} post-start checks for a job you support are due."
        )
        link = reverse("employment:placement", args=[row["placement_id"]])
        key = f"checks:{row['placement_id']}:{row['due_on'].isoformat()}"
        made += notify(worker, CHECK_DUE, text, link, key=key) is not None
    for found in milestones:
        worker = workers.get((found["placement__person_id"], found["placement__episode_id"]))
        if worker is None:
            continue
        text = f"A {found['weeks']}-week milestone in work is ready to confirm."
        link = reverse("employment:placement", args=[found["placement_id"]])
        made += (
            notify(worker, MILESTONE_DUE, text, link, key=f"milestone:{found['pk']}") is not None
        )
    return made
