"""Reads of commissioning rows for pages, through the policies."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from pathways.commissioning.models import Purchase
from pathways.commissioning.policy import purchase_policy


def purchases_of_person(user: Any, person_id: int) -> QuerySet[Purchase]:
    """The person's purchases the user may see (with the person's record), newest
    first, with their directory supplier in the same query."""
    return purchase_policy.visible(
        user,
        Purchase.objects.filter(person_id=person_id)
        .select_related("supplier__organisation")
        .order_by("-start_date", "purchase_ref"),
    )
