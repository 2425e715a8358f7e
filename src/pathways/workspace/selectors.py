"""Reads that span the pathway: a staff member's own day, the person page, and the
data protection officer's view of refused reads."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
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


def recent_denials(user: Any, limit: int = 100) -> list[dict[str, Any]]:
    """Refused reads of people in the authorities this DPO or admin covers, newest first."""
    scope = scope_of(user)
    entries = list(
        LogEntry.objects.filter(additional_data__outcome=audit.DENIED)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")[: limit * 5]
    )
    ids = {(e.additional_data or {}).get("person_id") for e in entries}
    people = Person.objects.filter(pk__in=[i for i in ids if i is not None])
    if not scope.is_superuser:
        people = people.filter(
            authority_id__in=scope.authorities_for(Role.DATA_PROTECTION_OFFICER, Role.ADMIN)
        )
    by_id = {p.pk: p for p in people}
    out = []
    for entry in entries:
        person = by_id.get(int((entry.additional_data or {}).get("person_id") or 0))
        if person is not None:
            out.append({**audit.describe(entry), "person": person})
    return out[:limit]
