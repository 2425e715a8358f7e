"""Bad input is a clear 4xx in JSON, never a server error (issue 11, item 4)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from pathways.api.api import api
from pathways.api.urls import server_error
from pathways.casework.models import VocationalProfile
from pathways.referrals.models import Referral
from tests.factories import EpisodeFactory, PersonFactory, ProfileFactory

pytestmark = pytest.mark.django_db


def _routes_with_a_body() -> list[tuple[str, str]]:
    """Every route that takes a body, from the OpenAPI document (ids made up: the
    body is read before any record is looked for)."""
    document = api.get_openapi_schema()
    return [
        (method, re.sub(r"\{[a-z_]+\}", "1", path))
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    ]


def _referral_json(person, team, *, notes: str) -> str:
    """A referral's body as JSON text, its notes spelled as given (JSON escapes kept)."""
    body = {
        "authority": person.authority.code,
        "person_ref": person.person_ref,
        "received_on": "2026-11-02",
        "source": "self",
        "team": team.code,
        "notes": "NOTES",
    }
    return json.dumps(body).replace("NOTES", notes)


NOT_OBJECTS = ["[null, null]", "null", "3", '"text"', "[]", "true"]

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


@pytest.mark.parametrize("body", NOT_OBJECTS)
@pytest.mark.parametrize(("method", "path"), _routes_with_a_body())
def test_a_body_that_is_not_a_json_object_is_refused_on_every_route(as_manager, method, path, body):
    """ninja's schemas read attributes as well as keys, so a list or a number passed as
    a body with every field left out (and every default taken)."""
    response = getattr(as_manager, method)(path, body, content_type="application/json")
    assert response.status_code == 422, response.content
    refusal = response.json()
    assert refusal["detail"].startswith("body: Send the body as a JSON object")
    assert list(refusal["errors"]) == ["body"]


def test_a_list_for_a_profile_clears_nothing(as_coach, team, coach):
    person = EpisodeFactory(team=team, worker=coach).person
    ProfileFactory(person=person, skills="Tills, stock rotation")
    version = VocationalProfile.objects.get().version
    response = as_coach.put(
        f"/api/v1/people/{person.pk}/profile", "[null, null]", content_type="application/json"
    )
    assert response.status_code == 422
    profile = VocationalProfile.objects.get()
    assert profile.skills == "Tills, stock rotation" and profile.version == version


def test_a_list_closes_no_opportunity(as_coach, opportunity):
    response = as_coach.post(
        f"/api/v1/opportunities/{opportunity.pk}/close",
        "[null, null]",
        content_type="application/json",
    )
    assert response.status_code == 422
    opportunity.refresh_from_db()
    assert opportunity.closed_on is None


def test_half_a_character_in_a_body_is_refused_by_name_and_nothing_is_saved(as_intake, team):
    """JSON can spell half a UTF-16 pair, which neither database can store (a 500)."""
    person = PersonFactory(authority=team.authority)
    body = _referral_json(person, team, notes="works \\ud800 nights")
    response = as_intake.post("/api/v1/referrals", body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert "not valid Unicode" in response.json()["errors"]["body"]
    assert not Referral.objects.exists()


def test_a_nul_character_in_a_body_of_any_declared_type_is_refused(as_intake, team):
    """The API reads a body as JSON whatever its Content-Type says."""
    person = PersonFactory(authority=team.authority)
    body = _referral_json(person, team, notes="works \\u0000 nights")
    response = as_intake.post("/api/v1/referrals", body, content_type="text/plain")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    assert not Referral.objects.exists()


QUERIES = [
    "/api/v1/people?q=Ada%00",
    "/api/v1/people?ref=P%001",
    "/api/v1/episodes?team=SE%001",
    "/api/v1/employers?q=caf%00",
    "/api/v1/opportunities?q=caf%00",
    "/api/v1/queue?worker=coach%00@example.org",
    "/api/v1/reports/outcomes?from=2026-04-01&to=2026-06-30&authority=E09%00",
]


@pytest.mark.parametrize("path", QUERIES)
def test_a_nul_character_in_any_query_is_a_json_400(as_manager, path):
    response = as_manager.get(path)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_a_failure_before_any_route_is_reached_is_json_too(intake, monkeypatch):
    """A fault in the request plumbing (here: looking the token up) is answered by
    Django's own 500 page, HTML, unless the API's paths have their own."""

    def broken(*args, **kwargs):
        raise RuntimeError("the token table is locked")

    monkeypatch.setattr("pathways.core.middleware.hash_token", broken)
    client = Client(HTTP_AUTHORIZATION="Bearer anything", raise_request_exception=False)
    response = client.get("/api/v1/people")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert "went wrong" in response.json()["detail"]
    assert "locked" not in response.content.decode()


def test_a_page_that_fails_still_gets_djangos_own_500_page(rf):
    page = server_error(rf.get("/people/"))
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")
