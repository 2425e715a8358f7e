"""Shared fixtures for commissioning: a council that commissions, a provider with a
manager and a coach, a contract with a tariff, and two people in work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pathways.core.models import Role
from tests.commissioning.factories import ContractFactory, PlacementFactory, TariffFactory
from tests.factories import EpisodeFactory, OrganisationFactory, TeamFactory, staff


@pytest.fixture
def world(authority):
    return make_world(authority)


def make_world(authority):
    """A council that commissions, a provider with a manager and a coach, a contract
    with a tariff, and two people in work."""

    class World:
        pass

    w = World()
    w.authority = authority
    w.council_team = TeamFactory(authority=authority, organisation=OrganisationFactory())
    w.commissioner = staff(Role.COMMISSIONER, w.council_team)
    w.provider_team = TeamFactory(authority=authority, organisation=OrganisationFactory())
    w.manager = staff(Role.TEAM_MANAGER, w.provider_team)
    w.coach = staff(Role.EMPLOYMENT_SPECIALIST, w.provider_team)
    w.contract = ContractFactory(
        authority=authority, provider__organisation=w.provider_team.organisation
    )
    TariffFactory(contract=w.contract, outcome="job_start", price=Decimal("500.00"))
    TariffFactory(contract=w.contract, outcome="sustained_26", price=Decimal("1500.00"))
    w.jobs = []
    for start in (dt.date(2025, 6, 2), dt.date(2025, 7, 1)):
        episode = EpisodeFactory(team=w.provider_team, started_on=dt.date(2025, 5, 1))
        w.jobs.append(PlacementFactory(episode=episode, start_date=start))
    return w
