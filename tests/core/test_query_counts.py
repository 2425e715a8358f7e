"""List pages use a fixed number of queries however many rows they show (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pathways.core.models import Role
from pathways.people.models import Consent, Contact
from pathways.referrals.models import Status
from tests.factories import EpisodeFactory, PersonFactory, ReferralFactory, staff

pytestmark = pytest.mark.django_db


def count_queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def grow(team, n, status=Status.ACCEPTED, family_name="Quigley"):
    for _ in range(n):
        person = PersonFactory(authority=team.authority, family_name=family_name)
        ReferralFactory(team=team, person=person, status=status)


@pytest.mark.parametrize(
    ("url", "status", "params"),
    [
        ("/referrals/waiting/", Status.ACCEPTED, {}),
        ("/referrals/triage/", Status.RECEIVED, {}),
        ("/people/", Status.ACCEPTED, {"q": "Quigley"}),
        ("/", Status.ACCEPTED, {}),
    ],
)
def test_list_pages_do_not_grow_with_rows(client, intake, team, url, status, params):
    client.force_login(intake)
    grow(team, 5, status)
    small = count_queries(client, url, **params)
    grow(team, 495, status)
    large = count_queries(client, url, **params)
    assert small == large, f"{url}: {small} queries for 5 rows, {large} for 500"


def test_allocation_page_does_not_grow_with_workers_or_cases(client, manager, team):
    referral = ReferralFactory(team=team, status=Status.ACCEPTED)
    client.force_login(manager)
    url = f"/referrals/{referral.pk}/allocate/"
    for _ in range(2):
        worker = staff(Role.EMPLOYMENT_SPECIALIST, team)
        EpisodeFactory(team=team, worker=worker)
    small = count_queries(client, url)
    for _ in range(30):
        worker = staff(Role.EMPLOYMENT_SPECIALIST, team)
        EpisodeFactory.create_batch(3, team=team, worker=worker)
    assert count_queries(client, url) == small


def test_my_cases_do_not_grow(client, coach, team):
    client.force_login(coach)
    EpisodeFactory.create_batch(3, team=team, worker=coach)
    small = count_queries(client, "/")
    EpisodeFactory.create_batch(60, team=team, worker=coach)
    assert count_queries(client, "/") == small


def test_person_page_does_not_grow_with_history(client, intake, team):
    person = PersonFactory(authority=team.authority)
    ReferralFactory(team=team, person=person)
    client.force_login(intake)
    url = f"/people/{person.pk}/"

    def add_history(i):
        ReferralFactory(team=team, person=person, status=Status.CLOSED)
        EpisodeFactory(team=team, person=person, worker=intake)
        Contact.objects.create(person=person, name=f"Contact {i}", relationship="friend")
        Consent.objects.create(
            person=person, scope="employers", given=True, given_on="2026-01-01", recorded_by=intake
        )

    add_history(0)
    small = count_queries(client, url)
    for i in range(1, 20):
        add_history(i)
    assert count_queries(client, url) == small
