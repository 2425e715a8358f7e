"""The caseload page and the reassignment form, as a manager meets them."""

from __future__ import annotations

import pytest

from pathways.casework.models import Episode
from pathways.core.models import Role
from tests.factories import EpisodeFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(team):
    return staff(Role.EMPLOYMENT_SPECIALIST, team, email="colleague@example.org")


def test_caseload_page_shows_workers_against_the_cap(client, manager, team, coach):
    EpisodeFactory.create_batch(2, team=team, worker=coach)
    client.force_login(manager)
    html = client.get("/reports/caseload/").content.decode()
    assert "Workers in Supported Employment" in html
    assert "At cap" in html
    assert f"/reports/caseload/{team.code}/reassign/" in html


def test_coach_sees_figures_but_cannot_reassign(client, coach, team):
    client.force_login(coach)
    html = client.get("/reports/caseload/").content.decode()
    assert "Reassign" not in html
    assert client.get(f"/reports/caseload/{team.code}/reassign/").status_code == 403


def test_manager_reassigns_a_leavers_cases(client, manager, team, coach, colleague):
    team.caseload_cap = 10
    team.save()
    EpisodeFactory.create_batch(3, team=team, worker=coach)
    client.force_login(manager)
    response = client.post(
        f"/reports/caseload/{team.code}/reassign/",
        {"from_worker": coach.pk, "to_workers": [colleague.pk]},
        follow=True,
    )
    assert "3 cases moved from" in response.content.decode()
    assert Episode.objects.filter(worker=colleague).count() == 3


def test_no_room_shows_the_error_and_moves_nothing(client, manager, team, coach, colleague):
    EpisodeFactory.create_batch(2, team=team, worker=coach)
    EpisodeFactory.create_batch(2, team=team, worker=colleague)
    client.force_login(manager)
    response = client.post(
        f"/reports/caseload/{team.code}/reassign/",
        {"from_worker": coach.pk, "to_workers": [colleague.pk]},
    )
    assert response.status_code == 400
    assert "room for 0 within the cap of 2" in response.content.decode()
    assert Episode.objects.filter(worker=coach).count() == 2


def test_form_errors_name_the_fields(client, manager, team):
    client.force_login(manager)
    html = client.post(f"/reports/caseload/{team.code}/reassign/", {}).content.decode()
    assert "Choose the worker whose cases move" in html
    assert "Choose at least one colleague" in html


def test_caseload_page_queries_do_not_grow(client, manager, team, other_team, coach):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager)
    EpisodeFactory(team=team, worker=coach)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/reports/caseload/").status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for _ in range(15):
        EpisodeFactory(team=team, worker=staff(Role.EMPLOYMENT_SPECIALIST, team))
    assert count() == small
