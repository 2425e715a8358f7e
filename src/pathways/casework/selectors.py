"""Reads of casework, scoped by ``casework.policy.episode_policy``."""

from __future__ import annotations

import datetime as dt

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Prefetch, QuerySet

from pathways.casework.models import (
    Activity,
    Episode,
    Goal,
    LongTermReview,
    Package,
    StageEntry,
)
from pathways.casework.policy import episode_policy
from pathways.casework.queue import QueueItem, build_queue
from pathways.core import policies
from pathways.core.models import Team, User
from pathways.people.models import Person


def episodes_for(user: User) -> QuerySet[Episode]:
    return episode_policy.visible(user, Episode.objects.all())


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


def episode_with_history() -> QuerySet[Episode]:
    """Episodes with their package history, stages, reviews and action plan, for the
    episode page (unscoped: the episode policy scopes it). The page reads the timeline
    a page at a time (``timeline_of``); ``episode_with_timeline`` adds all of it."""
    return Episode.objects.select_related(
        "person", "person__authority", "team", "worker", "previous"
    ).prefetch_related(
        Prefetch(
            "packages",
            queryset=Package.objects.select_related("proposed_by", "decided_by").order_by(
                "-proposed_on", "-id"
            ),
        ),
        Prefetch(
            "stage_entries",
            queryset=StageEntry.objects.select_related("recorded_by").order_by("entered_on", "id"),
        ),
        Prefetch(
            "reviews",
            queryset=LongTermReview.objects.select_related("reviewer").order_by(
                "-reviewed_on", "-id"
            ),
        ),
        Prefetch("goals", queryset=Goal.objects.prefetch_related("steps")),
    )


def timeline_of(episode: Episode) -> QuerySet[Activity]:
    """The episode's timeline, newest first."""
    return (
        Activity.objects.filter(episode=episode)
        .select_related("recorded_by")
        .order_by("-occurred_on", "-id")
    )


def episode_with_timeline() -> QuerySet[Episode]:
    """``episode_with_history`` and the whole timeline (the API's episode)."""
    return episode_with_history().prefetch_related(
        Prefetch(
            "activities",
            queryset=Activity.objects.select_related("recorded_by").order_by("-occurred_on", "-id"),
        )
    )


def current_package_of(episode: Episode) -> Package | None:
    """The current package from the prefetched history (no query)."""
    approved = [p for p in episode.packages.all() if p.status == Package.Status.APPROVED]
    return max(approved, key=lambda p: (p.decided_on, p.pk), default=None)


def pending_package_of(episode: Episode) -> Package | None:
    return next((p for p in episode.packages.all() if p.status == Package.Status.PROPOSED), None)


def _approver_team_ids(user: User) -> list[int]:
    scope = policies.scope_of(user)
    return [t for t, roles in scope.roles_by_team.items() if roles & set(policies.APPROVER_ROLES)]


def may_approve_packages(user: User) -> bool:
    """Whether the user approves package changes in any team (no query beyond the
    user's memberships, which ``scope_of`` reads once per request)."""
    return bool(_approver_team_ids(user))


def packages_awaiting(user: User) -> QuerySet[Package]:
    """Package changes this user may decide."""
    teams = _approver_team_ids(user)
    return (
        Package.objects.filter(status=Package.Status.PROPOSED, episode__team_id__in=teams)
        .exclude(proposed_by=user)
        .select_related("episode", "episode__person", "episode__team", "proposed_by")
        .order_by("proposed_on", "id")
    )


def episode_list(
    user: User,
    *,
    team_code: str | None = None,
    worker_email: str | None = None,
    open_only: bool = True,
) -> QuerySet[Episode]:
    """Episodes for the API list, newest first, with their packages in one more query."""
    episodes = (
        episodes_for(user)
        .select_related("person", "person__authority", "team", "worker")
        .prefetch_related(
            Prefetch(
                "packages",
                queryset=Package.objects.select_related("proposed_by", "decided_by"),
            )
        )
        .order_by("-started_on", "-id")
    )
    if open_only:
        episodes = episodes.filter(ended_on__isnull=True)
    if team_code:
        episodes = episodes.filter(team__code=team_code)
    if worker_email:
        episodes = episodes.filter(worker__email__iexact=worker_email)
    return episodes


def openable_episode_ids(user: User, person: Person) -> set[int]:
    """The person's episodes this user may open: others (another team's closed support)
    are listed without a link, so following one never ends in a refused read."""
    return set(
        episode_policy.visible(user, Episode.objects.filter(person=person)).values_list(
            "pk", flat=True
        )
    )


def search_case_notes(user: User, words: str) -> QuerySet[Activity]:
    """Timeline entries whose notes match ``words``, in the episodes the user may see,
    newest first. On PostgreSQL this is full-text search in English (``interviews``
    finds "interview", "a quoted phrase" and ``-word`` work as in a search engine), with
    the GIN index of migration 0006. SQLite, for the demo and tests, has no stemming: it
    finds the notes that contain every word, in any case."""
    activities = Activity.objects.filter(episode__in=episodes_for(user)).exclude(notes="")
    if connection.vendor == "postgresql":
        activities = activities.annotate(words=SearchVector("notes", config="english")).filter(
            words=SearchQuery(words, config="english", search_type="websearch")
        )
    else:
        for word in words.split():
            activities = activities.filter(notes__icontains=word.strip('"'))
    return activities.select_related("episode__person", "recorded_by").order_by(
        "-occurred_on", "-id"
    )


def open_cases_held(worker: User, team: Team | None = None) -> int:
    """How many open cases ``worker`` holds (in ``team``): what stops an administrator
    taking away their caseload role or deactivating them before a hand-over."""
    episodes = Episode.objects.filter(worker=worker, ended_on__isnull=True)
    if team is not None:
        episodes = episodes.filter(team=team)
    return episodes.count()


def open_cases_by_team(worker: User) -> list[tuple[Team, int]]:
    """The teams in which ``worker`` holds open cases, with how many, by team name."""
    counts: dict[int, int] = {}
    for team_id in Episode.objects.filter(worker=worker, ended_on__isnull=True).values_list(
        "team_id", flat=True
    ):
        counts[team_id] = counts.get(team_id, 0) + 1
    teams = Team.objects.filter(pk__in=counts).order_by("name")
    return [(team, counts[team.pk]) for team in teams]
