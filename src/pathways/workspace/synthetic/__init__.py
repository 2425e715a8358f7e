"""Synthetic boroughs at any scale, for benchmarks and tests that need volume.

The demo (``workspace/demo.py``) goes through the services so that its audit trail is real;
this generator writes plain rows instead (``bulk``: ``COPY`` on PostgreSQL), because a
benchmark needs a million people in minutes. The price is that no audit entries are
written and the business rules are kept by construction, not checked: every person has
at most one live referral and at most one open episode, a redirected referral points at
the onward referral it created, and no worker is given more open cases than their team's cap
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

The package follows the pathway, one module per step: ``staff`` (authorities, teams,
staff), ``people``, ``referrals`` (and the episodes allocation opens), ``casework``
(timeline activities and vocational profiles), ``employers`` (employers, sites,
opportunities) and ``employment`` (jobs); ``base`` holds the scale, the dice, names,
dates and postcodes, ``bulk`` the fast insert every step writes with, and
``distribution`` where each table would go on Citus.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from pathways.matching.services import all_columns_changed
from pathways.workspace.synthetic.base import (
    FAMILY_NAMES,
    GIVEN_NAMES,
    OUTWARD_CODES,
    Dice,
    Generated,
    Scale,
    birth_date,
    postcode,
)
from pathways.workspace.synthetic.bulk import BATCH, loading
from pathways.workspace.synthetic.employers import EmployerSteps
from pathways.workspace.synthetic.employment import EmploymentSteps
from pathways.workspace.synthetic.people import PeopleSteps
from pathways.workspace.synthetic.referrals import ReferralSteps
from pathways.workspace.synthetic.staff import TEAM_KINDS, StaffSteps

__all__ = [
    "BATCH",
    "FAMILY_NAMES",
    "GIVEN_NAMES",
    "OUTWARD_CODES",
    "TEAM_KINDS",
    "Dice",
    "Generated",
    "Scale",
    "birth_date",
    "generate",
    "postcode",
]


class _Builder(StaffSteps, PeopleSteps, ReferralSteps, EmployerSteps, EmploymentSteps):
    """One generation run with the steps of every module; ``generate`` runs them in order."""


def generate(
    scale: Scale,
    *,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> Generated:
    """Make a synthetic world of ``scale`` in one transaction and say what was made;
    ``progress`` is told, in a few words, as each step is done."""
    builder = _Builder(scale, today or timezone.localdate())
    say = progress or (lambda _: None)
    with transaction.atomic(), loading():
        world = builder.staff()
        say(f"staff: {world.counts['staff']}")
        people = builder.people(world)
        say(f"people: {world.counts['people']}")
        builder.referrals(world, people)
        say(
            f"referrals: {world.counts['referrals']}, episodes: {world.counts['episodes']}, "
            f"activities: {world.counts['activities']}"
        )
        builder.employers(world)
        builder.profiles(world)
        say(
            f"employers: {world.counts['employers']}, opportunities: "
            f"{world.counts['opportunities']}, profiles: {world.counts['profiles']}"
        )
        builder.placements(world, people)
        say(f"placements: {world.counts['placements']}")
        # Rows written in bulk send no signals: a matching cache in a running process
        # learns of them through the version of every authority's columns.
        all_columns_changed()
    return world
