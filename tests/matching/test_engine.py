"""What a coach reads out: the reasons behind a score, the benefits warning, and how
missing locations are handled."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest

from pathways.core.models import InterestTag
from pathways.employers.engagement.models import EmployerSite
from pathways.employers.opportunities.models import Opportunity
from pathways.matching import engine, selectors
from tests.factories import (
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    PersonFactory,
    ProfileFactory,
)

#: Labels as the migration seeds them: most name two things joined by "and".
VOCABULARY = [
    ("animals", "Animals"),
    ("catering", "Catering and cooking"),
    ("outdoors", "Working outdoors"),
    ("retail", "Shops and retail"),
]
HOME = (51.5, 0.0)


def north_of(point: tuple[float, float], km: float) -> tuple[float, float]:
    """A point ``km`` due north (along a meridian the great-circle distance is exact)."""
    return point[0] + math.degrees(km / engine.EARTH_RADIUS_KM), point[1]


AISHA = {
    "id": 1,
    "ref": "C100001",
    "name": "Aisha",
    "min_hours": 10,
    "max_hours": 20,
    "max_travel_km": 15,
    "latitude": HOME[0],
    "longitude": HOME[1],
    "kinds": ["employed"],
    "paid_only": False,
    "stage": "job_finding",
    "interests": ["retail"],
    "better_off_on": None,
}
SHOP_JOB = {
    "id": 1,
    "ref": "OPP1",
    "title": "Shop assistant",
    "kind": "employed",
    "paid": True,
    "hours": 16,
    "hourly_pay": None,
    "latitude": north_of(HOME, 12)[0],
    "longitude": HOME[1],
    "places": 1,
    "tags": ["retail"],
    "instead_of_interview": False,
}


def explain(person: dict | None = None, opp: dict | None = None) -> tuple[int, list[str]]:
    cols = engine.People.build([{**AISHA, **(person or {})}], VOCABULARY)
    opps = engine.Opportunities.build([{**SHOP_JOB, **(opp or {})}], VOCABULARY)
    grid = engine.score_grid(cols, opps)
    assert grid.eligible[0, 0]
    return int(grid.score[0, 0]), engine.reasons(cols, opps, grid, 0, 0)


def test_every_part_of_the_score_is_a_sentence():
    score, reasons = explain()
    assert reasons == [
        "Likes shops and retail — this job is in shops and retail",
        "16 hours a week, within the 10 to 20 hours Aisha wants",
        "12 km away, within the 15 km Aisha can travel",
        "Paid job: one of the kinds of work Aisha wants",
        "Aisha is looking for work now (job finding)",
    ]
    # 40 interests + 20 hours + 12 distance (20, less half for 12 of 15 km) + 10 + 10.
    assert score == 92


def test_the_best_match_scores_100_and_a_poor_one_little():
    best, _ = explain(
        {"interests": ["animals", "catering", "outdoors"]},
        {"tags": ["animals", "catering", "outdoors", "retail"], "latitude": HOME[0]},
    )
    assert best == 100  # 40 + 20 + 20 (on the doorstep) + 10 + 10

    far = north_of(HOME, 60)
    poor, _ = explain(
        {
            "interests": ["animals"],
            "min_hours": None,
            "max_hours": None,
            "max_travel_km": None,
            "kinds": [],
            "stage": None,
        },
        {"latitude": far[0], "longitude": far[1]},
    )
    # No shared interest, 10 for unsaid hours, nothing for 60 km (beyond the 20 km
    # assumed when unsaid), 5 for unsaid kinds, nothing for no stage.
    assert poor == 15


@pytest.mark.parametrize(
    ("person", "opp", "reason"),
    [
        (
            # The comma keeps "catering and cooking" and "shops and retail" apart.
            {"interests": ["animals", "catering", "retail"]},
            {"tags": ["catering", "retail"]},
            "Likes catering and cooking, and shops and retail — this job involves both",
        ),
        (
            {"interests": ["animals", "catering", "outdoors", "retail"]},
            {"tags": ["animals", "catering", "outdoors"]},
            "Likes animals, catering and cooking, and working outdoors — "
            "this job involves all three",
        ),
        (
            {"interests": ["catering"]},
            {"tags": ["animals", "retail"]},
            "None of Aisha's interests match this job (animals, and shops and retail)",
        ),
        ({"interests": []}, {}, "Aisha's interests are not recorded yet"),
        (
            {"kinds": ["volunteering"]},
            {"kind": "volunteering", "paid": False},
            "Likes shops and retail — this volunteering role is in shops and retail",
        ),
    ],
)
def test_interests_in_words(person, opp, reason):
    assert explain(person, opp)[1][0] == reason


@pytest.mark.parametrize(
    ("person", "reason"),
    [
        ({"max_hours": None}, "16 hours a week; Aisha wants at least 10"),
        ({"min_hours": None}, "16 hours a week; Aisha wants no more than 20"),
        (
            {"min_hours": None, "max_hours": None},
            "16 hours a week (Aisha has not said how many hours they want)",
        ),
        (
            {"min_hours": 16, "max_hours": 16.5},
            "16 hours a week, within the 16 to 16.5 hours Aisha wants",
        ),
    ],
)
def test_hours_in_words(person, reason):
    assert explain(person)[1][1] == reason


@pytest.mark.parametrize(
    ("person", "km", "reason"),
    [
        ({}, 3.5, "3.5 km away, within the 15 km Aisha can travel"),
        ({"max_travel_km": 7.5}, 2, "2.0 km away, within the 7.5 km Aisha can travel"),
        ({"max_travel_km": None}, 25, "25 km away (Aisha has not said how far they can travel)"),
        (
            {"latitude": None, "longitude": None},
            12,
            "Distance not known: no location recorded for one of them",
        ),
    ],
)
def test_distance_in_words(person, km, reason):
    where = north_of(HOME, km)
    assert explain(person, {"latitude": where[0], "longitude": where[1]})[1][2] == reason


def test_kind_stage_and_work_trial_in_words():
    _, reasons = explain({"kinds": [], "stage": None})
    assert reasons[3] == "Paid job (Aisha has not said which kinds of work they want)"
    assert len(reasons) == 4  # no stage, nothing said about it

    _, reasons = explain(
        {"kinds": ["work_trial"], "stage": "vocational_profiling"},
        {"kind": "work_trial", "instead_of_interview": True},
    )
    assert reasons[0] == "Likes shops and retail — this work trial is in shops and retail"
    assert reasons[3] == "Work trial: one of the kinds of work Aisha wants"
    assert reasons[4] == "Aisha is still working out what they want (vocational profiling)"
    assert reasons[5] == "A work trial instead of a formal interview"


# --- through the database -------------------------------------------------------------


def matchable(team, ref: str, *, given_name="Sam", where=HOME, interests=(), **profile):
    person = PersonFactory(
        authority=team.authority,
        person_ref=ref,
        given_name=given_name,
        latitude=None if where is None else Decimal(f"{where[0]:.6f}"),
        longitude=None if where is None else Decimal(f"{where[1]:.6f}"),
    )
    EpisodeFactory(team=team, person=person, stage="job_finding")
    made = ProfileFactory(person=person, **profile)
    made.interests.set(InterestTag.objects.filter(code__in=interests))
    return person


def opening(team, ref: str, *, where=None, employer=None, **fields) -> Opportunity:
    return OpportunityFactory(
        employer=employer or EmployerFactory(organisation=team.organisation),
        authority=team.authority,
        opportunity_ref=ref,
        latitude=None if where is None else Decimal(f"{where[0]:.6f}"),
        longitude=None if where is None else Decimal(f"{where[1]:.6f}"),
        **fields,
    )


def by_ref(opportunity) -> dict[str, selectors.Match]:
    return {m.person_ref: m for m in selectors.people_for(opportunity)}


in_db = pytest.mark.django_db


@in_db
def test_someone_without_a_location_is_still_listed(team, tags):
    matchable(team, "C1", where=None, max_travel_km=5)
    matchable(team, "C2", where=HOME, max_travel_km=5)
    matches = by_ref(opening(team, "OPP1", where=HOME))

    assert set(matches) == {"C1", "C2"}
    assert "Distance not known: no location recorded for one of them" in matches["C1"].reasons
    assert "0.0 km away, within the 5 km Sam can travel" in matches["C2"].reasons
    # On the doorstep earns all 20 distance points; not knowing earns 8.
    assert matches["C2"].score - matches["C1"].score == 12


@in_db
def test_an_opportunity_without_its_own_location_is_at_its_site(team, tags):
    employer = EmployerFactory(organisation=team.organisation)
    near = EmployerSite.objects.create(
        employer=employer,
        name="High Street",
        latitude=Decimal(f"{north_of(HOME, 3)[0]:.6f}"),
        longitude=Decimal("0.000000"),
    )
    far = EmployerSite.objects.create(
        employer=employer,
        name="Distribution centre",
        latitude=Decimal(f"{north_of(HOME, 30)[0]:.6f}"),
        longitude=Decimal("0.000000"),
    )
    matchable(team, "C1", max_travel_km=5)

    at_near_site = by_ref(opening(team, "OPP1", employer=employer, site=near))
    assert "3.0 km away, within the 5 km Sam can travel" in at_near_site["C1"].reasons
    # 30 km is beyond Sam's 5: the site's location is enough to rule it out.
    assert by_ref(opening(team, "OPP2", employer=employer, site=far)) == {}
    # Its own location, when it has one, comes first.
    own = by_ref(opening(team, "OPP3", employer=employer, site=far, where=north_of(HOME, 1)))
    assert "1.0 km away, within the 5 km Sam can travel" in own["C1"].reasons


@in_db
def test_reasons_use_the_name_the_person_goes_by(team, tags):
    person = matchable(team, "C1", given_name="Abigail", interests=["retail"])
    person.preferred_name = "Abi"
    person.save()
    opp = opening(team, "OPP1", where=HOME)
    opp.tags.set([tags["retail"]])

    reasons = by_ref(opp)["C1"].reasons
    label = tags["retail"].label.lower()  # "shops and retail" as the migration seeds it
    assert reasons[0] == f"Likes {label} — this job is in {label}"
    assert reasons[1] == "16 hours a week (Abi has not said how many hours they want)"


@in_db
def test_the_benefits_note_follows_the_permitted_work_limit(settings, team, tags):
    settings.PATHWAYS_PERMITTED_WORK_WEEKLY_LIMIT = "195.50"
    matchable(team, "C1", given_name="Aisha")
    at_limit = opening(team, "OPP1", hours_per_week=17, hourly_pay=Decimal("11.50"))  # £195.50
    above = opening(team, "OPP2", hours_per_week=17, hourly_pay=Decimal("11.51"))  # £195.67
    unpaid = opening(team, "OPP3", hours_per_week=40, paid=False)
    no_pay_given = opening(team, "OPP4", hours_per_week=40)

    def note(opp):
        return by_ref(opp)["C1"].benefits_note

    assert note(at_limit) is None
    assert note(above) == (
        "About £195.67 a week is more than the £195.50 permitted-work limit: "
        "if Aisha gets ESA, do a better-off calculation before applying."
    )
    assert note(unpaid) is None
    assert note(no_pay_given) is None

    settings.PATHWAYS_PERMITTED_WORK_WEEKLY_LIMIT = "200.00"
    assert note(above) is None

    settings.PATHWAYS_PERMITTED_WORK_WEEKLY_LIMIT = 150
    assert note(at_limit) == (
        "About £195.50 a week is more than the £150.00 permitted-work limit: "
        "if Aisha gets ESA, do a better-off calculation before applying."
    )


@in_db
def test_the_benefits_note_mentions_a_better_off_calculation_already_done(settings, team, tags):
    settings.PATHWAYS_PERMITTED_WORK_WEEKLY_LIMIT = "195.50"
    matchable(team, "C1", given_name="Aisha", better_off_calculation_on=dt.date(2026, 3, 1))
    above = opening(team, "OPP1", hours_per_week=30, hourly_pay=Decimal("12.21"))

    assert by_ref(above)["C1"].benefits_note == (
        "About £366.30 a week is more than the £195.50 permitted-work limit: if Aisha gets "
        "ESA, a better-off calculation was done on 01 March 2026; check it still holds."
    )
