"""Shared people and records for the commissioning tests: a council (the ``authority``
fixture, Newham) with its commissioner, a charity in the directory working there, and
another authority with its own commissioner; and ``world``, a provider with a manager,
a coach, a contract with a tariff and two people in work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pathways.commissioning.models import Contract, Provider
from pathways.core.models import Organisation, Role
from tests.commissioning import factories as cf
from tests.factories import (
    AuthorityFactory,
    ContractFactory,
    EpisodeFactory,
    OrganisationFactory,
    PersonFactory,
    ProviderFactory,
    TeamFactory,
    staff,
)
from tests.imports.conftest import run, write_file  # noqa: F401  (fixtures)


@pytest.fixture
def commissioner(team):
    return staff(Role.COMMISSIONER, team, email="commissioner@example.org")


@pytest.fixture
def elsewhere(db):
    return AuthorityFactory(code="E09000030", name="Tower Hamlets")


@pytest.fixture
def other_commissioner(elsewhere):
    team = TeamFactory(code="TH1", authority=elsewhere)
    return staff(Role.COMMISSIONER, team, email="commissioner@towerhamlets.example.org")


@pytest.fixture
def charity_team(authority):
    return TeamFactory(
        code="IPSCH",
        authority=authority,
        organisation__name="Working Minds",
        organisation__kind=Organisation.Kind.CHARITY,
    )


@pytest.fixture
def charity(charity_team, authority) -> Provider:
    return ProviderFactory(
        organisation=charity_team.organisation,
        services=["ips"],
        need_groups=["mental_health"],
        authorities=[authority],
        places=40,
        accreditation="IPS Grow fidelity review 2025: good",
    )


@pytest.fixture
def charity_manager(charity_team):
    return staff(Role.TEAM_MANAGER, charity_team, email="manager@workingminds.example.org")


@pytest.fixture
def contract(charity, authority) -> Contract:
    return ContractFactory(
        authority=authority,
        provider=charity,
        contract_ref="IPS-2025",
        service="ips",
        start_date=dt.date(2025, 4, 1),
        end_date=dt.date(2027, 3, 31),
        places=40,
        fixed_fee=Decimal("12500.00"),
        budget_cap=Decimal("60000.00"),
        target_job_starts=30,
        target_sustained_26=18,
    )


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
    w.contract = cf.ContractFactory(
        authority=authority, provider__organisation=w.provider_team.organisation
    )
    cf.TariffFactory(contract=w.contract, outcome="job_start", price=Decimal("500.00"))
    cf.TariffFactory(contract=w.contract, outcome="sustained_26", price=Decimal("1500.00"))
    w.jobs = []
    # Names found nowhere else on a page, so "no name is shown" cannot pass or fail by
    # chance (a random "Price" once matched the "Price (£)" column).
    for start, surname in (
        (dt.date(2025, 6, 2), "Featherstonehaugh"),
        (dt.date(2025, 7, 1), "Cholmondeley"),
    ):
        person = PersonFactory(authority=authority, family_name=surname)
        episode = EpisodeFactory(
            team=w.provider_team, person=person, started_on=dt.date(2025, 5, 1)
        )
        w.jobs.append(cf.PlacementFactory(episode=episode, start_date=start))
    return w
