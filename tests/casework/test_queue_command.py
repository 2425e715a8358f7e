"""``pathways queue``: the spec's fields, filters, access and audit."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError

from pathways.core.models import Role
from tests.factories import EpisodeFactory, staff

pytestmark = pytest.mark.django_db
ON = "2024-06-01"


def queue(*args: str) -> list[dict]:
    out = StringIO()
    call_command("queue", "--on", ON, "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def two_workers(team, coach):
    other = staff(Role.EMPLOYMENT_SPECIALIST, team, email="other@example.org")
    mine = EpisodeFactory(team=team, worker=coach, started_on=dt.date(2024, 1, 1))
    theirs = EpisodeFactory(team=team, worker=other, started_on=dt.date(2024, 2, 1))
    return mine, theirs


def test_items_carry_the_spec_fields(two_workers, coach):
    mine, _ = two_workers
    items = queue("--worker", coach.email)
    assert items == [
        {
            "kind": "no_contact",
            "person_ref": mine.person.person_ref,
            "authority": mine.person.authority.code,
            "episode_ref": mine.episode_ref,
            "due_on": "2024-02-01",
            "overdue": True,
            "worker": coach.email,
            "detail": "No contact recorded since support started on 1 Jan 2024",
        }
    ]


def test_team_filter_and_access(two_workers, team, other_team):
    assert len(queue("--team", team.code)) == 2
    assert queue("--team", other_team.code) == []
    outsider = staff(Role.EMPLOYMENT_SPECIALIST, other_team)
    assert queue("--as", outsider.email) == []


def test_reads_are_audited(two_workers):
    mine, theirs = two_workers
    queue()
    for episode in (mine, theirs):
        entry = LogEntry.objects.get(
            additional_data__person_id=episode.person_id, additional_data__what="work queue"
        )
        assert entry.additional_data["channel"] == "cli"


def test_table_output(two_workers):
    out = StringIO()
    call_command("queue", "--on", ON, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split()[:4] == ["due", "kind", "person", "worker"]
    assert len(lines) == 3


@pytest.mark.parametrize(
    "args",
    [
        ["--on", "01/06/2024"],
        ["--team", "NOPE"],
        ["--worker", "nobody@example.org"],
        ["--as", "nobody@example.org"],
    ],
)
def test_bad_arguments_fail_with_a_reason(args):
    with pytest.raises(CommandError):
        call_command("queue", *args)
