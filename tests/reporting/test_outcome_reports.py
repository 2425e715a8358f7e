"""The employment reports: employment rate, job outcomes and care-cost savings
as published (README, "The command line"), as functions and as ``pathways report``."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
from decimal import Decimal
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from pathways.cli import main
from pathways.core.models import Role
from pathways.employment.models import Placement, PlacementTerms
from pathways.people.models import CareCost, Person
from pathways.reporting import outcomes as reports
from tests.factories import AuthorityFactory, EmployerFactory, PersonFactory, TeamFactory, staff

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 3, 31)  # the last day of 2025-26
FROM = dt.date(2025, 4, 1)
TO = dt.date(2025, 6, 30)
DAY = dt.timedelta(days=1)
_refs = itertools.count(1)


# --- fixtures: rows built directly, as an import would leave them ---------------------


def born(years: int, on: dt.date = ON, days: int = 0) -> dt.date:
    """The date of birth of someone whose ``years``th birthday is ``on`` (plus ``days``)."""
    return on.replace(year=on.year - years) + dt.timedelta(days=days)


def ld(authority, date_of_birth: dt.date = dt.date(1990, 6, 1), **kwargs) -> Person:
    """Someone in the learning-disability cohort (given an age in range)."""
    kwargs.setdefault("primary_support_reason", "learning_disability")
    kwargs.setdefault("long_term_support", True)
    return PersonFactory(authority=authority, date_of_birth=date_of_birth, **kwargs)


def mh(authority, date_of_birth: dt.date = dt.date(1990, 6, 1), **kwargs) -> Person:
    """Someone in the secondary mental health cohort (given an age in range)."""
    kwargs.setdefault("primary_support_reason", "mental_health")
    kwargs.setdefault("secondary_mental_health", True)
    return PersonFactory(authority=authority, date_of_birth=date_of_birth, **kwargs)


def place(
    person: Person,
    start: dt.date,
    end: dt.date | None = None,
    *,
    hours: str = "20.0",
    paid: bool = True,
    kind: str = "employed",
) -> Placement:
    employer = EmployerFactory()
    return Placement.objects.create(
        authority=person.authority,
        placement_ref=f"P{next(_refs):06d}",
        person=person,
        employer=employer,
        job_title="Kitchen porter",
        kind=kind,
        paid=paid,
        start_date=start,
        end_date=end,
        hours_per_week=Decimal(hours),
    )


def terms(placement: Placement, effective_from: dt.date, hours: str) -> PlacementTerms:
    return PlacementTerms.objects.create(
        placement=placement, effective_from=effective_from, hours_per_week=Decimal(hours)
    )


def cost(person: Person, effective_from: dt.date, weekly: str) -> CareCost:
    return CareCost.objects.create(
        person=person, effective_from=effective_from, weekly_cost=Decimal(weekly)
    )


def run(*args: str) -> str:
    out = StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def report(*args: str) -> dict:
    return json.loads(run(*args, "--format", "json"))


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


# --- employment rate: ages ------------------------------------------------------------


class TestAges:
    def test_learning_disability_18_to_64_inclusive(self, authority):
        ld(authority, born(18), person_ref="EIGHTEEN_TODAY")
        ld(authority, born(18, days=1), person_ref="STILL_17")
        ld(authority, born(65, days=1), person_ref="STILL_64")
        ld(authority, born(65), person_ref="SIXTY_FIVE_TODAY")
        rows = reports.employment_rate_rows([authority], ON)
        assert {(r["person_ref"], r["age"]) for r in rows} == {
            ("EIGHTEEN_TODAY", 18),
            ("STILL_64", 64),
        }
        assert reports.employment_rate([authority], ON)["learning_disability"]["denominator"] == 2

    def test_mental_health_18_to_69_inclusive(self, authority):
        mh(authority, born(18), person_ref="EIGHTEEN_TODAY")
        mh(authority, born(18, days=1), person_ref="STILL_17")
        mh(authority, born(70, days=1), person_ref="STILL_69")
        mh(authority, born(70), person_ref="SEVENTY_TODAY")
        rows = reports.employment_rate_rows([authority], ON)
        assert {(r["person_ref"], r["cohort"]) for r in rows} == {
            ("EIGHTEEN_TODAY", "secondary_mental_health"),
            ("STILL_69", "secondary_mental_health"),
        }

    def test_65_to_69_with_both_needs_count_for_mental_health_only(self, authority):
        ld(authority, born(66), secondary_mental_health=True)
        data = reports.employment_rate([authority], ON)
        assert data["learning_disability"]["denominator"] == 0
        assert data["secondary_mental_health"]["denominator"] == 1

    def test_cohort_needs_the_support_reason_and_long_term_support(self, authority):
        ld(authority, long_term_support=False)
        ld(authority, long_term_support=None)
        ld(authority, primary_support_reason="physical")
        mh(authority, secondary_mental_health=False)
        mh(authority, secondary_mental_health=None)
        data = reports.employment_rate([authority], ON)
        assert data["learning_disability"]["denominator"] == 0
        assert data["secondary_mental_health"]["denominator"] == 0

    def test_born_on_29_february_turns_older_on_1_march_in_other_years(self, authority):
        ld(authority, dt.date(2008, 2, 29))
        on_28th = reports.employment_rate([authority], dt.date(2026, 2, 28))
        on_1st = reports.employment_rate([authority], dt.date(2026, 3, 1))
        assert on_28th["learning_disability"]["denominator"] == 0
        assert on_1st["learning_disability"]["denominator"] == 1
        assert reports.age_on(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 17
        assert reports.age_on(dt.date(2008, 2, 29), dt.date(2026, 3, 1)) == 18
        assert reports.age_on(dt.date(2008, 2, 29), dt.date(2028, 2, 29)) == 20

    def test_reporting_on_29_february(self, authority):
        ld(authority, dt.date(2010, 2, 28), person_ref="EIGHTEEN")
        ld(authority, dt.date(2010, 3, 1), person_ref="SEVENTEEN")
        rows = reports.employment_rate_rows([authority], dt.date(2028, 2, 29))
        assert [(r["person_ref"], r["age"]) for r in rows] == [("EIGHTEEN", 18)]

    def test_the_sql_age_bound_agrees_with_age_on(self):
        days = [dt.date(2024, 2, 27) + dt.timedelta(days=n) for n in range(5)]
        days += [dt.date(2026, 2, 27) + dt.timedelta(days=n) for n in range(4)]
        births = [dt.date(y, 2, 26) + dt.timedelta(days=n) for y in (2006, 2008) for n in range(6)]
        for day in days:
            for dob in births:
                bound = reports.latest_birth_date(day, 18)
                assert (dob <= bound) == (reports.age_on(dob, day) >= 18), (day, dob)


# --- employment rate: who is in paid work, and their hours ------------------------------


class TestPaidWork:
    def test_end_and_start_dates_on_the_reporting_date(self, authority):
        place(ld(authority, person_ref="ENDS_ON_DATE"), ON - 100 * DAY, ON)
        place(ld(authority, person_ref="ENDED_DAY_BEFORE"), ON - 100 * DAY, ON - DAY)
        place(ld(authority, person_ref="STARTS_ON_DATE"), ON)
        place(ld(authority, person_ref="STARTS_DAY_AFTER"), ON + DAY)
        rows = reports.employment_rate_rows([authority], ON)
        assert {r["person_ref"]: r["in_paid_work"] for r in rows} == {
            "ENDS_ON_DATE": True,
            "ENDED_DAY_BEFORE": False,
            "STARTS_ON_DATE": True,
            "STARTS_DAY_AFTER": False,
        }
        figures = reports.employment_rate([authority], ON)["learning_disability"]
        assert (figures["denominator"], figures["numerator"], figures["percent"]) == (4, 2, 50.0)

    @pytest.mark.parametrize(
        ("hours", "band"),
        [
            ("0.0", "under_16"),
            ("15.9", "under_16"),
            ("16.0", "16_to_29"),
            ("29.9", "16_to_29"),
            ("30.0", "30_plus"),
        ],
    )
    def test_hours_bands(self, authority, hours, band):
        place(ld(authority), ON - 10 * DAY, hours=hours)
        bands = reports.employment_rate([authority], ON)["learning_disability"]["hours_bands"]
        assert bands == {**dict.fromkeys(reports.BANDS, 0), band: 1}

    def test_hours_are_summed_over_concurrent_paid_jobs(self, authority):
        person = ld(authority)
        place(person, ON - 200 * DAY, hours="10.0")
        place(person, ON - 20 * DAY, hours="8.0")
        place(person, ON - 300 * DAY, ON - 201 * DAY, hours="30.0")  # ended: not counted
        figures = reports.employment_rate([authority], ON)["learning_disability"]
        assert figures["numerator"] == 1
        assert figures["hours_bands"] == {"under_16": 0, "16_to_29": 1, "30_plus": 0}
        (row,) = reports.employment_rate_rows([authority], ON)
        assert (row["hours"], row["band"]) == ("18.0", "16_to_29")

    def test_unpaid_placements_never_count(self, authority):
        volunteer = ld(authority, person_ref="VOLUNTEER")
        place(volunteer, ON - 30 * DAY, hours="35.0", paid=False, kind="volunteering")
        both = ld(authority, person_ref="BOTH")
        place(both, ON - 30 * DAY, hours="10.0")
        place(both, ON - 30 * DAY, hours="20.0", paid=False, kind="work_experience")
        rows = {r["person_ref"]: r for r in reports.employment_rate_rows([authority], ON)}
        assert rows["VOLUNTEER"]["in_paid_work"] is False
        assert rows["VOLUNTEER"]["hours"] is None
        assert (rows["BOTH"]["hours"], rows["BOTH"]["band"]) == ("10.0", "under_16")

    def test_paid_self_employment_counts(self, authority):
        place(mh(authority), ON - 30 * DAY, hours="12.0", kind="self_employed")
        figures = reports.employment_rate([authority], ON)["secondary_mental_health"]
        assert (figures["numerator"], figures["hours_bands"]["under_16"]) == (1, 1)

    def test_a_change_of_terms_moves_a_person_between_bands(self, authority):
        job = place(ld(authority), dt.date(2025, 4, 1), hours="30.0")  # the latest terms
        terms(job, dt.date(2025, 4, 1), "12.0")
        terms(job, ON, "30.0")
        before = reports.employment_rate([authority], ON - DAY)["learning_disability"]
        after = reports.employment_rate([authority], ON)["learning_disability"]
        assert before["hours_bands"] == {"under_16": 1, "16_to_29": 0, "30_plus": 0}
        assert after["hours_bands"] == {"under_16": 0, "16_to_29": 0, "30_plus": 1}

    def test_terms_not_yet_in_force_fall_back_to_the_placements_hours(self, authority):
        job = place(ld(authority), dt.date(2025, 4, 1), hours="20.0")
        terms(job, ON + DAY, "40.0")
        (row,) = reports.employment_rate_rows([authority], ON)
        assert row["hours"] == "20.0"


# --- employment rate: percent, authorities, the financial year --------------------------


class TestRateFigures:
    @pytest.mark.parametrize(
        ("numerator", "denominator", "expected"),
        [(1, 8, 12.5), (1, 3, 33.3), (2, 3, 66.7), (1, 16, 6.3), (0, 5, 0.0), (3, 3, 100.0)],
    )
    def test_percent_rounds_half_up(self, numerator, denominator, expected):
        assert reports.percent(numerator, denominator) == expected

    def test_percent_is_null_without_a_denominator(self):
        assert reports.percent(0, 0) is None

    def test_one_in_eight_and_an_empty_cohort(self, authority):
        people = [ld(authority) for _ in range(8)]
        place(people[0], ON - 10 * DAY)
        data = reports.employment_rate([authority], ON)
        assert data["learning_disability"]["percent"] == 12.5
        assert data["secondary_mental_health"] == {
            "denominator": 0,
            "numerator": 0,
            "percent": None,
            "hours_bands": {"under_16": 0, "16_to_29": 0, "30_plus": 0},
        }

    def test_two_thirds(self, authority):
        working = [mh(authority) for _ in range(3)]
        for person in working[:2]:
            place(person, ON - 10 * DAY)
        assert reports.employment_rate([authority], ON)["secondary_mental_health"]["percent"] == (
            66.7
        )

    def test_authorities_filter_and_default_to_all(self, authority):
        other = AuthorityFactory(code="E09000030", name="Tower Hamlets")
        place(ld(authority), ON - 10 * DAY)
        ld(other)
        ld(other)
        only_newham = report("employment-rate", "--on", ON.isoformat(), "--authority", "E09000025")
        assert only_newham["authorities"] == ["E09000025"]
        assert only_newham["learning_disability"]["denominator"] == 1
        everyone = report("employment-rate", "--on", ON.isoformat())
        assert everyone["authorities"] == ["E09000025", "E09000030"]
        assert everyone["learning_disability"]["denominator"] == 3
        assert everyone["learning_disability"]["percent"] == 33.3
        both = report(
            "employment-rate",
            "--on",
            ON.isoformat(),
            "--authority",
            "E09000030",
            "--authority",
            "E09000025",
        )
        assert both["learning_disability"]["denominator"] == 3

    def test_authorities_may_be_given_as_codes(self, authority):
        ld(authority)
        assert reports.employment_rate(["E09000025"], ON)["learning_disability"]["denominator"] == 1
        with pytest.raises(ValueError, match="NOPE"):
            reports.employment_rate(["NOPE"], ON)

    def test_financial_year_ends_on_31_march(self, authority):
        ld(authority, born(18))  # 18 on 31 March 2026
        data = report("employment-rate", "--year", "2025-26")
        assert data["reporting_date"] == "2026-03-31"
        assert data["learning_disability"]["denominator"] == 1
        assert report("employment-rate", "--year", "1999-00")["reporting_date"] == "2000-03-31"


# --- outcomes ---------------------------------------------------------------------------


class TestOutcomes:
    def test_job_starts_in_the_period_inclusive(self, authority):
        person = ld(authority)
        place(person, FROM)
        place(person, TO)
        place(person, FROM - DAY, FROM + 10 * DAY)
        place(person, TO + DAY)
        place(person, FROM + DAY, paid=False, kind="work_trial")
        data = reports.outcomes([authority], FROM, TO)
        assert data["job_starts"] == 2

    @pytest.mark.parametrize(
        ("measure", "days"),
        [("sustained_13_weeks", 91), ("sustained_26_weeks", 182), ("sustained_52_weeks", 364)],
    )
    def test_milestone_dates_in_the_period(self, authority, measure, days):
        weeks = dt.timedelta(days=days)
        on_from = place(ld(authority), FROM - weeks)
        on_to = place(ld(authority), TO - weeks)
        place(ld(authority), FROM - weeks - DAY)  # milestone the day before --from
        place(ld(authority), TO - weeks + DAY)  # milestone the day after --to
        data = reports.outcomes([authority], FROM, TO)
        assert data[measure] == 2
        rows = [r for r in reports.outcome_rows([authority], FROM, TO) if r[measure]]
        assert {r["placement_ref"] for r in rows} == {on_from.placement_ref, on_to.placement_ref}
        hidden = [
            r for r in reports.outcome_rows([authority], FROM, TO, pseudonymise=True) if r[measure]
        ]
        assert {r["placement_ref"] for r in hidden} == {
            reports.pseudonym(authority.code, on_from.placement_ref),
            reports.pseudonym(authority.code, on_to.placement_ref),
        }

    def test_still_in_the_job_on_the_milestone_date(self, authority):
        milestone = FROM + 10 * DAY
        start = milestone - 91 * DAY
        place(ld(authority), start, milestone)  # ends on the milestone: counts
        place(ld(authority), start, milestone - DAY)  # ends the day before: does not
        place(ld(authority), start, milestone + DAY)
        data = reports.outcomes([authority], FROM, TO)
        assert data["sustained_13_weeks"] == 2

    def test_unpaid_placements_reach_no_milestone(self, authority):
        place(ld(authority), FROM - 91 * DAY, paid=False, kind="volunteering")
        data = reports.outcomes([authority], FROM, TO)
        assert [data[m] for m in reports.OUTCOME_MEASURES] == [0, 0, 0, 0]

    def test_by_need_with_unknown_for_blank(self, authority):
        place(ld(authority), FROM)
        place(ld(authority), FROM - 91 * DAY)
        place(PersonFactory(authority=authority, primary_support_reason=""), FROM)
        data = reports.outcomes([authority], FROM, TO)
        assert data["by_need"]["learning_disability"] == {
            "job_starts": 1,
            "sustained_13_weeks": 1,
            "sustained_26_weeks": 0,
            "sustained_52_weeks": 0,
        }
        assert data["by_need"]["unknown"]["job_starts"] == 1
        assert data["by_need"]["physical"]["job_starts"] == 0
        assert (data["job_starts"], data["sustained_13_weeks"]) == (2, 1)

    def test_authority_filter(self, authority):
        other = AuthorityFactory()
        place(ld(authority), FROM)
        place(ld(other), FROM)
        assert reports.outcomes([authority], FROM, TO)["job_starts"] == 1
        assert reports.outcomes([authority, other], FROM, TO)["job_starts"] == 2
        assert report("outcomes", "--from", str(FROM), "--to", str(TO))["job_starts"] == 2


# --- savings ----------------------------------------------------------------------------


class TestSavings:
    START, END = dt.date(2025, 4, 1), dt.date(2026, 3, 31)

    def lines(self, authority) -> dict[str, dict]:
        rows = reports.savings_rows([authority], self.START, self.END)
        return {r["person_ref"]: r for r in rows}

    def test_before_is_the_day_before_the_first_start_and_now_is_on_to(self, authority):
        person = ld(authority, person_ref="A")
        cost(person, dt.date(2024, 1, 1), "600.00")
        cost(person, dt.date(2025, 7, 9), "450.00")  # the day before the start
        cost(person, dt.date(2025, 7, 10), "400.00")  # the start itself: not "before"
        cost(person, self.END, "100.00")  # in force on --to
        place(person, dt.date(2025, 7, 10))
        row = self.lines(authority)["A"]
        assert (row["weekly_before"], row["weekly_now"]) == ("450.00", "100.00")
        assert row["annual_saving"] == "18200.00"
        assert row["first_start"] == "2025-07-10"

    def test_a_cost_starting_after_to_is_not_yet_in_force(self, authority):
        changed = ld(authority, person_ref="CHANGED_LATER")
        cost(changed, dt.date(2025, 1, 1), "250.00")
        cost(changed, self.END + DAY, "10.00")
        place(changed, dt.date(2025, 5, 1))
        future_only = ld(authority, person_ref="FUTURE_ONLY")
        cost(future_only, self.END + DAY, "300.00")
        place(future_only, dt.date(2025, 5, 1))
        lines = self.lines(authority)
        assert lines["CHANGED_LATER"]["weekly_now"] == "250.00"
        # no cost before the job: no baseline, counted apart rather than as 0.00 (0028)
        assert "FUTURE_ONLY" not in lines
        assert reports.savings([authority], self.START, self.END)["no_baseline"] == 1

    def test_a_package_ended_before_the_job_counts_from_zero(self, authority):
        person = ld(authority, person_ref="STOPPED")
        cost(person, dt.date(2024, 1, 1), "600.00")
        cost(person, dt.date(2025, 1, 1), "0.00")
        place(person, dt.date(2025, 5, 1))
        row = self.lines(authority)["STOPPED"]
        assert (row["weekly_before"], row["weekly_now"], row["annual_saving"]) == (
            "0.00",
            "0.00",
            "0.00",
        )

    def test_people_without_care_costs_or_a_paid_start_are_left_out(self, authority):
        place(ld(authority, person_ref="NO_COSTS"), dt.date(2025, 5, 1))
        unpaid = ld(authority, person_ref="UNPAID")
        cost(unpaid, dt.date(2024, 1, 1), "100.00")
        place(unpaid, dt.date(2025, 5, 1), paid=False, kind="volunteering")
        earlier = ld(authority, person_ref="STARTED_BEFORE")
        cost(earlier, dt.date(2024, 1, 1), "100.00")
        place(earlier, self.START - DAY)
        assert self.lines(authority) == {}
        data = reports.savings([authority], self.START, self.END)
        assert (data["people"], data["weekly_before"], data["annual_saving"]) == (
            0,
            "0.00",
            "0.00",
        )

    def test_two_starts_in_the_period_use_the_first(self, authority):
        person = ld(authority, person_ref="TWICE")
        cost(person, dt.date(2024, 1, 1), "500.00")
        cost(person, dt.date(2025, 8, 1), "200.00")
        cost(person, dt.date(2025, 12, 1), "50.00")
        place(person, dt.date(2025, 9, 1))
        place(person, dt.date(2025, 5, 1), dt.date(2025, 6, 30))
        row = self.lines(authority)["TWICE"]
        assert (row["first_start"], row["weekly_before"], row["weekly_now"]) == (
            "2025-05-01",
            "500.00",
            "50.00",
        )
        assert reports.savings([authority], self.START, self.END)["people"] == 1

    def test_totals_are_money_strings(self, authority):
        first = ld(authority)
        cost(first, dt.date(2024, 1, 1), "600.00")
        cost(first, dt.date(2025, 6, 1), "0.00")
        place(first, dt.date(2025, 5, 1))
        second = ld(authority)
        cost(second, dt.date(2024, 1, 1), "123.45")
        cost(second, dt.date(2025, 9, 1), "100.10")
        place(second, dt.date(2025, 6, 1))
        data = reports.savings([authority], self.START, self.END)
        assert data == {
            "from": "2025-04-01",
            "to": "2026-03-31",
            "authorities": ["E09000025"],
            "people": 2,
            "no_baseline": 0,
            "weekly_before": "723.45",
            "weekly_now": "100.10",
            # (600 - 0) * 52 + (123.45 - 100.10) * 52 = 31200.00 + 1214.20
            "annual_saving": "32414.20",
        }
        assert "rows" in reports.savings([authority], self.START, self.END, detail=True)


# --- pseudonymised rows -----------------------------------------------------------------


def test_pseudonyms_have_their_own_key(authority, settings):
    """Rotating SECRET_KEY leaves pseudonyms as they were; rotating the pseudonym key
    changes them all."""
    ld(authority, person_ref="P1")
    before = reports.employment_rate_rows([authority], ON, pseudonymise=True)[0]["person_ref"]
    settings.SECRET_KEY = "another-secret-key-" * 4
    assert (
        reports.employment_rate_rows([authority], ON, pseudonymise=True)[0]["person_ref"] == before
    )
    settings.PATHWAYS_PSEUDONYM_KEY = "another-pseudonym-key-" * 4
    assert (
        reports.employment_rate_rows([authority], ON, pseudonymise=True)[0]["person_ref"] != before
    )


def test_pseudonyms_are_a_keyed_hash_of_authority_and_reference(authority):
    other = AuthorityFactory()
    ld(authority, person_ref="SAME", given_name="Ada", family_name="Lovelace")
    ld(other, person_ref="SAME")
    rows = reports.employment_rate_rows([authority, other], ON, pseudonymise=True)
    again = reports.employment_rate_rows([authority, other], ON, pseudonymise=True)
    assert rows == again
    expected = hmac.new(
        settings.PATHWAYS_PSEUDONYM_KEY.encode(), b"E09000025SAME", hashlib.sha256
    ).hexdigest()[:12]
    newham = next(r for r in rows if r["authority"] == "E09000025")
    assert newham["person_ref"] == newham["name"] == expected
    assert len({r["person_ref"] for r in rows}) == 2
    assert all("SAME" not in str(r) and "Lovelace" not in str(r) for r in rows)
    plain = reports.employment_rate_rows([authority], ON)
    assert (plain[0]["person_ref"], plain[0]["name"]) == ("SAME", "Ada Lovelace")
    partly = reports.employment_rate_rows([authority, other], ON, pseudonymise={other.code})
    assert {r["person_ref"] for r in partly} == {"SAME", reports.pseudonym(other.code, "SAME")}


# --- the command ------------------------------------------------------------------------


class TestCommand:
    def test_employment_rate_json_is_exactly_the_spec_shape(self, authority):
        place(ld(authority), ON - 10 * DAY, hours="12.0")
        ld(authority)
        data = report("employment-rate", "--year", "2025-26")
        # the authority's targets and comparators: an extra key beside the spec's
        assert data.pop("targets") == []
        assert data == {
            "reporting_date": "2026-03-31",
            "authorities": ["E09000025"],
            "learning_disability": {
                "denominator": 2,
                "numerator": 1,
                "percent": 50.0,
                "hours_bands": {"under_16": 1, "16_to_29": 0, "30_plus": 0},
            },
            "secondary_mental_health": {
                "denominator": 0,
                "numerator": 0,
                "percent": None,
                "hours_bands": {"under_16": 0, "16_to_29": 0, "30_plus": 0},
            },
        }
        assert all(
            type(v) is int
            for cohort in reports.COHORTS
            for v in [
                data[cohort]["denominator"],
                data[cohort]["numerator"],
                *data[cohort]["hours_bands"].values(),
            ]
        )

    def test_outcomes_json(self, authority):
        place(ld(authority), FROM)
        data = report("outcomes", "--from", str(FROM), "--to", str(TO))
        # the authority's job-start targets and comparators: an extra key beside the spec's
        assert data.pop("targets") == []
        assert set(data) == {
            "from",
            "to",
            "authorities",
            "job_starts",
            "sustained_13_weeks",
            "sustained_26_weeks",
            "sustained_52_weeks",
            "by_need",
        }
        assert (data["from"], data["to"], data["job_starts"]) == ("2025-04-01", "2025-06-30", 1)
        assert set(data["by_need"]) >= {"learning_disability", "mental_health", "unknown"}

    def test_employment_rate_csv_has_one_line_per_cohort(self, authority):
        people = [ld(authority) for _ in range(3)]
        place(people[0], ON - DAY, hours="16.0")
        lines = run("employment-rate", "--on", str(ON), "--format", "csv").splitlines()
        assert lines == [
            "reporting_date,authorities,cohort,denominator,numerator,percent,"
            "under_16,16_to_29,30_plus",
            "2026-03-31,E09000025,learning_disability,3,1,33.3,0,1,0",
            "2026-03-31,E09000025,secondary_mental_health,0,0,,0,0,0",
        ]

    def test_outcomes_csv_and_table(self, authority):
        place(ld(authority), FROM)
        lines = run("outcomes", "--from", str(FROM), "--to", str(TO), "--format", "csv")
        lines = lines.splitlines()
        assert lines[0] == (
            "from,to,need,job_starts,sustained_13_weeks,sustained_26_weeks,sustained_52_weeks"
        )
        assert "2025-04-01,2025-06-30,all,1,0,0,0" in lines
        assert "2025-04-01,2025-06-30,learning_disability,1,0,0,0" in lines
        assert "2025-04-01,2025-06-30,unknown,0,0,0,0" in lines
        table = run("outcomes", "--from", str(FROM), "--to", str(TO)).splitlines()
        assert table[0].split() == lines[0].split(",")
        assert table[1].split() == ["2025-04-01", "2025-06-30", "all", "1", "0", "0", "0"]

    def test_savings_csv_with_detail(self, authority):
        person = ld(authority, person_ref="C1")
        cost(person, dt.date(2024, 1, 1), "600.00")
        place(person, dt.date(2025, 5, 1))
        lines = run(
            "savings", "--from", "2025-04-01", "--to", "2026-03-31", "--detail", "--format", "csv"
        ).splitlines()
        assert lines == [
            "row,authority,person_ref,first_start,people,weekly_before,weekly_now,annual_saving,"
            "no_baseline",
            "person,E09000025,C1,2025-05-01,1,600.00,600.00,0.00,",
            "total,E09000025,,,1,600.00,600.00,0.00,0",
        ]

    def test_savings_detail_is_audited_and_totals_are_not(self, authority, intake):
        person = ld(authority, person_ref="C1")
        cost(person, dt.date(2024, 1, 1), "600.00")
        cost(person, dt.date(2025, 6, 1), "0.00")
        place(person, dt.date(2025, 5, 1))
        period = ("--from", "2025-04-01", "--to", "2026-03-31")
        totals = report("savings", *period, "--as", intake.email)
        assert "rows" not in totals
        assert totals["annual_saving"] == "31200.00"
        assert not LogEntry.objects.filter(additional_data__channel="cli").exists()
        data = report("savings", *period, "--detail", "--as", intake.email)
        assert data["rows"] == [
            {
                "authority": "E09000025",
                "person_ref": "C1",
                "name": person.full_name,
                "first_start": "2025-05-01",
                "weekly_before": "600.00",
                "weekly_now": "0.00",
                "annual_saving": "31200.00",
            }
        ]
        entry = LogEntry.objects.get(additional_data__channel="cli")
        assert entry.object_pk == str(person.pk)
        assert entry.actor == intake
        assert entry.additional_data["what"] == "savings report rows"

    def test_a_commissioner_sees_their_authority_with_pseudonymised_rows(self, authority, team):
        commissioner = staff(Role.COMMISSIONER, TeamFactory(authority=authority))
        elsewhere = AuthorityFactory()
        TeamFactory(authority=elsewhere)
        # A name found nowhere else in the report, so its absence is not by chance.
        person = ld(authority, person_ref="C1", given_name="Ysoldine", family_name="Zyxwarden")
        cost(person, dt.date(2024, 1, 1), "600.00")
        place(person, dt.date(2025, 5, 1))
        period = ("--from", "2025-04-01", "--to", "2026-03-31")
        data = report("savings", *period, "--detail", "--as", commissioner.email)
        assert data["authorities"] == ["E09000025"]
        (row,) = data["rows"]
        assert row["person_ref"] == reports.pseudonym("E09000025", "C1")
        assert person.family_name not in json.dumps(data)
        assert person.given_name not in json.dumps(data)
        entry = LogEntry.objects.get(additional_data__channel="cli")
        assert entry.additional_data["what"] == "savings report rows (pseudonymised)"
        rate = report("employment-rate", "--year", "2025-26", "--as", commissioner.email)
        assert rate["authorities"] == ["E09000025"]
        with pytest.raises(CommandError, match=f"may not report on authority {elsewhere.code}"):
            run(
                "employment-rate",
                "--year",
                "2025-26",
                "--as",
                commissioner.email,
                "--authority",
                elsewhere.code,
            )

    def test_a_coach_reports_on_their_teams_authority_only(self, authority, coach):
        elsewhere = AuthorityFactory()
        ld(authority)
        ld(elsewhere)
        data = report("employment-rate", "--on", str(ON), "--as", coach.email)
        assert data["authorities"] == ["E09000025"]
        assert data["learning_disability"]["denominator"] == 1

    def test_someone_with_no_team_may_not_report(self, authority):
        nobody = staff(Role.COMMISSIONER, TeamFactory(authority=authority))
        nobody.memberships.all().delete()
        with pytest.raises(CommandError, match="may not report on any authority"):
            run("employment-rate", "--on", str(ON), "--as", nobody.email)

    @pytest.mark.parametrize(
        ("args", "reason"),
        [
            (["employment-rate", "--year", "2025-27"], "--year 2025-27: give a financial year"),
            (["employment-rate", "--year", "2025/26"], "give a financial year"),
            (["employment-rate", "--year", "25-26"], "give a financial year"),
            (["employment-rate"], "needs --year YYYY-YY or --on DATE"),
            (["employment-rate", "--year", "2025-26", "--on", "2026-01-01"], "not both"),
            (["employment-rate", "--on", "31/03/2026"], "give a date as YYYY-MM-DD"),
            (["employment-rate", "--from", "2025-04-01"], "--from does not apply"),
            (["outcomes", "--from", "2025-06-30", "--to", "2025-04-01"], "is after --to"),
            (["outcomes", "--from", "2025-04-01"], "needs --from DATE and --to DATE"),
            (["outcomes", "--to", "2025-04-01"], "needs --from DATE and --to DATE"),
            (["outcomes", "--from", "2025-04-01", "--to", "2025-13-01"], "--to 2025-13-01"),
            (["outcomes", "--year", "2025-26"], "--year does not apply"),
            (["outcomes", "--from", "2025-04-01", "--to", "2025-06-30", "--detail"], "--detail"),
            (["savings", "--to", "2025-06-30"], "needs --from DATE and --to DATE"),
            (["savings", "--from", "2025-04-02", "--to", "2025-04-01"], "is after --to"),
            (["caseload", "--year", "2025-26"], "--year does not apply"),
            (
                ["employment-rate", "--on", "2026-03-31", "--authority", "NOWHERE"],
                "No authority has the code NOWHERE",
            ),
            (
                ["savings", "--from", "2025-04-01", "--to", "2025-06-30", "--authority", "NOWHERE"],
                "No authority has the code NOWHERE",
            ),
        ],
    )
    def test_errors(self, authority, args, reason):
        with pytest.raises(CommandError) as error:
            run(*args, "--format", "json")
        assert reason in str(error.value)
        assert "\n" not in str(error.value)

    def test_an_error_exits_non_zero_with_one_line(
        self, authority, capsys, monkeypatch, server_keys
    ):
        # The command line closes every connection when done, which would end the test's
        # transaction on PostgreSQL.
        monkeypatch.setattr(connections, "close_all", lambda: None)
        with pytest.raises(SystemExit) as exit_:
            main(["pathways", "report", "employment-rate", "--year", "2025-27"])
        assert exit_.value.code != 0
        captured = capsys.readouterr()
        assert captured.out == ""
        assert len(captured.err.strip().splitlines()) == 1
        assert "2025-27" in captured.err


# --- query counts -----------------------------------------------------------------------


def _people(authority, n: int) -> None:
    for i in range(n):
        person = ld(
            authority,
            secondary_mental_health=bool(i % 2),
            primary_support_reason=("learning_disability" if i % 3 else ""),
        )
        job = place(person, dt.date(2025, 5, 1) - (i % 5) * 91 * DAY, hours="10.0")
        terms(job, job.start_date, "10.0")
        terms(job, dt.date(2025, 12, 1), "20.0")
        place(person, dt.date(2025, 6, 1), hours="5.0")
        cost(person, dt.date(2024, 1, 1), "300.00")
        cost(person, dt.date(2025, 7, 1), "100.00")


@pytest.mark.parametrize(
    ("name", "call", "queries"),
    [
        ("employment_rate", lambda a: reports.employment_rate(a, ON), 1),
        ("employment_rate_rows", lambda a: reports.employment_rate_rows(a, ON), 2),
        ("outcomes", lambda a: reports.outcomes(a, FROM, TO), 1),
        ("outcome_rows", lambda a: reports.outcome_rows(a, FROM, TO), 1),
        ("savings", lambda a: reports.savings(a, FROM, ON, detail=True), 2),
        ("savings_rows", lambda a: reports.savings_rows(a, FROM, ON), 2),
    ],
)
def test_query_count_is_fixed_for_5_or_50_people(authority, name, call, queries):
    _people(authority, 5)
    small = count_queries(lambda: call([authority]))
    _people(authority, 45)
    assert count_queries(lambda: call([authority])) == small == queries, name


def test_the_figures_grow_with_the_data(authority):
    """The query-count fixture really is counted (guards the test above)."""
    _people(authority, 5)
    small = reports.employment_rate([authority], ON)
    _people(authority, 45)
    large = reports.employment_rate([authority], ON)
    assert large["learning_disability"]["denominator"] > small["learning_disability"]["denominator"]
    assert reports.savings([authority], FROM, ON)["people"] == 50
