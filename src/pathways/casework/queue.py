"""The work queue: what is due or overdue on a date, for the "My work" page and
``pathways queue``, from one selector.

Each kind of item is a function registered with ``@kind("name")``. It receives the open
episodes the asking user may see, already annotated with what the rules need (the
current package, the last review, whether a change awaits approval), and the date;
it returns items. Later steps of the pathway (post-start checks, milestones) register
their own kinds here without touching the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Exists, F, Max, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from pathways.casework.models import Episode, Feedback, Package, SupportedElement

#: Transitional support asks for a decision this many days before its limit.
TRANSITIONAL_WARNING_DAYS = 91
#: How many days the team has to reply to feedback; the portal tells the person.
FEEDBACK_REPLY_DAYS = 7


@dataclass(frozen=True)
class QueueItem:
    kind: str
    episode: Episode
    due_on: dt.date
    overdue: bool
    detail: str
    #: Where the work is done, when that is not the episode page (a job's page).
    url: str = ""

    @property
    def label(self) -> str:
        """The kind in plain words, as registered."""
        return _LABELS.get(self.kind, self.kind.replace("_", " ").capitalize())

    @property
    def person_ref(self) -> str:
        return self.episode.person.person_ref

    @property
    def worker_email(self) -> str | None:
        return self.episode.worker.email if self.episode.worker else None

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "person_ref": self.person_ref,
            "authority": self.episode.person.authority.code,
            "episode_ref": self.episode.episode_ref,
            "due_on": self.due_on.isoformat(),
            "overdue": self.overdue,
            "worker": self.worker_email,
            "detail": self.detail,
        }


KindRule = Callable[[list[Episode], dt.date], Iterable[QueueItem]]
_KINDS: dict[str, KindRule] = {}
_LABELS: dict[str, str] = {}


def kind(name: str, label: str) -> Callable[[KindRule], KindRule]:
    """Register a rule for one kind of item, with its name in plain words."""

    def register(rule: KindRule) -> KindRule:
        _KINDS[name] = rule
        _LABELS[name] = label
        return rule

    return register


def kinds() -> list[str]:
    return list(_KINDS)


def annotate_for_queue(episodes: QuerySet[Episode]) -> QuerySet[Episode]:
    """Everything the rules read, in the one query that lists the episodes."""
    current = Package.objects.filter(
        episode=OuterRef("pk"), status=Package.Status.APPROVED
    ).order_by("-decided_on", "-id")
    return episodes.select_related("person", "person__authority", "worker", "team").annotate(
        current_element=Subquery(current.values("supported_element")[:1]),
        current_element_started_on=Subquery(current.values("element_started_on")[:1]),
        current_transitional_ends_on=Subquery(current.values("transitional_ends_on")[:1]),
        change_awaiting_approval=Exists(
            Package.objects.filter(episode=OuterRef("pk"), status=Package.Status.PROPOSED)
        ),
        last_review_on=Max("reviews__reviewed_on"),
        no_contact_days=F("team__no_contact_days"),
        review_interval_days=F("team__review_interval_days"),
    )


def build_queue(episodes: QuerySet[Episode], on: dt.date) -> list[QueueItem]:
    """Every item due on ``on`` for these (open) episodes, soonest due first."""
    rows = list(annotate_for_queue(episodes.filter(ended_on__isnull=True)))
    items = [item for rule in _KINDS.values() for item in rule(rows, on)]
    return sorted(items, key=lambda i: (i.due_on, i.kind, i.person_ref))


@kind("transitional_limit", label="Two-year limit")
def transitional_limit(episodes: list[Episode], on: dt.date) -> Iterable[QueueItem]:
    """From 91 days before the two-year limit until a decision is recorded."""
    for episode in episodes:
        limit = episode.current_transitional_ends_on  # type: ignore[attr-defined]
        if episode.current_element != SupportedElement.TRANSITIONAL or limit is None:  # type: ignore[attr-defined]
            continue
        if episode.change_awaiting_approval:  # type: ignore[attr-defined]
            continue
        days_left = (limit - on).days
        if days_left > TRANSITIONAL_WARNING_DAYS:
            continue
        if days_left < 0:
            detail = f"Transitional support ended {-days_left} days ago: decide what next"
        else:
            detail = (
                f"Transitional support ends in {days_left} days: end support, extend it, "
                "or move to long-term support"
            )
        yield QueueItem("transitional_limit", episode, limit, days_left < 0, detail)


@kind("review_due", label="Review due")
def review_due(episodes: list[Episode], on: dt.date) -> Iterable[QueueItem]:
    """Long-term support reviewed (or started) the team's interval ago or more."""
    for episode in episodes:
        if episode.current_element != SupportedElement.LONG_TERM:  # type: ignore[attr-defined]
            continue
        since = episode.last_review_on or episode.current_element_started_on  # type: ignore[attr-defined]
        if since is None:
            continue
        due = since + dt.timedelta(days=episode.review_interval_days)  # type: ignore[attr-defined]
        if due <= on:
            never = episode.last_review_on is None  # type: ignore[attr-defined]
            detail = (
                "Long-term support has not been reviewed yet"
                if never
                else (f"Long-term support last reviewed {since:%-d %b %Y}")
            )
            yield QueueItem("review_due", episode, due, due < on, detail)


@kind("no_contact", label="No contact")
def no_contact(episodes: list[Episode], on: dt.date) -> Iterable[QueueItem]:
    """No contact for more than the team's limit, counted from the start if none."""
    for episode in episodes:
        since = episode.last_contact_on or episode.started_on
        limit = episode.no_contact_days  # type: ignore[attr-defined]
        due = since + dt.timedelta(days=limit + 1)
        if due <= on:
            detail = (
                f"No contact since {since:%-d %b %Y}"
                if episode.last_contact_on
                else f"No contact recorded since support started on {since:%-d %b %Y}"
            )
            yield QueueItem("no_contact", episode, due, due < on, detail)


@kind("appointment", label="Appointment today")
def appointment_today(episodes: list[Episode], on: dt.date) -> Iterable[QueueItem]:
    """Each appointment booked for ``on`` (one query for all the episodes listed)."""
    # Imported here: the selectors build the queue with this module.
    from pathways.casework.selectors import appointments_on

    by_pk = {e.pk: e for e in episodes}
    for appointment in appointments_on(list(by_pk), on):
        local = timezone.localtime(appointment.starts_at)
        detail = f"{local:%H:%M} at {appointment.place}: {appointment.purpose}"
        yield QueueItem("appointment", by_pk[appointment.episode_id], on, False, detail)


@kind("feedback", label="Feedback that needs a reply")
def feedback(episodes: list[Episode], on: dt.date) -> Iterable[QueueItem]:
    """Feedback that is not happy or has words, until staff mark it answered; due
    ``FEEDBACK_REPLY_DAYS`` after it was given. It belongs to the episode it was given
    in, or else to the person's open episode in the list (one query)."""
    by_pk = {e.pk: e for e in episodes}
    by_person: dict[int, Episode] = {}
    for episode in episodes:
        by_person.setdefault(episode.person_id, episode)
    waiting = Feedback.objects.filter(
        needs_reply=True, replied_at__isnull=True, person_id__in=set(by_person)
    ).only("pk", "episode_id", "person_id", "given_at", "feeling", "words")
    for row in waiting:
        given_on = timezone.localdate(row.given_at)
        if given_on > on:
            continue
        due = given_on + dt.timedelta(days=FEEDBACK_REPLY_DAYS)
        wrote = " and wrote to the team" if row.words else ""
        detail = f"Said {row.get_feeling_display().lower()}{wrote} on {given_on:%-d %b %Y}"
        yield QueueItem(
            "feedback",
            by_pk.get(row.episode_id) or by_person[row.person_id],
            due,
            due < on,
            detail,
            reverse("casework:feedback", args=[row.pk]),
        )
