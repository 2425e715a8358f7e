"""Reads of casework, scoped by ``core.policies.episodes``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from pathways.casework.models import Activity, Episode, Package
from pathways.casework.queue import QueueItem, build_queue
from pathways.core import policies
from pathways.core.models import Team, User


def episodes_for(user: User) -> QuerySet[Episode]:
    return policies.episodes.visible(user, Episode.objects.all())


def work_queue(
    user: User | None,
    on: dt.date,
    *,
    team: Team | None = None,
    worker: User | None = None,
) -> list[QueueItem]:
    """The queue for what ``user`` may see (everything for the operator: ``None``)."""
    episodes = Episode.objects.all() if user is None else episodes_for(user)
    if team is not None:
        episodes = episodes.filter(team=team)
    if worker is not None:
        episodes = episodes.filter(worker=worker)
    return build_queue(episodes, on)


def get_episode(user: User, pk: int) -> Episode | None:
    """One episode with its package history, stages, reviews and timeline."""
    return (
        episodes_for(user)
        .select_related("person", "person__authority", "team", "worker", "previous")
        .prefetch_related(
            Prefetch(
                "packages",
                queryset=Package.objects.select_related("proposed_by", "decided_by").order_by(
                    "-proposed_on", "-id"
                ),
            ),
            "stage_entries",
            "reviews__reviewer",
            Prefetch(
                "activities",
                queryset=Activity.objects.select_related("recorded_by").order_by(
                    "-occurred_on", "-id"
                ),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def current_package_of(episode: Episode) -> Package | None:
    """The current package from the prefetched history (no query)."""
    approved = [p for p in episode.packages.all() if p.status == Package.Status.APPROVED]
    return max(approved, key=lambda p: (p.decided_on, p.pk), default=None)


def pending_package_of(episode: Episode) -> Package | None:
    return next((p for p in episode.packages.all() if p.status == Package.Status.PROPOSED), None)


def packages_awaiting(user: User) -> QuerySet[Package]:
    """Package changes this user may decide."""
    from pathways.core.policies import APPROVER_ROLES, scope_of

    scope = scope_of(user)
    teams = [t for t, roles in scope.roles_by_team.items() if roles & set(APPROVER_ROLES)]
    return (
        Package.objects.filter(status=Package.Status.PROPOSED, episode__team_id__in=teams)
        .exclude(proposed_by=user)
        .select_related("episode", "episode__person", "episode__team", "proposed_by")
        .order_by("proposed_on", "id")
    )
