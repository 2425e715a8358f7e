"""Appointments with the person: booking, changing and cancelling them.

Every change checks ``casework.policy`` (whoever may record activities on the episode:
its "work"), runs in one transaction with the episode locked, and is refused on a
closed episode (``services._lock_open``). A change or cancellation needs the version
the user read (``ConcurrentEdit`` otherwise), and moves the version on: the calendar
file's SEQUENCE, so the person's calendar takes the newer one. auditlog records each
change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pathways.casework.models import Appointment, Episode
from pathways.casework.policy import appointment_policy
from pathways.casework.services import _lock_open, _require, check_within_episode
from pathways.core.errors import ConcurrentEdit, IllegalTransition, PermissionDenied
from pathways.core.models import User

REFUSAL = "Only the person's worker or their team can book or change their appointments."
#: Shortest and longest appointment: a quick phone call to a working day.
MIN_MINUTES = 5
MAX_MINUTES = 8 * 60
#: Furthest ahead an appointment may be booked.
MAX_DAYS_AHEAD = 366
TEXT_LENGTH = 200
#: What ``change_appointment`` may change.
FIELDS = ("starts_at", "minutes", "place", "purpose", "with_whom")


def _text(value: str, field: str, what: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError({field: f"Enter {what}"})
    if len(value) > TEXT_LENGTH:
        raise ValidationError(
            {field: f"{what.capitalize()} must be {TEXT_LENGTH} characters or fewer"}
        )
    return value


def _minutes(minutes: int) -> int:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ValidationError(
            {"minutes": f"How long must be between {MIN_MINUTES} and {MAX_MINUTES} minutes"}
        )
    return minutes


def _when(starts_at: dt.datetime, episode: Episode) -> dt.datetime:
    """In the future, within a year, and not before the episode began."""
    if timezone.is_naive(starts_at):
        raise ValueError("An appointment's time must be timezone-aware.")
    now = timezone.now()
    if starts_at <= now:
        raise ValidationError(
            {"starts_at": "The appointment must be in the future: choose a later date or time"}
        )
    if starts_at > now + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError(
            {"starts_at": "The appointment must be within a year: choose an earlier date"}
        )
    check_within_episode(episode, timezone.localdate(starts_at), "starts_at", "appointment date")
    return starts_at


def _with_whom(episode: Episode, user: User | None, actor: User) -> User:
    """The worker by default (or whoever books, when nobody is allocated); anyone else
    must be active staff of the episode's team."""
    if user is None:
        return episode.worker if episode.worker is not None else actor
    if user.pk == episode.worker_id and user.is_active:
        return user
    if not user.is_active or not user.memberships.filter(team_id=episode.team_id).exists():
        raise ValidationError({"with_whom": "Choose the person's worker or someone in their team"})
    return user


def _lock(actor: User, appointment: Appointment, expected_version: int) -> Appointment:
    """The appointment, locked, after its episode (locked and open); refused to whoever
    may not change it, and when someone changed it since ``expected_version``."""
    if not appointment_policy.can(actor, "change", appointment):
        raise PermissionDenied(REFUSAL)
    episode = _lock_open(appointment.episode)
    fresh = (
        Appointment.objects.select_for_update().select_related("with_whom").get(pk=appointment.pk)
    )
    fresh.episode = episode  # the audit entry reads the person from it
    if fresh.version != expected_version:
        raise ConcurrentEdit(
            "Someone else changed this appointment while you were working on it. "
            "Check its current state and try again."
        )
    if fresh.status != Appointment.Status.BOOKED:
        raise IllegalTransition(
            f"This appointment is {fresh.get_status_display().lower()} and cannot be changed."
        )
    return fresh


@transaction.atomic
def book_appointment(
    actor: User,
    episode: Episode,
    *,
    starts_at: dt.datetime,
    minutes: int,
    place: str,
    purpose: str,
    with_whom: User | None = None,
) -> Appointment:
    """A new appointment in the open episode, in the future."""
    _require(actor, "work", episode, REFUSAL)
    episode = _lock_open(episode)
    return Appointment.objects.create(
        episode=episode,
        starts_at=_when(starts_at, episode),
        minutes=_minutes(minutes),
        place=_text(place, "place", "where the appointment is"),
        purpose=_text(purpose, "purpose", "what the appointment is for"),
        with_whom=_with_whom(episode, with_whom, actor),
        created_by=actor,
    )


@transaction.atomic
def change_appointment(
    actor: User, appointment: Appointment, *, expected_version: int, **fields: Any
) -> Appointment:
    """Change any of ``FIELDS`` of a booked appointment. A new time must be in the
    future; a new day means the reminder is sent again for it."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"change_appointment cannot change {', '.join(sorted(unknown))}")
    appointment = _lock(actor, appointment, expected_version)
    episode = appointment.episode
    if "starts_at" in fields:
        _when(fields["starts_at"], episode)
    if "minutes" in fields:
        _minutes(fields["minutes"])
    if "place" in fields:
        fields["place"] = _text(fields["place"], "place", "where the appointment is")
    if "purpose" in fields:
        fields["purpose"] = _text(fields["purpose"], "purpose", "what the appointment is for")
    if "with_whom" in fields:
        fields["with_whom"] = _with_whom(episode, fields["with_whom"], actor)
    changed = [name for name, value in fields.items() if getattr(appointment, name) != value]
    if not changed:
        return appointment
    for name in changed:
        setattr(appointment, name, fields[name])
    if "starts_at" in changed:  # a new reminder for the new day, with every try again
        appointment.reminded_at = None
        appointment.reminder_attempts = 0
        appointment.reminder_error = ""
        appointment.reminder_retry_at = None
        changed += ["reminded_at", "reminder_attempts", "reminder_error", "reminder_retry_at"]
    appointment.version += 1
    appointment.save(update_fields=[*changed, "version"])
    return appointment


@transaction.atomic
def cancel_appointment(
    actor: User, appointment: Appointment, *, expected_version: int, reason: str
) -> Appointment:
    """Cancel a booked appointment, saying why (the calendar file then says so too)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Enter why the appointment is cancelled"})
    appointment = _lock(actor, appointment, expected_version)
    appointment.status = Appointment.Status.CANCELLED
    appointment.cancelled_reason = reason
    appointment.version += 1
    appointment.save(update_fields=["status", "cancelled_reason", "version"])
    return appointment


@transaction.atomic
def mark_appointment_done(
    actor: User, appointment: Appointment, *, expected_version: int
) -> Appointment:
    """The appointment took place: from its start time on, never before."""
    appointment = _lock(actor, appointment, expected_version)
    if appointment.starts_at > timezone.now():
        raise IllegalTransition("This appointment has not started yet.")
    appointment.status = Appointment.Status.DONE
    appointment.version += 1
    appointment.save(update_fields=["status", "version"])
    return appointment
