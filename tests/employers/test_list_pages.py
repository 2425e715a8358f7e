"""The employer and opportunity lists page through everything, 50 to a page, in the
same number of queries whichever page (they once stopped at 50 without saying so)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EmployerFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as done:
        assert client.get(url, params).status_code == 200
    return len(done)


def test_employers_page_through_all_of_the_providers_list(client, coach, team):
    for n in range(62):
        EmployerFactory(organisation=team.organisation, name=f"Employer {n:03d}")
    client.force_login(coach)
    url = reverse("employers:employers")
    first = client.get(url)
    assert len(first.context["employers"]) == 50
    assert "62 employers" in first.content.decode()
    assert 'aria-label="Page 2"' in first.content.decode()
    last = client.get(url, {"page": 2})
    assert [e.name for e in last.context["employers"]][-1] == "Employer 061"
    assert len(last.context["employers"]) == 12
    assert queries(client, url) == queries(client, url, page=2)


def test_opportunities_page_through_with_their_filters(client, coach, team):
    employer = EmployerFactory(organisation=team.organisation)
    for n in range(55):
        OpportunityFactory(
            employer=employer, authority=team.authority, title=f"Job {n}", kind="employed"
        )
    OpportunityFactory(employer=employer, authority=team.authority, kind="volunteering")
    client.force_login(coach)
    url = reverse("employers:opportunities")
    first = client.get(url, {"kind": "employed"})
    page = first.content.decode()
    assert "55 opportunities" in page
    assert "kind=employed" in page[page.index('aria-label="Page 2"') - 200 :]
    second = client.get(url, {"kind": "employed", "page": 2})
    assert len(second.context["opportunities"]) == 5
    assert all(o.kind == "employed" for o in second.context["opportunities"])
    assert queries(client, url, kind="employed") == queries(client, url, kind="employed", page=2)
