"""``pathways claims compute`` (spec/commissioning.md, "Claims")."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from pathways.commissioning.models import Claim, ClaimStatus
from pathways.core.models import Role
from tests.command_line import server_env
from tests.factories import TeamFactory, staff

pytestmark = pytest.mark.django_db


def compute(w, *extra):
    out = io.StringIO()
    call_command(
        "claims",
        "compute",
        w.authority.code,
        w.contract.contract_ref,
        "--from",
        "2025-04-01",
        "--to",
        "2026-03-31",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_json_lists_the_lines_the_total_and_the_lines_over_the_cap(world):
    world.contract.budget_cap = Decimal("500.00")
    world.contract.save()
    got = json.loads(compute(world, "--format", "json", "--as", world.manager.email))
    first, second = world.jobs
    assert got == {
        "lines": [
            {
                "person_ref": first.person.person_ref,
                "placement_ref": first.placement_ref,
                "outcome": "job_start",
                "achieved_on": "2025-06-02",
                "need_group": "",
                "price": "500.00",
                "over_cap": False,
            },
            {
                "person_ref": second.person.person_ref,
                "placement_ref": second.placement_ref,
                "outcome": "job_start",
                "achieved_on": "2025-07-01",
                "need_group": "",
                "price": "500.00",
                "over_cap": True,
            },
        ],
        "total": "500.00",
        "over_cap": 1,
    }
    assert not Claim.objects.exists()
    reads = LogEntry.objects.filter(additional_data__channel="cli", actor=world.manager)
    assert sorted(reads.values_list("additional_data__person_id", flat=True)) == sorted(
        [first.person_id, second.person_id]
    )


def test_save_stores_a_draft_and_the_lines_are_not_offered_again(world):
    got = json.loads(compute(world, "--save", "--format", "json", "--as", world.manager.email))
    claim = Claim.objects.get()
    assert (got["claim"], got["total"], claim.status) == (claim.pk, "1000.00", ClaimStatus.DRAFT)
    assert claim.prepared_by == world.manager
    assert json.loads(compute(world, "--format", "json"))["lines"] == []
    with pytest.raises(CommandError, match="nothing to claim"):
        compute(world, "--save", "--as", world.manager.email)


def test_csv_and_table(world):
    rows = list(csv.reader(io.StringIO(compute(world, "--format", "csv"))))
    assert rows[0] == [
        "person_ref",
        "placement_ref",
        "outcome",
        "achieved_on",
        "need_group",
        "price",
        "over_cap",
    ]
    assert [r[5] for r in rows[1:]] == ["500.00", "500.00"]
    table = compute(world).splitlines()
    assert table[-1] == "Total 1000.00 (0 lines over the cap)"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--save",), "--save needs --as EMAIL"),
        (("--save", "--as", "commissioner"), "Only a team manager of the provider"),
        (("--as", "coach"), "No contract"),
        (("--as", "stranger"), "No contract"),
        (("--as", "nobody@example.org"), "No active staff member"),
    ],
)
def test_refused_input(world, extra, message):
    stranger = staff(Role.COMMISSIONER, TeamFactory())
    who = {
        "coach": world.coach.email,
        "commissioner": world.commissioner.email,
        "stranger": stranger.email,
    }
    with pytest.raises(CommandError, match=message):
        compute(world, *[who.get(e, e) for e in extra])
    assert not Claim.objects.exists()


def test_a_period_past_the_contract_is_refused_naming_the_limit(world):
    out = io.StringIO()
    with pytest.raises(CommandError, match="must end by 2027-03-31"):
        call_command(
            "claims",
            "compute",
            world.authority.code,
            world.contract.contract_ref,
            "--from",
            "2025-04-01",
            "--to",
            "2027-04-01",
            stdout=out,
        )


def test_the_installed_command_exits_1_with_one_line_on_stderr(tmp_path):
    pathways = Path(sys.executable).parent / "pathways"
    env = server_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    subprocess.run([str(pathways), "migrate", "-v", "0"], env=env, check=True, cwd=tmp_path)
    result = subprocess.run(
        [str(pathways), "claims", "compute", "E1", "K1", "--from", "2025-04-01", "--to", "x"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["CommandError: --to x: give a date as YYYY-MM-DD"]
    assert dt.date  # the dates are ISO, as everywhere
