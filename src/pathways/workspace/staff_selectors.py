"""Reads for the staff pages: the staff an administrator looks after, one member's
details, and the administrators' activity page. Each is scoped by ``staff_policy``."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from pathways.core.audit import STAFF_ADMIN, actor_name
from pathways.core.models import ApiToken, Membership, User
from pathways.core.policies import staff_authority_ids, staff_policy


def staff_list(user: User, search: str = "") -> QuerySet[User]:
    """The staff ``user`` administers, by name, with their teams and roles and whether
    two-step sign-in is set up: the same number of queries for any number of rows."""
    rows = staff_policy.visible(user, User.objects.all())
    words = search.split()
    for word in words:
        rows = rows.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    return rows.annotate(
        two_step=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    ).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("team").order_by("team__name", "role"),
        )
    )


def member_rows() -> QuerySet[User]:
    return User.objects.annotate(
        two_step=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    )


def memberships_of(member: User) -> list[Membership]:
    return list(
        Membership.objects.filter(user=member)
        .select_related("team", "team__authority")
        .order_by("team__name", "role")
    )


def tokens_of(member: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=member).order_by("-created_at", "-pk"))


def staff_activity(user: User) -> QuerySet[LogEntry]:
    """Administrative actions on the staff ``user`` administers, newest first."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User),
        **{f"additional_data__{STAFF_ADMIN}": True},
    )
    if staff_authority_ids(user) is not None:
        visible = staff_policy.visible(user, User.objects.all()).values("pk")
        entries = entries.filter(object_id__in=visible)
    return entries.select_related("actor").order_by("-timestamp", "-id")


#: Event details the activity page shows, in this order, with their names.
DETAILS = {"team": "team", "role": "role", "prefix": "token", "cases": "cases handed over"}


def activity_rows(entries: Any) -> list[dict[str, Any]]:
    """The entries on one page, as the activity page shows them."""
    ids = {e.object_id for e in entries}
    members = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    rows = []
    for entry in entries:
        data = entry.additional_data or {}
        member = members.get(entry.object_id)
        rows.append(
            {
                "at": entry.timestamp,
                "who": actor_name(entry),
                "member": member,
                "member_name": (member.get_full_name() or member.email) if member else "",
                "what": data.get("what", ""),
                "details": ", ".join(
                    f"{label} {data[key]}" for key, label in DETAILS.items() if data.get(key)
                ),
                "channel": data.get("channel", "web"),
            }
        )
    return rows
