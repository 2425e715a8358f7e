"""Factories for commissioning: a provider with a contract and a tariff, and the jobs
and milestones that make outcomes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from pathways.commissioning.models import Contract, Provider, Service, Tariff
from pathways.core.models import OpportunityKind
from pathways.employment.models import Milestone, MilestoneEvidence, Placement
from tests.factories import AuthorityFactory, EmployerFactory, OrganisationFactory


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ("organisation",)
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    services = factory.LazyFunction(lambda: [Service.SUPPORTED_EMPLOYMENT])
    places = 40

    @factory.post_generation
    def authorities(self, create, extracted, **kwargs):
        if create and extracted:
            self.authorities.add(*extracted)


class ContractFactory(DjangoModelFactory):
    class Meta:
        model = Contract

    authority = factory.SubFactory(AuthorityFactory)
    contract_ref = factory.Sequence(lambda n: f"K{n:05d}")
    provider = factory.SubFactory(ProviderFactory)
    service = Service.SUPPORTED_EMPLOYMENT
    start_date = dt.date(2025, 4, 1)
    end_date = dt.date(2026, 3, 31)
    places = 40


class TariffFactory(DjangoModelFactory):
    class Meta:
        model = Tariff

    contract = factory.SubFactory(ContractFactory)
    outcome = "job_start"
    need_group = ""
    price = Decimal("1000.00")


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
