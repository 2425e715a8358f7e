"""Imports ask nobody: an impossible value is refused naming its row and column, an
unusual one (a date of birth of someone aged 90, pay of £4.10 an hour) is imported as it
is (decision 0036)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pathways.employers.opportunities.models import Opportunity
from pathways.employment.models import Placement
from pathways.people.models import Person
from tests.factories import PersonFactory
from tests.imports.conftest import csv_text

pytestmark = pytest.mark.django_db

PEOPLE = "authority,person_ref,given_name,family_name,date_of_birth"
PLACEMENTS = (
    "authority,person_ref,placement_ref,employer,job_title,kind,paid,start_date,end_date,"
    "hours_per_week,hourly_pay,supported,end_reason"
)
OPPORTUNITIES = "opportunity_ref,authority,employer,title,kind,paid,hours_per_week,hourly_pay"


def test_a_date_of_birth_in_1820_is_refused_on_its_row(run, authority):
    result = run(
        "people",
        csv_text(PEOPLE, "E09000025,C1,Sam,Patel,1990-01-01", "E09000025,C2,Ann,Lee,1820-01-01"),
    )
    assert result.status != 0
    assert result.err[0] == (
        f"{result.file}:3: date_of_birth: date of birth must make the person 120 or younger: "
        "check the year"
    )
    assert not Person.objects.exists()


def test_an_unusual_date_of_birth_is_imported(run, authority):
    born = dt.date.today().replace(day=1) - dt.timedelta(days=90 * 366)
    result = run("people", csv_text(PEOPLE, f"E09000025,C1,Sam,Patel,{born.isoformat()}"))
    assert result.status == 0, result.err
    assert Person.objects.get().date_of_birth == born


def test_pay_of_nothing_or_over_500_is_refused_and_low_pay_imported(run, team):
    PersonFactory(authority=team.authority, person_ref="C1")
    row = "E09000025,C1,{ref},Riverside Café,Cook,employed,yes,2024-03-01,,16,{pay},yes,"
    refused = run(
        "placements",
        csv_text(PLACEMENTS, row.format(ref="PL1", pay="0"), row.format(ref="PL2", pay="1000")),
    )
    assert f"{refused.file}:2: hourly_pay: '0' is not an hourly pay" in refused.err[0]
    assert f"{refused.file}:3: hourly_pay: '1000' is more than £500 an hour" in refused.err[1]
    assert not Placement.objects.exists()

    taken = run("placements", csv_text(PLACEMENTS, row.format(ref="PL1", pay="4.10")))
    assert taken.status == 0, taken.err
    assert Placement.objects.get().hourly_pay == Decimal("4.10")


def test_an_opportunitys_pay_has_the_same_bounds(run, team):
    row = "OPP1,E09000025,Green Leaf Café,Café assistant,employed,yes,16,{pay}"
    refused = run("opportunities", csv_text(OPPORTUNITIES, row.format(pay="750")))
    assert "hourly_pay: '750' is more than £500 an hour" in refused.err[0]
    taken = run("opportunities", csv_text(OPPORTUNITIES, row.format(pay="75")))
    assert taken.status == 0, taken.err
    assert Opportunity.objects.get().hourly_pay == Decimal("75")
