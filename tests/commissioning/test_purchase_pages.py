"""The pages to record and change a purchase, and the purchases on the person page:
for those who work with the person; refused (and audited) for everyone else."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from pathways.commissioning.models import Purchase
from pathways.core.models import Role
from tests.factories import EpisodeFactory, PurchaseFactory, TeamFactory, staff

pytestmark = pytest.mark.django_db


def parts(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


@pytest.fixture
def person(team):
    return EpisodeFactory(team=team).person


def posted(**overrides) -> dict[str, str]:
    return {
        "purchase_ref": "DP-7",
        "route": "individual_service_fund",
        "buys": "in_work_support",
        "supplier_name": "Bright Futures CIC",
        **parts("start_date", dt.date(2025, 5, 1)),
        "weekly_hours": "3",
        "weekly_cost": "95.50",
        **overrides,
    }


def test_a_coach_records_a_purchase_and_sees_it_on_the_person_page(client, coach, person):
    client.force_login(coach)
    page = client.get(reverse("person", args=[person.pk])).content.decode()
    assert "No purchases recorded." in page
    assert reverse("purchases:new", args=[person.pk]) in page
    response = client.post(reverse("purchases:new", args=[person.pk]), posted())
    assert response.status_code == 302
    purchase = Purchase.objects.get()
    assert purchase.weekly_cost == Decimal("95.50") and purchase.recorded_by == coach
    assert LogEntry.objects.get_for_object(purchase).get().actor == coach
    page = client.get(reverse("person", args=[person.pk])).content.decode()
    assert "DP-7" in page and "Bright Futures CIC" in page and "£95.50" in page
    assert 'aria-label="Purchases with a personal budget"' in page


def test_a_refusal_is_on_its_field(client, coach, person):
    client.force_login(coach)
    response = client.post(
        reverse("purchases:new", args=[person.pk]),
        posted(**parts("end_date", dt.date(2025, 4, 30))),
    )
    assert response.status_code == 400
    assert 'href="#id_end_date_0">The purchase cannot end before it starts' in (
        response.content.decode()
    )
    assert not Purchase.objects.exists()


def test_change_a_purchase_with_the_version_check(client, coach, person):
    purchase = PurchaseFactory(person=person)
    client.force_login(coach)
    url = reverse("purchases:change", args=[purchase.pk])
    form = client.get(url).content.decode()
    assert purchase.purchase_ref in form and 'name="version"' in form
    body = posted(version="1", **parts("end_date", dt.date(2025, 9, 30)))
    del body["purchase_ref"]
    assert client.post(url, body).status_code == 302
    purchase.refresh_from_db()
    assert purchase.end_date == dt.date(2025, 9, 30) and purchase.version == 2
    stale = client.post(url, body)
    assert stale.status_code == 409
    assert "Someone else changed this purchase" in stale.content.decode()


def test_a_coach_of_another_team_can_neither_record_nor_see(client, person, authority):
    purchase = PurchaseFactory(person=person)
    elsewhere = staff(Role.EMPLOYMENT_SPECIALIST, TeamFactory(authority=authority))
    client.force_login(elsewhere)
    assert client.get(reverse("purchases:new", args=[person.pk])).status_code == 404
    assert client.post(reverse("purchases:new", args=[person.pk]), posted()).status_code == 404
    assert client.get(reverse("purchases:change", args=[purchase.pk])).status_code == 404
    assert Purchase.objects.count() == 1
    refused = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__outcome="denied"
    )
    assert refused.filter(additional_data__person_id=person.pk).exists()


def test_a_reader_who_does_not_work_with_the_person_may_not_record(client, person, authority):
    """An intake officer of the authority reads the record but records no work."""
    reader = staff(Role.INTAKE_OFFICER, TeamFactory(authority=authority))
    purchase = PurchaseFactory(person=person)
    client.force_login(reader)
    page = client.get(reverse("person", args=[person.pk]))
    assert page.status_code == 200  # they read the record: the purchases, no button
    text = page.content.decode()
    assert purchase.purchase_ref in text
    assert reverse("purchases:new", args=[person.pk]) not in text
    assert reverse("purchases:change", args=[purchase.pk]) not in text
    assert client.get(reverse("purchases:new", args=[person.pk])).status_code == 403
    assert client.get(reverse("purchases:change", args=[purchase.pk])).status_code == 403
