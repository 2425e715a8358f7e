"""Reads at the front door, already scoped to what the user may see."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Lower, Replace
from django.utils import timezone

from pathways.casework.models import Episode
from pathways.casework.selectors import episodes_for
from pathways.core import policies
from pathways.core.models import Team, User
from pathways.core.policies import CASEWORK_ROLES
from pathways.people.models import Person
from pathways.people.selectors import people_for
from pathways.referrals.models import (
    LIVE_STATUSES,
    WAITING_STATUSES,
    HelpRequest,
    HelpStatus,
    Referral,
    Status,
)
from pathways.referrals.policy import help_request_policy, referral_policy


def referral_page_rows() -> QuerySet[Referral]:
    """Referrals with their person, team and worker (unscoped: the referral policy
    scopes it)."""
    return Referral.objects.select_related("person", "team", "team__authority", "worker")


def person_to_refer(user: User, team: Team, authority_code: str, person_ref: str) -> Person | None:
    """The resident of ``team``'s authority whose client reference is ``person_ref``, for
    a user who may refer into ``team``, whether or not they may see the person yet: a
    manager or specialist logs a referral into their team for someone the team does not
    know, and the referral is what then lets them see the person. Nothing about the
    person is shown until the referral exists.

    None when the user may not refer there, or when the reference is not one of that
    authority's residents, so a reference of another authority's person is answered
    exactly as a made-up one (the caller's usual "No such person")."""
    if not policies.can_refer_to(user, team) or authority_code != team.authority.code:
        return None
    return Person.objects.filter(authority_id=team.authority_id, person_ref=person_ref).first()


def referrals_for(user: User) -> QuerySet[Referral]:
    return referral_policy.visible(user, referral_page_rows())


def openable_referral_ids(user: User, person: Person) -> set[int]:
    """The person's referrals this user may open: others (to another provider's team)
    are listed without a link, so following one never ends in a refused read."""
    return set(
        referral_policy.visible(user, Referral.objects.filter(person=person)).values_list(
            "pk", flat=True
        )
    )


def triage_list(user: User, team: Team | None = None) -> QuerySet[Referral]:
    """New referrals awaiting a decision, oldest first."""
    qs = referrals_for(user).filter(status=Status.RECEIVED)
    if team is not None:
        qs = qs.filter(team=team)
    return qs.order_by("received_on", "id")


def triage_summary(user: User, teams: Sequence[Team]) -> dict[str, Any]:
    """How many new referrals to those of these teams where the user triages await a
    decision, how many of them are people coming back to the team (an ended episode
    with it: the "I want help again" requests among them), and the day the oldest was
    received. One query."""
    scope = policies.scope_of(user)
    triaged = [
        team.pk
        for team in teams
        if scope.is_superuser or scope.has_role_in_team(team.pk, *policies.TRIAGE_ROLES)
    ]
    returning = Exists(
        Episode.objects.filter(
            person=OuterRef("person_id"), team=OuterRef("team_id"), ended_on__isnull=False
        )
    )
    return (
        triage_list(user)
        .filter(team__in=triaged)
        .order_by()
        .aggregate(
            new=Count("pk"),
            returning=Count("pk", filter=Q(returning)),
            oldest=Min("received_on"),
        )
    )


def waiting_list(user: User, team: Team | None = None) -> QuerySet[Referral]:
    """Accepted referrals waiting for a worker: urgent first, then oldest first."""
    qs = referrals_for(user).filter(status__in=WAITING_STATUSES)
    if team is not None:
        qs = qs.filter(team=team)
    return qs.order_by("-urgent", "received_on", "id")


def earlier_episodes(user: User, person: Person) -> QuerySet[Episode]:
    """The person's ended episodes the user may see, most recent first: a returner's
    referral shows the support they had before."""
    return (
        episodes_for(user)
        .filter(person=person, ended_on__isnull=False)
        .select_related("team")
        .order_by("-ended_on", "-pk")
    )


def teams_of(user: User) -> QuerySet[Team]:
    """Teams the user belongs to, for filters on lists."""
    return Team.objects.filter(memberships__user=user).distinct().select_related("authority")


@dataclass
class WorkerLoad:
    worker: User
    open_cases: int
    cap: int | None

    @property
    def at_cap(self) -> bool:
        return self.cap is not None and self.open_cases >= self.cap

    @property
    def percent(self) -> int:
        if not self.cap:
            return 0
        return min(100, round(100 * self.open_cases / self.cap))

    @property
    def bar_step(self) -> int:
        """The bar's width in steps of 5%, as a CSS class (CSP forbids inline styles)."""
        return 5 * round(self.percent / 5)


def worker_loads(team: Team) -> list[WorkerLoad]:
    """Every caseload-carrying worker in the team against the team's cap (one query)."""
    workers = (
        User.objects.filter(
            is_active=True, memberships__team=team, memberships__role__in=CASEWORK_ROLES
        )
        .annotate(
            open_cases=Count("episodes", filter=Q(episodes__ended_on__isnull=True), distinct=True)
        )
        .order_by("last_name", "first_name", "email")
        .distinct()
    )
    return [WorkerLoad(w, w.open_cases, team.caseload_cap) for w in workers]


class _Median(Aggregate):
    """PostgreSQL's median: the 50th percentile, halfway between the middle two."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _days_waited(on: dt.date) -> Func:
    """Days from the referral to ``on`` (PostgreSQL: a date minus a date is days)."""
    return Func(
        Cast(Value(on), DateField()),
        F("received_on"),
        template="(%(expressions)s)",
        arg_joiner=" - ",
        output_field=IntegerField(),
    )


def waiting_summary(referrals: QuerySet[Referral], on: dt.date | None = None) -> dict[str, Any]:
    """How many wait (``length``), how many of them urgently (``urgent``), the median
    days waited (``median_days``) and the longest wait (``longest_days``) on a day, for
    the whole of ``referrals`` (a list shown a page at a time): one query. PostgreSQL
    works it out with aggregates; elsewhere (SQLite) the query reads each referral's
    date and urgency only, and the median is taken from them."""
    on = on or timezone.localdate()
    if connection.vendor == "postgresql":
        found = referrals.order_by().aggregate(
            length=Count("pk"),
            urgent=Count("pk", filter=Q(urgent=True)),
            median_days=_Median(_days_waited(on)),
            oldest=Min("received_on"),
        )
        oldest = found.pop("oldest")
        found["longest_days"] = (on - oldest).days if oldest else None
        return found
    rows = list(referrals.order_by().values_list("received_on", "urgent"))
    days = [(on - received).days for received, _urgent in rows]
    return {
        "length": len(rows),
        "urgent": sum(1 for _received, urgent in rows if urgent),
        "median_days": statistics.median(days) if days else None,
        "longest_days": max(days, default=None),
    }


def people_with_referrals() -> QuerySet[Person]:
    """People with their referrals, newest first, and each referral's team and worker
    (unscoped: the person policy scopes it)."""
    return Person.objects.select_related("authority").prefetch_related(
        Prefetch(
            "referrals",
            queryset=Referral.objects.select_related("team", "worker").order_by(
                "-received_on", "-id"
            ),
        )
    )


# --- Requests for help (the public form) ---------------------------------------------


def help_request_rows() -> QuerySet[HelpRequest]:
    """Requests with their authority (unscoped: the help request policy scopes it)."""
    return HelpRequest.objects.select_related("authority")


def new_help_requests(user: User) -> QuerySet[HelpRequest]:
    """Requests not yet dealt with, in the authorities where the user triages, oldest
    first."""
    return (
        help_request_policy.visible(user, help_request_rows())
        .filter(status=HelpStatus.NEW)
        .order_by("received_at", "id")
    )


def phone_digits(phone: str) -> str:
    """A UK phone number as digits from its leading 0 (``+44 7700 900982`` →
    ``07700900982``), for comparing numbers written in different ways."""
    digits = re.sub(r"\D", "", phone or "")
    if phone.strip().startswith("+44") or (digits.startswith("44") and len(digits) == 12):
        digits = "0" + digits[2:]
    return digits


def _stripped_phone() -> Replace:
    """A person's phone as stored, without the spaces, dashes and brackets people write."""
    expr: Any = F("phone")
    for mark in (" ", "-", "(", ")"):
        expr = Replace(expr, Value(mark), Value(""))
    return expr


#: Possible matches shown for each request, at most.
MATCHES_SHOWN = 5


def _matches(help_request: HelpRequest, person: Person) -> bool:
    if person.authority_id != help_request.authority_id:
        return False
    same_name = (
        help_request.date_of_birth is not None
        and person.date_of_birth == help_request.date_of_birth
        and person.given_name.strip().casefold() == help_request.given_name.strip().casefold()
        and person.family_name.strip().casefold() == help_request.family_name.strip().casefold()
    )
    same_email = bool(help_request.email) and (
        person.email.strip().casefold() == help_request.email.strip().casefold()
    )
    same_phone = (
        bool(help_request.phone)
        and bool(person.phone)
        and (phone_digits(person.phone) == phone_digits(help_request.phone))
    )
    return same_name or same_email or same_phone


def possible_matches(user: User, help_requests: Sequence[HelpRequest]) -> dict[int, list[Person]]:
    """For each request (by id), the people of its authority the user may see who may
    be the one asking: the same name and date of birth, or the same email address or
    phone number. One query for any number of requests; nobody the user may not see is
    mentioned."""
    found: dict[int, list[Person]] = {r.pk: [] for r in help_requests}
    wanted = Q()
    for r in help_requests:
        here = Q()
        if r.date_of_birth is not None:
            here |= Q(
                given_name__iexact=r.given_name.strip(),
                family_name__iexact=r.family_name.strip(),
                date_of_birth=r.date_of_birth,
            )
        if r.email:
            here |= Q(email_lower=r.email.strip().lower())
        if r.phone:
            digits = phone_digits(r.phone)
            here |= Q(phone_plain__in=[digits, "+44" + digits[1:]])
        if here:
            wanted |= Q(authority_id=r.authority_id) & here
    if not wanted:
        return found
    people = (
        people_for(user)
        .annotate(email_lower=Lower("email"), phone_plain=_stripped_phone())
        .filter(wanted)
        .order_by("family_name", "given_name", "pk")
    )
    for person in people:
        for r in help_requests:
            if len(found[r.pk]) < MATCHES_SHOWN and _matches(r, person):
                found[r.pk].append(person)
    return found


# --- Coming back for support ---------------------------------------------------------


@dataclass(frozen=True)
class SupportNow:
    """Where a person stands for "I want help again": their open episode, their live
    referral, and their most recent episode (any of them None)."""

    open_episode: Episode | None
    live_referral: Referral | None
    last_episode: Episode | None

    @property
    def may_come_back(self) -> bool:
        return (
            self.open_episode is None
            and self.live_referral is None
            and self.last_episode is not None
        )


def support_now(person: Person) -> SupportNow:
    """The person's own support, for their own portal (three short queries)."""
    episodes = Episode.objects.filter(person=person).select_related("team", "worker")
    return SupportNow(
        open_episode=episodes.filter(ended_on__isnull=True).first(),
        live_referral=Referral.objects.filter(person=person, status__in=LIVE_STATUSES)
        .select_related("team")
        .order_by("-received_on", "-pk")
        .first(),
        last_episode=episodes.order_by("-ended_on", "-started_on", "-pk").first(),
    )
