"""The caseload report and handing a leaver's cases to colleagues."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pathways.casework import services
from pathways.casework.models import Episode
from pathways.core import policies
from pathways.core.errors import CaseloadCapReached
from pathways.core.models import Membership, Role
from pathways.referrals.models import Status
from pathways.reporting.caseload import caseload
from tests.factories import EpisodeFactory, ReferralFactory, TeamFactory, staff

pytestmark = pytest.mark.django_db
ON = dt.date(2025, 6, 30)


@pytest.fixture
def colleague(team):
    return staff(Role.EMPLOYMENT_SPECIALIST, team, email="colleague@example.org")


def report(*args: str) -> dict:
    out = StringIO()
    call_command(
        "report", "caseload", "--on", ON.isoformat(), "--format", "json", *args, stdout=out
    )
    return json.loads(out.getvalue())


def test_counts_per_team_and_worker(team, coach, colleague):
    EpisodeFactory(team=team, worker=coach, started_on=ON - dt.timedelta(days=10))
    quiet = EpisodeFactory(team=team, worker=coach, started_on=ON - dt.timedelta(days=90))
    quiet.last_contact_on = ON - dt.timedelta(days=31)
    quiet.save()
    talked = EpisodeFactory(team=team, worker=colleague, started_on=ON - dt.timedelta(days=90))
    talked.last_contact_on = ON - dt.timedelta(days=30)
    talked.save()
    EpisodeFactory(
        team=team,
        worker=coach,
        started_on=ON - dt.timedelta(days=200),
        ended_on=ON - dt.timedelta(days=5),
    )
    for days in (10, 20, 90):
        ReferralFactory(team=team, status=Status.ACCEPTED, received_on=ON - dt.timedelta(days))
    ReferralFactory(team=team, status=Status.RECEIVED, received_on=ON - dt.timedelta(days=400))

    (line,) = report("--authority", team.authority.code)["teams"]
    assert (line["open_cases"], line["cap"], line["waiting"]) == (3, 2, 3)
    assert line["median_days_waiting"] == 20.0
    assert line["no_contact_30_days"] == 1
    workers = {w["worker"]: (w["open_cases"], w["no_contact_30_days"]) for w in line["workers"]}
    assert workers == {coach.email: (2, 1), colleague.email: (1, 0)}


def test_a_leaver_still_holding_cases_is_listed(team, coach):
    EpisodeFactory(team=team, worker=coach, started_on=ON)
    Membership.objects.filter(user=coach).delete()
    (line,) = report()["teams"]
    assert [w["worker"] for w in line["workers"]] == [coach.email]


def test_access_follows_the_users_teams_and_authority(team, other_team, coach):
    elsewhere = TeamFactory()
    commissioner = staff(Role.COMMISSIONER, TeamFactory(authority=team.authority))
    assert {t["team"] for t in report("--as", coach.email)["teams"]} == {team.code}
    assert {t["team"] for t in report("--as", commissioner.email)["teams"]} >= {
        team.code,
        other_team.code,
    }
    assert elsewhere.code not in {t["team"] for t in report("--as", commissioner.email)["teams"]}


def test_query_count_does_not_grow(team, other_team, coach, colleague):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            caseload(None, ON)
        return len(ctx.captured_queries)

    EpisodeFactory(team=team, worker=coach, started_on=ON)
    small = count()
    for _ in range(20):
        EpisodeFactory(
            team=other_team, worker=staff(Role.EMPLOYMENT_SPECIALIST, other_team), started_on=ON
        )
        ReferralFactory(team=team, status=Status.ACCEPTED, received_on=ON)
    assert count() == small


def test_table_and_csv(team, coach):
    EpisodeFactory(team=team, worker=coach, started_on=ON)
    out = StringIO()
    call_command("report", "caseload", "--format", "csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("team,worker,open_cases,cap")
    assert any(line.startswith(f"{team.code},{coach.email},1,2") for line in lines)


class TestReassign:
    def test_cases_go_to_whoever_has_most_room(self, manager, team, coach, colleague):
        third = staff(Role.EMPLOYMENT_SPECIALIST, team)
        team.caseload_cap = 5
        team.save()
        cases = EpisodeFactory.create_batch(4, team=team, worker=coach)
        EpisodeFactory.create_batch(3, team=team, worker=colleague)
        moved = services.reassign_caseload(
            manager, team=team, from_worker=coach, to_workers=[colleague, third]
        )
        assert set(moved) == set(cases)
        counts = {
            w: Episode.objects.filter(worker=w, ended_on__isnull=True).count()
            for w in (coach, colleague, third)
        }
        assert counts == {coach: 0, colleague: 4, third: 3}

    def test_all_or_nothing_within_the_caps(self, manager, team, coach, colleague):
        EpisodeFactory.create_batch(2, team=team, worker=coach)
        EpisodeFactory.create_batch(1, team=team, worker=colleague)  # cap 2: room for 1
        with pytest.raises(CaseloadCapReached, match="room for 1 within the cap of 2"):
            services.reassign_caseload(
                manager, team=team, from_worker=coach, to_workers=[colleague]
            )
        assert Episode.objects.filter(worker=coach).count() == 2

    def test_only_the_team_manager(self, intake, team, coach, colleague):
        EpisodeFactory(team=team, worker=coach)
        with pytest.raises(PermissionDenied):
            services.reassign_caseload(intake, team=team, from_worker=coach, to_workers=[colleague])

    def test_colleagues_must_carry_a_caseload_in_the_team(self, manager, team, coach, other_team):
        EpisodeFactory(team=team, worker=coach)
        outsider = staff(Role.EMPLOYMENT_SPECIALIST, other_team)
        from pathways.core.errors import IllegalTransition

        with pytest.raises(IllegalTransition, match="does not carry a caseload"):
            services.reassign_caseload(manager, team=team, from_worker=coach, to_workers=[outsider])


def test_report_team_ids_for_a_coach_is_their_team(team, coach):
    assert policies.report_team_ids(coach) == frozenset({team.pk})


def test_returners_are_counted(team, coach):
    first = EpisodeFactory(
        team=team,
        worker=coach,
        started_on=ON - dt.timedelta(days=400),
        ended_on=ON - dt.timedelta(days=200),
    )
    EpisodeFactory(team=team, worker=coach, person=first.person, started_on=ON, previous=first)
    EpisodeFactory(team=team, worker=coach, started_on=ON)
    (line,) = report()["teams"]
    assert (line["open_cases"], line["returners"]) == (2, 1)
