"""``pathways daily``: milestones found once per date, the day's queue counted."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pathways.employment import services
from pathways.employment.models import Milestone
from tests.factories import EmployerFactory, EpisodeFactory

TODAY = dt.date.today  # called in each test: a run may cross midnight


def START() -> dt.date:
    return TODAY() - dt.timedelta(days=200)


@pytest.fixture
def placement(team, coach):
    episode = EpisodeFactory(team=team, worker=coach, started_on=START() - dt.timedelta(days=7))
    return services.record_job_start(
        coach,
        episode.person,
        start_date=START(),
        employer=EmployerFactory(organisation=team.organisation),
        job_title="Gardener",
        kind="employed",
        paid=True,
        hours_per_week=Decimal("20"),
    )


def daily(*args):
    out = StringIO()
    call_command("daily", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_daily_finds_milestones_once_for_a_date(placement):
    on = (START() + dt.timedelta(days=182)).isoformat()
    first = daily("--on", on)
    assert first["on"] == on
    assert first["milestones_found"] == 2
    assert first["queue"]["milestone_due"] == {"due": 2, "overdue": 1}
    again = daily("--on", on)
    assert again["milestones_found"] == 0
    assert again["queue"] == first["queue"]
    assert Milestone.objects.filter(placement=placement).count() == 2


def test_daily_counts_overdue_post_start_checks(placement):
    summary = daily("--on", (START() + dt.timedelta(days=15)).isoformat())
    assert summary["queue"]["post_start_check"] == {"due": 6, "overdue": 6}
    assert summary["milestones_found"] == 0


def test_daily_defaults_to_today_and_prints_a_table(placement):
    out = StringIO()
    call_command("daily", stdout=out)
    text = out.getvalue()
    assert f"Daily run for {TODAY().isoformat()}: 2 milestones found." in text
    assert "milestone_due: 2 due, 2 overdue" in text


def test_a_bad_date_is_a_clear_error(db):
    with pytest.raises(CommandError, match="2026-02-30"):
        call_command("daily", "--on", "2026-02-30")
