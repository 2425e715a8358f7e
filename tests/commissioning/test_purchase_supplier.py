"""One rule for a purchase's supplier, on the page and in the ``purchases`` import: any
directory provider (a personal budget can buy from anywhere), a name that is exactly a
directory provider's being that provider, and any other name kept as it is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pathways.commissioning.models import Purchase
from pathways.commissioning.purchases import change_purchase, record_purchase
from tests.factories import EpisodeFactory, OrganisationFactory, ProviderFactory
from tests.imports.conftest import csv_text

pytestmark = pytest.mark.django_db

HEADER = (
    "authority,person_ref,purchase_ref,route,supplier,buys,start_date,end_date,"
    "weekly_hours,weekly_cost"
)


@pytest.fixture
def person(team):
    return EpisodeFactory(team=team).person


@pytest.fixture
def local(authority):
    return ProviderFactory(
        organisation=OrganisationFactory(name="Zeal Employment"), authorities=[authority]
    )


@pytest.fixture
def far_away(elsewhere):
    """A provider that works only in another authority."""
    return ProviderFactory(
        organisation=OrganisationFactory(name="Acorn Supported Work"), authorities=[elsewhere]
    )


def on_the_page(client, coach, person, **supplier) -> Purchase:
    client.force_login(coach)
    body = {
        "purchase_ref": "PAGE-1",
        "route": "direct_payment",
        "buys": "job_finding",
        "start_date_0": "1",
        "start_date_1": "4",
        "start_date_2": "2025",
        "weekly_hours": "6",
        "weekly_cost": "150.00",
        "supplier": "",
        "supplier_name": "",
        **supplier,
    }
    response = client.post(reverse("purchases:new", args=[person.pk]), body)
    assert response.status_code == 302, response.content.decode()
    return Purchase.objects.get(purchase_ref="PAGE-1")


def imported(run, person, cell: str) -> Purchase:
    who = f"{person.authority.code},{person.person_ref}"
    row = f"{who},IMP-1,direct_payment,{cell},job_finding,2025-04-01,,6,150.00"
    result = run("purchases", csv_text(HEADER, row))
    assert result.status == 0, result.err
    return Purchase.objects.get(purchase_ref="IMP-1")


def test_the_page_offers_every_directory_provider_the_persons_areas_first(
    client, coach, person, local, far_away
):
    client.force_login(coach)
    form = client.get(reverse("purchases:new", args=[person.pk])).content.decode()
    assert "Zeal Employment</option>" in form
    assert "Acorn Supported Work (works elsewhere)</option>" in form
    # the person's authority's provider first, though later by name
    assert form.index("Zeal Employment") < form.index("Acorn Supported Work")


def test_a_provider_working_elsewhere_is_chosen_on_the_page_as_in_the_import(
    client, coach, person, far_away, run
):
    chosen = on_the_page(client, coach, person, supplier=str(far_away.pk))
    named = imported(run, person, "Acorn Supported Work")
    assert chosen.supplier == named.supplier == far_away
    assert chosen.supplier_name == named.supplier_name == ""


@pytest.mark.parametrize(
    ("typed", "in_directory"),
    [
        ("Zeal Employment", True),
        ("Acorn Supported Work", True),
        ("Ace Travel Training", False),
    ],
)
def test_a_name_typed_on_the_page_is_kept_as_the_import_keeps_it(
    client, coach, person, local, far_away, run, typed, in_directory
):
    page = on_the_page(client, coach, person, supplier_name=typed)
    row = imported(run, person, typed)
    assert (page.supplier, page.supplier_name) == (row.supplier, row.supplier_name)
    if in_directory:
        assert page.supplier is not None and page.supplier.organisation.name == typed
        assert page.supplier_name == ""
    else:
        assert page.supplier is None and page.supplier_name == typed


def test_changing_to_a_directory_name_links_the_provider(coach, person, far_away):
    purchase = record_purchase(
        coach,
        person,
        purchase_ref="DP-9",
        route="spot_purchase",
        buys="training",
        start_date=dt.date(2025, 4, 1),
        weekly_hours="2",
        weekly_cost="40.00",
        supplier_name="Someone local",
    )
    changed = change_purchase(coach, purchase, supplier_name=" Acorn Supported Work ")
    assert changed.supplier == far_away and changed.supplier_name == ""
