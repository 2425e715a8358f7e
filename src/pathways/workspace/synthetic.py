"""Synthetic boroughs at any scale, for benchmarks and tests that need volume.

The demo (``workspace/demo.py``) goes through the services so that its audit trail is real;
this generator writes with ``bulk_create`` instead, because a benchmark needs 100,000
people in seconds. The price is that no audit entries are written and the business
rules are kept by construction, not checked: every person has at most one live
referral and at most one open episode, a redirected referral points at the onward
referral it created, and no worker is given more open cases than their team's cap
(when every worker is full, the person stays on the waiting list, as in real life).

With ``Scale.employers``, ``Scale.opportunities`` and ``Scale.profiles`` it also makes
the world of work: employers on the providers' lists with their sites, opportunities of
every kind with interest tags, and vocational profiles (interests, hours, travel, kinds,
paid-only) for people in support, whose open episodes move on to the stage a profile
belongs to. These come from a random stream of their own, so asking for them changes
nothing else that is made.

With ``Scale.placements`` (and employers to work for) it adds jobs over the last three
years: most started in an episode of support (supported, with the six post-start checks
and the 13/26/52-week milestones they reached, most confirmed by the worker), the rest
found without support; paid and unpaid, about a third ended, some with a later change
of hours, each with its dated terms. They too have a random stream of their own.

Everything is deterministic for a given ``Scale`` (names, dates, states), with dates
counted back from ``today``. Codes, references and emails carry ``Scale.prefix`` and
the seed, so that several generated boroughs can share one database with other data.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import Max, Model
from django.utils import timezone

from pathways.casework.models import Episode, Stage, TravelMode, VocationalProfile
from pathways.core.models import (
    Authority,
    InterestTag,
    Membership,
    OpportunityKind,
    Organisation,
    Role,
    Team,
    User,
)
from pathways.employers.models import (
    DisabilityConfident,
    Employer,
    EmployerSite,
    Opportunity,
)
from pathways.employment.models import (
    MILESTONE_WEEKS,
    CheckKind,
    Milestone,
    MilestoneEvidence,
    Placement,
    PlacementEndReason,
    PlacementTerms,
    PostStartCheck,
)
from pathways.people.models import Condition, Person, SupportReason
from pathways.referrals.models import WAITING_STATUSES, Referral, Source, Status

_GIVEN_NAMES = (
    "Aaliyah Abdul Adam Ade Agnieszka Ahmed Aisha Alfie Amara Amelia Amir Ana Andrei "
    "Anjali Ayesha Ben Bilal Bogdan Callum Chidi Chloe Connor Daniel Darius Deborah Dev "
    "Eilidh Elif Ella Emeka Emma Ethan Fatima Femi Finley Grace Hamza Hannah Harry Ibrahim "
    "Imani Isla Jack Jamal Jasmine Jayden Joao Joseph Kai Kemi Kofi Lakshmi Layla Leon "
    "Liam Lucy Maya Mehmet Mia Mohammed Nadia Nia Noah Olamide Oliver Oscar Patrick Priya "
    "Rahul Reuben Rosa Ruby Ryan Sakina Samuel Sana Sofia Stefan Tariq Theo Tomasz Toby "
    "Usman Valentina Yusuf Zainab Zara Zofia"
)
GIVEN_NAMES = tuple(_GIVEN_NAMES.split())

_FAMILY_NAMES = (
    "Abbott Adebayo Ahmed Akhtar Ali Allen Andrews Asante Baker Begum Bennett Bhatt Boateng "
    "Brown Campbell Chowdhury Clarke Cole Costa Silva Davies Dimitrov Edwards Evans "
    "Fernandes Fraser Gill Green Hall Haque Harris Hughes Hussain Igwe Islam Jackson James "
    "Johnson Kaur Kelly Khan King Kowalczyk Lewis Lim Mahmood Marshall Mensah Miah Mitchell "
    "Moore Morris Nowak Obi Okafor Osei Owusu Patel Phillips Popescu Price Rahman Reid "
    "Richards Roberts Robinson Rossi Santos Scott Shah Singh Smith Stewart Sultana Taylor "
    "Thomas Thompson Turner Uddin Walker Ward Watson White Williams Wilson Wood Wright Yilmaz"
)
FAMILY_NAMES = tuple(_FAMILY_NAMES.split())

#: Outward codes of the (fictional) riverside boroughs; the inward code is made up.
OUTWARD_CODES = ("E6", "E7", "E12", "E13", "E15", "E16", "E20", "IG11", "SE10", "SE18")
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

#: The kinds of team a borough has, with the caseload cap each carries.
TEAM_KINDS = (
    ("SE", "Supported Employment", 40, Organisation.Kind.COUNCIL),
    ("IPS", "IPS Employment (Mental Health)", 20, Organisation.Kind.NHS),
    ("YPT", "Young People in Transition", 25, Organisation.Kind.CHARITY),
    ("FD", "Employment Front Door", None, Organisation.Kind.COUNCIL),
)

_FRONT_DOOR = (Source.SOCIAL_CARE_ASSESSMENT, Source.ANNUAL_REVIEW)
_OTHER_SOURCES = tuple(s for s in Source if s not in _FRONT_DOOR)

#: How the latest referral of a person ends up (the weights are shares of people).
_LATEST_STATES = (
    (Status.RECEIVED, 8),
    (Status.ACCEPTED, 12),
    (Status.WAITING, 4),
    (Status.ALLOCATED, 56),
    (Status.DECLINED, 8),
    (Status.CLOSED, 12),
)
#: Earlier referrals are history: decided, redirected onward, or support that ended.
_EARLIER_STATES = (
    (Status.CLOSED, 30),
    (Status.DECLINED, 15),
    (Status.REDIRECTED, 20),
    (Status.ALLOCATED, 35),
)

_REASONS: dict[str, tuple[str, ...]] = {
    Status.DECLINED: (
        "Not looking for work at present; revisit at the next annual review",
        "Lives outside the borough; referred to their home council",
        "Already supported by another employment programme",
    ),
    Status.CLOSED: (
        "Withdrew before allocation",
        "Moved out of the borough",
        "Found work without support",
        "No reply to three contact attempts",
    ),
    Status.REDIRECTED: (
        "Better met by a specialist team",
        "Needs and age fit the other team's offer",
    ),
}

T = TypeVar("T")

_COMMUNICATION_NEEDS = (
    "",
    "",
    "",
    "Easy read",
    "Short sentences",
    "BSL interpreter",
    "Large print",
)

BATCH = 2_000

#: Sectors of employers, with the interest tags their opportunities draw from first.
_SECTORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Retail", ("retail", "customer_service", "warehouse")),
    ("Hospitality", ("hospitality", "catering", "customer_service", "cleaning")),
    ("Health", ("health", "care", "admin", "cleaning")),
    ("Public sector", ("admin", "libraries", "gardening", "outdoors", "recycling")),
    ("Logistics", ("warehouse", "driving", "recycling")),
    ("Charity", ("retail", "recycling", "care", "customer_service")),
    ("Leisure", ("leisure", "customer_service", "music", "arts")),
    ("Manufacturing", ("manufacturing", "warehouse", "construction")),
    ("Digital and office", ("digital", "admin", "customer_service")),
    ("Animal care", ("animals", "outdoors", "cleaning")),
)
_WORDS = (
    "Riverside Thames Quayside Fairfield Greenway Harbour Northbank Southbank Meridian "
    "Wharf Bridge Marsh Beacon Lantern Orchard Willow Heron Kingfisher Docklands Barrier"
)
_EMPLOYER_WORDS = tuple(_WORDS.split())
_KINDS_OF_PLACE = (
    "Foods Café Stores Services Trust Logistics Workshop Kitchen Studios Hotel Nurseries "
    "Depot Supplies Works Bakery"
)
_EMPLOYER_KINDS = tuple(_KINDS_OF_PLACE.split())
_SIZES = (("micro", 25), ("small", 30), ("medium", 25), ("large", 20))
_CONFIDENT = (
    ("", 40),
    (DisabilityConfident.COMMITTED, 30),
    (DisabilityConfident.EMPLOYER, 22),
    (DisabilityConfident.LEADER, 8),
)

#: Kinds of opportunity in rough proportion, with (paid, hours low, hours high).
_KIND_SHARES = (
    (OpportunityKind.EMPLOYED, 40),
    (OpportunityKind.WORK_EXPERIENCE, 14),
    (OpportunityKind.VOLUNTEERING, 14),
    (OpportunityKind.WORK_TRIAL, 12),
    (OpportunityKind.APPRENTICESHIP, 8),
    (OpportunityKind.SUPPORTED_INTERNSHIP, 7),
    (OpportunityKind.SELF_EMPLOYED, 5),
)
_KIND_TERMS: dict[str, tuple[bool, int, int]] = {
    OpportunityKind.EMPLOYED: (True, 8, 37),
    OpportunityKind.APPRENTICESHIP: (True, 30, 37),
    OpportunityKind.SELF_EMPLOYED: (True, 4, 20),
    OpportunityKind.SUPPORTED_INTERNSHIP: (False, 20, 30),
    OpportunityKind.WORK_TRIAL: (False, 8, 30),
    OpportunityKind.WORK_EXPERIENCE: (False, 4, 20),
    OpportunityKind.VOLUNTEERING: (False, 2, 12),
}
_KIND_TITLES: dict[str, str] = {
    OpportunityKind.EMPLOYED: "{} assistant",
    OpportunityKind.APPRENTICESHIP: "Apprentice: {}",
    OpportunityKind.SELF_EMPLOYED: "Self-employment: {}",
    OpportunityKind.SUPPORTED_INTERNSHIP: "Supported internship: {}",
    OpportunityKind.WORK_TRIAL: "Work trial: {}",
    OpportunityKind.WORK_EXPERIENCE: "Work experience: {}",
    OpportunityKind.VOLUNTEERING: "Volunteer: {}",
}
_CARVED_TASKS = (
    "Unpack deliveries and check them against the list",
    "Sort returns into bays by label",
    "Fill shelves from the back store",
    "Wipe down and set tables between sittings",
    "Scan items back into stock",
    "Flatten and bale cardboard",
)
#: The stages an open episode has reached once the person has a profile.
_PROFILED_STAGES = (
    (Stage.VOCATIONAL_PROFILING, 30),
    (Stage.JOB_FINDING, 35),
    (Stage.EMPLOYER_ENGAGEMENT, 25),
    (Stage.IN_WORK_SUPPORT, 10),
)
_PROFILE_KINDS = (
    (OpportunityKind.EMPLOYED, 45),
    (OpportunityKind.WORK_EXPERIENCE, 12),
    (OpportunityKind.VOLUNTEERING, 12),
    (OpportunityKind.WORK_TRIAL, 10),
    (OpportunityKind.APPRENTICESHIP, 9),
    (OpportunityKind.SUPPORTED_INTERNSHIP, 7),
    (OpportunityKind.SELF_EMPLOYED, 5),
)
_TRAVEL_MODES = tuple(TravelMode.values)
#: Kinds of job people start, in rough proportion (paid and hours from ``_KIND_TERMS``).
_PLACEMENT_KINDS = (
    (OpportunityKind.EMPLOYED, 58),
    (OpportunityKind.VOLUNTEERING, 15),
    (OpportunityKind.WORK_EXPERIENCE, 8),
    (OpportunityKind.APPRENTICESHIP, 6),
    (OpportunityKind.SELF_EMPLOYED, 5),
    (OpportunityKind.WORK_TRIAL, 4),
    (OpportunityKind.SUPPORTED_INTERNSHIP, 4),
)
_JOB_WORDS = (
    "retail",
    "kitchen",
    "warehouse",
    "cleaning",
    "office",
    "garden",
    "care",
    "customer service",
    "library",
    "recycling",
)
_END_REASONS = (
    (PlacementEndReason.RESIGNED, 30),
    (PlacementEndReason.CONTRACT_ENDED, 25),
    (PlacementEndReason.MOVED_JOB, 20),
    (PlacementEndReason.DISMISSED, 10),
    (PlacementEndReason.HEALTH, 10),
    (PlacementEndReason.OTHER, 5),
)
#: How far back job starts go.
_JOB_YEARS = 3
_FALLBACK_TAGS = (
    ("admin", "Office and admin"),
    ("catering", "Catering and cooking"),
    ("customer_service", "Customer service"),
    ("gardening", "Gardening and horticulture"),
    ("retail", "Shops and retail"),
    ("warehouse", "Warehouse and logistics"),
)


class Dice(random.Random):
    """``random.Random`` with quicker picks: ``choice`` and ``randint`` cost more than the
    rest of making a row, and a benchmark makes hundreds of thousands."""

    def pick(self, seq: Sequence[T]) -> T:
        return seq[int(self.random() * len(seq))]

    def between(self, low: int, high: int) -> int:
        """A whole number from ``low`` to ``high`` inclusive."""
        return low + int(self.random() * (high - low + 1))


@dataclass(frozen=True)
class Scale:
    """How big a synthetic world to make."""

    authorities: int = 1
    teams_per_authority: int = 4
    workers_per_team: int = 6
    people: int = 1_000
    referrals: int = 1_500
    seed: int = 1
    prefix: str = "SYN"
    #: Employers, shared out over the providers' lists, each with one or two sites.
    employers: int = 0
    #: Opportunities for the authorities' residents (needs ``employers``).
    opportunities: int = 0
    #: People in support (with an open episode) who have a vocational profile; at most
    #: as many as have an open episode.
    profiles: int = 0
    #: Job starts over the last three years (needs ``employers``), with their terms,
    #: post-start checks and milestones.
    placements: int = 0


@dataclass
class Generated:
    """Handles on what was made, for tests and benchmarks to act as its staff."""

    authorities: list[Authority]
    teams: list[Team]
    team_kinds: dict[int, str] = field(default_factory=dict)  # "SE", "IPS"… by team id
    intake_officers: dict[int, User] = field(default_factory=dict)  # by authority id
    managers: dict[int, User] = field(default_factory=dict)  # by team id
    workers: dict[int, list[User]] = field(default_factory=dict)  # by team id
    counts: Counter[str] = field(default_factory=Counter)


def postcode(rng: Dice) -> str:
    """A postcode of valid UK shape in one of the riverside districts."""
    inward = f"{rng.between(1, 9)}{rng.pick(_INWARD_LETTERS)}{rng.pick(_INWARD_LETTERS)}"
    return f"{rng.pick(OUTWARD_CODES)} {inward}"


def birth_date(rng: Dice, today: dt.date, age: int) -> dt.date:
    """A date of birth on which the person is exactly ``age`` today."""
    try:
        anniversary = today.replace(year=today.year - age)
    except ValueError:  # 29 February
        anniversary = today.replace(year=today.year - age, day=28)
    return anniversary - dt.timedelta(days=rng.between(1, 360))


def _weighted(rng: Dice, table: tuple[tuple[str, int], ...]) -> str:
    roll = rng.random() * sum(w for _, w in table)
    for state, weight in table:
        roll -= weight
        if roll < 0:
            return state
    return table[-1][0]


def _profile(rng: Dice, today: dt.date) -> dict:
    """Needs, age and preferred team kind for one person, in realistic proportions."""
    roll = rng.random()
    if roll < 0.35:
        reason, conditions, kind = (
            SupportReason.LEARNING_DISABILITY,
            [Condition.LEARNING_DISABILITY],
            "SE",
        )
        if rng.random() < 0.3:
            conditions.append(Condition.AUTISM)
    elif roll < 0.65:
        reason, conditions, kind = SupportReason.MENTAL_HEALTH, [Condition.MENTAL_HEALTH], "IPS"
        if rng.random() < 0.15:
            conditions.append(Condition.SUBSTANCE_MISUSE)
    elif roll < 0.75:
        reason, conditions, kind = SupportReason.PHYSICAL, [Condition.PHYSICAL], "SE"
    elif roll < 0.82:
        reason, conditions, kind = SupportReason.SENSORY, [Condition.SENSORY], "SE"
    elif roll < 0.88:
        reason, conditions, kind = (
            SupportReason.MEMORY_COGNITION,
            [Condition.ACQUIRED_BRAIN_INJURY],
            "SE",
        )
    elif roll < 0.93:
        reason, conditions, kind = (
            SupportReason.SUBSTANCE_MISUSE,
            [Condition.SUBSTANCE_MISUSE],
            "SE",
        )
    else:
        reason, conditions, kind = SupportReason.SOCIAL_OTHER, [Condition.AUTISM], "SE"
    young = kind == "SE" and reason in (
        SupportReason.LEARNING_DISABILITY,
        SupportReason.SOCIAL_OTHER,
    )
    if young and rng.random() < 0.3:
        age, kind = rng.between(16, 24), "YPT"
    else:
        age = rng.between(18, 66)
    return {
        "primary_support_reason": reason,
        "conditions": conditions,
        "date_of_birth": birth_date(rng, today, age),
        "long_term_support": reason == SupportReason.LEARNING_DISABILITY or rng.random() < 0.4,
        "secondary_mental_health": reason == SupportReason.MENTAL_HEALTH and rng.random() < 0.8,
        "ehc_plan": True if kind == "YPT" else None,
        "kind": kind,
    }


def _source(rng: Dice, kind: str) -> str:
    if rng.random() < 0.65:
        return rng.pick(_FRONT_DOOR)
    if kind == "IPS" and rng.random() < 0.6:
        return Source.SECONDARY_MENTAL_HEALTH
    if kind == "YPT" and rng.random() < 0.6:
        return Source.EDUCATION_TRANSITION
    return rng.pick(_OTHER_SOURCES)


class _Builder:
    """One generation run: holds the random stream, the clock and the staff handles."""

    def __init__(self, scale: Scale, today: dt.date) -> None:
        self.scale = scale
        self.today = today
        self.rng = Dice(scale.seed)
        self.tag = f"{scale.prefix}{scale.seed}"
        self.password = make_password(None)  # unusable: synthetic staff never sign in
        # The world of work draws from its own stream: asking for it changes nothing else.
        self.work_rng = Dice(scale.seed * 7919 + 104729)
        self.profiled: list[dict[str, Any]] = []  # open episodes whose person has a profile
        # Jobs draw from a stream of their own too.
        self.job_rng = Dice(scale.seed * 15485863 + 32452843)
        self.episodes: list[dict[str, Any]] = []  # every episode made, with its id
        self.employer_ids: list[int] = []

    def staff(self) -> Generated:
        scale, tag = self.scale, self.tag
        authorities = Authority.objects.bulk_create(
            [
                Authority(code=f"{tag}-{i + 1:03d}", name=f"Synthetic Borough {tag}-{i + 1}")
                for i in range(scale.authorities)
            ]
        )
        orgs = {
            kind: Organisation.objects.get_or_create(
                name=f"Synthetic {label} ({tag})", defaults={"kind": kind}
            )[0]
            for kind, label in (
                (Organisation.Kind.COUNCIL, "Council"),
                (Organisation.Kind.NHS, "NHS Trust"),
                (Organisation.Kind.CHARITY, "Charity"),
            )
        }
        teams: list[Team] = []
        kinds: list[str] = []
        for authority in authorities:
            for t in range(scale.teams_per_authority):
                code, name, cap, org_kind = TEAM_KINDS[t % len(TEAM_KINDS)]
                round_ = t // len(TEAM_KINDS)
                suffix = f"-{round_ + 1}" if round_ else ""
                teams.append(
                    Team(
                        code=f"{authority.code}-{code}{suffix}",
                        name=f"{name}{suffix}",
                        authority=authority,
                        organisation=orgs[org_kind],
                        caseload_cap=cap,
                    )
                )
                kinds.append(code)
        Team.objects.bulk_create(teams)
        out = Generated(
            authorities=list(authorities),
            teams=teams,
            team_kinds={t.pk: k for t, k in zip(teams, kinds, strict=True)},
        )

        users: list[User] = []
        roles: list[tuple[User, list[tuple[Team, str]]]] = []

        def add(first: str, last: str, memberships: list[tuple[Team, str]]) -> User:
            user = User(
                email=f"{tag.lower()}.staff{len(users) + 1}@synthetic.example",
                first_name=first,
                last_name=last,
                password=self.password,
            )
            users.append(user)
            roles.append((user, memberships))
            return user

        for authority in authorities:
            own = [t for t in teams if t.authority_id == authority.pk]
            out.intake_officers[authority.pk] = add(
                "Intake", authority.code, [(t, Role.INTAKE_OFFICER) for t in own]
            )
            front_door = next((t for t in own if t.caseload_cap is None), own[0])
            add("Privacy", authority.code, [(front_door, Role.DATA_PROTECTION_OFFICER)])
            add("Commissioning", authority.code, [(front_door, Role.COMMISSIONER)])
            for team in own:
                if team.caseload_cap is None:
                    continue
                out.managers[team.pk] = add("Manager", team.code, [(team, Role.TEAM_MANAGER)])
                out.workers[team.pk] = [
                    add(
                        self.rng.pick(GIVEN_NAMES),
                        self.rng.pick(FAMILY_NAMES),
                        [(team, Role.EMPLOYMENT_SPECIALIST)],
                    )
                    for _ in range(scale.workers_per_team)
                ]
        User.objects.bulk_create(users, batch_size=BATCH)
        Membership.objects.bulk_create(
            [Membership(user=u, team=t, role=r) for u, ms in roles for t, r in ms],
            batch_size=BATCH,
        )
        out.counts["staff"] = len(users)
        return out

    def people(self, world: Generated) -> list[dict[str, Any]]:
        rng, today = self.rng, self.today
        first_id = _next_id(Person)
        rows: list[dict[str, Any]] = []
        for n in range(self.scale.people):
            profile = _profile(rng, today)
            rows.append(
                {
                    "id": first_id + n,
                    "authority_id": world.authorities[n % len(world.authorities)].pk,
                    "person_ref": f"{self.tag}-{n + 1:07d}",
                    "given_name": rng.pick(GIVEN_NAMES),
                    "family_name": rng.pick(FAMILY_NAMES),
                    "postcode": postcode(rng),
                    "latitude": Decimal(f"{51.48 + rng.random() * 0.1:.6f}"),
                    "longitude": Decimal(f"{-0.02 + rng.random() * 0.12:.6f}"),
                    "phone": f"07700 900{rng.between(0, 999):03d}",
                    "communication_needs": rng.pick(_COMMUNICATION_NEEDS),
                    **profile,
                }
            )
        _insert(Person, rows)
        world.counts["people"] = len(rows)
        return rows

    def referrals(self, world: Generated, people: list[dict[str, Any]]) -> None:
        rng, today, scale = self.rng, self.today, self.scale
        per_person = [0] * len(people)
        for k in range(scale.referrals):
            per_person[k if k < len(people) else int(rng.random() * len(people))] += 1

        by_kind: dict[tuple[int, str], list[Team]] = {}
        service: dict[int, list[Team]] = {}
        for t in world.teams:
            if t.caseload_cap is not None:
                by_kind.setdefault((t.authority_id, world.team_kinds[t.pk]), []).append(t)
                service.setdefault(t.authority_id, []).append(t)
        open_cases: Counter[int] = Counter()

        def pick_team(authority_id: int, kind: str, not_team: Team | None = None) -> Team | None:
            own = [t for t in service.get(authority_id, []) if t is not not_team]
            fitting = [t for t in by_kind.get((authority_id, kind), []) if t is not not_team]
            return rng.pick(fitting or own) if (fitting or own) else None

        # Workers still under their team's cap, kept up to date as cases are opened.
        available = {team_id: list(workers) for team_id, workers in world.workers.items()}

        def worker_for(team: Team, latest: bool) -> User | None:
            """Past cases went to anyone in the team; a new one only to a worker under cap."""
            if not latest:
                workers = world.workers.get(team.pk)
                return rng.pick(workers) if workers else None
            free = available.get(team.pk)
            if not free:
                return None
            worker = rng.pick(free)
            open_cases[worker.pk] += 1
            if team.caseload_cap is not None and open_cases[worker.pk] >= team.caseload_cap:
                free.remove(worker)
            return worker

        def later(day: dt.date, most: int, limit: dt.date) -> dt.date:
            return min(limit, day + dt.timedelta(days=rng.between(0, most)))

        referrals: list[dict[str, Any]] = []
        episodes: list[dict[str, Any]] = []
        for person, count in zip(people, per_person, strict=True):
            kind, authority_id = person["kind"], person["authority_id"]
            team = pick_team(authority_id, kind)
            if not count or team is None:
                continue
            intake_id = world.intake_officers[authority_id].pk
            latest_state = _weighted(rng, _LATEST_STATES)
            live_ago: dict[str, int] = {
                Status.RECEIVED: rng.between(0, 21),
                Status.ACCEPTED: rng.between(1, 200),
                Status.WAITING: rng.between(1, 200),
            }
            latest_ago = live_ago.get(latest_state, rng.between(0, 400))
            # Earlier referrals are older, oldest first; the latest comes last.
            agos = sorted(
                (latest_ago + rng.between(30, 1100) for _ in range(count - 1)), reverse=True
            )
            days = [today - dt.timedelta(days=a) for a in [*agos, latest_ago]]
            redirecting: dict[str, Any] | None = None
            for i, received in enumerate(days):
                latest = i == count - 1
                limit = today if latest else days[i + 1]
                if latest:
                    state = latest_state
                elif redirecting is not None:  # an onward referral is not itself redirected
                    state = _weighted(rng, _EARLIER_STATES[:2] + _EARLIER_STATES[3:])
                else:
                    state = _weighted(rng, _EARLIER_STATES)
                referral: dict[str, Any] = {
                    "authority_id": authority_id,
                    "person_id": person["id"],
                    "team_id": team.pk,
                    "source": _source(rng, kind),
                    "received_on": received,
                    "status": state,
                    "created_by_id": intake_id,
                    "sort": (received, person["person_ref"]),
                }
                if state != Status.RECEIVED:
                    referral["decided_on"] = later(received, 14, limit)
                    referral["decided_by_id"] = intake_id
                if state == Status.REDIRECTED and i + 1 == count - 1:
                    referral["decided_on"] = limit  # the live onward referral keeps its date
                if state in _REASONS:
                    referral["decision_reason"] = rng.pick(_REASONS[state])
                if state == Status.ALLOCATED:
                    worker = worker_for(team, latest)
                    if worker is None:
                        referral["status"] = Status.WAITING if latest else Status.CLOSED
                        if not latest:
                            referral["decision_reason"] = rng.pick(_REASONS[Status.CLOSED])
                    else:
                        started = later(referral["decided_on"], 90, limit)
                        referral["worker_id"] = worker.pk
                        referral["allocated_on"] = started
                        episodes.append(
                            {
                                "authority_id": authority_id,
                                "person_id": person["id"],
                                "team_id": team.pk,
                                "worker_id": worker.pk,
                                "referral": referral,
                                "started_on": started,
                                "ended_on": None if latest else later(started, 700, limit),
                            }
                        )
                if referral["status"] in WAITING_STATUSES and rng.random() < 0.03:
                    referral["urgent"] = True
                    referral["urgent_reason"] = "An employer is holding a job offer open"
                if redirecting is not None:
                    redirecting["redirected_to"] = referral
                    redirecting = None
                referrals.append(referral)
                if state == Status.REDIRECTED:
                    # The onward referral arrives at the other team on the day of the decision.
                    redirecting = referral
                    days[i + 1] = referral["decided_on"]
                    onward_kind = rng.pick([k for k, *_ in TEAM_KINDS if k != "FD"])
                    team = pick_team(authority_id, onward_kind, team) or team
                elif not latest and rng.random() < 0.3:
                    team = pick_team(authority_id, kind) or team

        # Identifiers and references follow the order referrals arrived in.
        referrals.sort(key=lambda r: r.pop("sort"))
        first_id = _next_id(Referral)
        numbers: Counter[int] = Counter()
        for n, referral in enumerate(referrals):
            numbers[referral["authority_id"]] += 1
            referral["id"] = first_id + n
            referral["referral_ref"] = f"R{numbers[referral['authority_id']]:07d}"
        for referral in referrals:
            onward = referral.pop("redirected_to", None)
            if onward is not None:
                referral["redirected_to_id"] = onward["id"]
        _insert(Referral, referrals)

        episodes.sort(key=lambda e: (e["started_on"], e["referral"]["id"]))
        first_id = _next_id(Episode)
        numbers.clear()
        for n, episode in enumerate(episodes):
            numbers[episode["authority_id"]] += 1
            episode["id"] = first_id + n
            episode["episode_ref"] = f"E{numbers[episode['authority_id']]:07d}"
            episode["referral_id"] = episode.pop("referral")["id"]
        self.choose_profiled(episodes)
        _insert(Episode, episodes)
        self.episodes = episodes
        _reset_sequences(Person, Referral, Episode)

        counts = world.counts
        counts["referrals"] = len(referrals)
        counts.update(f"referrals.{r['status']}" for r in referrals)
        counts["episodes"] = len(episodes)
        counts["episodes.open"] = sum(1 for e in episodes if e["ended_on"] is None)

    # --- the world of work ----------------------------------------------------------

    def choose_profiled(self, episodes: list[dict[str, Any]]) -> None:
        """Pick the people in support who have a vocational profile and move their open
        episodes on to a stage a profile belongs to (before the episodes are written)."""
        if not self.scale.profiles:
            return
        rng = self.work_rng
        current = [e for e in episodes if e["ended_on"] is None]
        chosen = rng.sample(range(len(current)), min(self.scale.profiles, len(current)))
        for i in sorted(chosen):
            episode = current[i]
            episode["stage"] = _weighted(rng, _PROFILED_STAGES)
            self.profiled.append(episode)

    def employers(self, world: Generated) -> None:
        """Employers on the providers' lists, their sites, and the opportunities they
        offer the authorities' residents, tagged from the interest vocabulary."""
        scale, rng, today, tag = self.scale, self.work_rng, self.today, self.tag
        if not scale.employers:
            return
        vocabulary = _vocabulary()
        organisations = sorted({t.organisation_id for t in world.teams if t.caseload_cap})
        owners: dict[int, list[int]] = {}
        for team in world.teams:
            owners.setdefault(team.organisation_id, []).extend(
                u.pk for u in world.workers.get(team.pk, [])
            )
        first_employer, first_site = _next_id(Employer), _next_id(EmployerSite)
        employers: list[dict[str, Any]] = []
        sites: list[dict[str, Any]] = []
        sector_tags: list[tuple[str, ...]] = []
        sites_of: list[list[int]] = []
        for n in range(scale.employers):
            organisation = organisations[n % len(organisations)]
            sector, fits = rng.pick(_SECTORS)
            level = _weighted(rng, _CONFIDENT)
            employers.append(
                {
                    "id": first_employer + n,
                    "organisation_id": organisation,
                    "name": f"{rng.pick(_EMPLOYER_WORDS)} {rng.pick(_EMPLOYER_KINDS)} "
                    f"({tag}-{n + 1})",
                    "sector": sector,
                    "size": _weighted(rng, _SIZES),
                    "disability_confident": level,
                    "disability_confident_on": (
                        today - dt.timedelta(days=rng.between(30, 1200)) if level else None
                    ),
                    "relationship_owner_id": (
                        rng.pick(owners[organisation]) if owners.get(organisation) else None
                    ),
                }
            )
            sector_tags.append(tuple(t for t in fits if t in vocabulary))
            own = []
            for k in range(1 if rng.random() < 0.7 else 2):
                own.append(first_site + len(sites))
                sites.append(
                    {
                        "id": own[-1],
                        "employer_id": first_employer + n,
                        "name": "Main site" if k == 0 else f"Site {k + 1}",
                        "postcode": postcode(rng),
                        **_coordinates(rng),
                    }
                )
            sites_of.append(own)
        _insert(Employer, employers)
        _insert(EmployerSite, sites)
        self.employer_ids = [e["id"] for e in employers]

        tags_through = Opportunity.tags.through
        first_opportunity, first_tag = _next_id(Opportunity), _next_id(tags_through)
        codes = list(vocabulary)
        opportunities: list[dict[str, Any]] = []
        tag_rows: list[dict[str, Any]] = []
        open_count = 0
        for n in range(scale.opportunities):
            e = int(rng.random() * len(employers))
            kind = _weighted(rng, _KIND_SHARES)
            paid, low, high = _KIND_TERMS[kind]
            if kind == OpportunityKind.WORK_TRIAL and rng.random() < 0.3:
                paid = True
            pay = None
            if paid and kind == OpportunityKind.APPRENTICESHIP:
                pay = Decimal(f"{7.55 + rng.random():.2f}")
            elif paid and kind != OpportunityKind.SELF_EMPLOYED:
                pay = Decimal(f"{12.21 + rng.random() * 4:.2f}")
            picked = _tags_for(rng, sector_tags[e], codes)
            opened = today - dt.timedelta(days=rng.between(0, 300))
            closes = (
                opened + dt.timedelta(days=rng.between(14, 150)) if rng.random() < 0.6 else None
            )
            closed = (
                min(today, opened + dt.timedelta(days=rng.between(1, 60)))
                if rng.random() < 0.1
                else None
            )
            carved = kind == OpportunityKind.EMPLOYED and rng.random() < 0.1
            label = vocabulary[picked[0]][1] if picked else "general duties"
            opportunities.append(
                {
                    "id": first_opportunity + n,
                    "authority_id": world.authorities[n % len(world.authorities)].pk,
                    "opportunity_ref": f"{tag}-O{n + 1:07d}",
                    "employer_id": employers[e]["id"],
                    "site_id": rng.pick(sites_of[e]),
                    "title": _KIND_TITLES[kind].format(label.lower()).capitalize(),
                    "kind": kind,
                    "paid": paid,
                    "hours_per_week": Decimal(rng.between(low * 2, high * 2)) / 2,
                    "hourly_pay": pay,
                    "places": 1 if rng.random() < 0.7 else rng.between(2, 3),
                    "instead_of_interview": kind == OpportunityKind.WORK_TRIAL
                    and rng.random() < 0.4,
                    "carved_tasks": rng.sample(_CARVED_TASKS, 3) if carved else [],
                    "opened_on": opened,
                    "closes_on": closes,
                    "closed_on": closed,
                }
            )
            base = first_tag + len(tag_rows)
            tag_rows.extend(
                {
                    "id": base + i,
                    "opportunity_id": first_opportunity + n,
                    "interesttag_id": vocabulary[code][0],
                }
                for i, code in enumerate(picked)
            )
            if closed is None and (closes is None or closes >= today):
                open_count += 1
        _insert(Opportunity, opportunities)
        _insert(tags_through, tag_rows)
        _reset_sequences(Employer, EmployerSite, Opportunity, tags_through)
        world.counts.update(
            {
                "employers": len(employers),
                "sites": len(sites),
                "opportunities": len(opportunities),
                "opportunities.open": open_count,
            }
        )

    def profiles(self, world: Generated) -> None:
        """Vocational profiles for the people chosen by ``choose_profiled``: what they
        want from work, in the shapes real profiles take (some not said yet)."""
        if not self.profiled:
            return
        rng, today = self.work_rng, self.today
        vocabulary = _vocabulary()
        codes = list(vocabulary)
        kinds = [k for k, _ in _PROFILE_KINDS]
        weights = [w for _, w in _PROFILE_KINDS]
        through = VocationalProfile.interests.through
        first_profile, first_interest = _next_id(VocationalProfile), _next_id(through)
        profiles: list[dict[str, Any]] = []
        interests: list[dict[str, Any]] = []
        for n, episode in enumerate(self.profiled):
            roll = rng.random()
            fewest = most = None
            if roll < 0.75:  # both ends said
                fewest = Decimal(rng.between(2, 20))
                most = min(Decimal(48), fewest + rng.between(0, 24))
            elif roll < 0.88:  # "no more than"
                most = Decimal(rng.between(8, 30))
            profile_id = first_profile + n
            started = episode["started_on"]
            # Kinds in the vocabulary's order, as the profile form keeps them; a fifth
            # of people have not said yet.
            wanted = (
                set(rng.choices(kinds, weights, k=rng.between(1, 3)))
                if rng.random() < 0.8
                else set()
            )
            profiles.append(
                {
                    "id": profile_id,
                    "person_id": episode["person_id"],
                    "min_hours": fewest,
                    "max_hours": most,
                    "max_travel_km": (
                        Decimal(rng.between(10, 250)) / 10 if rng.random() < 0.9 else None
                    ),
                    "travel_modes": sorted(
                        {rng.pick(_TRAVEL_MODES) for _ in range(rng.between(1, 2))}
                    ),
                    "travel_training_needed": rng.pick((True, False, None)),
                    "kinds": [k for k in OpportunityKind.values if k in wanted],
                    "wants_paid_only": rng.pick((True, True, False, False, None)),
                    "better_off_calculation_on": (
                        _later_than(rng, started, today) if rng.random() < 0.3 else None
                    ),
                    "updated_on": _later_than(rng, started, today),
                }
            )
            picked = (
                rng.sample(codes, min(len(codes), rng.between(1, 4))) if rng.random() < 0.95 else []
            )
            base = first_interest + len(interests)
            interests.extend(
                {
                    "id": base + i,
                    "vocationalprofile_id": profile_id,
                    "interesttag_id": vocabulary[code][0],
                }
                for i, code in enumerate(sorted(picked))
            )
        _insert(VocationalProfile, profiles)
        _insert(through, interests)
        _reset_sequences(VocationalProfile, through)
        world.counts["profiles"] = len(profiles)

    def placements(self, world: Generated, people: list[dict[str, Any]]) -> None:
        """Job starts over the last three years, with their dated terms; for jobs started
        in an episode of support, the six post-start checks and the milestones reached."""
        scale, rng, today, tag = self.scale, self.job_rng, self.today, self.tag
        if not scale.placements or not self.employer_ids or not people:
            return
        horizon = today - dt.timedelta(days=365 * _JOB_YEARS)
        # Episodes with some of their time in the window: a job starts during one.
        episodes = [e for e in self.episodes if (e["ended_on"] or today) >= horizon]
        models_: tuple[type[Model], ...] = (Placement, PlacementTerms, PostStartCheck, Milestone)
        first = {model: _next_id(model) for model in models_}
        placements: list[dict[str, Any]] = []
        terms: list[dict[str, Any]] = []
        checks: list[dict[str, Any]] = []
        milestones: list[dict[str, Any]] = []
        evidence = MilestoneEvidence.values
        for n in range(scale.placements):
            placement_id = first[Placement] + n
            if episodes and rng.random() < 0.8:
                episode = rng.pick(episodes)
                low = max(episode["started_on"], horizon)
                start = _later_than(rng, low, episode["ended_on"] or today)
                person_id, authority_id = episode["person_id"], episode["authority_id"]
                episode_id, worker_id = episode["id"], episode["worker_id"]
            else:  # found without support
                person = rng.pick(people)
                start = _later_than(rng, horizon, today)
                person_id, authority_id = person["id"], person["authority_id"]
                episode_id = worker_id = None
            kind = _weighted(rng, _PLACEMENT_KINDS)
            paid, fewest, most = _KIND_TERMS[kind]
            hours = Decimal(rng.between(fewest * 2, most * 2)) / 2
            pay = None
            if paid and kind == OpportunityKind.APPRENTICESHIP:
                pay = Decimal(f"{7.55 + rng.random():.2f}")
            elif paid and kind != OpportunityKind.SELF_EMPLOYED:
                pay = Decimal(f"{11.44 + rng.random() * 4:.2f}")
            end = None
            if rng.random() < 0.35:
                end = start + dt.timedelta(days=rng.between(14, 730))
                end = end if end <= today else None
            base = first[PlacementTerms] + len(terms)
            terms.append(
                {
                    "id": base,
                    "placement_id": placement_id,
                    "effective_from": start,
                    "hours_per_week": hours,
                    "hourly_pay": pay,
                }
            )
            last_day = end or today
            if rng.random() < 0.2 and (last_day - start).days > 30:
                hours = min(Decimal(48), max(Decimal(2), hours + rng.between(-16, 16)))
                terms.append(
                    {
                        "id": base + 1,
                        "placement_id": placement_id,
                        "effective_from": _later_than(rng, start + dt.timedelta(days=30), last_day),
                        "hours_per_week": hours,
                        "hourly_pay": pay,
                    }
                )
            placements.append(
                {
                    "id": placement_id,
                    "authority_id": authority_id,
                    "placement_ref": f"{tag}-P{n + 1:07d}",
                    "person_id": person_id,
                    "episode_id": episode_id,
                    "employer_id": rng.pick(self.employer_ids),
                    "job_title": _KIND_TITLES[kind].format(rng.pick(_JOB_WORDS)).capitalize(),
                    "kind": kind,
                    "paid": paid,
                    "start_date": start,
                    "end_date": end,
                    "hours_per_week": hours,
                    "hourly_pay": pay,
                    "supported": episode_id is not None,
                    "end_reason": _weighted(rng, _END_REASONS) if end else "",
                }
            )
            if episode_id is None:
                continue
            settled = (today - start).days > 28  # older jobs have every check done
            for kind_of_check in CheckKind.values:
                done = rng.random() < (0.97 if settled else 0.4)
                checks.append(
                    {
                        "id": first[PostStartCheck] + len(checks),
                        "placement_id": placement_id,
                        "kind": kind_of_check,
                        "due_on": start + dt.timedelta(days=14),
                        "done_on": (
                            min(today, start + dt.timedelta(days=rng.between(1, 20)))
                            if done
                            else None
                        ),
                        "done_by_id": worker_id if done else None,
                    }
                )
            for weeks in MILESTONE_WEEKS:
                reached = start + dt.timedelta(weeks=weeks)
                if reached > today or (end is not None and end < reached):
                    break
                found = min(today, reached + dt.timedelta(days=rng.between(0, 6)))
                confirmed = (today - reached).days > 28 and rng.random() < 0.85
                milestones.append(
                    {
                        "id": first[Milestone] + len(milestones),
                        "placement_id": placement_id,
                        "weeks": weeks,
                        "reached_on": reached,
                        "found_on": found,
                        "confirmed_on": (
                            min(today, found + dt.timedelta(days=rng.between(1, 21)))
                            if confirmed
                            else None
                        ),
                        "confirmed_by_id": worker_id if confirmed else None,
                        "evidence": rng.pick(evidence) if confirmed else "",
                    }
                )
        _insert(Placement, placements)
        _insert(PlacementTerms, terms)
        _insert(PostStartCheck, checks)
        _insert(Milestone, milestones)
        _reset_sequences(Placement, PlacementTerms, PostStartCheck, Milestone)
        world.counts.update(
            {
                "placements": len(placements),
                "placements.paid": sum(1 for p in placements if p["paid"]),
                "placements.ended": sum(1 for p in placements if p["end_date"]),
                "placements.supported": sum(1 for p in placements if p["supported"]),
                "placement_terms": len(terms),
                "post_start_checks": len(checks),
                "milestones": len(milestones),
                "milestones.confirmed": sum(1 for m in milestones if m["confirmed_on"]),
            }
        )


def _later_than(rng: Dice, start: dt.date, today: dt.date) -> dt.date:
    """A day from ``start`` to ``today``."""
    return start + dt.timedelta(days=rng.between(0, max(0, (today - start).days)))


def _coordinates(rng: Dice) -> dict[str, Decimal]:
    """A point among the generated people (they live in the same box)."""
    return {
        "latitude": Decimal(f"{51.48 + rng.random() * 0.1:.6f}"),
        "longitude": Decimal(f"{-0.02 + rng.random() * 0.12:.6f}"),
    }


def _vocabulary() -> dict[str, tuple[int, str]]:
    """The interest tags by code: (id, label). The migrations seed them; a database
    flushed by a test may have none, so a few are added back then."""
    tags = {
        code: (pk, label)
        for pk, code, label in InterestTag.objects.values_list("pk", "code", "label")
    }
    if not tags:
        for code, label in _FALLBACK_TAGS:
            tag = InterestTag.objects.create(code=code, label=label)
            tags[code] = (tag.pk, label)
    return dict(sorted(tags.items()))


def _tags_for(rng: Dice, fits: Sequence[str], codes: Sequence[str]) -> list[str]:
    """One to four tags: mostly the employer's sector's, sometimes any other."""
    picked = {rng.pick(fits)} if fits else set()
    for _ in range(rng.between(0, 3)):
        picked.add(rng.pick(fits) if fits and rng.random() < 0.6 else rng.pick(codes))
    return sorted(picked) if picked else [rng.pick(codes)]


def _next_id(model: type[Model]) -> int:
    return (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def _insert(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """Insert plain rows with ``executemany``.

    The ORM's per-value preparation is what makes ``bulk_create`` slow at this scale, so
    only the values that need it (JSON, decimals, dates) are adapted, with the backend's
    own adapters. Missing columns take the field's default, computed once.
    """
    db = connections[DEFAULT_DB_ALIAS]  # the real connection: the proxy is slow per call
    ops = db.ops
    fields = list(model._meta.concrete_fields)
    defaults = {
        f.attname: f.get_db_prep_save(f.get_default(), db)
        for f in fields
        if f.has_default() or f.null or isinstance(f, models.CharField | models.TextField)
    }
    prepare: dict[str, Callable[[Any], Any]] = {}
    for f in fields:
        if isinstance(f, models.DateTimeField):
            prepare[f.attname] = ops.adapt_datetimefield_value
        elif isinstance(f, models.DateField):
            prepare[f.attname] = ops.adapt_datefield_value
        elif isinstance(f, models.JSONField | models.DecimalField):
            prepare[f.attname] = partial(f.get_db_prep_save, connection=db)
    plan = [(f.attname, prepare.get(f.attname)) for f in fields]
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column or f.attname) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608

    def values(row: dict[str, Any]) -> tuple:
        return tuple(
            (convert(row[name]) if convert and row[name] is not None else row[name])
            if name in row
            else defaults[name]
            for name, convert in plan
        )

    with db.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, [values(r) for r in rows[start : start + BATCH]])


def _reset_sequences(*models_: type[Model]) -> None:
    """Rows were inserted with their ids: move PostgreSQL's id sequences past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def generate(scale: Scale, *, today: dt.date | None = None) -> Generated:
    """Make a synthetic world of ``scale`` in one transaction and say what was made."""
    builder = _Builder(scale, today or timezone.localdate())
    with transaction.atomic():
        world = builder.staff()
        people = builder.people(world)
        builder.referrals(world, people)
        builder.employers(world)
        builder.profiles(world)
        builder.placements(world, people)
    return world
