"""The demo's year of claims (``workspace.demo_claims``)."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.commissioning.models import Claim, ClaimStatus, LineStatus
from pathways.workspace.demo_claims import REJECTION, load_claims
from tests.commissioning.conftest import make_world
from tests.commissioning.factories import PlacementFactory
from tests.factories import EpisodeFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 4, 15)


def test_nothing_without_contracts(authority):
    assert load_claims(TODAY, authority.code) == 0
    assert not Claim.objects.exists()


def test_a_year_of_claims_approved_rejected_and_a_draft_once(authority):
    world = make_world(authority)
    episode = EpisodeFactory(team=world.provider_team, started_on=dt.date(2025, 5, 1))
    PlacementFactory(episode=episode, start_date=dt.date(2025, 6, 20))
    episode = EpisodeFactory(team=world.provider_team, started_on=dt.date(2025, 5, 1))
    PlacementFactory(episode=episode, start_date=dt.date(2025, 11, 3))
    assert load_claims(TODAY, authority.code) == 3
    claims = list(Claim.objects.order_by("period_from"))
    assert [c.status for c in claims] == [
        ClaimStatus.DECIDED,
        ClaimStatus.DECIDED,
        ClaimStatus.DRAFT,
    ]
    decided = [line for c in claims[:2] for line in c.lines.order_by("achieved_on")]
    assert [line.status for line in decided] == [
        LineStatus.REJECTED,
        LineStatus.APPROVED,
        LineStatus.APPROVED,
    ]
    assert decided[0].reason == REJECTION
    assert load_claims(TODAY, authority.code) == 0
