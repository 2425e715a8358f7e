"""Reads that span the pathway: a staff member's own day, the person page, and the
audit pages (a person's trail, refused reads)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, QuerySet

from pathways.casework.models import Episode
from pathways.casework.policy import episode_policy
from pathways.core import audit
from pathways.core.models import InterestTag, Role, User
from pathways.core.policies import scope_of
from pathways.people.models import Person
from pathways.referrals.models import Referral


def my_open_cases(user: User) -> QuerySet[Episode]:
    return episode_policy.visible(
        user,
        Episode.objects.filter(worker=user, ended_on__isnull=True).select_related("person", "team"),
    ).order_by("started_on", "id")


def person_page_rows() -> QuerySet[Person]:
    """People with everything the person page shows, in a fixed number of queries
    (unscoped: the person policy scopes it)."""
    return (
        Person.objects.select_related("authority")
        # The vocational profile and its interests: one join and at most one query.
        .select_related("vocational_profile")
        .prefetch_related(
            Prefetch(
                "vocational_profile__interests",
                queryset=InterestTag.objects.order_by("label"),
            ),
            "contacts",
            "care_costs",
            "consents__recorded_by",
            Prefetch(
                "referrals",
                queryset=Referral.objects.select_related("team", "worker").order_by(
                    "-received_on", "-id"
                ),
            ),
            Prefetch(
                "episodes",
                queryset=Episode.objects.select_related("team", "worker").order_by(
                    "-started_on", "-id"
                ),
            ),
        )
    )


def refused_reads(user: Any) -> QuerySet[LogEntry]:
    """Refused reads of people in the authorities this DPO or admin covers, newest
    first (a refusal is recorded against the person: ``audit.record_access``)."""
    scope = scope_of(user)
    people = Person.objects.all()
    if not scope.is_superuser:
        people = people.filter(
            authority_id__in=scope.authorities_for(Role.DATA_PROTECTION_OFFICER, Role.ADMIN)
        )
    return (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Person),
            object_id__in=people.values("pk"),
            additional_data__outcome=audit.DENIED,
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")
    )


def actors_on(entries: QuerySet[LogEntry]) -> QuerySet[User]:
    """The staff who appear in ``entries``, by name: whom a trail can be narrowed to."""
    return User.objects.filter(pk__in=entries.values("actor_id"))


def trail_rows(entries: Iterable[LogEntry]) -> list[dict[str, Any]]:
    """Entries as the audit pages show them: ``audit.describe`` with the moment (for
    the page to show in local time) and the channel's name."""
    rows = []
    for entry in entries:
        row = audit.describe(entry)
        how = audit.CHANNELS.get(row["channel"], row["channel"])
        rows.append({**row, "at": entry.timestamp, "how": how})
    return rows


def refusal_rows(entries: Iterable[LogEntry]) -> list[dict[str, Any]]:
    """Refused reads (``refused_reads``) as rows, each with the person refused (one
    query for the people, however many entries)."""
    entries = list(entries)
    people = Person.objects.in_bulk({e.object_id for e in entries})
    return [
        {**row, "person": people.get(entry.object_id)}
        for entry, row in zip(entries, trail_rows(entries), strict=True)
    ]
