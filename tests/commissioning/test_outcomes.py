"""The outcomes a contract pays for (spec/commissioning.md): what a claim and the
providers report both count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pathways.commissioning.outcomes import achieved_outcomes, claimable
from tests.commissioning.factories import (
    ContractFactory,
    PlacementFactory,
    TariffFactory,
    confirm_milestone,
)
from tests.factories import EpisodeFactory, OrganisationFactory, TeamFactory

pytestmark = pytest.mark.django_db

YEAR = (dt.date(2025, 4, 1), dt.date(2027, 3, 31))


@pytest.fixture
def contract(authority):
    provider_team = TeamFactory(authority=authority, organisation=OrganisationFactory())
    contract = ContractFactory(
        authority=authority, provider__organisation=provider_team.organisation
    )
    contract.team = provider_team
    for outcome, price in (("job_start", "500.00"), ("sustained_26", "1500.00")):
        TariffFactory(contract=contract, outcome=outcome, price=Decimal(price))
    return contract


def episode_for(contract, **kwargs):
    return EpisodeFactory(team=contract.team, started_on=dt.date(2025, 5, 1), **kwargs)


def outcomes_of(contract):
    return [(a.outcome, a.achieved_on) for a in achieved_outcomes([contract], *YEAR)]


def test_a_job_start_and_a_confirmed_26_weeks_are_outcomes(contract):
    job = PlacementFactory(episode=episode_for(contract), start_date=dt.date(2025, 6, 2))
    confirm_milestone(job, 26)
    assert outcomes_of(contract) == [
        ("job_start", dt.date(2025, 6, 2)),
        ("sustained_26", dt.date(2025, 12, 1)),
    ]


def test_an_unconfirmed_milestone_is_not_an_outcome(contract):
    job = PlacementFactory(episode=episode_for(contract), start_date=dt.date(2025, 6, 2))
    confirm_milestone(job, 26).__class__.objects.update(confirmed_on=None, evidence="")
    assert outcomes_of(contract) == [("job_start", dt.date(2025, 6, 2))]


def test_a_job_ending_the_day_before_26_weeks_is_not_sustained(contract):
    start = dt.date(2025, 6, 2)
    job = PlacementFactory(
        episode=episode_for(contract),
        start_date=start,
        end_date=start + dt.timedelta(days=181),
    )
    confirm_milestone(job, 26)
    assert [o for o, _ in outcomes_of(contract)] == ["job_start"]


def test_two_jobs_in_one_episode_make_one_job_start(contract):
    episode = episode_for(contract)
    PlacementFactory(episode=episode, start_date=dt.date(2025, 6, 2))
    PlacementFactory(episode=episode, start_date=dt.date(2025, 8, 4))
    assert outcomes_of(contract) == [("job_start", dt.date(2025, 6, 2))]


def test_a_claimable_outcome_has_a_price_and_the_cap_stops_the_total(contract):
    contract.budget_cap = Decimal("700.00")
    contract.save()
    for start in (dt.date(2025, 6, 2), dt.date(2025, 6, 3)):
        PlacementFactory(episode=episode_for(contract), start_date=start)
    claim = claimable(contract, *YEAR)
    assert [line.over_cap for line in claim.lines] == [False, True]
    assert claim.total == Decimal("500.00")
    assert claim.over_cap == 1
