"""Finished upload runs are kept ``PATHWAYS_IMPORT_RUN_KEEP_DAYS`` days, then
``pathways daily`` deletes them; a run waiting or importing is never deleted
(decision 0058)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from pathways.core.import_tasks import purge_finished_runs
from pathways.core.models import ImportRun, Role
from tests.factories import staff

pytestmark = pytest.mark.django_db
Status = ImportRun.Status


@pytest.fixture
def admin(team):
    return staff(Role.ADMIN, team, email="admin@example.org")


def run(admin, status: str, days_ago: int, name: str) -> ImportRun:
    """A run started and (unless waiting or importing) finished ``days_ago`` days ago."""
    at = timezone.now() - dt.timedelta(days=days_ago)
    finished = status in (Status.DONE, Status.FAILED)
    return ImportRun.objects.create(
        kind="people",
        file_name=name,
        sha256="x",
        actor=admin,
        status=status,
        summary="1 row: people.csv:2: given_name: 'Jordan Asante' is a duplicate",
        created_at=at,
        finished_at=at if finished else None,
    )


def names() -> set[str]:
    return set(ImportRun.objects.values_list("file_name", flat=True))


def test_old_finished_runs_go_and_recent_or_unfinished_ones_stay(admin, settings):
    settings.PATHWAYS_IMPORT_RUN_KEEP_DAYS = 30
    run(admin, Status.DONE, 45, "old-done.csv")
    run(admin, Status.FAILED, 31, "old-failed.csv")
    run(admin, Status.DONE, 29, "recent-done.csv")
    run(admin, Status.FAILED, 2, "recent-failed.csv")
    run(admin, Status.QUEUED, 200, "old-queued.csv")
    run(admin, Status.RUNNING, 200, "old-running.csv")
    assert purge_finished_runs(timezone.localdate()) == 2
    assert names() == {"recent-done.csv", "recent-failed.csv", "old-queued.csv", "old-running.csv"}
    assert purge_finished_runs(timezone.localdate()) == 0  # a second run finds nothing


def test_the_setting_decides_how_long(admin, settings):
    run(admin, Status.DONE, 10, "ten-days.csv")
    settings.PATHWAYS_IMPORT_RUN_KEEP_DAYS = 30
    assert purge_finished_runs(timezone.localdate()) == 0
    settings.PATHWAYS_IMPORT_RUN_KEEP_DAYS = 7
    assert purge_finished_runs(timezone.localdate()) == 1
    assert names() == set()
    run(admin, Status.DONE, 0, "just-now.csv")
    settings.PATHWAYS_IMPORT_RUN_KEEP_DAYS = -5  # a mistake: counts as 0, kept today
    assert purge_finished_runs(timezone.localdate()) == 0
    assert names() == {"just-now.csv"}


def test_a_date_to_come_deletes_nothing_early_and_a_past_date_less(admin, settings):
    settings.PATHWAYS_IMPORT_RUN_KEEP_DAYS = 30
    run(admin, Status.DONE, 20, "twenty-days.csv")
    today = timezone.localdate()
    assert purge_finished_runs(today + dt.timedelta(days=60)) == 0
    assert purge_finished_runs(today - dt.timedelta(days=1)) == 0
    assert names() == {"twenty-days.csv"}


def test_the_daily_run_deletes_them_and_says_how_many(admin, settings):
    settings.PATHWAYS_IMPORT_RUN_KEEP_DAYS = 30
    run(admin, Status.DONE, 40, "old-done.csv")
    run(admin, Status.FAILED, 40, "old-failed.csv")
    run(admin, Status.QUEUED, 40, "old-queued.csv")
    out = StringIO()
    call_command("daily", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["deleted"]["import_runs"] == 2
    assert names() == {"old-queued.csv"}
    run(admin, Status.DONE, 40, "another.csv")
    out = StringIO()
    call_command("daily", stdout=out)
    assert "Deleted, kept long enough: finished upload runs 1," in out.getvalue()
