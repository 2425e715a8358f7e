"""GET/PUT /api/v1/people/{id}/profile."""

from __future__ import annotations

import pytest

from pathways.casework.models import VocationalProfile
from pathways.core.models import Role
from tests.api.conftest import client_for
from tests.factories import EpisodeFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(team, coach):
    return EpisodeFactory(team=team, worker=coach).person


def url(person) -> str:
    return f"/api/v1/people/{person.pk}/profile"


def put(client, person, **body):
    """A PUT of a new profile (version 0) unless the body gives another version."""
    return client.put(url(person), {"version": 0, **body}, content_type="application/json")


def test_put_creates_then_get_reads_and_a_stale_version_is_409(as_coach, person):
    assert as_coach.get(url(person)).status_code == 404
    created = put(as_coach, person, interests=["retail"], min_hours="8", max_hours="16.5")
    assert created.status_code == 200, created.json()
    body = as_coach.get(url(person)).json()
    assert body["interests"] == ["retail"] and body["version"] == 1
    assert body["max_hours"] == "16.5"
    assert put(as_coach, person, version=0, skills="Tills").status_code == 409
    assert VocationalProfile.objects.get().skills == ""


def test_validation_names_the_field(as_coach, person):
    response = put(as_coach, person, min_hours="20", max_hours="10")
    assert response.status_code == 422
    assert "max_hours" in response.json()["errors"]
    response = put(as_coach, person, interests=["knitting"])
    assert response.json()["errors"] == {"interests": "Unknown interest: knitting"}


def test_out_of_scope_is_404_and_the_dpo_may_read_but_not_write(person, team, other_team):
    stranger = staff(Role.EMPLOYMENT_SPECIALIST, other_team, email="stranger@example.org")
    assert client_for(stranger).get(url(person)).status_code == 404
    assert put(client_for(stranger), person, skills="x").status_code == 404
    dpo = staff(Role.DATA_PROTECTION_OFFICER, team, email="dpo@example.org")
    assert put(client_for(dpo), person, skills="x").status_code == 403
    assert not VocationalProfile.objects.exists()


def test_a_change_without_the_version_is_refused_by_name(as_coach, person):
    """Without the version read, a change would save over an edit its sender never saw."""
    assert put(as_coach, person, skills="Tills").status_code == 200
    response = as_coach.put(url(person), {"skills": "Stock"}, content_type="application/json")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["version"]
    assert VocationalProfile.objects.get().skills == "Tills"
