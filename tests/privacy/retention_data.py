"""People at each point of the retention schedule, for the retention and erasure tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pathways.core.models import Role, Team
from pathways.employment.models import Placement
from pathways.people.models import Person
from pathways.referrals.models import Status
from tests.factories import EmployerFactory, EpisodeFactory, PersonFactory, ReferralFactory, staff

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
