"""The placements API: a job start, its checks and milestones, and who may see them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pathways.core.models import Role
from pathways.employment import services
from pathways.employment.models import Placement
from tests.api.conftest import client_for
from tests.factories import EmployerFactory, EpisodeFactory, TeamFactory, staff

TODAY = dt.date.today  # called in each test: a run may cross midnight


def START() -> dt.date:
    return TODAY() - dt.timedelta(days=100)


@pytest.fixture
def episode(team, coach):
    return EpisodeFactory(team=team, worker=coach, started_on=START() - dt.timedelta(days=30))


@pytest.fixture
def employer(team):
    return EmployerFactory(organisation=team.organisation, name="Riverside Leisure")


def start_body(employer, **extra):
    return {
        "start_date": START().isoformat(),
        "employer": employer.pk,
        "job_title": "Lifeguard",
        "kind": "employed",
        "paid": True,
        "hours_per_week": "18",
        "hourly_pay": "12.60",
        **extra,
    }


def test_a_coach_records_a_job_start_then_ticks_a_check_and_confirms_13_weeks(
    as_coach, episode, employer
):
    answer = as_coach.post(
        f"/api/v1/people/{episode.person_id}/placements",
        start_body(employer),
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    job = answer.json()
    assert (job["job_title"], job["hours_per_week"], job["employer"]) == (
        "Lifeguard",
        "18.0",
        "Riverside Leisure",
    )
    assert len(job["checks"]) == 6 and all(c["done_on"] is None for c in job["checks"])
    check = job["checks"][0]["id"]
    done = as_coach.post(
        f"/api/v1/checks/{check}/done", {"notes": "Fine"}, content_type="application/json"
    )
    assert done.status_code == 200
    assert [c["done_on"] for c in done.json()["checks"] if c["id"] == check] == [
        TODAY().isoformat()
    ]

    services.find_milestones(TODAY())
    detail = as_coach.get(f"/api/v1/placements/{job['id']}").json()
    [milestone] = detail["milestones"]
    assert (milestone["weeks"], milestone["confirmed_on"]) == (13, None)
    bad = as_coach.post(
        f"/api/v1/milestones/{milestone['id']}/confirm",
        {"evidence": "employer", "confirmed_on": START().isoformat()},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "confirmed_on" in bad.json()["errors"]
    ok = as_coach.post(
        f"/api/v1/milestones/{milestone['id']}/confirm",
        {"evidence": "payslip"},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["milestones"][0]["evidence"] == "payslip"


def test_a_bad_job_start_names_the_field(as_coach, episode, employer):
    answer = as_coach.post(
        f"/api/v1/people/{episode.person_id}/placements",
        start_body(employer, hours_per_week="0"),
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert "hours_per_week" in answer.json()["errors"]
    assert not Placement.objects.exists()


def test_a_job_start_before_the_episode_began_is_422_naming_its_date(as_coach, episode, employer):
    answer = as_coach.post(
        f"/api/v1/people/{episode.person_id}/placements",
        start_body(employer, start_date=(episode.started_on - dt.timedelta(days=1)).isoformat()),
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert "must be on or after" in answer.json()["errors"]["start_date"]
    assert not Placement.objects.exists()


def test_someone_outside_the_team_gets_404_everywhere(authority, coach, episode, employer):
    placement = services.record_job_start(
        coach,
        episode.person,
        start_date=START(),
        employer=employer,
        job_title="Cleaner",
        kind="employed",
        paid=True,
        hours_per_week=Decimal("10"),
    )
    outsider = client_for(staff(Role.EMPLOYMENT_SPECIALIST, TeamFactory(authority=authority)))
    check = placement.checks.first()
    assert outsider.get(f"/api/v1/placements/{placement.pk}").status_code == 404
    assert outsider.get(f"/api/v1/people/{episode.person_id}/placements").status_code == 404
    refused = outsider.post(f"/api/v1/checks/{check.pk}/done", {}, content_type="application/json")
    assert refused.status_code == 404
    check.refresh_from_db()
    assert check.done_on is None
    created = outsider.post(
        f"/api/v1/people/{episode.person_id}/placements",
        start_body(employer),
        content_type="application/json",
    )
    assert created.status_code == 404
    assert Placement.objects.count() == 1


def test_the_detail_reads_in_a_fixed_number_of_queries(as_coach, coach, episode, employer):
    placement = services.record_job_start(
        coach,
        episode.person,
        start_date=START(),
        employer=employer,
        job_title="Cleaner",
        kind="employed",
        paid=True,
        hours_per_week=Decimal("10"),
    )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert as_coach.get(f"/api/v1/placements/{placement.pk}").status_code == 200
        return len(ctx.captured_queries)

    count()  # the token's first call notes its use
    before = count()
    services.set_fading_plan(
        coach, placement, [(START() + dt.timedelta(weeks=w), Decimal(8 - w)) for w in range(6)]
    )
    services.find_milestones(TODAY())
    services.record_access_to_work(coach, placement, status="to_apply")
    assert count() == before
