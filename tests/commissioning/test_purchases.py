"""Recording, changing and ending a purchase with a personal budget: who may, the rules
each field must keep (with the field named), the version check and the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from pathways.commissioning.models import Provider, Purchase
from pathways.commissioning.purchases import change_purchase, end_purchase, record_purchase
from pathways.core.errors import ConcurrentEdit, IllegalTransition, PermissionDenied
from pathways.core.models import Role
from tests.factories import (
    AuthorityFactory,
    EpisodeFactory,
    OrganisationFactory,
    PersonFactory,
    PurchaseFactory,
    TeamFactory,
    staff,
)

pytestmark = pytest.mark.django_db

START = dt.date(2025, 4, 1)


@pytest.fixture
def person(team):
    return EpisodeFactory(team=team).person


def details(**overrides):
    return {
        "purchase_ref": "DP-001",
        "route": "direct_payment",
        "buys": "job_finding",
        "start_date": START,
        "weekly_hours": "6",
        "weekly_cost": "150.00",
        "supplier_name": "Bright Futures CIC",
        **overrides,
    }


def test_a_coach_of_the_persons_team_records_a_purchase(coach, person):
    purchase = record_purchase(coach, person, **details())
    purchase.refresh_from_db()
    assert purchase.authority_id == person.authority_id
    assert purchase.weekly_cost == Decimal("150.00")
    assert purchase.supplier_label == "Bright Futures CIC"
    assert purchase.recorded_by == coach
    assert purchase.version == 1
    # on the person's trail (the actor comes from the request or the command)
    created = LogEntry.objects.get_for_object(purchase).get()
    assert created.additional_data == {"person_id": person.pk}


def test_a_supplier_from_the_directory(coach, person):
    provider = Provider.objects.create(
        organisation=OrganisationFactory(name="Pathfinder IPS"), services=["ips"]
    )
    purchase = record_purchase(coach, person, **details(supplier_name="", supplier=provider))
    assert purchase.supplier_label == "Pathfinder IPS"


def test_a_coach_of_another_team_may_not_record_one(person, authority):
    elsewhere = staff(Role.EMPLOYMENT_SPECIALIST, TeamFactory(authority=authority))
    with pytest.raises(PermissionDenied, match="worker or their team"):
        record_purchase(elsewhere, person, **details())
    assert not Purchase.objects.exists()


def test_a_coach_of_another_team_may_not_change_or_end_one(person, authority):
    purchase = PurchaseFactory(person=person)
    elsewhere = staff(Role.EMPLOYMENT_SPECIALIST, TeamFactory(authority=authority))
    with pytest.raises(PermissionDenied):
        change_purchase(elsewhere, purchase, weekly_cost="1.00")
    with pytest.raises(PermissionDenied):
        end_purchase(elsewhere, purchase, end_date=START)
    purchase.refresh_from_db()
    assert purchase.weekly_cost == Decimal("100.00") and purchase.end_date is None


def test_a_commissioner_may_not_record_one(person, authority):
    commissioner = staff(Role.COMMISSIONER, TeamFactory(authority=authority))
    with pytest.raises(PermissionDenied):
        record_purchase(commissioner, person, **details())


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date": START - dt.timedelta(days=1)}, "end_date", "cannot end before it starts"),
        ({"weekly_cost": "-0.01"}, "weekly_cost", "0 or more"),
        ({"weekly_cost": "12.345"}, "weekly_cost", "pounds and pence"),
        ({"weekly_cost": "lots"}, "weekly_cost", "0 or more"),
        ({"weekly_hours": "-1"}, "weekly_hours", "from 0 to 168"),
        ({"route": "voucher"}, "route", "direct_payment"),
        ({"buys": "car"}, "buys", "job_finding"),
        ({"supplier_name": "  "}, "supplier", "from the directory or give its name"),
        ({"purchase_ref": " "}, "purchase_ref", "reference"),
    ],
)
def test_each_rule_names_its_field(coach, person, overrides, field, message):
    with pytest.raises(ValidationError) as caught:
        record_purchase(coach, person, **details(**overrides))
    assert message in caught.value.message_dict[field][0]
    assert not Purchase.objects.exists()


def test_both_a_directory_supplier_and_a_name_is_refused(coach, person):
    provider = Provider.objects.create(organisation=OrganisationFactory(), services=["ips"])
    with pytest.raises(ValidationError, match="not both"):
        record_purchase(coach, person, **details(supplier=provider))


def test_zero_cost_and_ending_on_the_first_day_are_allowed(coach, person):
    purchase = record_purchase(coach, person, **details(weekly_cost="0", end_date=START))
    assert purchase.weekly_cost == 0 and purchase.end_date == START


def test_the_reference_is_unique_in_the_authority_only(coach, person, team):
    record_purchase(coach, person, **details())
    with pytest.raises(ValidationError, match="already has a purchase with the reference DP-001"):
        record_purchase(coach, person, **details())
    # another authority may use the same reference
    other = AuthorityFactory()
    other_team = TeamFactory(authority=other)
    someone = EpisodeFactory(team=other_team).person
    other_coach = staff(Role.EMPLOYMENT_SPECIALIST, other_team)
    assert record_purchase(other_coach, someone, **details()).purchase_ref == "DP-001"


def test_only_the_authoritys_own_person(coach, person):
    with pytest.raises(ValidationError, match="not one of this authority's people"):
        record_purchase(coach, person, authority=AuthorityFactory(), **details())


def test_change_checks_the_version(coach, person):
    purchase = PurchaseFactory(person=person)
    changed = change_purchase(coach, purchase, expected_version=1, weekly_cost="120.50")
    assert changed.weekly_cost == Decimal("120.50") and changed.version == 2
    with pytest.raises(ConcurrentEdit, match="Someone else changed this purchase"):
        change_purchase(coach, purchase, expected_version=1, weekly_cost="1.00")
    purchase.refresh_from_db()
    assert purchase.weekly_cost == Decimal("120.50")


def test_change_keeps_the_rules(coach, person):
    purchase = PurchaseFactory(person=person)
    with pytest.raises(ValidationError) as caught:
        change_purchase(coach, purchase, end_date=purchase.start_date - dt.timedelta(days=1))
    assert "end_date" in caught.value.message_dict


def test_changing_to_a_directory_supplier_drops_the_name(coach, person):
    purchase = PurchaseFactory(person=person)
    provider = Provider.objects.create(organisation=OrganisationFactory(name="Ace"), services=[])
    changed = change_purchase(coach, purchase, supplier=provider)
    assert changed.supplier_name == "" and changed.supplier_label == "Ace"


def test_end_a_purchase(coach, person):
    purchase = PurchaseFactory(person=person)
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        end_purchase(coach, purchase, end_date=purchase.start_date - dt.timedelta(days=1))
    ended = end_purchase(coach, purchase, end_date=dt.date(2025, 9, 30), expected_version=1)
    assert ended.end_date == dt.date(2025, 9, 30) and ended.version == 2
    with pytest.raises(IllegalTransition, match="already ended"):
        end_purchase(coach, ended, end_date=dt.date(2025, 10, 1))


def test_the_person_without_an_open_episode_has_no_one_recording(coach, team):
    person = PersonFactory(authority=team.authority)
    with pytest.raises(PermissionDenied):
        record_purchase(coach, person, **details())


def test_the_demo_purchases_cover_each_route_and_some_lead_to_a_job(authority, coach):
    from pathways.commissioning.purchase_report import purchases_report
    from pathways.workspace.demo_purchases import load_purchases
    from tests.reporting.test_outcome_reports import place

    today = dt.date(2026, 3, 31)
    people = [PersonFactory(authority=authority, is_demo=True) for _ in range(14)]
    for person in people[:4]:
        place(person, today - dt.timedelta(days=100))
    assert load_purchases(authority.code, today, coach) == 12
    assert {p.route for p in Purchase.objects.all()} == {
        "direct_payment",
        "individual_service_fund",
        "spot_purchase",
    }
    figures = purchases_report([authority], today - dt.timedelta(days=364), today)
    assert figures["people"] == 12
    assert figures["people_with_job"] == 4
    entry = LogEntry.objects.get_for_object(Purchase.objects.first()).get()
    assert entry.actor == coach
