"""Reads of onward referrals: what the sending team may see of what it sent."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from pathways.commissioning.models import OnwardReferral
from pathways.commissioning.policy import onward_referral_policy
from pathways.core.policies import scope_of


def onward_rows() -> QuerySet[OnwardReferral]:
    """Every onward referral with what its pages and the API show (unscoped: give it to
    ``onward_referral_policy``)."""
    return OnwardReferral.objects.select_related(
        "referral__person",
        "referral__team__organisation",
        "referral__authority",
        "from_team__organisation",
        "to_provider__organisation",
        "sent_by",
    )


def may_see_onward(user: Any) -> bool:
    """The "Onward referrals" page and menu entry: members of a team who work with
    people (any role but commissioner), whose teams' onward referrals the list shows
    (``sent_onward``), and superusers."""
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.casework_team_ids)


def sent_onward(user: Any) -> QuerySet[OnwardReferral]:
    """Referrals we sent onward: those sent from the user's teams, newest first."""
    scope = scope_of(user)
    rows = onward_referral_policy.visible(user, onward_rows())
    if not scope.is_superuser:
        rows = rows.filter(from_team_id__in=scope.casework_team_ids)
    return rows.order_by("-sent_at", "-id")
