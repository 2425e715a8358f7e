"""The casework API: episodes, package proposals and decisions, activities, the queue."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pathways.casework import services
from pathways.core.models import Role
from tests.api.conftest import client_for
from tests.factories import EpisodeFactory, staff

pytestmark = pytest.mark.django_db
START = dt.date(2024, 1, 15)


@pytest.fixture
def approver(team):
    return staff(Role.PACKAGE_APPROVER, team, email="approver@example.org")


@pytest.fixture
def episode(team, coach):
    return EpisodeFactory(team=team, worker=coach, started_on=START)


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_propose_then_approve_through_the_api(coach, approver, episode):
    proposed = post(
        client_for(coach),
        f"/api/v1/episodes/{episode.pk}/packages",
        {"work_entry": True, "supported_element": "transitional", "reason": "Agreed with Sam"},
    )
    assert proposed.status_code == 201, proposed.json()
    package = proposed.json()
    assert package["status"] == "proposed" and package["proposed_by"] == coach.email

    own = post(client_for(coach), f"/api/v1/packages/{package['id']}/approve")
    assert own.status_code == 403

    approved = post(client_for(approver), f"/api/v1/packages/{package['id']}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    detail = client_for(coach).get(f"/api/v1/episodes/{episode.pk}").json()
    assert detail["current_package"]["id"] == package["id"]
    assert detail["current_package"]["transitional_ends_on"] is not None


def test_bad_package_is_409_or_422(coach, episode):
    nothing = post(client_for(coach), f"/api/v1/episodes/{episode.pk}/packages", {"reason": "r"})
    assert nothing.status_code == 409
    assert "needs work entry" in nothing.json()["detail"]
    both = post(
        client_for(coach),
        f"/api/v1/episodes/{episode.pk}/packages",
        {"supported_element": "transitional;long_term", "reason": "r"},
    )
    assert both.status_code == 422 and "supported_element" in both.json()["errors"]


def test_reject_needs_a_reason(coach, approver, episode):
    package = services.propose_package(
        coach, episode, work_entry=True, supported_element="", reason="r"
    )
    refused = post(client_for(approver), f"/api/v1/packages/{package.pk}/reject", {"reason": ""})
    assert refused.status_code == 409
    ok = post(
        client_for(approver),
        f"/api/v1/packages/{package.pk}/reject",
        {"reason": "Try work entry first"},
    )
    assert ok.json()["status"] == "rejected"


def test_activity_moves_last_contact_and_clears_the_queue_item(coach, episode):
    client = client_for(coach)
    on = (START + dt.timedelta(days=60)).isoformat()
    queue = client.get("/api/v1/queue", {"on": on}).json()
    assert [i["kind"] for i in queue] == ["no_contact"]
    made = post(
        client,
        f"/api/v1/episodes/{episode.pk}/activities",
        {
            "kind": "phone",
            "occurred_on": on,
            "with_whom": "person",
            "minutes": 15,
            "notes": "Checked in",
        },
    )
    assert made.status_code == 201
    assert client.get("/api/v1/queue", {"on": on}).json() == []
    entries = LogEntry.objects.filter(
        additional_data__what="work queue", additional_data__channel="api"
    )
    assert entries.count() == 1


def test_another_teams_coach_gets_404_everywhere(episode, other_team, coach):
    outsider = client_for(staff(Role.EMPLOYMENT_SPECIALIST, other_team))
    package = services.propose_package(
        coach, episode, work_entry=True, supported_element="", reason="r"
    )
    assert outsider.get(f"/api/v1/episodes/{episode.pk}").status_code == 404
    assert (
        post(
            outsider,
            f"/api/v1/episodes/{episode.pk}/activities",
            {"kind": "phone", "occurred_on": "2024-02-01", "with_whom": "person"},
        ).status_code
        == 404
    )
    assert post(outsider, f"/api/v1/packages/{package.pk}/approve").status_code == 404
    assert outsider.get("/api/v1/episodes").json()["items"] == []
    denied = LogEntry.objects.filter(additional_data__outcome="denied").order_by("pk")
    # The episode, the activity and the package decision: every refused try is on the
    # person's trail (the package's was not).
    assert [e.additional_data["person_id"] for e in denied] == [episode.person_id] * 3
    assert denied.last().additional_data["what"] == f"package {package.pk}"


def test_episode_list_queries_do_not_grow(coach, approver, team):
    client = client_for(coach)

    def add(n):
        for _ in range(n):
            e = EpisodeFactory(team=team, worker=coach, started_on=START)
            p = services.propose_package(
                coach, e, work_entry=True, supported_element="", reason="r"
            )
            services.approve_package(approver, p)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/episodes")
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.json()["items"])

    add(3)
    count()  # the token's first call notes its use
    small, rows = count()
    add(30)
    large, more = count()
    assert (rows, more) == (3, 33)
    assert small == large
