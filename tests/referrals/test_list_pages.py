"""Triage and people search page through everything, 50 to a page, in the same number of
queries whichever page (search stopped at 50 without saying so)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as done:
        assert client.get(url, params).status_code == 200
    return len(done)


def test_triage_pages_through_new_referrals_oldest_first(client, intake, team):
    today = dt.date.today()
    for n in range(53):
        ReferralFactory(team=team, received_on=today - dt.timedelta(days=100 - n))
    client.force_login(intake)
    first = client.get("/referrals/triage/")
    assert len(first.context["referrals"]) == 50
    assert "53 new referrals, oldest first." in first.content.decode()
    last = client.get("/referrals/triage/", {"page": 2})
    assert [r.received_on for r in last.context["referrals"]] == [
        today - dt.timedelta(days=d) for d in (50, 49, 48)
    ]
    assert queries(client, "/referrals/triage/") == queries(client, "/referrals/triage/", page=2)


def test_people_search_pages_through_every_match(client, intake, team):
    for n in range(57):
        ReferralFactory(
            team=team, person=PersonFactory(authority=team.authority, family_name=f"Zedd{n:02d}")
        )
    client.force_login(intake)
    first = client.get("/people/", {"q": "Zedd"})
    page = first.content.decode()
    assert "57 people found" in page and len(first.context["results"]) == 50
    assert "q=Zedd" in page[page.index('aria-label="Page 2"') - 200 :]
    last = client.get("/people/", {"q": "Zedd", "page": 2})
    assert [p.family_name for p in last.context["results"]] == [
        f"Zedd{n}" for n in (50, 51, 52, 53, 54, 55, 56)
    ]
    assert queries(client, "/people/", q="Zedd") == queries(client, "/people/", q="Zedd", page=2)
