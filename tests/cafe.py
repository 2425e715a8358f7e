"""The Riverside Café opportunity and the people a coach might put forward for it:
shared by the employer pages' and the match pages' tests (``pytest_plugins`` in
``tests/conftest.py`` makes the fixtures available; a module's own fixture of the same
name wins)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pathways.core.models import InterestTag
from tests.factories import (
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    PersonFactory,
    ProfileFactory,
)


@pytest.fixture
def retail(db):
    return InterestTag.objects.get_or_create(code="retail", defaults={"label": "Shops and retail"})[
        0
    ]


@pytest.fixture
def employer(team):
    return EmployerFactory(organisation=team.organisation, name="Riverside Café")


@pytest.fixture
def opportunity(employer, team, retail):
    opp = OpportunityFactory(
        employer=employer,
        authority=team.authority,
        title="Café assistant",
        hours_per_week=Decimal("16"),
        latitude=Decimal("51.5"),
        longitude=Decimal("0.0"),
    )
    opp.tags.set([retail])
    return opp


def seeker(team, coach, retail, *, ref: str, interests=True, near=True):
    """A person the coach supports, looking for work, with a profile."""
    person = PersonFactory(authority=team.authority, person_ref=ref)
    EpisodeFactory(team=team, worker=coach, stage="job_finding", person=person)
    if near:
        person.latitude, person.longitude = Decimal("51.52"), Decimal("0.01")
        person.save()
    profile = ProfileFactory(person=person, min_hours=10, max_hours=20, max_travel_km=15)
    if interests:
        profile.interests.set([retail])
    return person
