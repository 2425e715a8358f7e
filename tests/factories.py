"""Test data builders. Real rows in the real database: no mocks of our own storage."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from pathways.casework.models import Episode, VocationalProfile
from pathways.core.models import Authority, Membership, Organisation, Role, Team, User
from pathways.employers.engagement.models import Employer
from pathways.employers.opportunities.models import Opportunity
from pathways.people.models import Person
from pathways.referrals.models import Referral, Source, Status

PASSWORD = "correct horse battery staple"


def plain_name(kind: str) -> factory.LazyFunction:
    """A random British name that HTML shows as it is: tests look for names in pages
    as typed, and an apostrophe (O'Neill) comes back escaped (O&#x27;Neill), which
    failed them at random."""
    faker = factory.Faker._get_faker(locale="en_GB")
    return factory.LazyFunction(lambda: getattr(faker, kind)().replace("'", ""))


class AuthorityFactory(DjangoModelFactory):
    class Meta:
        model = Authority
        django_get_or_create = ("code",)

    # Not an ONS code shape, so a generated code never collides with a fixture's real
    # one (the 25th would otherwise be E09000025, the ``authority`` fixture's Newham).
    code = factory.Sequence(lambda n: f"T{n:07d}")
    name = factory.Sequence(lambda n: f"Borough {n}")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.COUNCIL


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    code = factory.Sequence(lambda n: f"TEAM{n}")
    name = factory.Sequence(lambda n: f"Team {n}")
    authority = factory.SubFactory(AuthorityFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    caseload_cap = 40


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@example.org")
    first_name = plain_name("first_name")
    last_name = plain_name("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def staff(role: str, team: Team, **kwargs) -> User:
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, team=team, role=role)
    return user


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    authority = factory.SubFactory(AuthorityFactory)
    person_ref = factory.Sequence(lambda n: f"C{100000 + n}")
    given_name = plain_name("first_name")
    family_name = plain_name("last_name")
    date_of_birth = dt.date(1990, 3, 27)


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = Referral

    team = factory.SubFactory(TeamFactory)
    person = factory.LazyAttribute(lambda o: PersonFactory(authority=o.team.authority))
    authority = factory.LazyAttribute(lambda o: o.team.authority)
    referral_ref = factory.Sequence(lambda n: f"R{n:06d}")
    source = Source.SOCIAL_CARE_ASSESSMENT
    received_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=10))
    status = Status.RECEIVED


class EpisodeFactory(DjangoModelFactory):
    class Meta:
        model = Episode

    team = factory.SubFactory(TeamFactory)
    person = factory.LazyAttribute(lambda o: PersonFactory(authority=o.team.authority))
    authority = factory.LazyAttribute(lambda o: o.team.authority)
    episode_ref = factory.Sequence(lambda n: f"E{n:06d}")
    started_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = VocationalProfile

    person = factory.SubFactory(PersonFactory)


class EmployerFactory(DjangoModelFactory):
    class Meta:
        model = Employer

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Employer {n}")
    sector = "Retail"


class OpportunityFactory(DjangoModelFactory):
    class Meta:
        model = Opportunity

    employer = factory.SubFactory(EmployerFactory)
    authority = factory.SubFactory(AuthorityFactory)
    opportunity_ref = factory.Sequence(lambda n: f"OPP{n:05d}")
    title = "Café assistant"
    kind = "employed"
    paid = True
    hours_per_week = 16
    hourly_pay = None
    opened_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=7))


# --- slice E: onward referral between providers ---------------------------------------


def directory_provider(organisation: Organisation, *authorities: Authority):
    """``organisation``'s entry in the provider directory, working in ``authorities``."""
    from pathways.commissioning.models import Provider

    provider = Provider.objects.create(organisation=organisation, services=["ips"])
    provider.authorities.set(authorities)
    return provider


def provider_consent(person: Person, recorded_by: User, *, given: bool = True, days_ago: int = 1):
    """The person's answer about sharing with other support providers."""
    from pathways.people.models import Consent

    return Consent.objects.create(
        person=person,
        scope=Consent.Scope.SHARE_WITH_PROVIDERS,
        given=given,
        given_on=dt.date.today() - dt.timedelta(days=days_ago),
        recorded_by=recorded_by,
    )


# --- end of slice E -------------------------------------------------------------------
# --- slice C1: purchases with a personal budget ---------------------------------------


class PurchaseFactory(DjangoModelFactory):
    """A direct payment for job finding at £100.00 a week, bought from a named supplier
    (not in the directory), for a person of its authority."""

    class Meta:
        model = "commissioning.Purchase"

    person = factory.SubFactory(PersonFactory)
    authority = factory.LazyAttribute(lambda o: o.person.authority)
    purchase_ref = factory.Sequence(lambda n: f"PB{n:05d}")
    route = "direct_payment"
    supplier_name = "Bright Futures CIC"
    buys = "job_finding"
    start_date = dt.date(2025, 4, 1)
    end_date = None
    weekly_hours = 4
    weekly_cost = 100


# --- end of slice C1 ------------------------------------------------------------------


__all__ = ["PASSWORD", "Role", "staff"]


# --- slice D: commissioning directory, contracts and tariffs --------------------------
# (imports kept here so the block merges as one piece)
from pathways.commissioning.models import Contract, Provider, Tariff  # noqa: E402


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ("organisation",)
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    services = factory.LazyFunction(lambda: ["supported_employment"])
    need_groups = factory.LazyFunction(list)
    places = 20

    @factory.post_generation
    def authorities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.authorities.set(extracted)


class ContractFactory(DjangoModelFactory):
    class Meta:
        model = Contract

    authority = factory.SubFactory(AuthorityFactory)
    contract_ref = factory.Sequence(lambda n: f"C{n:04d}")
    provider = factory.SubFactory(ProviderFactory)
    service = "supported_employment"
    start_date = dt.date(2025, 4, 1)
    end_date = dt.date(2026, 3, 31)
    places = 20


class TariffFactory(DjangoModelFactory):
    class Meta:
        model = Tariff

    contract = factory.SubFactory(ContractFactory)
    outcome = "job_start"
    need_group = ""
    price = "1000.00"


def portal_account(person, *, invited_by, supporter=None, sections=(), email=None):
    """A person's own portal account, or (with ``supporter``, a Contact) a supporter's
    with the person's consent for ``sections``."""
    from pathways.people.models import Consent
    from pathways.portal.models import PortalAccount

    who = supporter.name.split()[0].lower() if supporter else person.given_name.lower()
    user = User.objects.create_user(
        email or f"{who}.{person.person_ref.lower()}@people.example.org",
        first_name=who.title(),
        is_person=True,
    )
    consent = None
    if supporter is not None:
        consent = Consent.objects.create(
            person=person,
            scope=Consent.Scope.SUPPORTER_PORTAL,
            given=True,
            given_on=dt.date.today(),
            recorded_by=invited_by,
        )
    return PortalAccount.objects.create(
        user=user,
        person=person,
        supporter=supporter,
        sections=list(sections),
        consent=consent,
        invited_by=invited_by,
    )
