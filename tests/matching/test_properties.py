"""Properties of the matching engine that must hold for every input: the hard rules are
never broken and nobody who passes them is left out, shared interests never cost
points, scores are whole numbers from 0 to 100 ranked best first (ties by reference),
and the cohort allocation is the true optimum, not a greedy approximation.

The checks are written independently of the engine: distances with ``math``, the
optimum by trying every assignment."""

from __future__ import annotations

import itertools
import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pathways.core.models import InterestTag, OpportunityKind
from pathways.employers.opportunities.models import Opportunity
from pathways.matching import engine, selectors
from tests.factories import (
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    PersonFactory,
    ProfileFactory,
)

VOCABULARY = [
    ("admin", "Admin"),
    ("animals", "Animals"),
    ("catering", "Catering"),
    ("digital", "Digital"),
    ("outdoors", "Outdoors"),
    ("retail", "Retail"),
]
CODES = [code for code, _ in VOCABULARY]
KINDS = list(OpportunityKind.values)
EARTH_RADIUS_KM = 6371.0088

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- generated people and opportunities ---------------------------------------------

half_hours = st.integers(0, 80).map(lambda n: n / 2)  # 0 to 40 hours in half hours
places_near_london = st.one_of(
    st.none(),
    st.tuples(st.floats(51.30, 51.70, allow_nan=False), st.floats(-0.50, 0.30, allow_nan=False)),
)
travel = st.one_of(st.none(), st.integers(0, 400).map(lambda n: n / 10))  # 0 to 40 km
some_codes = st.lists(st.sampled_from(CODES), unique=True, max_size=len(CODES))
some_kinds = st.lists(st.sampled_from(KINDS), unique=True, max_size=3)


@st.composite
def person_row(draw, ref: str, pk: int = 1) -> dict:
    low, high = draw(st.one_of(st.none(), half_hours)), draw(st.one_of(st.none(), half_hours))
    if low is not None and high is not None and low > high:
        low, high = high, low  # a profile keeps its hours in order
    where = draw(places_near_london)
    return {
        "id": pk,
        "ref": ref,
        "name": f"Person {ref}",
        "min_hours": low,
        "max_hours": high,
        "max_travel_km": draw(travel),
        "latitude": where[0] if where else None,
        "longitude": where[1] if where else None,
        "kinds": draw(some_kinds),
        "paid_only": draw(st.sampled_from([None, False, True])),
        "stage": draw(st.sampled_from([None, *engine.STAGES])),
        "interests": draw(some_codes),
        "better_off_on": None,
    }


@st.composite
def opportunity_row(draw, ref: str, pk: int = 1) -> dict:
    paid = draw(st.booleans())
    where = draw(places_near_london)
    return {
        "id": pk,
        "ref": ref,
        "title": f"Opportunity {ref}",
        "kind": draw(st.sampled_from(KINDS)),
        "paid": paid,
        "hours": draw(half_hours),
        "hourly_pay": draw(st.one_of(st.none(), st.integers(500, 2000).map(lambda p: p / 100)))
        if paid
        else None,
        "latitude": where[0] if where else None,
        "longitude": where[1] if where else None,
        "places": draw(st.integers(1, 3)),
        "tags": draw(some_codes),
        "instead_of_interview": False,
    }


@st.composite
def people(draw, max_size: int = 8) -> list[dict]:
    refs = draw(st.lists(st.text("ABC019", min_size=1, max_size=3), unique=True, max_size=max_size))
    rows = [draw(person_row(ref, pk)) for pk, ref in enumerate(refs, start=1)]
    return draw(st.permutations(rows))  # the engine must not rely on the input order


@st.composite
def opportunities(draw, max_size: int = 4) -> list[dict]:
    count = draw(st.integers(1, max_size))
    return [draw(opportunity_row(f"OPP{j}", j + 1)) for j in range(count)]


#: Someone who has said nothing that rules anything out, and a plain paid job.
AT_EASE = {
    "id": 1,
    "ref": "P1",
    "name": "Person P1",
    "min_hours": None,
    "max_hours": None,
    "max_travel_km": None,
    "latitude": None,
    "longitude": None,
    "kinds": [],
    "paid_only": False,
    "stage": None,
    "interests": [],
    "better_off_on": None,
}
ANYTHING = {
    "id": 1,
    "ref": "OPP1",
    "title": "Opportunity OPP1",
    "kind": "employed",
    "paid": True,
    "hours": 16,
    "hourly_pay": None,
    "latitude": None,
    "longitude": None,
    "places": 1,
    "tags": [],
    "instead_of_interview": False,
}


def build(person_rows: list[dict], opportunity_rows: list[dict]):
    cols = engine.People.build(person_rows, VOCABULARY)
    opps = engine.Opportunities.build(opportunity_rows, VOCABULARY)
    return cols, opps, engine.score_grid(cols, opps)


# --- the rules, written out again -----------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def passes_hard_rules(person: dict, opp: dict) -> bool | None:
    """True or False; None when the distance is within a hair of the limit, where two
    correct float computations may disagree."""
    if person["min_hours"] is not None and opp["hours"] < person["min_hours"]:
        return False
    if person["max_hours"] is not None and opp["hours"] > person["max_hours"]:
        return False
    if person["kinds"] and opp["kind"] not in person["kinds"]:
        return False
    if person["paid_only"] and not opp["paid"]:
        return False
    both_located = person["latitude"] is not None and opp["latitude"] is not None
    if both_located and person["max_travel_km"] is not None:
        km = haversine_km(
            person["latitude"], person["longitude"], opp["latitude"], opp["longitude"]
        )
        if abs(km - person["max_travel_km"]) < 1e-6:
            return None
        if km > person["max_travel_km"]:
            return False
    return True


# --- properties -----------------------------------------------------------------------


@FAST
@given(person_rows=people(), opportunity_rows=opportunities())
def test_the_list_is_exactly_the_people_who_pass_every_hard_rule(person_rows, opportunity_rows):
    cols, _opps, grid = build(person_rows, opportunity_rows)
    for j, opp in enumerate(opportunity_rows):
        listed = [cols.refs[i] for i in engine.rank_column(grid, j, 0)]  # --top 0: all
        assert listed == [cols.refs[i] for i in engine.rank_column(grid, j, None)]
        assert len(listed) == len(set(listed))
        for person in person_rows:
            verdict = passes_hard_rules(person, opp)
            if verdict is None:
                continue
            assert (person["ref"] in listed) is verdict, (person, opp)


def destination(lat: float, lon: float, km: float, bearing: float) -> tuple[float, float]:
    """The point ``km`` away on ``bearing`` degrees (spherical Earth)."""
    d, theta, p1 = km / EARTH_RADIUS_KM, math.radians(bearing), math.radians(lat)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(theta))
    l2 = math.radians(lon) + math.atan2(
        math.sin(theta) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
    )
    return math.degrees(p2), math.degrees(l2)


@FAST
@given(
    home=st.tuples(st.floats(50.0, 58.0), st.floats(-5.0, 1.5)),
    reach=st.integers(0, 400).map(lambda n: n / 10),
    offset=st.one_of(st.floats(-3, 3), st.floats(-0.01, 0.01)),
    bearing=st.floats(0, 360),
)
def test_the_travel_limit_holds_right_up_to_the_edge(home, reach, offset, bearing):
    """Opportunities placed just inside and just beyond a person's reach."""
    person = {
        **AT_EASE,
        "latitude": home[0],
        "longitude": home[1],
        "max_travel_km": reach,
    }
    where = destination(*home, max(0.0, reach + offset), bearing)
    opp = {**ANYTHING, "latitude": where[0], "longitude": where[1]}
    verdict = passes_hard_rules(person, opp)
    assume(verdict is not None)
    _, _, grid = build([person], [opp])
    assert bool(grid.eligible[0, 0]) is verdict
    assert (engine.rank_column(grid, 0) == [0]) is verdict


@FAST
@given(person_rows=people(), opportunity_rows=opportunities(), top=st.integers(1, 10))
def test_scores_are_whole_numbers_from_0_to_100_best_first_ties_by_reference(
    person_rows, opportunity_rows, top
):
    cols, _opps, grid = build(person_rows, opportunity_rows)
    assert np.issubdtype(grid.score.dtype, np.integer)
    for j in range(len(opportunity_rows)):
        ranked = engine.rank_column(grid, j)
        scores = [int(grid.score[i, j]) for i in ranked]
        assert all(0 <= s <= 100 for s in scores)
        keys = [(-int(grid.score[i, j]), cols.refs[i]) for i in ranked]
        assert keys == sorted(keys)
        assert engine.rank_column(grid, j, top) == ranked[:top]


@st.composite
def fitting_pair(draw) -> tuple[dict, dict]:
    """A person and an opportunity that passes their hard rules (so that the score
    counts), reached by adjusting only what the rules look at."""
    person, opp = draw(person_row("P1")), draw(opportunity_row("OPP1"))
    low = person["min_hours"] if person["min_hours"] is not None else 0
    high = person["max_hours"] if person["max_hours"] is not None else 40
    opp["hours"] = min(max(opp["hours"], low), high)
    if person["kinds"] and opp["kind"] not in person["kinds"]:
        opp["kind"] = draw(st.sampled_from(person["kinds"]))
    if person["paid_only"]:
        opp["paid"] = True
    if passes_hard_rules(person, opp) is not True:  # too far: location not known
        opp["latitude"] = opp["longitude"] = None
    return person, opp


@FAST
@given(pair=fitting_pair(), others=people(max_size=4), data=st.data())
def test_one_more_shared_interest_never_lowers_the_score(pair, others, data):
    person, opp = pair
    missing = [c for c in CODES if c not in person["interests"]]
    assume(missing)
    extra = data.draw(st.sampled_from(missing), label="extra interest")
    others = [o for o in others if o["ref"] != "P1"]
    keener = {**person, "interests": [*person["interests"], extra]}
    cols, _, before = build([person, *others], [opp])
    _, _, after = build([keener, *others], [opp])
    i = cols.refs.index("P1")

    assert before.eligible[i, 0] and after.eligible[i, 0]  # interests are no hard rule
    assert after.score[i, 0] >= before.score[i, 0]
    shared_before = len(set(person["interests"]) & set(opp["tags"]))
    if extra in opp["tags"] and shared_before < min(3, len(opp["tags"])):
        assert after.score[i, 0] > before.score[i, 0]
    # Nobody else's score moves.
    others_rows = [k for k in range(len(cols)) if k != i]
    assert (after.score[others_rows, 0] == before.score[others_rows, 0]).all()


# --- the allocation is optimal --------------------------------------------------------


def best_total(eligible: np.ndarray, score: np.ndarray, places: list[int]) -> int:
    """Try every way of giving each person one opportunity or none."""
    n, m = eligible.shape
    best = 0
    for choice in itertools.product(range(-1, m), repeat=n):
        taken = Counter(j for j in choice if j >= 0)
        if any(taken[j] > places[j] for j in taken):
            continue
        if any(j >= 0 and not eligible[i, j] for i, j in enumerate(choice)):
            continue
        best = max(best, sum(int(score[i, j]) for i, j in enumerate(choice) if j >= 0))
    return best


@st.composite
def instances(draw):
    n, m = draw(st.integers(0, 5)), draw(st.integers(0, 3))
    eligible = np.array(
        [[draw(st.booleans()) for _ in range(m)] for _ in range(n)], dtype=bool
    ).reshape(n, m)
    score = np.array(
        [[draw(st.integers(0, 100)) for _ in range(m)] for _ in range(n)], dtype=np.int64
    ).reshape(n, m)
    places = [draw(st.integers(1, 3)) for _ in range(m)]
    return eligible, score, places


def check_assignment(eligible, score, places, pairs, total) -> None:
    people_placed = [i for i, _ in pairs]
    assert len(people_placed) == len(set(people_placed)), "someone placed twice"
    taken = Counter(j for _, j in pairs)
    assert all(taken[j] <= places[j] for j in taken), "a place too many"
    assert all(eligible[i, j] for i, j in pairs), "a pair that breaks a hard rule"
    assert total == sum(int(score[i, j]) for i, j in pairs)
    assert total == best_total(eligible, score, places)


@settings(max_examples=100, deadline=None)
@given(instance=instances())
def test_assign_reaches_the_best_possible_total(instance):
    eligible, score, places = instance
    pairs, total = engine.assign(eligible, score, places)
    check_assignment(eligible, score, places, pairs, total)


def test_assign_is_not_greedy():
    # Greedy takes the best pair first (A with O1, 10 points) and leaves B nowhere to
    # go: 10 in all. The best total gives O1 to B and O2 to A: 8 + 9 = 17.
    eligible = np.array([[True, True], [True, False]])
    score = np.array([[10, 9], [8, 0]])
    pairs, total = engine.assign(eligible, score, [1, 1])
    assert (pairs, total) == ([(0, 1), (1, 0)], 17)


# --- the same through the database ----------------------------------------------------


def matchable(team, ref: str, *, interests=(), **profile):
    person = PersonFactory(authority=team.authority, person_ref=ref)
    EpisodeFactory(team=team, person=person, stage="job_finding")
    made = ProfileFactory(person=person, **profile)
    made.interests.set(InterestTag.objects.filter(code__in=interests))
    return person


def opening(team, employer, ref: str, *, tags=(), **fields) -> Opportunity:
    opp = OpportunityFactory(
        employer=employer, authority=team.authority, opportunity_ref=ref, **fields
    )
    opp.tags.set(InterestTag.objects.filter(code__in=tags))
    return opp


@pytest.mark.django_db
def test_allocate_on_real_records_respects_places_and_finds_the_best_total(team, tags):
    employer = EmployerFactory(organisation=team.organisation)
    shop = opening(team, employer, "OPP-SHOP", tags=["retail"], hours_per_week=16, places=1)
    warehouse = opening(team, employer, "OPP-STORE", tags=["retail"], hours_per_week=30, places=1)
    kitchen = opening(team, employer, "OPP-CAFE", tags=["catering"], hours_per_week=20, places=2)
    matchable(team, "C1", interests=["retail"], min_hours=10, max_hours=35)
    matchable(team, "C2", interests=["retail"], max_hours=20)  # not the warehouse's 30
    matchable(team, "C3", interests=["catering"], max_hours=25)
    matchable(team, "C4", interests=["catering", "retail"])
    matchable(team, "C5", interests=["catering"], kinds=["volunteering"])  # nothing fits
    matchable(team, "C6", interests=["animals"], min_hours=10)
    opportunities = Opportunity.objects.filter(authority=team.authority)

    allocation = selectors.allocate(selectors.matchable_people(team.authority), opportunities)

    # The scores and eligibility as the opportunity pages show them, one by one.
    refs = ["C1", "C2", "C3", "C4", "C5", "C6"]
    columns = [kitchen, shop, warehouse]  # reference order
    eligible = np.zeros((len(refs), len(columns)), dtype=bool)
    score = np.zeros((len(refs), len(columns)), dtype=np.int64)
    for j, opp in enumerate(columns):
        for match in selectors.people_for(opp):
            eligible[refs.index(match.person_ref), j] = True
            score[refs.index(match.person_ref), j] = match.score
    places = [opp.places for opp in columns]
    assert not eligible[refs.index("C2"), 2] and not eligible[refs.index("C5")].any()

    pairs = [
        (refs.index(m.person_ref), [o.opportunity_ref for o in columns].index(m.opportunity_ref))
        for m in allocation.assignments
    ]
    check_assignment(eligible, score, places, pairs, allocation.total_score)
    assert all(
        m.score == score[i, j] for m, (i, j) in zip(allocation.assignments, pairs, strict=True)
    )
    assert len(allocation.assignments) == 4  # every place filled
    assert "C5" in allocation.unplaced
