"""People and their care-package costs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pathways.people.models import CareCost, Person
from tests.factories import PersonFactory
from tests.imports.conftest import csv_text

pytestmark = pytest.mark.django_db

HEADER = "authority,person_ref,given_name,family_name,date_of_birth"
COSTS_HEADER = "authority,person_ref,effective_from,weekly_cost"


class TestPeople:
    def test_every_column_is_read(self, run, authority):
        result = run(
            "people",
            csv_text(
                HEADER + ",postcode,latitude,longitude,primary_support_reason,conditions,"
                "long_term_support,secondary_mental_health,ehc_plan,email,phone",
                "E09000025,C1,Sam,Patel,1990-01-01,e15  1ab,51.5416,0.0081,Learning_Disability,"
                "autism; learning_disability;autism,Y,no,,Sam@Example.org,020 7946 0000",
            ),
        )
        assert result.status == 0, result.err
        sam = Person.objects.get()
        assert sam.postcode == "E15 1AB"
        assert (sam.latitude, sam.longitude) == (Decimal("51.5416"), Decimal("0.0081"))
        assert sam.primary_support_reason == "learning_disability"
        assert sam.conditions == ["learning_disability", "autism"]
        assert sam.long_term_support is True
        assert sam.secondary_mental_health is False
        assert sam.ehc_plan is None  # blank: not known
        assert sam.email == "sam@example.org" and sam.phone == "020 7946 0000"
        again = run(
            "people",
            csv_text(
                HEADER + ",postcode,latitude,longitude,conditions",
                "E09000025,C1,Sam,Patel,1990-01-01,E15 1AB,51.541600,0.0081,"
                "autism;learning_disability",
            ),
        )
        assert again.last == "imported: 0 created, 0 updated, 1 unchanged"

    def test_bad_postcode(self, run, authority):
        result = run(
            "people", csv_text(HEADER + ",postcode", "E09000025,C1,Sam,Patel,1990-01-01,E1")
        )
        assert result.err == [
            f"{result.file}:2: postcode: 'E1' is not a UK postcode",
            "1 errors, nothing imported",
        ]
        assert not Person.objects.exists()

    def test_latitude_without_longitude(self, run, authority):
        result = run(
            "people",
            csv_text(HEADER + ",latitude,longitude", "E09000025,C1,Sam,Patel,1990-01-01,51.5,"),
        )
        assert result.err == [
            f"{result.file}:2: latitude: give both latitude and longitude, or neither",
            "1 errors, nothing imported",
        ]
        assert not Person.objects.exists()

    def test_latitude_alone_is_checked_against_the_stored_longitude(self, run, authority):
        PersonFactory(
            authority=authority, person_ref="C1", latitude=Decimal(51), longitude=Decimal(0)
        )
        ok = run("people", csv_text(HEADER + ",latitude", "E09000025,C1,Sam,Patel,1990-01-01,51.6"))
        assert ok.status == 0, ok.err
        assert Person.objects.get().latitude == Decimal("51.6")

    def test_unknown_codes_and_out_of_range_values(self, run, authority):
        result = run(
            "people",
            csv_text(
                HEADER + ",primary_support_reason,conditions,ehc_plan,longitude,latitude",
                "E09000025,C1,Sam,Patel,1990-01-01,autism,autism;dyslexia,maybe,200,1",
            ),
        )
        assert result.err == [
            f"{result.file}:2: primary_support_reason: 'autism' is not one of: "
            "learning_disability, mental_health, physical, sensory, memory_cognition, "
            "substance_misuse, social_other",
            f"{result.file}:2: conditions: 'dyslexia' is not one of: learning_disability, "
            "autism, mental_health, physical, sensory, substance_misuse, "
            "acquired_brain_injury, early_onset_dementia",
            f"{result.file}:2: ehc_plan: 'maybe' is not yes or no "
            "(write yes, no, y, n, true, false, 1 or 0)",
            f"{result.file}:2: longitude: '200' is not between -180 and 180",
            "4 errors, nothing imported",
        ]
        assert not Person.objects.exists()

    def test_date_of_birth_in_the_future(self, run, authority):
        tomorrow = dt.date.today() + dt.timedelta(days=1)
        result = run("people", csv_text(HEADER, f"E09000025,C1,Sam,Patel,{tomorrow:%d/%m/%Y}"))
        assert result.err[0] == f"{result.file}:2: date_of_birth: date of birth must be in the past"


class TestCareCosts:
    def test_money_is_stored_exactly(self, run, authority):
        person = PersonFactory(authority=authority, person_ref="C1")
        result = run(
            "care_costs",
            csv_text(
                COSTS_HEADER, "E09000025,C1,2024-04-01,612.50", "E09000025,C1,2025-04-01,£0.10"
            ),
        )
        assert result.status == 0, result.err
        costs = CareCost.objects.filter(person=person)
        assert [c.weekly_cost for c in costs] == [Decimal("612.50"), Decimal("0.10")]

    def test_bad_amounts_and_unknown_person(self, run, authority):
        PersonFactory(authority=authority, person_ref="C1")
        result = run(
            "care_costs",
            csv_text(
                COSTS_HEADER,
                "E09000025,C1,2024-04-01,612.505",
                'E09000025,C1,2024-05-01,"1,200"',
                "E09000025,C404,2024-04-01,100",
            ),
        )
        assert result.err[0].startswith(f"{result.file}:2: weekly_cost: '612.505' is not an amount")
        assert result.err[1].startswith(f"{result.file}:3: weekly_cost: '1,200' is not an amount")
        assert result.err[2] == (
            f"{result.file}:4: person_ref: no person with reference 'C404' in Newham; "
            "import them as people first"
        )
        assert not CareCost.objects.exists()

    def test_reimport_and_update(self, run, authority):
        PersonFactory(authority=authority, person_ref="C1")
        content = csv_text(COSTS_HEADER, "E09000025,C1,2024-04-01,612.50")
        run("care_costs", content)
        assert run("care_costs", content).last == "imported: 0 created, 0 updated, 1 unchanged"
        updated = run("care_costs", csv_text(COSTS_HEADER, "E09000025,C1,01/04/2024,650"))
        assert updated.last == "imported: 0 created, 1 updated, 0 unchanged"
        assert CareCost.objects.get().weekly_cost == Decimal("650.00")

    def test_ended_on_is_an_optional_extension(self, run, authority):
        """A cost that stopped (decision 0028); files without the column keep the end."""
        PersonFactory(authority=authority, person_ref="C1")
        header = f"{COSTS_HEADER},ended_on"
        result = run("care_costs", csv_text(header, "E09000025,C1,2024-04-01,612.50,30/09/2025"))
        assert result.status == 0, result.err
        assert CareCost.objects.get().ended_on == dt.date(2025, 9, 30)
        again = run("care_costs", csv_text(COSTS_HEADER, "E09000025,C1,2024-04-01,612.50"))
        assert again.last == "imported: 0 created, 0 updated, 1 unchanged"
        assert CareCost.objects.get().ended_on == dt.date(2025, 9, 30)
        cleared = run("care_costs", csv_text(header, "E09000025,C1,2024-04-01,612.50,"))
        assert cleared.last == "imported: 0 created, 1 updated, 0 unchanged"
        assert CareCost.objects.get().ended_on is None

    def test_ended_on_before_effective_from_is_refused(self, run, authority):
        PersonFactory(authority=authority, person_ref="C1")
        result = run(
            "care_costs",
            csv_text(f"{COSTS_HEADER},ended_on", "E09000025,C1,2024-04-01,612.50,2024-03-31"),
        )
        assert result.err[0] == f"{result.file}:2: ended_on: must not be before effective_from"
        assert not CareCost.objects.exists()
