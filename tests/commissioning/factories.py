"""Factories for commissioning's outcomes: the jobs and milestones that make them (the
provider, contract and tariff factories are in ``tests.factories``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from pathways.core.models import OpportunityKind
from pathways.employment.models import Milestone, MilestoneEvidence, Placement
from tests.factories import (  # noqa: F401  (the directory's factories, for these tests)
    ContractFactory,
    EmployerFactory,
    ProviderFactory,
    TariffFactory,
)


class PlacementFactory(DjangoModelFactory):
    """A paid, supported job: one that a contract pays for."""

    class Meta:
        model = Placement

    person = factory.LazyAttribute(lambda o: o.episode.person if o.episode else None)
    authority = factory.LazyAttribute(lambda o: o.person.authority)
    episode = None
    placement_ref = factory.Sequence(lambda n: f"J{n:06d}")
    employer = factory.SubFactory(EmployerFactory)
    job_title = "Kitchen assistant"
    kind = OpportunityKind.EMPLOYED
    paid = True
    supported = True
    start_date = dt.date(2025, 6, 2)
    hours_per_week = Decimal("16.0")


def confirm_milestone(job: Placement, weeks: int, on: dt.date | None = None) -> Milestone:
    reached = job.start_date + dt.timedelta(days={13: 91, 26: 182, 52: 364}[weeks])
    return Milestone.objects.create(
        placement=job,
        weeks=weeks,
        reached_on=reached,
        found_on=reached,
        confirmed_on=on or reached,
        evidence=MilestoneEvidence.PAYSLIP,
    )
