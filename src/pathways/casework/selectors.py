"""Reads of casework, scoped by ``casework.policy.episode_policy``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OrderBy,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from pathways.casework.models import (
    Activity,
    Appointment,
    Episode,
    Feedback,
    Goal,
    LongTermReview,
    Package,
    Stage,
    StageEntry,
    SupportedElement,
)
from pathways.casework.policy import episode_policy
from pathways.casework.prompts import Prompt, milestones_reached
from pathways.casework.queue import QueueItem, build_queue
from pathways.core import policies
from pathways.core.models import Membership, Team, User
from pathways.people.models import Person

#: The episode page lists booked appointments from this many days back: those not yet
#: marked as done, beside the ones to come.
APPOINTMENTS_BACK_DAYS = 14


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
        Prefetch(
            "appointments",
            queryset=Appointment.objects.filter(
                status=Appointment.Status.BOOKED,
                starts_at__gte=timezone.now() - dt.timedelta(days=APPOINTMENTS_BACK_DAYS),
            ).select_related("with_whom"),
            to_attr="booked_appointments",
        ),
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


# "My people" and team lists ------------------------------------------------------


def may_list_people(user: User) -> bool:
    """Whether the user holds or manages cases (a specialist or manager in a team): who
    has the "My people" and team lists (no query beyond ``scope_of``)."""
    return bool(list_team_ids(user))


def list_team_ids(user: User) -> list[int]:
    """The teams whose people the user may list: those where they hold or manage cases.
    A commissioner, an intake officer or an approver alone has none."""
    scope = policies.scope_of(user)
    return sorted(
        t for t, roles in scope.roles_by_team.items() if roles & set(policies.CASEWORK_ROLES)
    )


def list_teams(user: User) -> QuerySet[Team]:
    return Team.objects.filter(pk__in=list_team_ids(user)).order_by("name", "pk")


def list_workers(user: User) -> QuerySet[User]:
    """The workers the team list may be narrowed to: everyone who holds or manages
    cases in the user's teams (one query)."""
    return (
        User.objects.filter(
            pk__in=Membership.objects.filter(
                team_id__in=list_team_ids(user), role__in=policies.CASEWORK_ROLES
            ).values("user_id")
        )
        .order_by("first_name", "last_name", "email")
        .distinct()
    )


#: The worker filter's value for episodes nobody is allocated to.
NOT_ALLOCATED = "none"

#: The package filter's value for episodes with no package approved yet.
NO_PACKAGE = "none"

#: The package filter's values.
PACKAGE_KINDS = [
    ("work_entry", "Work entry"),
    (SupportedElement.TRANSITIONAL, "Transitional supported employment"),
    (SupportedElement.LONG_TERM, "Long-term supported employment"),
    (NO_PACKAGE, "No package approved yet"),
]

#: What a list may be sorted by, and each one's first direction when chosen.
SORTS = {
    "name": "ascending",
    "stage": "ascending",
    "contact": "descending",
    "package_end": "ascending",
}


@dataclass(frozen=True)
class PeopleFilters:
    """What a list of people is narrowed to; empty values narrow nothing."""

    need_group: str = ""
    stage: str = ""
    #: A worker's id, ``NOT_ALLOCATED``, or "" for anyone.
    worker: str = ""
    team_id: int | None = None
    #: A ``PACKAGE_KINDS`` value.
    package: str = ""
    #: People with no contact for at least this many days (counted from the start of
    #: support when there has been none).
    no_contact_days: int | None = None


def _stage_order() -> Case:
    return Case(
        *[When(stage=value, then=Value(i)) for i, value in enumerate(Stage.values)],
        default=Value(len(Stage.values)),
        output_field=IntegerField(),
    )


def _ordering(sort: str, descending: bool) -> list[OrderBy]:
    def by(expression: F | Case, *, nulls_last: bool = False) -> OrderBy:
        if descending:
            return expression.desc(nulls_last=True if nulls_last else None)
        return expression.asc(nulls_last=True if nulls_last else None)

    if sort == "stage":
        keys = [by(_stage_order()), by(F("stage_since"))]
    elif sort == "contact":
        # Days since contact: the earliest contact is the most days ago.
        keys = [F("contact").asc() if descending else F("contact").desc()]
    elif sort == "package_end":
        keys = [by(F("package_ends_on"), nulls_last=True)]
    else:
        keys = []
    return [
        *keys,
        by(F("person__family_name")),
        by(F("person__given_name")),
        F("pk").asc(),
    ]


def people_list(
    user: User,
    *,
    mine: bool,
    on: dt.date,
    filters: PeopleFilters | None = None,
    sort: str = "name",
    descending: bool = False,
) -> QuerySet[Episode]:
    """Open episodes for the "My people" list (``mine``: allocated to the user) or the
    team list (held by the teams where the user holds or manages cases), only those
    the episode policy lets the user see, narrowed by ``filters`` and sorted.

    Each row carries its person, team and worker, the day it entered its stage
    (``stage_since``: the start of support when it has been at the first stage since),
    its current package (``package_work_entry``, ``package_element``,
    ``package_ends_on``: the two-year limit of transitional support) and its last
    contact (``contact``: the last contact with the person, or the start of support
    when there has been none): one query for a page, whatever the filters."""
    filters = filters or PeopleFilters()
    episodes = episode_policy.visible(user, Episode.objects.filter(ended_on__isnull=True))
    if mine:
        episodes = episodes.filter(worker=user)
    else:
        episodes = episodes.filter(team_id__in=list_team_ids(user))
    current = Package.objects.filter(
        episode=OuterRef("pk"), status=Package.Status.APPROVED
    ).order_by("-decided_on", "-id")
    latest_entry = StageEntry.objects.filter(
        episode=OuterRef("pk"), stage=OuterRef("stage")
    ).order_by("-entered_on", "-id")
    episodes = episodes.select_related("person", "team", "worker").annotate(
        stage_since=Coalesce(Subquery(latest_entry.values("entered_on")[:1]), "started_on"),
        has_package=Exists(current),
        package_work_entry=Subquery(current.values("work_entry")[:1]),
        package_element=Subquery(current.values("supported_element")[:1]),
        package_ends_on=Subquery(current.values("transitional_ends_on")[:1]),
        contact=Coalesce("last_contact_on", "started_on"),
    )
    if filters.need_group:
        episodes = episodes.filter(person__primary_support_reason=filters.need_group)
    if filters.stage:
        episodes = episodes.filter(stage=filters.stage)
    if filters.worker == NOT_ALLOCATED:
        episodes = episodes.filter(worker__isnull=True)
    elif filters.worker:
        episodes = episodes.filter(worker_id=int(filters.worker))
    if filters.team_id is not None:
        episodes = episodes.filter(team_id=filters.team_id)
    if filters.package == "work_entry":
        episodes = episodes.filter(package_work_entry=True)
    elif filters.package == NO_PACKAGE:
        episodes = episodes.filter(has_package=False)
    elif filters.package:
        episodes = episodes.filter(package_element=filters.package)
    if filters.no_contact_days is not None:
        episodes = episodes.filter(contact__lte=on - dt.timedelta(days=filters.no_contact_days))
    return episodes.order_by(*_ordering(sort if sort in SORTS else "name", descending))


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


# --- Appointments --------------------------------------------------------------------


def day_bounds(on: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The start of ``on`` and of the next day, in the service's time zone."""
    start = timezone.make_aware(dt.datetime.combine(on, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min))
    return start, end


def appointments_on(episode_ids: list[int], on: dt.date) -> QuerySet[Appointment]:
    """The booked appointments of these episodes on the day ``on``, earliest first: one
    query for the work queue however many episodes it lists."""
    start, end = day_bounds(on)
    return (
        Appointment.objects.filter(
            episode_id__in=episode_ids,
            status=Appointment.Status.BOOKED,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .select_related("with_whom")
        .order_by("starts_at", "id")
    )


def appointments_needing_reminder(on: dt.date) -> QuerySet[Appointment]:
    """Booked appointments of open episodes on the day after ``on`` whose reminder has
    not been sent yet, with what the reminder says (for the daily run: unscoped)."""
    start, end = day_bounds(on + dt.timedelta(days=1))
    return (
        Appointment.objects.filter(
            status=Appointment.Status.BOOKED,
            starts_at__gte=start,
            starts_at__lt=end,
            reminded_at__isnull=True,
            episode__ended_on__isnull=True,
        )
        .select_related("episode__person", "with_whom")
        .order_by("starts_at", "id")
    )


def upcoming_appointments_of(episode: Episode) -> list[Appointment]:
    """The booked appointments on the episode page (prefetched by
    ``episode_with_history``: no query), earliest first."""
    return sorted(getattr(episode, "booked_appointments", []), key=lambda a: (a.starts_at, a.pk))


def coming_appointments_of_person(person_id: int) -> QuerySet[Appointment]:
    """The person's appointments from today on, booked or cancelled (so a change of
    plan shows), in support that has not ended, earliest first, with whom: one query,
    for the person's own pages."""
    start, _ = day_bounds(timezone.localdate())
    return (
        Appointment.objects.filter(
            episode__person_id=person_id,
            episode__ended_on__isnull=True,
            starts_at__gte=start,
            status__in=[Appointment.Status.BOOKED, Appointment.Status.CANCELLED],
        )
        .select_related("with_whom")
        .order_by("starts_at", "id")
    )


# --- feedback ("How is it going?") -----------------------------------------------------


def feedback_prompts(person: Person, on: dt.date | None = None) -> list[Prompt]:
    """The milestones reached lately that the person has not yet said how it is going
    about, newest first (``casework.prompts``)."""
    reached = milestones_reached(person, on or dt.date.today())
    if not reached:
        return []
    asked = set(
        Feedback.objects.filter(
            person=person, prompted_by__in=[p.key for p in reached]
        ).values_list("prompted_by", flat=True)
    )
    return [p for p in reached if p.key not in asked]


def feedback_rows() -> QuerySet[Feedback]:
    """Feedback with what its page shows (unscoped: ``feedback_policy`` scopes it)."""
    return Feedback.objects.select_related(
        "person",
        "person__authority",
        "episode",
        "episode__worker",
        "team",
        "replied_by",
        "given_by",
    )


def feedback_of_episode(episode: Episode) -> QuerySet[Feedback]:
    """What the person said while this episode was theirs, newest first."""
    return Feedback.objects.filter(episode=episode).select_related("replied_by")
