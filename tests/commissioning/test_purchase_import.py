"""The ``purchases`` import: a directory supplier or a name, the rules with the line and
column named, all or nothing, and a re-import that changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pathways.commissioning.models import Provider, Purchase
from tests.factories import AuthorityFactory, OrganisationFactory, PersonFactory
from tests.imports.conftest import csv_text

pytestmark = pytest.mark.django_db

HEADER = (
    "authority,person_ref,purchase_ref,route,supplier,buys,start_date,end_date,"
    "weekly_hours,weekly_cost"
)


@pytest.fixture
def person(authority):
    return PersonFactory(authority=authority, person_ref="C1")


@pytest.fixture
def provider(authority):
    return Provider.objects.create(
        organisation=OrganisationFactory(name="Pathfinder IPS"), services=["ips"]
    )


def test_purchases_with_a_directory_supplier_or_a_name(run, person, provider):
    result = run(
        "purchases",
        csv_text(
            HEADER,
            "E09000025,C1,DP1,direct_payment,Pathfinder IPS,job_finding,2025-04-01,,6,150.00",
            "E09000025,C1,SP1,spot_purchase,Ace Travel Training,travel_training,"
            "2025-05-01,2025-06-30,2.5,£40",
        ),
    )
    assert result.status == 0, result.err
    assert result.last == "imported: 2 created, 0 updated, 0 unchanged"
    direct = Purchase.objects.get(purchase_ref="DP1")
    assert direct.supplier == provider and direct.supplier_name == ""
    assert direct.end_date is None and direct.weekly_cost == Decimal("150.00")
    spot = Purchase.objects.get(purchase_ref="SP1")
    assert spot.supplier is None and spot.supplier_name == "Ace Travel Training"
    assert spot.end_date == dt.date(2025, 6, 30) and spot.weekly_hours == Decimal("2.5")


def test_reimport_changes_nothing_and_a_change_updates(run, person):
    row = "E09000025,C1,DP1,direct_payment,Ace,job_finding,2025-04-01,,6,150.00"
    run("purchases", csv_text(HEADER, row))
    assert run("purchases", csv_text(HEADER, row)).last == (
        "imported: 0 created, 0 updated, 1 unchanged"
    )
    ended = row.replace("2025-04-01,,", "2025-04-01,2025-09-30,")
    assert run("purchases", csv_text(HEADER, ended)).last == (
        "imported: 0 created, 1 updated, 0 unchanged"
    )
    purchase = Purchase.objects.get()
    assert purchase.end_date == dt.date(2025, 9, 30) and purchase.version == 2


def test_problems_name_the_line_and_column_and_nothing_is_imported(run, person):
    PersonFactory(authority=AuthorityFactory(code="E09000001"), person_ref="C9")
    result = run(
        "purchases",
        csv_text(
            HEADER,
            "E09000025,C1,OK1,direct_payment,Ace,job_finding,2025-04-01,,6,150.00",
            "E09000025,C1,BAD1,direct_payment,Ace,job_finding,2025-04-01,2025-03-31,6,150.00",
            "E09000025,C1,BAD2,direct_payment,Ace,job_finding,2025-04-01,,6,-1",
            "E09000025,C9,BAD3,voucher,Ace,job_finding,2025-04-01,,6,10",
            "E09000025,C1,BAD4,direct_payment,,job_finding,2025-04-01,,200,10",
        ),
    )
    assert result.status == 1
    errors = "\n".join(result.err)
    assert f"{result.file}:3: end_date: the purchase cannot end" in errors
    assert f"{result.file}:4: weekly_cost:" in errors
    assert f"{result.file}:5: person_ref: no person with reference 'C9'" in errors
    assert f"{result.file}:5: route:" in errors
    assert f"{result.file}:6: supplier:" in errors
    assert f"{result.file}:6: weekly_hours:" in errors
    assert not Purchase.objects.exists()


def test_a_purchase_keeps_its_person(run, person, authority):
    PersonFactory(authority=authority, person_ref="C2")
    run(
        "purchases",
        csv_text(HEADER, "E09000025,C1,DP1,direct_payment,Ace,job_finding,2025-04-01,,6,1"),
    )
    result = run(
        "purchases",
        csv_text(HEADER, "E09000025,C2,DP1,direct_payment,Ace,job_finding,2025-04-01,,6,1"),
    )
    assert result.status == 1
    assert "person_ref: purchase DP1 is another person's" in "\n".join(result.err)
