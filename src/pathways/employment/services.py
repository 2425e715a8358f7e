"""Every change to placements: a job start (from an accepted candidacy, or a job the
person found themself), a change of hours or pay, and the job's end.

Each checks that the actor works with the person, runs in one transaction, and keeps
the episode's stage in step: a job start moves it to in-work support, and a job end
with no other job left reopens job finding.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pathways.casework.models import Episode, Stage, StageEntry
from pathways.core import policies
from pathways.core.errors import ActionRefused, ConcurrentEdit, IllegalTransition, PermissionDenied
from pathways.core.models import User
from pathways.employers.models import Candidacy, CandidacyStatus, Employer
from pathways.employment.models import Placement, PlacementEndReason, PlacementTerms
from pathways.people.models import Person


def _require_works_with(actor: User, person: Person) -> None:
    scope = policies.scope_of(actor)
    if not (scope.is_superuser or policies.works_with_person(scope, actor, person.pk)):
        raise PermissionDenied("Only the person's worker or their team can record their work.")


def _open_episode(person: Person) -> Episode | None:
    return (
        Episode.objects.select_for_update()
        .filter(person=person, ended_on__isnull=True)
        .order_by("-started_on", "-pk")
        .first()
    )


def _move_stage(episode: Episode | None, stage: str, on: dt.date, actor: User) -> None:
    """Keep the episode's stage in step with the person's work (no-op when closed or
    already there)."""
    if episode is None or episode.stage == stage:
        return
    StageEntry.objects.create(episode=episode, stage=stage, entered_on=on, recorded_by=actor)
    episode.stage = stage
    episode.version += 1
    episode.save(update_fields=["stage", "version"])


def _check_terms(hours: Decimal, pay: Decimal | None, paid: bool) -> None:
    errors = {}
    if hours is None or hours <= 0 or hours > 80:
        errors["hours_per_week"] = "Enter the hours a week, more than 0 and at most 80."
    if pay is not None and not paid:
        errors["hourly_pay"] = "Unpaid work has no hourly pay."
    if pay is not None and pay < 0:
        errors["hourly_pay"] = "The hourly pay cannot be negative."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_job_start(
    actor: User,
    person: Person,
    *,
    start_date: dt.date,
    employer: Employer | None = None,
    job_title: str = "",
    kind: str = "",
    paid: bool | None = None,
    hours_per_week: Decimal | None = None,
    hourly_pay: Decimal | None = None,
    supported: bool | None = True,
    candidacy: Candidacy | None = None,
) -> Placement:
    """A job start. From an accepted candidacy the opportunity supplies whatever is not
    given; for a job the person found themself, every detail is given."""
    _require_works_with(actor, person)
    if start_date > timezone.localdate() + dt.timedelta(days=62):
        raise ValidationError({"start_date": "Record a job start at most two months ahead."})
    if candidacy is not None:
        candidacy = Candidacy.objects.select_related("opportunity").get(pk=candidacy.pk)
        if candidacy.person_id != person.pk:
            raise ActionRefused("This candidacy is someone else's.")
        if candidacy.status != CandidacyStatus.ACCEPTED:
            raise IllegalTransition("Only an accepted offer becomes a job start.")
        if Placement.objects.filter(candidacy=candidacy).exists():
            raise IllegalTransition("This offer's job start is already recorded.")
        opportunity = candidacy.opportunity
        employer = employer or opportunity.employer
        job_title = job_title or opportunity.title
        kind = kind or opportunity.kind
        paid = opportunity.paid if paid is None else paid
        hours_per_week = (
            hours_per_week if hours_per_week is not None else opportunity.hours_per_week
        )
        hourly_pay = hourly_pay if hourly_pay is not None else opportunity.hourly_pay
    errors: dict[str, Any] = {}
    if employer is None:
        errors["employer"] = "Choose the employer."
    if not job_title.strip():
        errors["job_title"] = "Enter the job title."
    if not kind:
        errors["kind"] = "Choose the kind of work."
    if paid is None:
        errors["paid"] = "Say whether the work is paid."
    if errors:
        raise ValidationError(errors)
    assert hours_per_week is not None and paid is not None and employer is not None
    _check_terms(hours_per_week, hourly_pay, paid)
    episode = _open_episode(person)
    placement = Placement(
        authority_id=person.authority_id,
        placement_ref="pending",
        person=person,
        episode=episode,
        candidacy=candidacy,
        employer=employer,
        job_title=job_title.strip(),
        kind=kind,
        paid=paid,
        start_date=start_date,
        hours_per_week=hours_per_week,
        hourly_pay=hourly_pay,
        supported=supported,
    )
    placement.full_clean(exclude=["placement_ref"])
    placement.save()
    placement.placement_ref = f"PL{placement.pk:06d}"
    placement.save(update_fields=["placement_ref"])
    PlacementTerms.objects.create(
        placement=placement,
        effective_from=start_date,
        hours_per_week=hours_per_week,
        hourly_pay=hourly_pay,
    )
    _move_stage(episode, Stage.IN_WORK_SUPPORT, min(start_date, timezone.localdate()), actor)
    return placement


def _lock(placement: Placement, expected_version: int | None) -> Placement:
    fresh = Placement.objects.select_for_update().select_related("person").get(pk=placement.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ConcurrentEdit(
            "Someone else changed this job while you were working on it. "
            "Check its current details and try again."
        )
    return fresh


@transaction.atomic
def change_terms(
    actor: User,
    placement: Placement,
    *,
    effective_from: dt.date,
    hours_per_week: Decimal,
    hourly_pay: Decimal | None,
    expected_version: int | None = None,
) -> PlacementTerms:
    """New hours or pay from a date; the history is kept, so reports on earlier dates
    still use the hours then."""
    _require_works_with(actor, placement.person)
    placement = _lock(placement, expected_version)
    if effective_from < placement.start_date:
        raise ValidationError({"effective_from": "The change cannot be before the job started."})
    if placement.end_date is not None and effective_from > placement.end_date:
        raise ValidationError({"effective_from": "The job had ended by then."})
    _check_terms(hours_per_week, hourly_pay, placement.paid)
    terms, _ = PlacementTerms.objects.update_or_create(
        placement=placement,
        effective_from=effective_from,
        defaults={"hours_per_week": hours_per_week, "hourly_pay": hourly_pay},
    )
    latest = placement.terms.order_by("-effective_from").first()
    assert latest is not None
    placement.hours_per_week, placement.hourly_pay = latest.hours_per_week, latest.hourly_pay
    placement.version += 1
    placement.save(update_fields=["hours_per_week", "hourly_pay", "version"])
    return terms


@transaction.atomic
def end_placement(
    actor: User,
    placement: Placement,
    *,
    end_date: dt.date,
    reason: str,
    expected_version: int | None = None,
) -> Placement:
    """The job ended. With no other job left, the open episode goes back to job
    finding."""
    _require_works_with(actor, placement.person)
    placement = _lock(placement, expected_version)
    if placement.end_date is not None:
        raise IllegalTransition("This job has already ended.")
    if end_date < placement.start_date:
        raise ValidationError({"end_date": "The job cannot end before it started."})
    if end_date > timezone.localdate():
        raise ValidationError({"end_date": "The end date cannot be in the future."})
    if reason not in PlacementEndReason.values:
        raise ValidationError({"end_reason": "Choose why the job ended."})
    placement.end_date = end_date
    placement.end_reason = reason
    placement.version += 1
    placement.save(update_fields=["end_date", "end_reason", "version"])
    still_working = (
        Placement.objects.filter(person_id=placement.person_id, start_date__lte=end_date)
        .exclude(pk=placement.pk)
        .filter(end_date__isnull=True)
        .exists()
    )
    if not still_working:
        _move_stage(_open_episode(placement.person), Stage.JOB_FINDING, end_date, actor)
    return placement
