"""``pathways retention``: the daily list of who is due, per authority."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from pathways.core.audit import person_trail
from tests.command_line import server_env
from tests.factories import TeamFactory
from tests.privacy.retention_data import claimed, closed_episode

pytestmark = pytest.mark.django_db


def test_the_command_lists_who_is_due_per_authority(team, server_keys):
    old = closed_episode(team, dt.date(2018, 2, 1))
    paid_for = closed_episode(team, dt.date(2018, 3, 1))
    claimed(paid_for)
    closed_episode(team, dt.date(2024, 2, 1))
    elsewhere = TeamFactory()
    out = StringIO()
    call_command("retention", "--on", "2026-06-30", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["on"] == "2026-06-30"
    assert data["authorities"][team.authority.code] == [
        {
            "person_ref": old.person_ref,
            "record_type": "supported",
            "last_closure": "2018-02-01",
            "due_since": "2024-02-01",
            "erasure_request": None,
            "payment_evidence": False,
        },
        {
            "person_ref": paid_for.person_ref,
            "record_type": "supported",
            "last_closure": "2018-03-01",
            "due_since": "2024-03-01",
            "erasure_request": None,
            "payment_evidence": True,
        },
    ]
    assert data["authorities"][elsewhere.authority.code] == []
    read = person_trail(old).filter(additional_data__what="due for erasure").get()
    assert read.additional_data["channel"] == "cli"


def test_the_table_says_how_many_are_due(team, server_keys):
    closed_episode(team, dt.date(2018, 2, 1))
    out = StringIO()
    call_command("retention", "--on", "2026-06-30", stdout=out)
    assert f"{team.authority.code}: 1 due" in out.getvalue()


def test_the_real_command_exits_zero(tmp_path):
    db = tmp_path / "db.sqlite3"
    env = server_env(DATABASE_URL=f"sqlite:///{db}")
    run = [sys.executable, "-m", "pathways.cli"]
    subprocess.run([*run, "migrate", "--no-input"], env=env, check=True, capture_output=True)
    done = subprocess.run([*run, "retention", "--json"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["authorities"] == {}
