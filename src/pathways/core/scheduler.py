"""The scheduler: puts each day's scheduled jobs on the task queue (the database queue
the notifications use: ``pathways db_worker`` runs them), once a day each.

The jobs are management commands named in ``settings.PATHWAYS_SCHEDULE`` (``daily``, at
``PATHWAYS_DAILY_AT``), run with ``--on`` the day. A ``ScheduledRun`` row per job and day
makes queueing once-only however many schedulers run. A day the scheduler was down is
not queued afterwards: ``pathways daily`` catches up by itself (milestones reached
while it was not run are found the next time it is).
"""

from __future__ import annotations

import datetime as dt
import io
from functools import partial

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from pathways.core.models import ScheduledRun


def schedule() -> dict[str, dt.time]:
    """Each job's time of day (the service's time zone)."""
    return {job: dt.time.fromisoformat(at) for job, at in settings.PATHWAYS_SCHEDULE.items()}


def enqueue_due(now: dt.datetime | None = None) -> list[ScheduledRun]:
    """Queue each job whose time has come today and that is not queued for today yet."""
    now = timezone.localtime(now or timezone.now())
    queued = []
    for job, at in schedule().items():
        if now.time() < at:
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job, on=now.date())
        except IntegrityError:
            continue  # queued already (by this scheduler earlier, or by another)
        transaction.on_commit(partial(run_scheduled.enqueue, job, run.on.isoformat()))
        queued.append(run)
    return queued


def seconds_to_next(now: dt.datetime | None = None) -> float:
    """How long the scheduler may sleep: until the next job's time, at most a minute."""
    now = timezone.localtime(now or timezone.now())
    waits = []
    for at in schedule().values():
        next_at = dt.datetime.combine(now.date(), at, tzinfo=now.tzinfo)
        if next_at <= now:
            next_at += dt.timedelta(days=1)
        waits.append((next_at - now).total_seconds())
    return max(1.0, min([60.0, *waits]))


@task()
def run_scheduled(job: str, on: str) -> str:
    """Run one scheduled job for a day; its output is the task's result."""
    if job not in settings.PATHWAYS_SCHEDULE:
        raise ValueError(f"{job!r} is not a scheduled job")
    out = io.StringIO()
    call_command(job, on=on, stdout=out)
    return out.getvalue()
