"""Matching reads: load people and opportunities as the engine's columns (a fixed
number of queries however many there are), score them, and return matches with their
reasons. Scoping is the caller's: pass querysets already narrowed by the policies.

``people_for`` asks the database only who passes the hard rules for the opportunity
(``hard_rules``: authority, an open episode and a profile, hours, paid only, kinds,
reach) and takes everyone's columns from the per-process cache (``matching.columns``),
so ranking 100,000 profiles costs one query of ids rather than loading them all."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Abs, Cast, Coalesce, Lower, StrIndex
from django.utils import timezone

from pathways.casework.models import Episode, VocationalProfile
from pathways.core.models import Authority, InterestTag
from pathways.employers.opportunities.models import Opportunity, open_on
from pathways.matching import columns, engine
from pathways.people.models import Person


@dataclass
class Match:
    person_id: int
    person_ref: str
    person_name: str
    opportunity_id: int
    opportunity_ref: str
    opportunity_title: str
    score: int
    reasons: list[str]
    benefits_note: str | None = None
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "person_ref": self.person_ref,
            "opportunity_ref": self.opportunity_ref,
            "score": self.score,
            "reasons": self.reasons,
            "benefits_note": self.benefits_note,
        }


@dataclass
class Allocation:
    assignments: list[Match]
    total_score: int
    unplaced: list[str]  # person refs left without a place

    def as_dict(self) -> dict:
        return {
            "assignments": [
                {"person_ref": m.person_ref, "opportunity_ref": m.opportunity_ref, "score": m.score}
                for m in self.assignments
            ],
            "total_score": self.total_score,
        }


def permitted_work_limit() -> Decimal:
    return Decimal(str(settings.PATHWAYS_PERMITTED_WORK_WEEKLY_LIMIT))


def vocabulary() -> list[tuple[str, str]]:
    return list(InterestTag.objects.order_by("code").values_list("code", "label"))


def _uses_of_tag(through: Any) -> Coalesce:
    """How many rows of an interests table name the outer tag (a subquery)."""
    counted = (
        through.objects.filter(interesttag_id=OuterRef("pk"))
        .values("interesttag_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def vocabulary_with_uses() -> QuerySet[InterestTag]:
    """Every interest by name, with how many profiles (``profile_count``) and
    opportunities (``opportunity_count``) name it: one query, however long the list."""
    return InterestTag.objects.annotate(
        profile_count=_uses_of_tag(VocationalProfile.interests.through),
        opportunity_count=_uses_of_tag(Opportunity.tags.through),
    ).order_by(Lower("label"), "pk")


def matchable_people(authority: Authority | int) -> QuerySet[Person]:
    """People of the authority with an open episode and a vocational profile."""
    return Person.objects.filter(
        authority=authority,
        vocational_profile__isnull=False,
    ).filter(Exists(Episode.objects.filter(person=OuterRef("pk"), ended_on__isnull=True)))


def open_opportunities(
    authority: Authority | int, on: dt.date | None = None
) -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(open_on(on or timezone.localdate()), authority=authority)


def load_people(people: QuerySet[Person], tags: list[tuple[str, str]]) -> engine.People:
    """The engine's columns for these people (a person without a profile counts as
    having said nothing yet). Three queries."""
    stage = Subquery(
        Episode.objects.filter(person=OuterRef("pk"), ended_on__isnull=True)
        .order_by("-started_on", "-pk")
        .values("stage")[:1]
    )
    rows = list(
        people.annotate(open_stage=stage).values(
            "pk",
            "person_ref",
            "given_name",
            "preferred_name",
            "latitude",
            "longitude",
            "open_stage",
            "vocational_profile__pk",
            "vocational_profile__min_hours",
            "vocational_profile__max_hours",
            "vocational_profile__max_travel_km",
            "vocational_profile__kinds",
            "vocational_profile__wants_paid_only",
            "vocational_profile__better_off_calculation_on",
        )
    )
    interests: dict[int, list[str]] = defaultdict(list)
    through = VocationalProfile.interests.through
    profile_ids = [r["vocational_profile__pk"] for r in rows if r["vocational_profile__pk"]]
    if profile_ids:
        pairs = through.objects.filter(vocationalprofile__person__in=people.values("pk"))
        for person_id, code in pairs.values_list(
            "vocationalprofile__person_id", "interesttag__code"
        ):
            interests[person_id].append(code)
    return engine.People.build(
        [
            {
                "id": r["pk"],
                "ref": r["person_ref"],
                "name": r["preferred_name"] or r["given_name"],
                "min_hours": r["vocational_profile__min_hours"],
                "max_hours": r["vocational_profile__max_hours"],
                "max_travel_km": r["vocational_profile__max_travel_km"],
                "latitude": r["latitude"],
                "longitude": r["longitude"],
                "kinds": r["vocational_profile__kinds"] or [],
                "paid_only": r["vocational_profile__wants_paid_only"],
                "stage": r["open_stage"],
                "interests": interests.get(r["pk"], []),
                "better_off_on": r["vocational_profile__better_off_calculation_on"],
            }
            for r in rows
        ],
        tags,
    )


def load_opportunities(
    opportunities: QuerySet[Opportunity], tags: list[tuple[str, str]]
) -> engine.Opportunities:
    """The engine's columns for these opportunities, in reference order; an
    opportunity without its own location takes its site's. Two queries."""
    rows = list(
        opportunities.order_by("opportunity_ref").values(
            "pk",
            "opportunity_ref",
            "title",
            "kind",
            "paid",
            "hours_per_week",
            "hourly_pay",
            "latitude",
            "longitude",
            "site__latitude",
            "site__longitude",
            "places",
            "instead_of_interview",
        )
    )
    by_opportunity: dict[int, list[str]] = defaultdict(list)
    through = Opportunity.tags.through
    for opp_id, code in through.objects.filter(opportunity__in=[r["pk"] for r in rows]).values_list(
        "opportunity_id", "interesttag__code"
    ):
        by_opportunity[opp_id].append(code)
    return engine.Opportunities.build(
        [
            {
                "id": r["pk"],
                "ref": r["opportunity_ref"],
                "title": r["title"],
                "kind": r["kind"],
                "paid": r["paid"],
                "hours": r["hours_per_week"],
                "hourly_pay": r["hourly_pay"],
                "latitude": r["latitude"] if r["latitude"] is not None else r["site__latitude"],
                "longitude": r["longitude"] if r["longitude"] is not None else r["site__longitude"],
                "places": r["places"],
                "tags": by_opportunity.get(r["pk"], []),
                "instead_of_interview": r["instead_of_interview"],
            }
            for r in rows
        ],
        tags,
    )


def _match(
    people: engine.People, opps: engine.Opportunities, grid: engine.Grid, i: int, j: int
) -> Match:
    return Match(
        person_id=people.ids[i],
        person_ref=people.refs[i],
        person_name=people.names[i],
        opportunity_id=opps.ids[j],
        opportunity_ref=opps.refs[j],
        opportunity_title=opps.titles[j],
        score=int(grid.score[i, j]),
        reasons=engine.reasons(people, opps, grid, i, j),
        benefits_note=engine.benefits_note(people, opps, i, j, permitted_work_limit()),
    )


#: Kilometres in a degree of latitude (the engine's Earth radius): nobody is nearer a
#: place than this times the difference of their latitudes.
KM_PER_DEGREE_OF_LATITUDE = engine.EARTH_RADIUS_KM * math.pi / 180
#: Slack for rounding in the database's arithmetic: the rule on reach in SQL only leaves
#: out people the engine would leave out by more than this.
REACH_SLACK_KM = 0.01


def _decimal(value: float) -> Decimal:
    """The decimal a database column held (``repr`` of its float gives it back)."""
    return Decimal(repr(float(value)))


def hard_rules(opps: engine.Opportunities, j: int = 0) -> tuple[dict[str, Expression], Q]:
    """The engine's hard rules for opportunity ``j`` as a filter on people (with the
    aliases it needs): never leaving out someone the engine would let through, so the
    ranking of who is left is the engine's own. Hours and paid only are exact; kinds
    are exact (a profile naming no kind the engine knows wants any kind); reach leaves
    out only people further north or south than they can travel, by a margin."""
    p = "vocational_profile__"
    rules = Q()
    aliases: dict[str, Expression] = {}
    hours = opps.hours[j]
    if np.isnan(hours):
        rules &= Q(**{p + "min_hours__isnull": True, p + "max_hours__isnull": True})
    else:
        exact = _decimal(hours)
        rules &= Q(**{p + "min_hours__isnull": True}) | Q(**{p + "min_hours__lte": exact})
        rules &= Q(**{p + "max_hours__isnull": True}) | Q(**{p + "max_hours__gte": exact})
    if not opps.paid[j]:
        rules &= Q(**{p + "wants_paid_only__isnull": True}) | Q(**{p + "wants_paid_only": False})
    wanted = opps.kinds[j]
    others = [kind for kind in engine.KINDS if kind != wanted]
    if connection.vendor == "postgresql":  # jsonb's own operators: @> and ?|
        rules &= Q(**{p + "kinds__contains": [wanted]}) | ~Q(**{p + "kinds__has_any_keys": others})
    else:  # quoted codes searched for in the list's text (INSTR: LIKE ignores case)
        kinds_text = Cast(p + "kinds", output_field=TextField())
        for kind in engine.KINDS:
            aliases[f"names_kind_{kind}"] = StrIndex(kinds_text, Value(f'"{kind}"'))
        rules &= Q(**{f"names_kind_{wanted}__gt": 0}) | Q(
            **{f"names_kind_{kind}": 0 for kind in others}
        )
    latitude = opps.latitude[j]
    if not np.isnan(latitude) and not np.isnan(opps.longitude[j]):
        aliases["north_south_km"] = ExpressionWrapper(
            Abs(Cast("latitude", output_field=FloatField()) - Value(float(latitude)))
            * Value(KM_PER_DEGREE_OF_LATITUDE)
            - Value(REACH_SLACK_KM),
            output_field=FloatField(),
        )
        rules &= (
            Q(latitude__isnull=True)
            | Q(longitude__isnull=True)
            | Q(**{p + "max_travel_km__isnull": True})
            | Q(north_south_km__lte=F(p + "max_travel_km"))
        )
    return aliases, rules


def _people_for_loaded(
    opportunity: Opportunity, people: QuerySet[Person] | None, top: int | None
) -> list[Match]:
    """The plain way: every matchable person's columns loaded for this one match."""
    base = matchable_people(opportunity.authority_id)
    if people is not None:
        base = base.filter(pk__in=people.values("pk"))
    tags = vocabulary()
    cols = load_people(base, tags)
    opps = load_opportunities(Opportunity.objects.filter(pk=opportunity.pk), tags)
    grid = engine.score_grid(cols, opps)
    return [_match(cols, opps, grid, i, 0) for i in engine.rank_column(grid, 0, top)]


def people_for(
    opportunity: Opportunity,
    people: QuerySet[Person] | None = None,
    *,
    top: int | None = None,
    cached: bool = True,
) -> list[Match]:
    """The people who could take ``opportunity``, best first (ties by reference).

    ``people`` defaults to everyone matchable in the opportunity's authority; pages
    pass it narrowed to what the user may see. Five queries while the authority's
    columns are cached and current; eight when a few people changed since (their
    columns reloaded); seven when they are not cached (fewer than
    ``PATHWAYS_MATCHING_CACHE_FROM`` people passing the hard rules load alone and are
    not kept). ``cached=False`` loads every matchable person's columns for this match
    alone: the plain way, with the same ranking (the tests compare the two)."""
    if not cached:
        return _people_for_loaded(opportunity, people, top)
    authority_id = opportunity.authority_id
    tags = vocabulary()
    opps = load_opportunities(Opportunity.objects.filter(pk=opportunity.pk), tags)
    if not len(opps):
        return []
    version = columns.version_of(authority_id)  # before the columns: they are at least as new
    allowed = matchable_people(authority_id)
    if people is not None:
        allowed = allowed.filter(pk__in=people.values("pk"))
    aliases, rules = hard_rules(opps)
    ids = np.array(
        allowed.alias(**aliases).filter(rules).order_by().values_list("pk", flat=True),
        dtype=np.int64,
    )
    codes = tuple(code for code, _ in tags)
    entry = columns.cached(
        authority_id,
        version,
        codes,
        lambda changed: load_people(matchable_people(authority_id).filter(pk__in=changed), tags),
    )
    rows = np.isin(entry.ids, ids) if entry is not None else None
    if entry is not None and rows is not None and rows.sum() == len(ids):
        cols = entry.people  # everyone the rules let through is held
    elif len(ids) < columns.cache_from():
        # Few to rank (one person, a small authority): load just them, keep nothing.
        cols = load_people(matchable_people(authority_id).filter(pk__in=ids.tolist()), tags)
        rows = np.isin(np.asarray(cols.ids, dtype=np.int64), ids)
    else:
        entry = columns.load(
            authority_id, version, codes, lambda: load_people(matchable_people(authority_id), tags)
        )
        cols, rows = entry.people, np.isin(entry.ids, ids)
    cols = dataclasses.replace(cols, labels=dict(tags))
    grid = engine.score_grid(cols, opps)
    grid.eligible[:, 0] &= rows
    grid.score[~grid.eligible[:, 0], 0] = 0
    return [_match(cols, opps, grid, i, 0) for i in engine.rank_column(grid, 0, top)]


def opportunities_for(
    person: Person, opportunities: QuerySet[Opportunity], *, top: int | None = None
) -> list[Match]:
    """The opportunities ``person`` could take, best first (ties by reference)."""
    tags = vocabulary()
    cols = load_people(Person.objects.filter(pk=person.pk), tags)
    opps = load_opportunities(opportunities, tags)
    if not len(cols) or not len(opps):
        return []
    grid = engine.score_grid(cols, opps)
    return [_match(cols, opps, grid, 0, j) for j in engine.rank_row(grid, 0, opps.refs, top)]


def allocate(
    people: QuerySet[Person],
    opportunities: QuerySet[Opportunity],
    *,
    excluded: Iterable[tuple[int, int]] = (),
) -> Allocation:
    """Assign people to the opportunities' places for the highest total score.

    ``excluded`` holds (person id, opportunity id) pairs that may not be chosen, such
    as an intern's department in an earlier rotation."""
    tags = vocabulary()
    cols = load_people(people, tags)
    opps = load_opportunities(opportunities, tags)
    grid = engine.score_grid(cols, opps)
    row = {pid: i for i, pid in enumerate(cols.ids)}
    column = {oid: j for j, oid in enumerate(opps.ids)}
    for person_id, opp_id in excluded:
        if person_id in row and opp_id in column:
            grid.eligible[row[person_id], column[opp_id]] = False
    pairs, total = engine.assign(grid.eligible, grid.score, opps.places.tolist())
    placed = {i for i, _ in pairs}
    return Allocation(
        assignments=[_match(cols, opps, grid, i, j) for i, j in pairs],
        total_score=total,
        unplaced=[ref for i, ref in enumerate(cols.refs) if i not in placed],
    )
