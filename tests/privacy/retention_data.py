"""People at each point of the retention schedule, for the retention and erasure tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pathways.commissioning.models import Claim, ClaimLine, ClaimStatus, LineStatus
from pathways.core.models import Role, Team
from pathways.employment.models import Placement
from pathways.people.models import Person
from pathways.referrals.models import Status
from tests.factories import (
    ContractFactory,
    EmployerFactory,
    EpisodeFactory,
    PersonFactory,
    ReferralFactory,
    staff,
)

TODAY = dt.date(2026, 6, 30)


def dpo(team: Team, email: str = "dpo@example.org"):
    return staff(Role.DATA_PROTECTION_OFFICER, team, email=email)


def closed_episode(team: Team, ended_on: dt.date, **person) -> Person:
    """A person supported once, whose episode (and referral) closed on ``ended_on``."""
    someone = PersonFactory(authority=team.authority, **person)
    ReferralFactory(
        team=team,
        person=someone,
        status=Status.ALLOCATED,
        received_on=ended_on - dt.timedelta(days=400),
        decided_on=ended_on - dt.timedelta(days=390),
    )
    EpisodeFactory(
        team=team,
        person=someone,
        started_on=ended_on - dt.timedelta(days=380),
        ended_on=ended_on,
        end_reason="withdrew",
    )
    return someone


def job(someone: Person, start: dt.date, end: dt.date | None = None, hours: str = "20"):
    return Placement.objects.create(
        authority=someone.authority,
        placement_ref=f"P{someone.pk:06d}{start:%y%m%d}",
        person=someone,
        employer=EmployerFactory(),
        job_title="Kitchen porter",
        kind="employed",
        paid=True,
        start_date=start,
        end_date=end,
        hours_per_week=Decimal(hours),
    )


def claimed(
    someone: Person,
    line: str = LineStatus.APPROVED,
    claim: str = ClaimStatus.DECIDED,
    contract_ref: str = "SE-2025-07",
) -> ClaimLine:
    """A job start of ``someone``'s episode claimed on a payment-by-results contract of
    their authority: a line with status ``line`` on a claim with status ``claim``."""
    contract = ContractFactory(authority=someone.authority, contract_ref=contract_ref)
    on_claim = Claim.objects.create(
        contract=contract,
        period_from=contract.start_date,
        period_to=contract.end_date,
        status=claim,
    )
    return ClaimLine.objects.create(
        claim=on_claim,
        person=someone,
        episode=someone.episodes.first(),
        outcome="job_start",
        achieved_on=dt.date(2025, 6, 2),
        price=Decimal("1000.00"),
        evidence="Payslip for Marigold",
        status=line,
        reason="Marigold's start was before the contract" if line == LineStatus.REJECTED else "",
    )
