"""The scheduler queues `pathways daily` once a day, at its time, for the worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pathways.core.models import ScheduledRun
from pathways.core.scheduler import enqueue_due, seconds_to_next

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _at(hour: int, minute: int = 0) -> dt.datetime:
    today = timezone.localdate()
    return timezone.make_aware(dt.datetime.combine(today, dt.time(hour, minute)))


def test_nothing_is_queued_before_its_time(settings):
    settings.PATHWAYS_SCHEDULE = {"daily": "06:00"}
    assert enqueue_due(_at(5, 59)) == []
    assert not ScheduledRun.objects.exists()


def test_the_daily_run_is_queued_once_and_the_worker_runs_it(settings):
    settings.PATHWAYS_SCHEDULE = {"daily": "06:00"}
    settings.TASKS = DATABASE_QUEUE
    queued = enqueue_due(_at(6, 0))
    assert [(r.job, r.on) for r in queued] == [("daily", timezone.localdate())]
    assert enqueue_due(_at(9, 30)) == []  # later the same day: already queued
    task = DBTaskResult.objects.get()
    assert task.task_path == "pathways.core.scheduler.run_scheduled"
    assert task.args_kwargs["args"] == ["daily", timezone.localdate().isoformat()]
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL", task.traceback
    assert f"Daily run for {timezone.localdate().isoformat()}" in task.return_value


def test_the_command_queues_what_is_due(settings, capsys):
    settings.PATHWAYS_SCHEDULE = {"daily": "00:00"}
    settings.TASKS = DATABASE_QUEUE
    call_command("scheduler", "--once")
    call_command("scheduler", "--once")
    assert capsys.readouterr().out.count("Queued daily for") == 1
    assert DBTaskResult.objects.count() == 1


def test_the_scheduler_sleeps_at_most_a_minute_and_until_the_next_time(settings):
    settings.PATHWAYS_SCHEDULE = {"daily": "06:00"}
    assert (
        seconds_to_next(
            _at(
                5,
                59,
            )
        )
        == 60.0
    )
    assert seconds_to_next(_at(5, 59) + dt.timedelta(seconds=30)) == 30.0
