"""The providers report (spec/commissioning.md, "Performance against the contract"):
each figure with hand-checked numbers, each flag, no identities, a fixed number of
queries."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from pathways.casework.models import StageEntry
from pathways.commissioning.models import Claim, ClaimLine, LineStatus
from pathways.commissioning.performance import (
    contract_quarters,
    fixed_fees,
    providers_report,
)
from pathways.referrals.models import Status
from tests.commissioning.factories import (
    ContractFactory,
    PlacementFactory,
    TariffFactory,
    confirm_milestone,
)
from tests.factories import (
    EpisodeFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

START, END = dt.date(2025, 4, 1), dt.date(2026, 3, 31)
LD, MH = "learning_disability", "mental_health"


def provider_contract(authority, **kwargs):
    team = TeamFactory(authority=authority, organisation=OrganisationFactory())
    contract = ContractFactory(
        authority=authority, provider__organisation=team.organisation, **kwargs
    )
    contract.team = team
    return contract


@pytest.fixture
def contract(authority):
    return provider_contract(
        authority,
        fixed_fee=Decimal("3000.00"),
        places=20,
        target_job_starts=10,
        target_sustained_26=4,
    )


def person(authority, need=LD):
    return PersonFactory(authority=authority, primary_support_reason=need)


def episode(contract, need=LD, started=dt.date(2025, 5, 1), **kwargs):
    return EpisodeFactory(
        team=contract.team,
        person=person(contract.authority, need),
        started_on=started,
        last_contact_on=kwargs.pop("last_contact_on", END),
        **kwargs,
    )


def referral(contract, need=LD, status=Status.ACCEPTED, **kwargs):
    return ReferralFactory(
        team=contract.team,
        person=person(contract.authority, need),
        received_on=kwargs.pop("received_on", dt.date(2025, 6, 2)),
        status=status,
        **kwargs,
    )


def report(authority, start=START, end=END):
    return providers_report(authority, start, end)["contracts"]


def only(authority, **kwargs):
    (row,) = report(authority, **kwargs)
    return row


# --- money ------------------------------------------------------------------------------


def test_a_contracts_quarters_run_three_months_from_its_start():
    assert contract_quarters(dt.date(2025, 4, 1), dt.date(2025, 12, 15)) == [
        (dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
        (dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        (dt.date(2025, 10, 1), dt.date(2025, 12, 15)),
    ]


def test_fixed_fees_count_each_quarter_pro_rata_by_its_days_in_the_period():
    fee = Decimal("910.00")
    # A whole year of a year's contract: four quarters.
    assert fixed_fees(fee, START, END, START, END) == Decimal("3640.00")
    # 1 to 31 May: 31 of the first quarter's 91 days.
    assert fixed_fees(fee, START, END, dt.date(2025, 5, 1), dt.date(2025, 5, 31)) == Decimal(
        "310.00"
    )
    # Before the contract: nothing. No fee: nothing.
    assert fixed_fees(fee, START, END, dt.date(2024, 1, 1), dt.date(2024, 12, 31)) == 0
    assert fixed_fees(None, START, END, START, END) == 0


def test_money_paid_and_cost_per_job_and_per_sustained_job(contract):
    TariffFactory(contract=contract, outcome="job_start", price=Decimal("500.00"))
    jobs = [
        PlacementFactory(episode=episode(contract), start_date=dt.date(2025, 6, 2))
        for _ in range(3)
    ]
    confirm_milestone(jobs[0], 26)
    claim = Claim.objects.create(contract=contract, period_from=START, period_to=END)
    for job, status, over_cap, on in (
        (jobs[0], LineStatus.APPROVED, False, dt.date(2025, 6, 2)),
        (jobs[1], LineStatus.APPROVED, True, dt.date(2025, 6, 2)),  # over the cap: unpaid
        (jobs[2], LineStatus.REJECTED, False, dt.date(2025, 6, 2)),
    ):
        ClaimLine.objects.create(
            claim=claim,
            person=job.person,
            episode=job.episode,
            placement=job,
            outcome="job_start",
            achieved_on=on,
            price=Decimal("500.00"),
            over_cap=over_cap,
            status=status,
            reason="No payslip" if status == LineStatus.REJECTED else "",
        )
    row = only(contract.authority)
    assert row["job_starts"] == 3
    assert row["sustained_26"] == 1
    assert row["outcome_payments_approved"] == "500.00"
    assert row["fixed_fees"] == "12000.00"
    assert row["cost"] == "12500.00"
    assert row["cost_per_job_start"] == "4166.67"
    assert row["cost_per_sustained_26"] == "12500.00"


def test_costs_per_job_are_null_when_there_are_none(contract):
    row = only(contract.authority)
    assert row["job_starts"] == 0
    assert row["cost_per_job_start"] is None
    assert row["cost_per_sustained_26"] is None


# --- referrals and caseload ------------------------------------------------------------------


def test_referrals_received_declined_and_median_wait(contract):
    referral(contract, status=Status.DECLINED)
    referral(contract, status=Status.ALLOCATED, allocated_on=dt.date(2025, 6, 12))  # 10 days
    referral(contract, status=Status.ALLOCATED, allocated_on=dt.date(2025, 7, 2))  # 30 days
    referral(contract, status=Status.WAITING, received_on=dt.date(2026, 3, 1))  # 30 days so far
    referral(contract, status=Status.ACCEPTED, received_on=dt.date(2026, 3, 21))  # 10 so far
    referral(contract, received_on=dt.date(2025, 3, 31))  # before the period
    other_authority = PersonFactory()
    ReferralFactory(team=contract.team, person=other_authority, received_on=dt.date(2025, 6, 2))
    row = only(contract.authority)
    assert row["referrals_received"] == 5
    assert row["referrals_declined"] == 1
    assert row["median_days_waiting"] == 20.0


def test_open_episodes_against_places(contract):
    for _ in range(3):
        episode(contract)
    episode(contract, ended_on=dt.date(2026, 1, 5))  # ended in the period
    episode(contract, started=dt.date(2026, 4, 1))  # after it
    row = only(contract.authority)
    assert (row["open_episodes"], row["places"]) == (3, 20)


def test_sustained_progressions_and_targets_to_date(contract):
    old = PlacementFactory(episode=episode(contract, started=START), start_date=START)
    for weeks in (13, 26, 52):
        confirm_milestone(old, weeks)  # 1 Jul 2025, 30 Sep 2025, 31 Mar 2026
    PlacementFactory(
        episode=episode(contract),
        start_date=dt.date(2025, 6, 2),
        supported=False,
        support_ended_on=dt.date(2025, 11, 3),
    )
    # The period is September to March: both job starts fall before it.
    row = only(contract.authority, start=dt.date(2025, 9, 1))
    assert row["job_starts"] == 0
    assert row["sustained_13"] == 0
    assert row["sustained_26"] == 1
    assert row["sustained_52"] == 1
    assert row["progressions"] == 1
    assert row["targets"] == {
        "job_starts": {"target": 10, "actual": 2},
        "sustained_26": {"target": 4, "actual": 1},
    }


# --- indicators ---------------------------------------------------------------------------


def test_declined_by_need_beside_the_overall_rate(contract):
    for _ in range(3):
        referral(contract, need=MH, status=Status.DECLINED)
    referral(contract, need=MH, status=Status.ALLOCATED, allocated_on=dt.date(2025, 6, 9))
    referral(contract, need=LD, status=Status.ACCEPTED)
    referral(contract, need=LD, status=Status.DECLINED)
    referral(contract, need=LD, status=Status.RECEIVED)  # not decided yet
    referral(contract, need=LD, status=Status.REDIRECTED)  # not a decision of theirs
    row = only(contract.authority)
    assert row["declined"] == {"decided": 6, "declined": 4, "rate": "0.6667"}
    assert row["declined_by_need"] == {
        LD: {"decided": 2, "declined": 1, "rate": "0.5000"},
        MH: {"decided": 4, "declined": 3, "rate": "0.7500"},
    }


def test_no_contact_share_uses_the_teams_no_contact_days(contract):
    contract.team.no_contact_days = 14
    contract.team.save()
    episode(contract, last_contact_on=END - dt.timedelta(days=14))  # exactly 14: fine
    episode(contract, last_contact_on=END - dt.timedelta(days=15))  # more than 14
    episode(contract, last_contact_on=None, started=dt.date(2026, 3, 1))  # 30 days, none
    episode(contract)
    row = only(contract.authority)
    assert (row["no_contact"], row["open_episodes"], row["no_contact_share"]) == (
        2,
        4,
        "0.5000",
    )


def test_stalled_share_counts_182_days_without_a_change_of_stage(contract):
    moved = episode(contract, started=dt.date(2025, 4, 1))
    StageEntry.objects.create(
        episode=moved, stage="job_search", entered_on=END - dt.timedelta(days=182)
    )
    stuck = episode(contract, started=dt.date(2025, 4, 1))
    StageEntry.objects.create(
        episode=stuck, stage="job_search", entered_on=END - dt.timedelta(days=183)
    )
    StageEntry.objects.create(episode=stuck, stage="in_work", entered_on=END + dt.timedelta(days=1))
    episode(contract, started=END - dt.timedelta(days=183))  # no stage entries: since it began
    row = only(contract.authority)
    assert (row["stalled"], row["stalled_share"]) == (2, "0.6667")


def test_starts_by_need_per_100_episodes_open_in_the_period(contract):
    for i in range(4):
        ep = episode(contract, need=LD)
        if i == 0:
            PlacementFactory(episode=ep, start_date=dt.date(2025, 6, 2))
    for _ in range(2):
        PlacementFactory(episode=episode(contract, need=MH), start_date=dt.date(2025, 6, 2))
    episode(contract, need=MH, ended_on=dt.date(2025, 3, 1), started=dt.date(2025, 1, 1))
    row = only(contract.authority)
    assert row["starts_by_need"] == {
        LD: {"episodes": 4, "job_starts": 1, "per_100": "25.0"},
        MH: {"episodes": 2, "job_starts": 2, "per_100": "100.0"},
    }


# --- flags -----------------------------------------------------------------------------------


def codes(row):
    return [(f["code"], f["need_group"]) for f in row["flags"]]


def test_a_need_group_declined_at_twice_the_overall_rate_is_flagged(contract):
    # Mental health: 5 of 10 declined; learning disability: 0 of 15. Overall 5 of 25.
    for i in range(10):
        referral(contract, need=MH, status=Status.DECLINED if i < 5 else Status.ACCEPTED)
    for _ in range(15):
        referral(contract, need=LD, status=Status.ACCEPTED)
    row = only(contract.authority)
    assert codes(row) == [("creaming_declines", MH)]
    assert "declined at 50% (5 of 10 decided)" in row["flags"][0]["reason"]
    assert "20% overall" in row["flags"][0]["reason"]


def test_too_few_decisions_raise_no_decline_flag(contract):
    for i in range(9):
        referral(contract, need=MH, status=Status.DECLINED if i < 5 else Status.ACCEPTED)
    for _ in range(15):
        referral(contract, need=LD, status=Status.ACCEPTED)
    assert codes(only(contract.authority)) == []


def test_parking_no_contact_and_stalled_are_flagged(contract):
    long_ago = END - dt.timedelta(days=200)
    for i in range(10):
        ep = episode(contract, started=long_ago, last_contact_on=long_ago if i < 3 else END)
        if i >= 3:
            StageEntry.objects.create(episode=ep, stage="job_search", entered_on=END)
    row = only(contract.authority)
    assert codes(row) == [("parking_no_contact", None), ("parking_stalled", None)]
    assert row["flags"][0]["reason"].startswith("3 of 10 open episodes (30%) had no contact")


def test_a_quarter_in_each_is_not_parking(contract):
    long_ago = END - dt.timedelta(days=200)
    for i in range(12):
        episode(
            contract, started=long_ago if i < 3 else END, last_contact_on=long_ago if i < 3 else END
        )
    assert codes(only(contract.authority)) == []


def test_far_fewer_starts_per_100_for_a_need_group_is_flagged(contract):
    for i in range(10):
        ep = episode(contract, need=MH)
        if i == 0:
            PlacementFactory(episode=ep, start_date=dt.date(2025, 6, 2))
    for i in range(10):
        ep = episode(contract, need=LD)
        if i < 5:
            PlacementFactory(episode=ep, start_date=dt.date(2025, 6, 2))
    row = only(contract.authority)
    row["flags"] = [f for f in row["flags"] if f["code"].startswith("creaming")]
    assert codes(row) == [("creaming_starts", MH)]
    assert "10.0 job starts per 100 episodes against 50.0" in row["flags"][0]["reason"]


# --- what the report does not say, and what it costs ----------------------------------------


def test_no_persons_identity_anywhere_in_the_report(contract):
    ep = episode(contract)
    PlacementFactory(episode=ep, start_date=dt.date(2025, 6, 2))
    referral(contract, status=Status.DECLINED)
    out = json.dumps(providers_report(contract.authority, START, END))
    for p in [ep.person, *[r.person for r in contract.team.referrals.all()]]:
        for value in (p.person_ref, p.given_name, p.family_name, ep.episode_ref):
            assert value not in out
    assert "J0" not in out  # no placement reference


def _busy_contract(authority, i):
    c = provider_contract(authority, contract_ref=f"Q{i:03d}", fixed_fee=Decimal("100.00"))
    TariffFactory(contract=c, outcome="job_start")
    for n in range(3):
        ep = episode(c, need=LD if n else MH)
        StageEntry.objects.create(episode=ep, stage="job_search", entered_on=dt.date(2025, 6, 1))
        job = PlacementFactory(episode=ep, start_date=dt.date(2025, 6, 2))
        confirm_milestone(job, 13)
        referral(c, status=Status.DECLINED if n else Status.ALLOCATED, allocated_on=END)
    return c


@pytest.mark.parametrize("how_many", [1, 5])
def test_a_fixed_number_of_queries_whatever_the_number_of_contracts(
    authority, how_many, django_assert_num_queries
):
    for i in range(how_many):
        _busy_contract(authority, i)
    # contracts, referrals, episodes, the outcomes' five (every contract of the providers
    # with the ones asked about, tariffs, episodes, jobs, milestones), approved claim lines
    with django_assert_num_queries(9):
        rows = report(authority)
    assert len(rows) == how_many
    assert all(r["job_starts"] == 3 for r in rows)


# --- the demo's parked provider --------------------------------------------------------------


def test_the_demo_provider_running_ips_is_flagged_for_parking():
    from pathways.workspace.demo_performance import load_parking
    from tests.factories import AuthorityFactory

    today = dt.date(2026, 3, 31)
    borough = AuthorityFactory(code="E09000099")
    team = TeamFactory(code="RB-IPS", authority=borough, organisation=OrganisationFactory())
    assert load_parking(today) == 0  # no contract yet: nothing changes
    contract = ContractFactory(authority=borough, provider__organisation=team.organisation)
    for _ in range(12):
        ep = EpisodeFactory(team=team, started_on=dt.date(2025, 4, 1), last_contact_on=today)
        StageEntry.objects.create(episode=ep, stage="job_search", entered_on=today)
    assert load_parking(today) == 7
    (row,) = providers_report(borough, dt.date(2025, 4, 1), today)["contracts"]
    assert row["contract_ref"] == contract.contract_ref
    assert {f["code"] for f in row["flags"]} == {"parking_no_contact", "parking_stalled"}
