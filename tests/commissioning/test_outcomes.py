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
from tests.factories import EpisodeFactory, OrganisationFactory, PersonFactory, TeamFactory

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


# --- every boundary of the spec ------------------------------------------------------

LONG = (dt.date(2025, 4, 1), dt.date(2028, 3, 31))
LAST_DAY = dt.date(2026, 3, 31)  # the contract fixture's end_date


def test_a_job_starting_on_the_contracts_last_day_is_taken(contract):
    PlacementFactory(episode=episode_for(contract), start_date=LAST_DAY)
    assert outcomes_of(contract) == [("job_start", LAST_DAY)]


def test_a_job_starting_the_day_after_the_contract_is_not_taken(contract):
    PlacementFactory(episode=episode_for(contract), start_date=LAST_DAY + dt.timedelta(days=1))
    assert outcomes_of(contract) == []


@pytest.mark.parametrize(
    ("days_after_end", "taken"), [(365, True), (366, False)], ids=["365th", "366th"]
)
def test_an_outcome_365_days_after_the_contract_is_taken_and_366_is_not(
    contract, days_after_end, taken
):
    TariffFactory(contract=contract, outcome="progression", price=Decimal("800.00"))
    ended = LAST_DAY + dt.timedelta(days=days_after_end)
    PlacementFactory(
        episode=episode_for(contract),
        start_date=dt.date(2026, 3, 2),
        supported=False,
        support_ended_on=ended,
    )
    got = [(a.outcome, a.achieved_on) for a in achieved_outcomes([contract], *LONG)]
    assert (("progression", ended) in got) is taken


def test_a_job_ending_on_the_26_week_day_is_sustained(contract):
    start = dt.date(2025, 6, 2)
    job = PlacementFactory(
        episode=episode_for(contract), start_date=start, end_date=start + dt.timedelta(days=182)
    )
    confirm_milestone(job, 26)
    assert [o for o, _ in outcomes_of(contract)] == ["job_start", "sustained_26"]


def test_a_confirmed_milestone_without_evidence_is_not_an_outcome(contract):
    job = PlacementFactory(episode=episode_for(contract), start_date=dt.date(2025, 6, 2))
    confirm_milestone(job, 26).__class__.objects.update(evidence="")
    assert [o for o, _ in outcomes_of(contract)] == ["job_start"]


def test_progression_is_the_day_support_ended_with_the_person_in_work(contract):
    TariffFactory(contract=contract, outcome="progression", price=Decimal("800.00"))
    PlacementFactory(
        episode=episode_for(contract),
        start_date=dt.date(2025, 6, 2),
        supported=False,
        support_ended_on=dt.date(2025, 11, 3),
    )
    assert outcomes_of(contract) == [
        ("job_start", dt.date(2025, 6, 2)),
        ("progression", dt.date(2025, 11, 3)),
    ]


def test_an_unpaid_or_unsupported_job_is_not_an_outcome(contract):
    PlacementFactory(episode=episode_for(contract), paid=False)
    PlacementFactory(episode=episode_for(contract), supported=False)
    assert outcomes_of(contract) == []


def test_of_two_overlapping_contracts_the_earlier_start_takes_it_then_the_lower_ref(
    contract,
):
    later = ContractFactory(
        authority=contract.authority,
        provider=contract.provider,
        contract_ref="A0001",  # lower ref, but a later start: the earlier start wins
        start_date=dt.date(2025, 5, 1),
    )
    same_start_lower_ref = ContractFactory(
        authority=contract.authority,
        provider=contract.provider,
        contract_ref="A0000",
        start_date=contract.start_date,
        end_date=dt.date(2025, 5, 31),
    )
    for c in (later, same_start_lower_ref):
        TariffFactory(contract=c, outcome="job_start", price=Decimal("1.00"))
    episode = episode_for(contract)
    PlacementFactory(episode=episode, start_date=dt.date(2025, 5, 20))  # all three in force
    assert [
        a.contract_id for a in achieved_outcomes([contract, later, same_start_lower_ref], *YEAR)
    ] == [same_start_lower_ref.pk]
    episode.person.placements.update(start_date=dt.date(2025, 6, 2))  # A0000 has ended
    assert [
        a.contract_id for a in achieved_outcomes([contract, later, same_start_lower_ref], *YEAR)
    ] == [contract.pk]


def test_a_need_group_has_its_own_price_and_the_rest_take_the_blank_row(contract):
    TariffFactory(
        contract=contract, outcome="job_start", need_group="mental_health", price=Decimal("900.00")
    )
    mh = episode_for(contract)
    mh.person.primary_support_reason = "mental_health"
    mh.person.save()
    ld = episode_for(contract)
    ld.person.primary_support_reason = "learning_disability"
    ld.person.save()
    PlacementFactory(episode=mh, start_date=dt.date(2025, 6, 2))
    PlacementFactory(episode=ld, start_date=dt.date(2025, 6, 3))
    prices = {a.need_group: a.price for a in achieved_outcomes([contract], *YEAR)}
    assert prices == {"mental_health": Decimal("900.00"), "learning_disability": Decimal("500.00")}


def test_an_outcome_with_no_tariff_row_is_achieved_but_not_claimable(contract):
    job = PlacementFactory(episode=episode_for(contract), start_date=dt.date(2025, 6, 2))
    confirm_milestone(job, 13)  # no sustained_13 row in the tariff
    assert ("sustained_13", None) in [
        (a.outcome, a.price) for a in achieved_outcomes([contract], *YEAR)
    ]
    assert [line.outcome.outcome for line in claimable(contract, *YEAR).lines] == ["job_start"]


def test_lines_past_the_cap_in_achieved_on_then_person_ref_order_count_nothing(contract):
    contract.budget_cap = Decimal("1000.00")
    contract.save()
    day = dt.date(2025, 6, 2)
    for ref, start in (("C3", day), ("C1", day), ("C2", day + dt.timedelta(days=1))):
        person = PersonFactory(authority=contract.authority, person_ref=ref)
        episode = episode_for(contract, person=person)
        PlacementFactory(episode=episode, start_date=start)
    claim = claimable(contract, *YEAR)
    assert [(line.outcome.person_ref, line.over_cap) for line in claim.lines] == [
        ("C1", False),
        ("C3", False),
        ("C2", True),
    ]
    assert [line.counted for line in claim.lines] == [
        Decimal("500.00"),
        Decimal("500.00"),
        Decimal("0.00"),
    ]
    assert (claim.total, claim.over_cap) == (Decimal("1000.00"), 1)


def test_a_person_who_moved_provider_brings_each_provider_its_own_outcomes(contract):
    other_team = TeamFactory(authority=contract.authority, organisation=OrganisationFactory())
    other = ContractFactory(
        authority=contract.authority, provider__organisation=other_team.organisation
    )
    TariffFactory(contract=other, outcome="job_start", price=Decimal("700.00"))
    TariffFactory(contract=other, outcome="sustained_26", price=Decimal("1700.00"))
    first = episode_for(contract, ended_on=dt.date(2025, 7, 31))
    old_job = PlacementFactory(
        episode=first, start_date=dt.date(2025, 6, 2), end_date=dt.date(2025, 7, 31)
    )
    confirm_milestone(old_job, 26)  # the job ended first: no sustained outcome for anyone
    second = EpisodeFactory(team=other_team, person=first.person, started_on=dt.date(2025, 8, 1))
    new_job = PlacementFactory(episode=second, start_date=dt.date(2025, 9, 1))
    confirm_milestone(new_job, 26)
    assert outcomes_of(contract) == [("job_start", dt.date(2025, 6, 2))]
    assert outcomes_of(other) == [
        ("job_start", dt.date(2025, 9, 1)),
        ("sustained_26", dt.date(2026, 3, 2)),
    ]
