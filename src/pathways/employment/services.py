"""Every change to placements: a job start (from an accepted candidacy, or a job the
person found themself), a change of hours or pay, and the job's end; and the in-work
support that follows: the six post-start checks, the fading plan, Access to Work,
milestones and progression to unsupported work.

Each checks that the actor works with the person, runs in one transaction, and keeps
the episode's stage in step: a job start moves it to in-work support (and sets the
checks), and a job end with no other job left reopens job finding. ``find_milestones``
is the daily job's, with no actor: it only records what the dates say.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from pathways.casework.models import EndReason, Episode, Stage
from pathways.casework.policy import may_work_with
from pathways.casework.services import check_within_episode, enter_stage
from pathways.core.errors import ActionRefused, ConcurrentEdit, IllegalTransition, PermissionDenied
from pathways.core.models import Team, User
from pathways.core.unusual import Confirmed, Unusual, check_hourly_pay, settle
from pathways.employers.candidacies.models import Candidacy, CandidacyStatus
from pathways.employers.engagement.models import Employer
from pathways.employment.models import (
    MILESTONE_WEEKS,
    AccessToWork,
    AccessToWorkStatus,
    CheckKind,
    FadingStep,
    Milestone,
    MilestoneEvidence,
    Placement,
    PlacementEndReason,
    PlacementTerms,
    PostStartCheck,
)
from pathways.people.models import Person


def _require_works_with(actor: User, person: Person) -> None:
    if not may_work_with(actor, person.pk):
        raise PermissionDenied("Only the person's worker or their team can record their work.")


def _open_episode(person: Person) -> Episode | None:
    return (
        Episode.objects.select_for_update()
        .filter(person=person, ended_on__isnull=True)
        .order_by("-started_on", "-pk")
        .first()
    )


def _check_terms(hours: Decimal, pay: Decimal | None, paid: bool) -> list[Unusual]:
    """Refuse hours and pay that cannot be; return what is only unusual (the pay:
    ``core.unusual.check_hourly_pay``)."""
    errors = {}
    if hours is None or hours <= 0 or hours > 80:
        errors["hours_per_week"] = "Enter the hours a week, more than 0 and at most 80."
    if pay is not None and not paid:
        errors["hourly_pay"] = "Unpaid work has no hourly pay."
    if pay is not None and pay < 0:
        errors["hourly_pay"] = "The hourly pay cannot be negative."
    if errors:
        raise ValidationError(errors)
    return check_hourly_pay(pay)


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
    confirmed: Confirmed = False,
) -> Placement:
    """A job start. From an accepted candidacy the opportunity supplies whatever is not
    given; for a job the person found themself, every detail is given. Unusual pay is
    asked about first (``core.unusual``)."""
    _require_works_with(actor, person)
    if start_date > timezone.localdate() + dt.timedelta(days=62):
        raise ValidationError({"start_date": "Record a job start at most two months ahead."})
    if candidacy is not None:
        # Locked: two coaches recording the same offer at once get one job and a clear
        # refusal, not a database error.
        candidacy = (
            Candidacy.objects.select_for_update().select_related("opportunity").get(pk=candidacy.pk)
        )
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
    unusual = _check_terms(hours_per_week, hourly_pay, paid)
    episode = _open_episode(person)
    if episode is not None:
        # Jobs held before this support began are history: the placements import brings
        # them in, unlinked from the episode.
        check_within_episode(episode, start_date, "start_date", "job start")
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
    settle(unusual, confirmed)
    placement.save()
    placement.placement_ref = _new_ref(placement)
    placement.save(update_fields=["placement_ref"])
    PlacementTerms.objects.create(
        placement=placement,
        effective_from=start_date,
        hours_per_week=hours_per_week,
        hourly_pay=hourly_pay,
    )
    _set_checks(placement, episode)
    enter_stage(episode, Stage.IN_WORK_SUPPORT, on=min(start_date, timezone.localdate()), by=actor)
    return placement


def _new_ref(placement: Placement) -> str:
    """``PL`` and the id, unless an imported job already has that reference in the
    authority: then a letter is added (PL000042A, PL000042B…)."""
    base = f"PL{placement.pk:06d}"
    taken = set(
        Placement.objects.filter(
            authority_id=placement.authority_id, placement_ref__startswith=base
        ).values_list("placement_ref", flat=True)
    )
    for suffix in ["", *"ABCDEFGHIJKLMNOPQRSTUVWXYZ"]:
        if base + suffix not in taken:
            return base + suffix
    raise ActionRefused(f"Every reference from {base} is taken; import this job with its own.")


def _set_checks(placement: Placement, episode: Episode | None) -> None:
    """The six post-start checks, due the team's number of days after the start."""
    days = (
        episode.team.post_start_check_days
        if episode is not None
        else Team._meta.get_field("post_start_check_days").get_default()
    )
    due = placement.start_date + dt.timedelta(days=days)
    for kind in CheckKind.values:  # one by one, so each is on the audit trail
        PostStartCheck.objects.create(placement=placement, kind=kind, due_on=due)


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
    confirmed: Confirmed = False,
) -> PlacementTerms:
    """New hours or pay from a date; the history is kept, so reports on earlier dates
    still use the hours then. Unusual pay is asked about first (``core.unusual``)."""
    _require_works_with(actor, placement.person)
    placement = _lock(placement, expected_version)
    if effective_from < placement.start_date:
        raise ValidationError({"effective_from": "The change cannot be before the job started."})
    if placement.end_date is not None and effective_from > placement.end_date:
        raise ValidationError({"effective_from": "The job had ended by then."})
    settle(_check_terms(hours_per_week, hourly_pay, placement.paid), confirmed)
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
    # A milestone found before the (back-dated) end became known was never reached.
    for milestone in placement.milestones.filter(
        confirmed_on__isnull=True, reached_on__gt=end_date
    ):
        milestone.delete()  # one by one, so each is on the audit trail
    still_working = (
        Placement.objects.filter(person_id=placement.person_id, start_date__lte=end_date)
        .exclude(pk=placement.pk)
        .filter(end_date__isnull=True)
        .exists()
    )
    if not still_working:
        episode = _open_episode(placement.person)
        # A job that ended before this episode began never moved its stage.
        if episode is not None and end_date >= episode.started_on:
            enter_stage(episode, Stage.JOB_FINDING, on=end_date, by=actor)
    return placement


def _not_future(day: dt.date, field: str, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: f"{what} cannot be in the future."})


@transaction.atomic
def complete_check(
    actor: User, check: PostStartCheck, *, done_on: dt.date, notes: str = ""
) -> PostStartCheck:
    """Tick off one post-start check."""
    check = (
        PostStartCheck.objects.select_for_update()
        .select_related("placement__person")
        .get(pk=check.pk)
    )
    _require_works_with(actor, check.placement.person)
    if check.done_on is not None:
        raise IllegalTransition(f"“{check.get_kind_display()}” was already done.")
    _not_future(done_on, "done_on", "The date it was done")
    if done_on < check.placement.start_date:
        raise ValidationError({"done_on": "A post-start check cannot be done before the start."})
    check.done_on, check.done_by, check.notes = done_on, actor, notes.strip()
    check.save(update_fields=["done_on", "done_by", "notes"])
    return check


@transaction.atomic
def set_fading_plan(
    actor: User,
    placement: Placement,
    steps: list[tuple[dt.date, Decimal]],
    *,
    expected_version: int | None = None,
) -> list[FadingStep]:
    """Replace the fading plan with these steps (planned coaching hours a week from each
    date), all or nothing."""
    _require_works_with(actor, placement.person)
    placement = _lock(placement, expected_version)
    if not steps:
        raise ValidationError({"steps": "Give at least one week's planned hours."})
    days = [day for day, _ in steps]
    if len(set(days)) != len(days):
        raise ValidationError({"steps": "Give each date once."})
    for number, (day, hours) in enumerate(sorted(steps), start=1):
        if day < placement.start_date:
            raise ValidationError(
                {"steps": f"Step {number}: starts before the job did ({placement.start_date})."}
            )
        if hours is None or hours < 0 or hours > 40:
            raise ValidationError(
                {"steps": f"Step {number}: planned hours must be from 0 to 40 a week."}
            )
    placement.fading_steps.all().delete()
    created = [  # one by one, so each is on the audit trail
        FadingStep.objects.create(placement=placement, starts_on=day, planned_hours=hours)
        for day, hours in sorted(steps)
    ]
    placement.version += 1
    placement.save(update_fields=["version"])
    return created


@transaction.atomic
def record_access_to_work(
    actor: User,
    placement: Placement,
    *,
    status: str,
    funds: str = "",
    applied_on: dt.date | None = None,
    decided_on: dt.date | None = None,
    award_ends_on: dt.date | None = None,
    expected_version: int | None = None,
) -> AccessToWork:
    """Record where the Access to Work application stands. ``expected_version`` is the
    Access to Work record's, when one exists."""
    _require_works_with(actor, placement.person)
    _lock(placement, None)  # the first record, made by two people at once, is made once
    record = AccessToWork.objects.select_for_update().filter(placement=placement).first()
    if record and expected_version is not None and record.version != expected_version:
        raise ConcurrentEdit(
            "Someone else changed Access to Work for this job while you were working on it. "
            "Check its current details and try again."
        )
    errors: dict[str, str] = {}
    if status not in AccessToWorkStatus.values:
        errors["status"] = "Choose where the application stands."
    decided = status in (AccessToWorkStatus.APPROVED, AccessToWorkStatus.REFUSED)
    if (status == AccessToWorkStatus.APPLIED or decided) and applied_on is None:
        errors["applied_on"] = "Enter the date the application was made."
    if decided and decided_on is None:
        errors["decided_on"] = "Enter the date of the decision."
    if applied_on and decided_on and decided_on < applied_on:
        errors["decided_on"] = "The decision cannot come before the application."
    if status == AccessToWorkStatus.APPROVED and not funds.strip():
        errors["funds"] = "Say what the award funds."
    if award_ends_on and status != AccessToWorkStatus.APPROVED:
        errors["award_ends_on"] = "Only an approved award has an end date."
    elif award_ends_on and decided_on and award_ends_on < decided_on:
        errors["award_ends_on"] = "The award cannot end before it was decided."
    if decided_on and not decided and "decided_on" not in errors:
        errors["decided_on"] = "Only an approved or refused application has a decision date."
    if applied_on and status in (AccessToWorkStatus.NOT_NEEDED, AccessToWorkStatus.TO_APPLY):
        errors["applied_on"] = "An application not yet made has no application date."
    for field, day in (("applied_on", applied_on), ("decided_on", decided_on)):
        if day and day > timezone.localdate() and field not in errors:
            errors[field] = "This date cannot be in the future."
    if errors:
        raise ValidationError(errors)
    record = record or AccessToWork(placement=placement, version=0)
    record.status, record.funds = status, funds.strip()
    record.applied_on, record.decided_on = applied_on, decided_on
    record.award_ends_on = award_ends_on
    record.version += 1
    record.save()
    return record


def find_milestones(on: dt.date) -> list[Milestone]:
    """The daily job: record every 13/26/52-week milestone reached by ``on`` in a
    supported job the person was still in that day. Safe to run again for the same or
    an earlier date: a milestone is recorded once."""
    first = dt.timedelta(days=7 * MILESTONE_WEEKS[0])
    candidates = (
        Placement.objects.filter(start_date__lte=on - first)
        .filter(Q(supported=True) | Q(support_ended_on__isnull=False))
        .annotate(recorded=Count("milestones"))
        .filter(recorded__lt=len(MILESTONE_WEEKS))
        .prefetch_related("milestones")
    )
    found = []
    for placement in candidates:
        have = {m.weeks for m in placement.milestones.all()}
        for weeks in MILESTONE_WEEKS:
            reached = placement.start_date + dt.timedelta(days=7 * weeks)
            still_there = placement.end_date is None or placement.end_date >= reached
            supported = placement.support_ended_on is None or placement.support_ended_on >= reached
            if weeks not in have and reached <= on and still_there and supported:
                # One by one, so each is on the person's audit trail; a run at the same
                # time that got there first wins.
                milestone, created = Milestone.objects.get_or_create(
                    placement=placement,
                    weeks=weeks,
                    defaults={"reached_on": reached, "found_on": on},
                )
                if created:
                    found.append(milestone)
    return found


@transaction.atomic
def confirm_milestone(
    actor: User,
    milestone: Milestone,
    *,
    evidence: str,
    confirmed_on: dt.date,
    notes: str = "",
) -> Milestone:
    """The coach confirms the person was still in the job at the milestone."""
    milestone = (
        Milestone.objects.select_for_update()
        .select_related("placement__person")
        .get(pk=milestone.pk)
    )
    _require_works_with(actor, milestone.placement.person)
    if milestone.confirmed_on is not None:
        raise IllegalTransition(f"The {milestone.weeks}-week milestone is already confirmed.")
    ended = milestone.placement.end_date
    if ended is not None and ended < milestone.reached_on:
        raise IllegalTransition(
            f"The job ended on {ended:%-d %B %Y}, before {milestone.weeks} weeks in work."
        )
    errors = {}
    if evidence not in MilestoneEvidence.values:
        errors["evidence"] = "Choose how you know the person is still in work."
    if confirmed_on < milestone.reached_on:
        errors["confirmed_on"] = (
            f"Confirm on or after the milestone ({milestone.reached_on:%-d %B %Y})."
        )
    elif confirmed_on > timezone.localdate():
        errors["confirmed_on"] = "The date confirmed cannot be in the future."
    if errors:
        raise ValidationError(errors)
    milestone.confirmed_on, milestone.confirmed_by = confirmed_on, actor
    milestone.evidence, milestone.notes = evidence, notes.strip()
    milestone.save(update_fields=["confirmed_on", "confirmed_by", "evidence", "notes"])
    return milestone


def record_progression(episode: Episode, on: dt.date) -> list[Placement]:
    """In-work support ended on ``on`` with the person still in work: each supported
    paid job they hold that day goes on without support (progression to unsupported
    employment). Volunteering, and jobs never supported, are not progression. Called
    when an episode closes, inside ``close_episode``'s transaction
    (``progression_on_close``)."""
    current = list(
        Placement.objects.select_for_update()
        .filter(person_id=episode.person_id, start_date__lte=on, support_ended_on__isnull=True)
        .filter(supported=True, paid=True)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
    )
    for placement in current:
        placement.support_ended_on, placement.supported = on, False
        placement.version += 1
        placement.save(update_fields=["support_ended_on", "supported", "version"])
    return current


def progression_on_close(episode: Episode, on: dt.date, reason: str, **_signal: Any) -> None:
    """``casework.signals.episode_closed``: support ending with the person in work is
    progression, unless it ended because they died or moved to another provider."""
    if reason not in (EndReason.DIED, EndReason.TRANSFERRED):
        record_progression(episode, on)
