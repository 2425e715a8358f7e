"""Reads for the staff member's own day."""

from __future__ import annotations

from django.db.models import QuerySet

from pathways.casework.models import Episode
from pathways.core import policies
from pathways.core.models import User


def my_open_cases(user: User) -> QuerySet[Episode]:
    return policies.episodes.visible(
        user,
        Episode.objects.filter(worker=user, ended_on__isnull=True).select_related("person", "team"),
    ).order_by("started_on", "id")
