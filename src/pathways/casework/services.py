"""Every change to casework: packages and their approval, stages, reviews, the
timeline, closing an episode. Each checks ``casework.policy.episode_policy``, runs in one
transaction with the episode locked, and refuses changes to a closed episode."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from pathways.casework import notices
from pathways.casework.models import (
    Activity,
    EndReason,
    Episode,
    LongTermReview,
    Package,
    Stage,
    StageEntry,
    SupportedElement,
)
from pathways.casework.policy import episode_policy
from pathways.casework.queue import TRANSITIONAL_WARNING_DAYS
from pathways.casework.signals import episode_closed
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

TRANSITIONAL_YEARS = 2


def add_years(day: dt.date, years: int) -> dt.date:
    """The same date ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def transitional_limit(element_started_on: dt.date) -> dt.date:
    """The last day transitional support may run without an extension: the same day
    two years after it began (4 December 2026 → 4 December 2028; 29 February → 28
    February). Running on past it is an extension, a package change of its own."""
    return add_years(element_started_on, TRANSITIONAL_YEARS)


def _check_transitional_end(
    ends_on: dt.date,
    *,
    started_on: dt.date,
    continuing: Package | None,
    on: dt.date,
    proposing: bool,
) -> None:
    """Refuse an end of transitional support past its two-year limit, unless it extends
    the approved transitional support that carries on (``continuing``): an extension is
    proposed from the time the work queue asks for a decision (91 days before the
    current end) and runs at most two years past that end, when it is decided again."""
    limit = transitional_limit(started_on)
    approved_end = continuing.transitional_ends_on if continuing else None
    if ends_on <= max(limit, approved_end or limit):
        return
    field = "transitional_ends_on"
    if approved_end is None:
        raise ValidationError(
            {
                field: f"Transitional support runs for at most two years: end it on or before "
                f"{limit:%-d %B %Y}. Going past that is an extension, proposed once this "
                "support is approved and its two-year limit is near"
            }
        )
    if proposing and (approved_end - on).days > TRANSITIONAL_WARNING_DAYS:
        opens = approved_end - dt.timedelta(days=TRANSITIONAL_WARNING_DAYS)
        raise ValidationError(
            {
                field: f"Transitional support is approved until {approved_end:%-d %B %Y}. "
                f"An extension can be proposed from {opens:%-d %B %Y}, when the two-year "
                "limit is near"
            }
        )
    furthest = add_years(approved_end, TRANSITIONAL_YEARS)
    if ends_on > furthest:
        raise ValidationError(
            {
                field: f"An extension runs at most two years past the current end "
                f"({approved_end:%-d %B %Y}): end it on or before {furthest:%-d %B %Y}"
            }
        )


def check_within_episode(episode: Episode, day: dt.date, field: str, what: str) -> None:
    """Refuse a date before the episode began: nothing in an episode happened before it
    (history from earlier comes in through the imports, which mark it as imported)."""
    if day < episode.started_on:
        raise ValidationError(
            {
                field: f"The {what} must be on or after {episode.started_on:%-d %B %Y}, "
                "when this episode of support began"
            }
        )


def _require(user: User, action: str, episode: Episode, message: str) -> None:
    if not episode_policy.can(user, action, episode):
        raise PermissionDenied(message)


def _lock_open(episode: Episode, expected_version: int | None = None) -> Episode:
    fresh = Episode.objects.select_for_update().select_related("team", "person").get(pk=episode.pk)
    if fresh.ended_on is not None:
        raise IllegalTransition(
            "This episode is closed and cannot be changed. If the person wants support "
            "again, refer them: their new episode will link to this one."
        )
    if expected_version is not None and fresh.version != expected_version:
        raise ConcurrentEdit(
            "Someone else changed this episode while you were working on it. "
            "Check its current state and try again."
        )
    return fresh


def _bump(episode: Episode, fields: list[str]) -> None:
    episode.version += 1
    episode.save(update_fields=[*fields, "version"])


def current_package(episode: Episode) -> Package | None:
    """The approved package with the latest decision."""
    return (
        episode.packages.filter(status=Package.Status.APPROVED)
        .order_by("-decided_on", "-id")
        .first()
    )


@transaction.atomic
def propose_package(
    actor: User,
    episode: Episode,
    *,
    work_entry: bool,
    supported_element: str,
    reason: str,
    transitional_ends_on: dt.date | None = None,
    element_started_on: dt.date | None = None,
    on: dt.date | None = None,
) -> Package:
    """Propose a package, or a change to it, for an approver to decide.

    The supported-employment element keeps its start date while it stays the same kind
    (extending transitional support does not restart its clock); a new kind starts now.
    Transitional support ends at most two years after it started (``transitional_limit``)
    unless the proposal extends approved transitional support near its end.
    """
    _require(actor, "work", episode, "Only the person's worker or their team can propose this.")
    episode = _lock_open(episode)
    day = on or timezone.localdate()
    if supported_element not in SupportedElement.values:
        raise IllegalTransition(f"Unknown supported-employment element {supported_element!r}.")
    if not work_entry and not supported_element:
        raise IllegalTransition(
            "A package needs work entry, a supported-employment element, or both."
        )
    if not reason.strip():
        raise IllegalTransition("Give the reason for this package.")
    if episode.packages.filter(status=Package.Status.PROPOSED).exists():
        raise IllegalTransition(
            "A change to this package is already awaiting approval. Wait for the decision, "
            "or ask the approver."
        )
    current = current_package(episode)
    # The element carries on (same kind as now): its clock does not restart.
    continuing = current if current and current.supported_element == supported_element else None
    if element_started_on is None and supported_element:
        element_started_on = (continuing.element_started_on if continuing else None) or day
    if supported_element == SupportedElement.TRANSITIONAL:
        assert element_started_on is not None
        if transitional_ends_on is None:
            kept = continuing.transitional_ends_on if continuing else None
            transitional_ends_on = kept or add_years(element_started_on, TRANSITIONAL_YEARS)
        if transitional_ends_on <= day:
            raise IllegalTransition("The end of transitional support must be in the future.")
        _check_transitional_end(
            transitional_ends_on,
            started_on=element_started_on,
            continuing=continuing,
            on=day,
            proposing=True,
        )
    else:
        transitional_ends_on = None
    package = Package.objects.create(
        episode=episode,
        work_entry=work_entry,
        supported_element=supported_element,
        element_started_on=element_started_on if supported_element else None,
        transitional_ends_on=transitional_ends_on,
        reason=reason.strip(),
        proposed_by=actor,
        proposed_on=day,
    )
    notices.package_proposed(actor, package)
    return package


def _lock_proposal(package: Package) -> Package:
    fresh = Package.objects.select_for_update().select_related("episode").get(pk=package.pk)
    if fresh.status != Package.Status.PROPOSED:
        raise IllegalTransition(
            f"This package change is {fresh.get_status_display().lower()} already."
        )
    if fresh.episode.ended_on is not None:
        raise IllegalTransition("The episode is closed; its package cannot change.")
    return fresh


def _decide(package: Package, actor: User, status: str, reason: str, on: dt.date | None) -> Package:
    package.status = status
    package.decided_by = actor
    package.decided_on = on or timezone.localdate()
    package.decision_reason = reason.strip()
    package.save(update_fields=["status", "decided_by", "decided_on", "decision_reason"])
    notices.package_decided(actor, package)
    return package


@transaction.atomic
def approve_package(
    actor: User, package: Package, *, reason: str = "", on: dt.date | None = None
) -> Package:
    """An approver (or the team manager) agrees the change. Nobody approves their own,
    nor transitional support past its two-year limit that is not an extension."""
    _require(
        actor,
        "approve_package",
        package.episode,
        "Only a package approver or the team manager can approve package changes.",
    )
    package = _lock_proposal(package)
    if package.proposed_by_id == actor.pk:
        raise IllegalTransition("Someone other than the proposer must approve this change.")
    if package.is_transitional and package.transitional_ends_on and package.element_started_on:
        current = current_package(package.episode)
        try:
            _check_transitional_end(
                package.transitional_ends_on,
                started_on=package.element_started_on,
                continuing=current if current and current.is_transitional else None,
                on=on or timezone.localdate(),
                proposing=False,
            )
        except ValidationError as exc:
            raise IllegalTransition(
                f"This change cannot be approved: {' '.join(exc.messages)}. Reject it "
                "with that reason, so it can be proposed again."
            ) from exc
    return _decide(package, actor, Package.Status.APPROVED, reason, on)


@transaction.atomic
def reject_package(
    actor: User, package: Package, *, reason: str, on: dt.date | None = None
) -> Package:
    _require(
        actor,
        "approve_package",
        package.episode,
        "Only a package approver or the team manager can reject package changes.",
    )
    if not reason.strip():
        raise IllegalTransition("Give the reason for rejecting the change.")
    package = _lock_proposal(package)
    return _decide(package, actor, Package.Status.REJECTED, reason, on)


@transaction.atomic
def change_stage(
    actor: User,
    episode: Episode,
    *,
    stage: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Episode:
    _require(actor, "work", episode, "Only the person's worker or their team can do this.")
    episode = _lock_open(episode, expected_version)
    if stage not in Stage.values:
        raise IllegalTransition(f"Unknown stage {stage!r}.")
    if stage == episode.stage:
        raise IllegalTransition(f"The episode is already at {episode.get_stage_display()}.")
    day = on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"entered_on": "The date the stage began cannot be in the future"})
    check_within_episode(episode, day, "entered_on", "date the stage began")
    enter_stage(episode, stage, on=day, by=actor)
    return episode


def enter_stage(episode: Episode | None, stage: str, *, on: dt.date, by: User) -> None:
    """Record that ``episode`` entered ``stage`` on a day: the one place a stage is
    written. Other services call it for the stage their own (already permitted) action
    implies — a job start moves to in-work support, a job end back to job finding — and
    it does nothing for a closed episode or one already there. Its callers check the
    day is within the episode; this refuses one before it as a last guard."""
    if episode is None or episode.ended_on is not None or episode.stage == stage:
        return
    check_within_episode(episode, on, "entered_on", "date the stage began")
    StageEntry.objects.create(episode=episode, stage=stage, entered_on=on, recorded_by=by)
    episode.stage = stage
    _bump(episode, ["stage"])


@transaction.atomic
def record_activity(
    actor: User,
    episode: Episode,
    *,
    kind: str,
    occurred_on: dt.date,
    with_whom: str,
    minutes: int = 0,
    notes: str = "",
    shared_with_person: bool = False,
) -> Activity:
    """Add to the timeline; contact with the person moves their "last contact" on. A
    note ``shared_with_person`` is shown to the person in their portal."""
    _require(actor, "work", episode, "Only the person's worker or their team can do this.")
    episode = _lock_open(episode)
    if occurred_on > timezone.localdate():
        raise IllegalTransition("An activity cannot be recorded for a future date.")
    check_within_episode(episode, occurred_on, "occurred_on", "date of the activity")
    activity = Activity(
        episode=episode,
        kind=kind,
        occurred_on=occurred_on,
        with_whom=with_whom,
        minutes=minutes,
        notes=notes.strip(),
        shared_with_person=shared_with_person,
        recorded_by=actor,
    )
    activity.full_clean()
    activity.save()
    _move_last_contact(episode, activity)
    return activity


def _move_last_contact(episode: Episode, activity: Activity) -> None:
    if activity.is_contact_with_person and (
        episode.last_contact_on is None or activity.occurred_on > episode.last_contact_on
    ):
        episode.last_contact_on = activity.occurred_on
        _bump(episode, ["last_contact_on"])


#: What ``edit_activity`` may change.
ACTIVITY_FIELDS = ("kind", "occurred_on", "with_whom", "minutes", "notes", "shared_with_person")


@transaction.atomic
def edit_activity(
    actor: User, activity: Activity, *, expected_version: int, **changes: object
) -> Activity:
    """Correct a timeline entry, or share its note with the person (or stop sharing
    it). Refused on a closed episode, and when someone else changed the entry since
    ``expected_version`` was read. "Last contact" moves on when the entry becomes a
    later contact; it is not moved back (other contacts may stand behind it)."""
    unknown = set(changes) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValueError(f"edit_activity cannot change {', '.join(sorted(unknown))}")
    _require(actor, "work", activity.episode, "Only the person's worker or their team can do this.")
    episode = _lock_open(activity.episode)
    fresh = Activity.objects.select_for_update().get(pk=activity.pk, episode=episode)
    if fresh.version != expected_version:
        raise ConcurrentEdit(
            "Someone else changed this activity while you were editing it. "
            "Check it as it is now and make your change again."
        )
    occurred_on = changes.get("occurred_on", fresh.occurred_on)
    assert isinstance(occurred_on, dt.date)
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "The date of the activity cannot be in the future"})
    check_within_episode(episode, occurred_on, "occurred_on", "date of the activity")
    for name, value in changes.items():
        setattr(fresh, name, value.strip() if isinstance(value, str) and name == "notes" else value)
    fresh.full_clean()
    fresh.version += 1
    fresh.save()
    _move_last_contact(episode, fresh)
    return fresh


@transaction.atomic
def record_review(
    actor: User,
    episode: Episode,
    *,
    reviewed_on: dt.date,
    support_still_right: bool,
    notes: str = "",
) -> LongTermReview:
    """The periodic quality review of long-term support."""
    _require(actor, "work", episode, "Only the person's worker or their team can do this.")
    episode = _lock_open(episode)
    current = current_package(episode)
    if current is None or not current.is_long_term:
        raise IllegalTransition("Only long-term supported employment has quality reviews.")
    if reviewed_on > timezone.localdate():
        raise IllegalTransition("A review cannot be dated in the future.")
    check_within_episode(episode, reviewed_on, "reviewed_on", "date of the review")
    return LongTermReview.objects.create(
        episode=episode,
        reviewed_on=reviewed_on,
        reviewer=actor,
        support_still_right=support_still_right,
        notes=notes.strip(),
    )


@transaction.atomic
def close_episode(
    actor: User,
    episode: Episode,
    *,
    reason: str,
    notes: str = "",
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Episode:
    _require(actor, "close", episode, "Only the person's worker or their team manager can close.")
    episode = _lock_open(episode, expected_version)
    if reason not in EndReason.values:
        raise IllegalTransition("Choose why support is ending.")
    day = on or timezone.localdate()
    if day < episode.started_on:
        raise IllegalTransition("An episode cannot end before it started.")
    episode.ended_on = day
    episode.end_reason = reason
    episode.end_notes = notes.strip()
    episode.packages.filter(status=Package.Status.PROPOSED).update(
        status=Package.Status.WITHDRAWN,
        decided_on=day,
        decision_reason="Episode closed before a decision",
    )
    _bump(episode, ["ended_on", "end_reason", "end_notes"])
    episode_closed.send(sender=Episode, episode=episode, on=day, reason=reason)
    return episode


def next_episode_ref(authority_id: int) -> str:
    """The authority's next free episode reference (E000001, ...), race-free."""
    return next_reference(Episode.objects.all(), "episode_ref", "E", authority_id)


def previous_episode_of(person_id: int, *, starting_on: dt.date) -> Episode | None:
    """A returner's last episode: the latest that ended on or before the new one starts."""
    return (
        Episode.objects.filter(
            person_id=person_id, ended_on__isnull=False, ended_on__lte=starting_on
        )
        .order_by("-ended_on", "-id")
        .first()
    )


def link_to_previous(episode: Episode) -> None:
    """Link a returner's new episode to the one before it (for an episode an import
    made with its own reference; ``open_episode`` does this itself)."""
    earlier = previous_episode_of(episode.person_id, starting_on=episode.started_on)
    if earlier is not None and earlier.pk != episode.pk:
        episode.previous = earlier
        episode.save(update_fields=["previous"])


def open_episode(
    *,
    authority_id: int,
    person_id: int,
    team_id: int,
    worker: User | None,
    referral_id: int,
    started_on: dt.date,
) -> Episode:
    """Open an episode of support for an allocated referral: the person, with the
    referral's team and the allocated worker, at the first stage, linked to their
    last episode when they are coming back. Allocation and the referral import open
    episodes only through here (the episodes import brings existing ones in with
    their own references, and links returners with ``link_to_previous``)."""
    return Episode.objects.create(
        authority_id=authority_id,
        episode_ref=next_episode_ref(authority_id),
        person_id=person_id,
        team_id=team_id,
        worker=worker,
        referral_id=referral_id,
        started_on=started_on,
        previous=previous_episode_of(person_id, starting_on=started_on),
    )


@transaction.atomic
def reassign_caseload(
    actor: User, *, team: Team, from_worker: User, to_workers: list[User]
) -> dict[Episode, User]:
    """Hand a leaving worker's open cases in a team to colleagues, within their caps.
    The team's manager does it, or an administrator of the team's authority (when they
    deactivate a leaver, ``workspace.staff``).

    All or nothing: if the colleagues' room under the cap cannot take every case, no
    case moves and the message says how many places are missing. Cases go to whoever
    has most room left, so the load stays even.
    """
    if not (
        actor.is_superuser
        or team.pk in policies.managed_team_ids(actor)
        or policies.may_administer_team(actor, team)  # handing over a leaver's cases
    ):
        raise PermissionDenied("Only the team manager or an administrator can reassign a caseload.")
    colleagues = [w for w in dict.fromkeys(to_workers) if w.pk != from_worker.pk]
    if not colleagues:
        raise IllegalTransition("Choose at least one colleague to take the cases.")
    carrying = set(
        team.memberships.filter(role__in=CASEWORK_ROLES).values_list("user_id", flat=True)
    )
    strangers = [str(w) for w in colleagues if w.pk not in carrying]
    if strangers:
        raise IllegalTransition(f"{', '.join(strangers)} does not carry a caseload in {team.name}.")
    User.objects.select_for_update().filter(pk__in=[w.pk for w in colleagues]).count()
    cases = list(
        Episode.objects.select_for_update()
        .filter(team=team, worker=from_worker, ended_on__isnull=True)
        .order_by("started_on", "id")
    )
    if not cases:
        raise IllegalTransition(f"{from_worker} has no open cases in {team.name}.")
    open_counts = dict(
        Episode.objects.filter(worker__in=colleagues, ended_on__isnull=True)
        .values("worker_id")
        .annotate(n=Count("pk"))
        .values_list("worker_id", "n")
    )
    cap = team.caseload_cap
    room = {
        w.pk: (len(cases) if cap is None else max(0, cap - open_counts.get(w.pk, 0)))
        for w in colleagues
    }
    if sum(room.values()) < len(cases):
        raise CaseloadCapReached(
            f"{from_worker} has {len(cases)} open cases but the colleagues chosen have room "
            f"for {sum(room.values())} within the cap of {cap}. Choose more colleagues."
        )
    by_pk = {w.pk: w for w in colleagues}
    moved: dict[Episode, User] = {}
    for episode in cases:
        pk = max(room, key=lambda k: room[k])  # most room first; ties keep the chosen order
        room[pk] -= 1
        episode.worker = by_pk[pk]
        _bump(episode, ["worker"])
        moved[episode] = by_pk[pk]
    return moved
