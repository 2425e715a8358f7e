"""The matching engine: hard rules, a 0–100 score with the reasons behind it, and the
optimal assignment of people to places. No database here: ``selectors`` loads the
columns, so the same arithmetic serves the pages, the API, the command line and the
benchmark.

Our own code, because no library models supported-employment preferences: a few
vectorised numpy expressions over a people × opportunities grid. The assignment is
scipy's ``linear_sum_assignment`` (an exact solver), never a greedy pass.

The score adds five parts, each a plain fact a coach can read out:

=============  ======  ==========================================================
part           points  how
=============  ======  ==========================================================
interests        40    shared interest tags; three shared (or all the
                       opportunity's, if fewer) earn everything; 10 for everyone
                       when the opportunity has no tags
hours            20    20 when the person gave hours (the hard rule already
                       keeps them in range), 10 when they have not said
distance         20    from 20 on the doorstep down to 10 at the edge of the
                       person's reach (20 km when not set), 8 when unknown
kind             10    10 for a kind they asked for, 5 when they have not said
stage            10    10 job finding or employer engagement, 6 profiling,
                       3 engagement, 2 already in work
=============  ======  ==========================================================

More shared interests never lower a score: the interest part only grows with them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from scipy.optimize import linear_sum_assignment

from pathways.core.models import OpportunityKind

KINDS: list[str] = list(OpportunityKind.values)
KIND_BIT = {kind: 1 << i for i, kind in enumerate(KINDS)}

INTEREST_POINTS = 40
HOURS_POINTS = 20
DISTANCE_POINTS = 20
KIND_POINTS = 10
STAGE_POINTS = 10
#: Three shared interests earn all the interest points.
INTERESTS_FOR_FULL_MARKS = 3
#: How far counts as "reachable" for someone who has not said how far they travel.
DEFAULT_REACH_KM = 20.0
EARTH_RADIUS_KM = 6371.0088

STAGES = [
    "engagement",
    "vocational_profiling",
    "job_finding",
    "employer_engagement",
    "in_work_support",
]
STAGE_SCORE = np.array([3, 6, 10, 10, 2], dtype=np.float64)
NO_STAGE = -1

KIND_NOUN = {
    "employed": "job",
    "self_employed": "self-employment idea",
    "apprenticeship": "apprenticeship",
    "supported_internship": "internship",
    "work_trial": "work trial",
    "work_experience": "work experience placement",
    "volunteering": "volunteering role",
}
NUMBER_WORDS = {3: "three", 4: "four", 5: "five", 6: "six"}
STAGE_WORDS = {
    "engagement": "is still deciding whether to take part (engagement)",
    "vocational_profiling": "is still working out what they want (vocational profiling)",
    "job_finding": "is looking for work now (job finding)",
    "employer_engagement": "is ready to meet employers (employer engagement)",
    "in_work_support": "is already in work with support",
}


def _float(values: Sequence[Decimal | float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


@dataclass
class People:
    """One entry per person, in ``person_ref`` order (which settles ties)."""

    ids: list[int]
    refs: list[str]
    names: list[str]
    min_hours: np.ndarray
    max_hours: np.ndarray
    max_travel_km: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray
    kinds: np.ndarray  # bit mask of KINDS; 0 means "not said"
    paid_only: np.ndarray
    stage: np.ndarray  # index into STAGES, NO_STAGE when none
    interests: np.ndarray  # bool, people × vocabulary
    vocabulary: list[str]
    labels: dict[str, str]
    better_off_on: list[dt.date | None] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    def patched(self, changed: Collection[int], fresh: People) -> People:
        """These columns with the people ``changed`` (ids) replaced by ``fresh`` (their
        columns now, built with the same vocabulary; someone changed but not in
        ``fresh`` is dropped), still in reference order: what ``build`` would give for
        everyone's rows now."""
        if fresh.vocabulary != self.vocabulary:
            raise ValueError("fresh columns were built with another vocabulary")
        gone = np.fromiter(changed, dtype=np.int64, count=len(changed))
        kept = np.flatnonzero(~np.isin(np.asarray(self.ids, dtype=np.int64), gone))
        refs = [self.refs[i] for i in kept] + fresh.refs
        order = sorted(range(len(refs)), key=refs.__getitem__)

        def lists(mine: list, theirs: list) -> list:
            joined = [mine[i] for i in kept] + theirs
            return [joined[i] for i in order]

        def arrays(mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
            return np.concatenate([mine[kept], theirs])[order]

        return dataclasses.replace(
            self,
            ids=lists(self.ids, fresh.ids),
            refs=[refs[i] for i in order],
            names=lists(self.names, fresh.names),
            min_hours=arrays(self.min_hours, fresh.min_hours),
            max_hours=arrays(self.max_hours, fresh.max_hours),
            max_travel_km=arrays(self.max_travel_km, fresh.max_travel_km),
            latitude=arrays(self.latitude, fresh.latitude),
            longitude=arrays(self.longitude, fresh.longitude),
            kinds=arrays(self.kinds, fresh.kinds),
            paid_only=arrays(self.paid_only, fresh.paid_only),
            stage=arrays(self.stage, fresh.stage),
            interests=arrays(self.interests, fresh.interests),
            better_off_on=lists(self.better_off_on, fresh.better_off_on),
        )

    @classmethod
    def build(
        cls,
        rows: Sequence[dict],
        vocabulary: Sequence[tuple[str, str]],
    ) -> People:
        """``rows``: dicts with id, ref, name, min_hours, max_hours, max_travel_km,
        latitude, longitude, kinds (codes), paid_only, stage (code or None),
        interests (codes), better_off_on; ``vocabulary``: (code, label) pairs."""
        rows = sorted(rows, key=lambda r: r["ref"])
        codes = [code for code, _ in vocabulary]
        column = {code: i for i, code in enumerate(codes)}
        interests = np.zeros((len(rows), len(codes)), dtype=bool)
        for i, row in enumerate(rows):
            for code in row["interests"]:
                interests[i, column[code]] = True
        stage_index = {s: i for i, s in enumerate(STAGES)}
        return cls(
            ids=[r["id"] for r in rows],
            refs=[r["ref"] for r in rows],
            names=[r["name"] for r in rows],
            min_hours=_float([r["min_hours"] for r in rows]),
            max_hours=_float([r["max_hours"] for r in rows]),
            max_travel_km=_float([r["max_travel_km"] for r in rows]),
            latitude=_float([r["latitude"] for r in rows]),
            longitude=_float([r["longitude"] for r in rows]),
            kinds=np.array(
                [sum(KIND_BIT[k] for k in set(r["kinds"]) if k in KIND_BIT) for r in rows],
                dtype=np.int64,
            ),
            paid_only=np.array([bool(r["paid_only"]) for r in rows], dtype=bool),
            stage=np.array([stage_index.get(r["stage"], NO_STAGE) for r in rows], dtype=np.int64),
            interests=interests,
            vocabulary=codes,
            labels=dict(vocabulary),
            better_off_on=[r.get("better_off_on") for r in rows],
        )


@dataclass
class Opportunities:
    ids: list[int]
    refs: list[str]
    titles: list[str]
    kinds: list[str]
    paid: np.ndarray
    hours: np.ndarray
    hourly_pay: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray
    places: np.ndarray
    tags: np.ndarray  # bool, opportunities × vocabulary
    instead_of_interview: list[bool]

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, rows: Sequence[dict], vocabulary: Sequence[tuple[str, str]]) -> Opportunities:
        """``rows``: dicts with id, ref, title, kind, paid, hours, hourly_pay, latitude,
        longitude, places, tags (codes), instead_of_interview."""
        column = {code: i for i, (code, _) in enumerate(vocabulary)}
        tags = np.zeros((len(rows), len(column)), dtype=bool)
        for j, row in enumerate(rows):
            for code in row["tags"]:
                tags[j, column[code]] = True
        return cls(
            ids=[r["id"] for r in rows],
            refs=[r["ref"] for r in rows],
            titles=[r["title"] for r in rows],
            kinds=[r["kind"] for r in rows],
            paid=np.array([bool(r["paid"]) for r in rows], dtype=bool),
            hours=_float([r["hours"] for r in rows]),
            hourly_pay=_float([r["hourly_pay"] for r in rows]),
            latitude=_float([r["latitude"] for r in rows]),
            longitude=_float([r["longitude"] for r in rows]),
            places=np.array([int(r.get("places") or 1) for r in rows], dtype=np.int64),
            tags=tags,
            instead_of_interview=[bool(r.get("instead_of_interview")) for r in rows],
        )


@dataclass
class Grid:
    """Every person against every opportunity: who may take what, and the parts."""

    eligible: np.ndarray  # bool, people × opportunities
    score: np.ndarray  # int, people × opportunities (0 where not eligible)
    shared: np.ndarray  # int, shared interest tags
    distance_km: np.ndarray  # float, nan when a location is missing


def distance_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Great-circle (haversine) distance; nan where a coordinate is missing."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def score_grid(people: People, opps: Opportunities) -> Grid:
    """Hard rules and scores for every pair, as arrays (people down, opportunities
    across)."""
    n, m = len(people), len(opps)
    col = (slice(None), None)  # people as a column
    hours = opps.hours[None, :]
    # Hard rules. A comparison with nan is False, so "not set" is tested first.
    fits_hours = (np.isnan(people.min_hours)[col] | (people.min_hours[col] <= hours)) & (
        np.isnan(people.max_hours)[col] | (hours <= people.max_hours[col])
    )
    dist = distance_km(
        people.latitude[col], people.longitude[col], opps.latitude[None, :], opps.longitude[None, :]
    )
    within_reach = (
        np.isnan(dist)
        | np.isnan(people.max_travel_km)[col]
        | (dist <= people.max_travel_km[col] + 1e-9)
    )
    opp_bits = np.array([KIND_BIT[k] for k in opps.kinds], dtype=np.int64)[None, :]
    wanted_kind = (people.kinds[col] == 0) | ((people.kinds[col] & opp_bits) != 0)
    paid_ok = ~(people.paid_only[col] & ~opps.paid[None, :])
    eligible = fits_hours & within_reach & wanted_kind & paid_ok

    # Interests: shared tags, up to three (or all the opportunity's, if fewer).
    shared = people.interests.astype(np.int64) @ opps.tags.T.astype(np.int64)
    tag_count = opps.tags.sum(axis=1)[None, :]
    needed = np.minimum(tag_count, INTERESTS_FOR_FULL_MARKS)
    interest_points = np.where(
        needed > 0,
        INTEREST_POINTS * np.minimum(shared, needed) / np.maximum(needed, 1),
        INTEREST_POINTS / 4,
    )
    said_hours = ~(np.isnan(people.min_hours) & np.isnan(people.max_hours))
    hours_points = np.where(said_hours, HOURS_POINTS, HOURS_POINTS / 2)[col]
    reach = np.where(np.isnan(people.max_travel_km), DEFAULT_REACH_KM, people.max_travel_km)
    reach = np.maximum(reach, 0.1)[col]
    distance_points = np.where(
        np.isnan(dist),
        8.0,
        np.clip(DISTANCE_POINTS * (1 - 0.5 * np.nan_to_num(dist) / reach), 0, DISTANCE_POINTS),
    )
    kind_points = np.where(people.kinds == 0, KIND_POINTS / 2, KIND_POINTS)[col]
    stage_points = np.where(people.stage >= 0, STAGE_SCORE[np.maximum(people.stage, 0)], 0.0)[col]
    total = interest_points + hours_points + distance_points + kind_points + stage_points
    # Round half up to whole points; rounding never reverses an order.
    score = np.floor(total + 0.5 + 1e-9).astype(np.int64)
    score = np.where(eligible, np.broadcast_to(score, (n, m)), 0)
    return Grid(eligible=eligible, score=score, shared=shared, distance_km=dist)


# --- explanations -------------------------------------------------------------------


def _join(words: Sequence[str]) -> str:
    """``a``, ``a, and b``, ``a, b, and c``: the comma keeps labels that contain "and"
    themselves ("catering and cooking") readable."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + ", and " + words[-1]


def _km(value: float) -> str:
    return f"{value:.0f} km" if value >= 10 else f"{value:.1f} km"


def _hours(value: float) -> str:
    return f"{value:g}"


def reasons(people: People, opps: Opportunities, grid: Grid, i: int, j: int) -> list[str]:
    """The factors behind one pair's score, in words a coach can read to the person."""
    name = people.names[i]
    noun = KIND_NOUN.get(opps.kinds[j], "opportunity")
    labels = people.labels
    out: list[str] = []
    shared = [
        labels[c]
        for c, mine, theirs in zip(
            people.vocabulary, people.interests[i], opps.tags[j], strict=True
        )
        if mine and theirs
    ]
    if shared:
        words = [w.lower() for w in shared]
        if len(words) == 1:
            out.append(f"Likes {words[0]} — this {noun} is in {words[0]}")
        else:
            listed = _join(words)
            both = "both" if len(words) == 2 else f"all {NUMBER_WORDS.get(len(words), 'of them')}"
            out.append(f"Likes {listed} — this {noun} involves {both}")
    elif opps.tags[j].any() and people.interests[i].any():
        theirs = _join(
            [labels[c].lower() for c, t in zip(people.vocabulary, opps.tags[j], strict=True) if t]
        )
        out.append(f"None of {name}'s interests match this {noun} ({theirs})")
    elif not people.interests[i].any():
        out.append(f"{name}'s interests are not recorded yet")

    hours = _hours(opps.hours[j])
    low, high = people.min_hours[i], people.max_hours[i]
    if not np.isnan(low) and not np.isnan(high):
        out.append(
            f"{hours} hours a week, within the {_hours(low)} to {_hours(high)} hours {name} wants"
        )
    elif not np.isnan(low):
        out.append(f"{hours} hours a week; {name} wants at least {_hours(low)}")
    elif not np.isnan(high):
        out.append(f"{hours} hours a week; {name} wants no more than {_hours(high)}")
    else:
        out.append(f"{hours} hours a week ({name} has not said how many hours they want)")

    dist = grid.distance_km[i, j]
    reach = people.max_travel_km[i]
    if np.isnan(dist):
        out.append("Distance not known: no location recorded for one of them")
    elif not np.isnan(reach):
        out.append(f"{_km(dist)} away, within the {reach:g} km {name} can travel")
    else:
        out.append(f"{_km(dist)} away ({name} has not said how far they can travel)")

    kind_label = dict(OpportunityKind.choices)[opps.kinds[j]]
    if people.kinds[i]:
        out.append(f"{kind_label}: one of the kinds of work {name} wants")
    else:
        out.append(f"{kind_label} ({name} has not said which kinds of work they want)")

    stage = people.stage[i]
    if stage >= 0:
        out.append(f"{name} {STAGE_WORDS[STAGES[stage]]}")
    if opps.instead_of_interview[j]:
        out.append("A work trial instead of a formal interview")
    return out


def benefits_note(
    people: People, opps: Opportunities, i: int, j: int, weekly_limit: Decimal
) -> str | None:
    """A warning when the pay would pass the permitted-work earnings limit (ESA):
    a better-off calculation is needed before applying."""
    if not opps.paid[j] or np.isnan(opps.hourly_pay[j]):
        return None
    weekly = Decimal(str(opps.hours[j])) * Decimal(str(opps.hourly_pay[j]))
    if weekly <= weekly_limit:
        return None
    name = people.names[i]
    done = people.better_off_on[i] if people.better_off_on else None
    check = (
        f"a better-off calculation was done on {done:%d %B %Y}; check it still holds"
        if done
        else "do a better-off calculation before applying"
    )
    return (
        f"About £{weekly:.2f} a week is more than the £{weekly_limit:.2f} permitted-work "
        f"limit: if {name} gets ESA, {check}."
    )


# --- ranking and allocation ---------------------------------------------------------


def rank_column(grid: Grid, j: int, top: int | None = None) -> list[int]:
    """People eligible for opportunity ``j``, best first; ties keep ``person_ref``
    order (the order ``People`` is built in)."""
    eligible = np.flatnonzero(grid.eligible[:, j])
    order = eligible[np.argsort(-grid.score[eligible, j], kind="stable")]
    return order.tolist() if not top else order[:top].tolist()


def rank_row(grid: Grid, i: int, opp_refs: Sequence[str], top: int | None = None) -> list[int]:
    """Opportunities person ``i`` may take, best first, ties by reference."""
    eligible = np.flatnonzero(grid.eligible[i, :])
    order = sorted(eligible.tolist(), key=lambda j: (-int(grid.score[i, j]), opp_refs[j]))
    return order if not top else order[:top]


def assign(
    eligible: np.ndarray, score: np.ndarray, places: Sequence[int]
) -> tuple[list[tuple[int, int]], int]:
    """The assignment of people (rows) to opportunities (columns) that maximises the
    total score: each person at most once, each opportunity at most ``places[j]``
    times, only eligible pairs. Exact: every place becomes a column of an assignment
    problem (no more places per opportunity than there are people), pairs that are not
    allowed weigh nothing and are dropped afterwards, which cannot cost anything
    because no allowed pair weighs less than nothing."""
    n, m = eligible.shape
    if n == 0 or m == 0:
        return [], 0
    copies = np.minimum(np.asarray(places, dtype=np.int64), n)
    columns = np.repeat(np.arange(m), copies)
    if columns.size == 0:
        return [], 0
    weight = np.where(eligible, score, 0)[:, columns]
    rows, cols = linear_sum_assignment(weight, maximize=True)
    pairs = [
        (int(i), int(columns[c]))
        for i, c in zip(rows, cols, strict=True)
        if eligible[i, columns[c]]
    ]
    pairs.sort()
    total = int(sum(int(score[i, j]) for i, j in pairs))
    return pairs, total
