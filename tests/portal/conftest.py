"""Fixtures for the person's portal: a person with an open episode (their coach is the
``coach`` fixture), their own account and a supporter's, and clients signed in as each."""

from __future__ import annotations

import pytest
from django.test import Client

from pathways.people.models import Contact
from pathways.portal.models import Section
from tests.factories import EpisodeFactory, portal_account


@pytest.fixture
def episode(team, coach):
    return EpisodeFactory(team=team, worker=coach)


@pytest.fixture
def person(episode):
    return episode.person


@pytest.fixture
def person_account(person, coach):
    return portal_account(person, invited_by=coach)


@pytest.fixture
def mother(person):
    return Contact.objects.create(
        person=person, name="Maria Example", relationship="mother", email="maria@example.org"
    )


@pytest.fixture
def supporter_account(person, coach, mother):
    """A supporter who may see the plan and appointments only."""
    return portal_account(
        person, invited_by=coach, supporter=mother, sections=[Section.PLAN, Section.APPOINTMENTS]
    )


def signed_in(account) -> Client:
    client = Client()
    client.force_login(account.user)
    return client


@pytest.fixture
def person_client(person_account) -> Client:
    return signed_in(person_account)


@pytest.fixture
def supporter_client(supporter_account) -> Client:
    return signed_in(supporter_account)
