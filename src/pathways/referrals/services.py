"""Every change at the front door: log, triage, prioritise and allocate referrals.

Each function checks permission through ``core.policies``, runs in one transaction
with the referral row locked, and refuses illegal moves with a message a user can act
on. Changes are audited by django-auditlog.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from pathways.casework.models import Episode
from pathways.casework.selectors import episodes_for
from pathways.casework.services import open_episode
from pathways.core import policies
from pathways.core.errors import (
    CaseloadCapReached,
    ConcurrentEdit,
    IllegalTransition,
    PermissionDenied,
)
from pathways.core.models import Team, User
from pathways.core.policies import CASEWORK_ROLES
from pathways.core.references import next_reference
from pathways.core.unusual import Confirmed, Unusual, settle
from pathways.people.models import Person
from pathways.people.services import create_person
from pathways.referrals import notices
from pathways.referrals.models import LIVE_STATUSES, WAITING_STATUSES, Referral, Source, Status
from pathways.referrals.policy import referral_policy
from pathways.referrals.selectors import person_to_refer, referrals_for


def _require(user: User, action: str, referral: Referral, message: str) -> None:
    if not referral_policy.can(user, action, referral):
        raise PermissionDenied(message)


def _lock(referral: Referral, expected_version: int | None) -> Referral:
    """Re-read the row under lock; refuse if someone changed it since the form was shown."""
    fresh = (
        Referral.objects.select_for_update().select_related("team", "person").get(pk=referral.pk)
    )
    if expected_version is not None and fresh.version != expected_version:
        raise ConcurrentEdit(
            "Someone else changed this referral while you were working on it. "
            "Check its current state and try again."
        )
    return fresh


def _save(referral: Referral, fields: list[str]) -> None:
    referral.version += 1
    referral.save(update_fields=[*fields, "version"])


def next_referral_ref(authority_id: int) -> str:
    """References like R000123, unique within the authority, race-free."""
    return next_reference(Referral.objects.all(), "referral_ref", "R", authority_id)


@transaction.atomic
def create_referral(
    actor: User,
    *,
    person: Person,
    team: Team,
    source: str,
    received_on: dt.date,
    notes: str = "",
    referral_ref: str | None = None,
    confirmed: Confirmed = False,
) -> Referral:
    """A referral of someone on record. When the actor may see an open episode or
    another open referral of the person, they are asked first (``core.unusual``)."""
    if not policies.can_refer_to(actor, team):
        raise PermissionDenied(f"You cannot make referrals to {team.name}.")
    return _new_referral(
        actor,
        person=person,
        team=team,
        source=source,
        received_on=received_on,
        notes=notes,
        referral_ref=referral_ref,
        confirmed=confirmed,
    )


def already_supported(actor: User, person: Person) -> list[Unusual]:
    """The person's open episodes and open referrals that the actor may see, each a
    warning with a link to it; nothing is said about those the actor may not see."""
    found = [
        Unusual(
            "team",
            f"{person.full_name} already has an open episode of support with "
            f"{episode.team.name}, since {episode.started_on:%-d %B %Y}.",
            link=reverse("casework:episode", args=[episode.pk]),
            link_text=f"Open the episode with {episode.team.name}",
        )
        for episode in episodes_for(actor)
        .filter(person=person, ended_on__isnull=True)
        .select_related("team")
        .order_by("started_on", "pk")
    ]
    found += [
        Unusual(
            "team",
            f"{person.full_name} already has an open referral to {referral.team.name} "
            f"({referral.referral_ref}, received {referral.received_on:%-d %B %Y}).",
            link=reverse("referrals:detail", args=[referral.pk]),
            link_text=f"Open referral {referral.referral_ref}",
        )
        for referral in referrals_for(actor)
        .filter(person=person, status__in=LIVE_STATUSES)
        .order_by("received_on", "pk")
    ]
    return found


@transaction.atomic
def refer_from_another_provider(
    actor: User, *, person: Person, team: Team, notes: str, received_on: dt.date | None = None
) -> Referral:
    """A referral from another provider's team (source ``other_provider``), received
    today, for the receiving team to triage like any other.

    The sender is not a member of the receiving team, so ``can_refer_to`` does not
    apply: the caller (``commissioning.onward.refer_onward``) has checked the sender's
    right (works with the person, the person's consent, the directory). The referral's
    own rules (same authority, one live referral per team) still hold here."""
    return _new_referral(
        actor,
        person=person,
        team=team,
        source=Source.OTHER_PROVIDER,
        received_on=received_on or timezone.localdate(),
        notes=notes,
        confirmed=True,  # the sender works with the person: an open episode is theirs
    )


def _new_referral(
    actor: User,
    *,
    person: Person,
    team: Team,
    source: str,
    received_on: dt.date,
    notes: str,
    referral_ref: str | None = None,
    confirmed: Confirmed = False,
) -> Referral:
    if team.authority_id != person.authority_id:
        raise IllegalTransition(
            f"{team.name} works for {team.authority.name}; "
            f"{person.full_name} lives in {person.authority.name}."
        )
    if received_on > timezone.localdate():
        raise IllegalTransition("The date received cannot be in the future.")
    if Referral.objects.filter(person=person, team=team, status__in=LIVE_STATUSES).exists():
        raise IllegalTransition(f"{person.full_name} already has an open referral to {team.name}.")
    if confirmed is not True:
        settle(already_supported(actor, person), confirmed)
    return Referral.objects.create(
        authority_id=person.authority_id,
        referral_ref=referral_ref or next_referral_ref(person.authority_id),
        person=person,
        team=team,
        source=source,
        received_on=received_on,
        notes=notes,
        created_by=actor,
    )


@transaction.atomic
def accept_referral(
    actor: User,
    referral: Referral,
    *,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Referral:
    """Accept a referral: the person joins the team's waiting list."""
    _require(actor, "triage", referral, "Only the team's intake officer or manager can accept.")
    referral = _lock(referral, expected_version)
    if referral.status != Status.RECEIVED:
        raise IllegalTransition(
            f"This referral is {referral.get_status_display().lower()}; "
            "only a newly received referral can be accepted."
        )
    referral.status = Status.ACCEPTED
    referral.decided_on = on or timezone.localdate()
    referral.decided_by = actor
    _save(referral, ["status", "decided_on", "decided_by"])
    return referral


@transaction.atomic
def decline_referral(
    actor: User,
    referral: Referral,
    *,
    reason: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Referral:
    _require(actor, "triage", referral, "Only the team's intake officer or manager can decline.")
    if not reason.strip():
        raise IllegalTransition("Give the reason for declining the referral.")
    referral = _lock(referral, expected_version)
    if referral.status not in (Status.RECEIVED, *WAITING_STATUSES):
        raise IllegalTransition(
            f"This referral is {referral.get_status_display().lower()} and cannot be declined."
        )
    referral.status = Status.DECLINED
    referral.decided_on = on or timezone.localdate()
    referral.decided_by = actor
    referral.decision_reason = reason.strip()
    _save(referral, ["status", "decided_on", "decided_by", "decision_reason"])
    return referral


@transaction.atomic
def redirect_referral(
    actor: User,
    referral: Referral,
    *,
    to_team: Team,
    reason: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Referral:
    """Send the person onward to another team; returns the new referral there."""
    _require(actor, "triage", referral, "Only the team's intake officer or manager can redirect.")
    if not reason.strip():
        raise IllegalTransition("Give the reason for redirecting the referral.")
    referral = _lock(referral, expected_version)
    if referral.status not in (Status.RECEIVED, *WAITING_STATUSES):
        raise IllegalTransition(
            f"This referral is {referral.get_status_display().lower()} and cannot be redirected."
        )
    if to_team.pk == referral.team_id:
        raise IllegalTransition("Choose a different team to redirect to.")
    if to_team.authority_id != referral.authority_id:
        raise IllegalTransition(f"{to_team.name} does not work for this person's authority.")
    if Referral.objects.filter(
        person_id=referral.person_id, team=to_team, status__in=LIVE_STATUSES
    ).exists():
        raise IllegalTransition(f"The person already has an open referral to {to_team.name}.")
    day = on or timezone.localdate()
    onward = Referral.objects.create(
        authority_id=referral.authority_id,
        referral_ref=next_referral_ref(referral.authority_id),
        person_id=referral.person_id,
        team=to_team,
        source=referral.source,
        received_on=day,
        notes=f"Redirected from {referral.team.name}: {reason.strip()}",
        created_by=actor,
    )
    referral.status = Status.REDIRECTED
    referral.decided_on = day
    referral.decided_by = actor
    referral.decision_reason = reason.strip()
    referral.redirected_to = onward
    _save(referral, ["status", "decided_on", "decided_by", "decision_reason", "redirected_to"])
    notices.referral_redirected(actor, onward)
    return onward


@transaction.atomic
def close_referral(
    actor: User,
    referral: Referral,
    *,
    reason: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Referral:
    """The person withdrew or no longer needs support before allocation."""
    _require(actor, "triage", referral, "Only the team's intake officer or manager can close.")
    if not reason.strip():
        raise IllegalTransition("Give the reason for closing the referral.")
    referral = _lock(referral, expected_version)
    if referral.status not in (Status.RECEIVED, *WAITING_STATUSES):
        raise IllegalTransition(
            f"This referral is {referral.get_status_display().lower()} and cannot be closed."
        )
    referral.status = Status.CLOSED
    referral.decided_on = on or timezone.localdate()
    referral.decided_by = actor
    referral.decision_reason = reason.strip()
    _save(referral, ["status", "decided_on", "decided_by", "decision_reason"])
    return referral


@transaction.atomic
def set_urgent(
    actor: User,
    referral: Referral,
    *,
    urgent: bool,
    reason: str = "",
    expected_version: int | None = None,
) -> Referral:
    """A manager moves someone to the top of the waiting list, saying why."""
    _require(actor, "set_urgent", referral, "Only the team manager can mark a referral urgent.")
    if urgent and not reason.strip():
        raise IllegalTransition("Give the reason this referral is urgent.")
    referral = _lock(referral, expected_version)
    if referral.status not in (Status.RECEIVED, *WAITING_STATUSES):
        raise IllegalTransition("Only a referral that is still waiting can be marked urgent.")
    referral.urgent = urgent
    referral.urgent_reason = reason.strip() if urgent else ""
    _save(referral, ["urgent", "urgent_reason"])
    return referral


def open_caseload(worker: User) -> int:
    return Episode.objects.filter(worker=worker, ended_on__isnull=True).count()


def allocatable_workers(team: Team) -> QuerySet[User]:
    """The team's caseload-carrying staff with their open cases, fewest first."""
    return (
        User.objects.filter(
            is_active=True, memberships__team=team, memberships__role__in=CASEWORK_ROLES
        )
        .annotate(open_cases=Count("episodes", filter=Q(episodes__ended_on__isnull=True)))
        .distinct()
        .order_by("open_cases", "last_name", "first_name")
    )


@transaction.atomic
def allocate(
    actor: User,
    referral: Referral,
    *,
    worker: User,
    override_reason: str = "",
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Episode:
    """Allocate a waiting referral to a worker, opening an episode of support.

    A worker at their team's caseload cap can only be given another case by a team
    manager who says why; otherwise the person stays on the waiting list.
    """
    _require(actor, "allocate", referral, "Only the team's intake officer or manager can allocate.")
    referral = _lock(referral, expected_version)
    if referral.status not in WAITING_STATUSES:
        raise IllegalTransition(
            f"This referral is {referral.get_status_display().lower()}; "
            "only an accepted referral on the waiting list can be allocated."
        )
    team = referral.team
    if not worker.memberships.filter(team=team, role__in=CASEWORK_ROLES).exists():
        raise IllegalTransition(f"{worker} does not carry a caseload in {team.name}.")
    # Lock the worker's row so two allocations cannot both squeeze under the cap.
    User.objects.select_for_update().filter(pk=worker.pk).first()
    cases = open_caseload(worker)
    override_reason = override_reason.strip()
    if team.caseload_cap is not None and cases >= team.caseload_cap:
        if not override_reason:
            facts = (
                f"{worker} has {cases} open cases; the cap for {team.name} is {team.caseload_cap}."
            )
            raise CaseloadCapReached(
                f"{facts} A team manager can allocate over the cap with a reason.", facts
            )
        _require(
            actor,
            "override_cap",
            referral,
            "Only a team manager can allocate over the caseload cap.",
        )
    else:
        override_reason = ""
    day = on or timezone.localdate()
    referral.status = Status.ALLOCATED
    referral.worker = worker
    referral.allocated_on = day
    referral.override_reason = override_reason
    _save(referral, ["status", "worker", "allocated_on", "override_reason"])
    if Episode.objects.filter(
        person_id=referral.person_id, team=team, ended_on__isnull=True
    ).exists():
        raise IllegalTransition(
            f"{referral.person.full_name} already has an open episode with {team.name}."
        )
    episode = open_episode(
        authority_id=referral.authority_id,
        person_id=referral.person_id,
        team_id=team.pk,
        worker=worker,
        referral_id=referral.pk,
        started_on=day,
    )
    notices.case_allocated(actor, episode)
    return episode


@transaction.atomic
def refer_new_person(
    actor: User,
    *,
    team: Team,
    person_fields: dict,
    source: str,
    received_on: dt.date,
    notes: str = "",
    confirmed: Confirmed = False,
) -> Referral:
    """Add someone not yet known and refer them, both or neither.

    A client reference already on record in the team's authority names a resident the
    team does not know yet: they are referred as they are when the name and date of
    birth given are theirs, as the API refers by reference alone
    (``selectors.person_to_refer``). Otherwise the reference is refused as in use,
    which tells no more about whose it is, unless the actor may see them: then the
    refusal links to their record.

    What is unusual is asked about first (``core.unusual``): the date of birth, someone
    the actor may see with the same name and date of birth, an open episode or
    referral of the person."""
    known = person_to_refer(actor, team, team.authority.code, person_fields["person_ref"])
    if known is not None and _same_person(known, person_fields):
        person = known
    else:
        person = create_person(
            actor, authority=team.authority, confirmed=confirmed, **person_fields
        )
    return create_referral(
        actor,
        person=person,
        team=team,
        source=source,
        received_on=received_on,
        notes=notes,
        confirmed=confirmed,
    )


def _same_person(person: Person, fields: dict) -> bool:
    """The name (any letter case, spaces round it ignored) and date of birth given are
    the person's."""

    def same(a: str, b: str) -> bool:
        return a.strip().casefold() == b.strip().casefold()

    return (
        same(person.given_name, fields.get("given_name") or "")
        and same(person.family_name, fields.get("family_name") or "")
        and person.date_of_birth == fields.get("date_of_birth")
    )


#: The longest message with a request to come back: a few paragraphs.
MAX_COME_BACK_WORDS = 2000


@transaction.atomic
def ask_to_come_back(person: Person, *, by: User, words: str = "") -> Referral:
    """The person whose support ended asks to come back ("I want help again"): a
    self-referral, received today, to the team of their most recent episode, with their
    own words as its notes. When a worker is allocated, the new episode is linked to the
    earlier ones (``casework.services.open_episode``). The team's intake officers are
    told.

    ``by`` is the account asking (the person's own); who may act for whom is the
    portal's to check. Refused while the person has an open episode or a live referral:
    their coach or the team already has them."""
    # One request at a time for the person: two taps make one referral.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    open_episode_now = (
        Episode.objects.filter(person=person, ended_on__isnull=True).select_related("team").first()
    )
    if open_episode_now is not None:
        raise IllegalTransition(
            f"You already get support from {open_episode_now.team.name}. "
            "Send your coach a message instead."
        )
    live = Referral.objects.filter(person=person, status__in=LIVE_STATUSES).first()
    if live is not None:
        raise IllegalTransition(
            f"You have already asked for help. {live.team.name} will contact you soon."
        )
    last = (
        Episode.objects.filter(person=person)
        .select_related("team")
        .order_by("-ended_on", "-started_on", "-pk")
        .first()
    )
    if last is None:
        raise IllegalTransition(
            "We cannot find support you had before. Ask for help to find work instead."
        )
    words = words.strip()
    if len(words) > MAX_COME_BACK_WORDS:
        raise ValidationError(
            {"words": f"Write less. Use {MAX_COME_BACK_WORDS:,} letters or fewer."}
        )
    notes = "Asked to come back for support (I want help again)."
    if words:
        notes += f"\nIn their words: {words}"
    referral = _new_referral(
        by,
        person=person,
        team=last.team,
        source=Source.SELF,
        received_on=timezone.localdate(),
        notes=notes,
        confirmed=True,  # checked above, whoever may see what
    )
    notices.come_back_asked(by, referral)
    return referral
