"""Bad input is a clear 4xx in JSON, never a server error (issue 11, item 4)."""

from __future__ import annotations

import pytest

from pathways.referrals.models import Referral
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/people", "/api/v1/episodes", "/api/v1/opportunities", "/api/v1/employers"]


@pytest.mark.parametrize("path", LISTS)
def test_a_page_number_past_any_list_is_refused_by_name(as_manager, path):
    response = as_manager.get(path, {"page": "99999999999999999999"})
    assert response.status_code == 422
    assert "page" in response.json()["errors"]


@pytest.mark.parametrize("path", LISTS)
def test_the_last_page_there_could_be_is_an_empty_page(as_manager, path):
    response = as_manager.get(path, {"page": "1000000"})
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_a_nul_character_in_a_query_is_refused_in_json(as_manager):
    response = as_manager.get("/api/v1/people?q=Ada%00")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_a_nul_character_in_a_body_is_refused_and_nothing_is_saved(as_intake, team):
    person = PersonFactory(authority=team.authority)
    response = as_intake.post(
        "/api/v1/referrals",
        {
            "authority": person.authority.code,
            "person_ref": person.person_ref,
            "received_on": "2026-11-02",
            "source": "self",
            "team": team.code,
            "notes": "works \u0000 nights",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    assert not Referral.objects.exists()


def test_a_nul_character_in_a_page_search_is_a_bad_request(client, intake):
    client.force_login(intake)
    response = client.get("/people/", {"q": "Ada\x00"})
    assert response.status_code == 400


def test_our_own_failure_is_a_json_500(as_manager, monkeypatch):
    """In production Django's 500 is an HTML page; an API client gets JSON with a
    ``detail`` and no traceback."""

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("pathways.api.people.search_people", broken)
    response = as_manager.get("/api/v1/people")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert "went wrong" in body["detail"] and "a bug" not in body["detail"]
