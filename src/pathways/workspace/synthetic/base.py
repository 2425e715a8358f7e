"""What every step of the generator shares: the scale, the dice, names, dates, places.

:class:`Scale` says how big a world to make and :class:`Generated` hands back what was
made. :class:`Builder` is one run's state (the random streams, the clock, the rows the
later steps build on); each step module adds its steps to it. The demo borough uses
the names, :class:`Dice`, :func:`birth_date` and :func:`postcode` too.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password

from pathways.core.models import Authority, InterestTag, Team, User

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

T = TypeVar("T")

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
    #: Organisations the teams that hold cases are dealt over (in turn, across the
    #: authorities), so that many providers have people; 0 keeps one organisation per
    #: kind of team (a council, an NHS trust, a charity) shared by every authority.
    providers: int = 0
    #: Timeline entries, shared over the episodes by how long each has run (about ten
    #: per person in support at the national scale); written as a stream.
    activities: int = 0


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


def weighted(rng: Dice, table: tuple[tuple[str, int], ...]) -> str:
    """One of the table's states, drawn in proportion to its weight."""
    roll = rng.random() * sum(w for _, w in table)
    for state, weight in table:
        roll -= weight
        if roll < 0:
            return state
    return table[-1][0]


def day_between(rng: Dice, start: dt.date, today: dt.date) -> dt.date:
    """A day from ``start`` to ``today``."""
    return start + dt.timedelta(days=rng.between(0, max(0, (today - start).days)))


def interest_vocabulary() -> dict[str, tuple[int, str]]:
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


class Builder:
    """One generation run: holds the random stream, the clock and the staff handles.

    Each step module adds its steps in a subclass; ``generate`` runs them all on one.
    """

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
