"""``/api/v1/episodes``, ``/api/v1/packages`` and ``/api/v1/queue``: casework for other
systems. Thin like the other routers: find in scope (404 otherwise), call the service,
answer with the record as it now is. Every read of an episode is a read of the person's
record and is audited."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import StringConstraints

from pathways.api.common import REFUSALS, field_error, fields_named
from pathways.api.pagination import AuditedPageNumberPagination
from pathways.api.schemas import Error, FieldErrors, PackageStatus
from pathways.casework import selectors, services
from pathways.casework.models import (
    Activity,
    ActivityKind,
    Episode,
    Package,
    Stage,
    SupportedElement,
)
from pathways.casework.policy import episode_policy, package_policy
from pathways.core import audit
from pathways.core.models import Team, User
from pathways.core.types import AuthedRequest

router = Router(tags=["casework"])
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class PackageOut(Schema):
    id: int
    work_entry: bool
    supported_element: SupportedElement
    element_started_on: dt.date | None
    transitional_ends_on: dt.date | None
    status: PackageStatus
    reason: str
    proposed_by: str | None = Field(description="Staff email")
    proposed_on: dt.date
    decided_by: str | None
    decided_on: dt.date | None
    decision_reason: str

    @staticmethod
    def resolve_proposed_by(obj: Package) -> str | None:
        return obj.proposed_by.email if obj.proposed_by else None

    @staticmethod
    def resolve_decided_by(obj: Package) -> str | None:
        return obj.decided_by.email if obj.decided_by else None


class EpisodeOut(Schema):
    id: int
    episode_ref: str
    authority: str
    person_ref: str
    team: str
    worker: str | None
    started_on: dt.date
    ended_on: dt.date | None
    end_reason: str
    stage: Stage
    last_contact_on: dt.date | None
    returner: bool
    version: int
    current_package: PackageOut | None

    @staticmethod
    def resolve_authority(obj: Episode) -> str:
        return obj.person.authority.code

    @staticmethod
    def resolve_person_ref(obj: Episode) -> str:
        return obj.person.person_ref

    @staticmethod
    def resolve_team(obj: Episode) -> str:
        return obj.team.code

    @staticmethod
    def resolve_worker(obj: Episode) -> str | None:
        return obj.worker.email if obj.worker else None

    @staticmethod
    def resolve_returner(obj: Episode) -> bool:
        return obj.is_returner

    @staticmethod
    def resolve_current_package(obj: Episode) -> Package | None:
        return selectors.current_package_of(obj)


class ActivityOut(Schema):
    id: int
    kind: ActivityKind
    occurred_on: dt.date
    minutes: int
    with_whom: Activity.With
    notes: str
    recorded_by: str

    @staticmethod
    def resolve_recorded_by(obj: Activity) -> str:
        return obj.recorded_by.email


class EpisodeDetailOut(EpisodeOut):
    packages: list[PackageOut]
    activities: list[ActivityOut]

    @staticmethod
    def resolve_packages(obj: Episode) -> list[Package]:
        return list(obj.packages.all())

    @staticmethod
    def resolve_activities(obj: Episode) -> list[Activity]:
        return list(obj.activities.all())


class PackageIn(Schema):
    work_entry: bool = False
    supported_element: SupportedElement = SupportedElement.NONE
    transitional_ends_on: dt.date | None = Field(
        None, description="For an extension of transitional support: its new end"
    )
    reason: Text


class DecisionIn(Schema):
    reason: str = ""


class ActivityIn(Schema):
    kind: ActivityKind
    occurred_on: dt.date
    with_whom: Activity.With
    minutes: int = Field(0, ge=0, le=24 * 60)
    notes: str = ""


class QueueItemOut(Schema):
    kind: str
    person_ref: str
    authority: str
    episode_ref: str
    due_on: dt.date
    overdue: bool
    worker: str | None
    detail: str


def _episode_in_scope(request: AuthedRequest, episode_id: int) -> Episode:
    return episode_policy.fetch_or_refuse(
        request.user,
        episode_id,
        rows=selectors.episode_with_timeline(),
        channel="api",
        what=f"episode {episode_id}",
        request=request,
    )


def _read(request: AuthedRequest, episode: Episode) -> Episode:
    audit.record_access(
        request.user,
        episode.person,
        channel="api",
        what=f"episode {episode.episode_ref}",
        request=request,
    )
    return episode


@router.get(
    "/episodes",
    response={200: list[EpisodeOut], 401: Error, 422: FieldErrors},
    summary="Episodes of support",
)
@paginate(AuditedPageNumberPagination, what="episode list", person_of=lambda e: e.person)
def list_episodes(
    request: AuthedRequest,
    team: str | None = None,
    worker: str | None = None,
    open_only: bool = True,
) -> QuerySet[Episode]:
    """Episodes the caller may see, newest first; filter by team code, worker email."""
    return selectors.episode_list(
        request.user, team_code=team, worker_email=worker, open_only=open_only
    )


@router.get(
    "/episodes/{int:episode_id}",
    response={200: EpisodeDetailOut, 401: Error, 404: Error},
    summary="An episode",
)
def episode_detail(request: AuthedRequest, episode_id: int) -> Episode:
    """The episode with its package history and timeline (notes included: audited)."""
    return _read(request, _episode_in_scope(request, episode_id))


@router.post(
    "/episodes/{int:episode_id}/packages",
    response={201: PackageOut, **REFUSALS},
    summary="Propose a package change",
)
def propose_package(request: AuthedRequest, episode_id: int, payload: PackageIn) -> Status[Package]:
    episode = _episode_in_scope(request, episode_id)
    with fields_named():
        package = services.propose_package(
            request.user,
            episode,
            work_entry=payload.work_entry,
            supported_element=payload.supported_element,
            reason=payload.reason,
            transitional_ends_on=payload.transitional_ends_on,
        )
    return Status(201, package)


def _package_in_scope(request: AuthedRequest, package_id: int) -> Package:
    found: Package = package_policy.fetch_or_refuse(
        request.user,
        package_id,
        rows=Package.objects.select_related("episode", "proposed_by", "decided_by"),
        channel="api",
        what=f"package {package_id}",
        request=request,
    )
    return found


@router.post(
    "/packages/{int:package_id}/approve",
    response={200: PackageOut, **REFUSALS},
    summary="Approve a package change",
)
def approve_package(
    request: AuthedRequest, package_id: int, payload: DecisionIn | None = None
) -> Package:
    return services.approve_package(
        request.user,
        _package_in_scope(request, package_id),
        reason=payload.reason if payload else "",
    )


@router.post(
    "/packages/{int:package_id}/reject",
    response={200: PackageOut, **REFUSALS},
    summary="Reject a package change",
)
def reject_package(request: AuthedRequest, package_id: int, payload: DecisionIn) -> Package:
    return services.reject_package(
        request.user, _package_in_scope(request, package_id), reason=payload.reason
    )


@router.post(
    "/episodes/{int:episode_id}/activities",
    response={201: ActivityOut, **REFUSALS},
    summary="Record an activity",
)
def record_activity(
    request: AuthedRequest, episode_id: int, payload: ActivityIn
) -> Status[Activity]:
    episode = _episode_in_scope(request, episode_id)
    with fields_named():
        activity = services.record_activity(
            request.user,
            episode,
            kind=payload.kind,
            occurred_on=payload.occurred_on,
            with_whom=payload.with_whom,
            minutes=payload.minutes,
            notes=payload.notes,
        )
    return Status(201, activity)


@router.get(
    "/queue",
    response={200: list[QueueItemOut], 401: Error, 422: FieldErrors},
    summary="The work queue",
)
def work_queue(
    request: AuthedRequest,
    on: dt.date | None = None,
    team: str | None = None,
    worker: str | None = None,
) -> list[dict[str, Any]]:
    """What is due or overdue on a date (default today) among the caller's cases."""
    team_obj = worker_obj = None
    if team:
        team_obj = Team.objects.filter(code=team).first()
        if team_obj is None:
            raise field_error("team", f"No team has the code {team}.")
    if worker:
        worker_obj = User.objects.filter(email__iexact=worker).first()
        if worker_obj is None:
            raise field_error("worker", f"No staff member has the email {worker}.")
    items = selectors.work_queue(
        request.user, on or timezone.localdate(), team=team_obj, worker=worker_obj
    )
    audit.record_access_bulk(
        request.user,
        {i.episode.person.pk: i.episode.person for i in items}.values(),
        channel="api",
        what="work queue",
        request=request,
    )
    return [i.as_dict() for i in items]
