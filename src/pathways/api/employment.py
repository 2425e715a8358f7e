"""``/api/v1/people/{id}/placements``, ``/placements``, ``/checks`` and ``/milestones``:
jobs and the in-work support that follows, for other systems.

Thin like the other routers: the record in the caller's scope or 404 (the refused look
audited), the service in ``employment.services``, and the record as it now is. A
placement is part of the person's record, so every answer is audited as a read of it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from pathways.api.common import REFUSALS, field_error, fields_named, person_in_scope
from pathways.api.schemas import Error
from pathways.core import audit
from pathways.core.models import OpportunityKind
from pathways.core.types import AuthedRequest
from pathways.employers.candidacies import selectors as candidacies
from pathways.employers.overview import selectors as employers
from pathways.employment import selectors, services
from pathways.employment.models import (
    AccessToWork,
    AccessToWorkStatus,
    CheckKind,
    Milestone,
    MilestoneEvidence,
    Placement,
    PostStartCheck,
)
from pathways.employment.policy import placement_policy
from pathways.employment.selectors import FadingWeek

router = Router(tags=["placements"])


class CheckOut(Schema):
    id: int
    kind: CheckKind
    label: str = Field(alias="get_kind_display")
    due_on: dt.date
    done_on: dt.date | None
    notes: str


class MilestoneOut(Schema):
    id: int
    weeks: int
    reached_on: dt.date
    confirmed_on: dt.date | None
    evidence: MilestoneEvidence | None

    @staticmethod
    def resolve_evidence(obj: Milestone) -> str | None:
        return obj.evidence or None


class AccessToWorkOut(Schema):
    status: AccessToWorkStatus
    funds: str
    applied_on: dt.date | None
    decided_on: dt.date | None
    award_ends_on: dt.date | None
    version: int


class FadingWeekOut(Schema):
    number: int
    starts_on: dt.date
    planned_hours: Decimal | None
    actual_hours: Decimal
    above_plan: bool


class PlacementOut(Schema):
    id: int
    placement_ref: str
    person_ref: str
    employer: str
    job_title: str
    kind: OpportunityKind
    paid: bool
    start_date: dt.date
    end_date: dt.date | None
    end_reason: str
    hours_per_week: Decimal
    hourly_pay: Decimal | None
    supported: bool | None
    support_ended_on: dt.date | None
    version: int

    @staticmethod
    def resolve_person_ref(obj: Placement) -> str:
        return obj.person.person_ref

    @staticmethod
    def resolve_employer(obj: Placement) -> str:
        return obj.employer_name


class PlacementDetailOut(PlacementOut):
    checks: list[CheckOut]
    milestones: list[MilestoneOut]
    access_to_work: AccessToWorkOut | None
    fading: list[FadingWeekOut] = Field(
        description="Planned against actual coaching hours for each whole week so far"
    )
    fading_stalled: bool

    @staticmethod
    def resolve_checks(obj: Placement) -> list[PostStartCheck]:
        return list(obj.checks.all())

    @staticmethod
    def resolve_milestones(obj: Placement) -> list[Milestone]:
        return list(obj.milestones.all())

    @staticmethod
    def resolve_access_to_work(obj: Placement) -> AccessToWork | None:
        return getattr(obj, "access_to_work", None)

    @staticmethod
    def resolve_fading(obj: Placement) -> list[FadingWeek]:
        return obj.fading_weeks  # type: ignore[attr-defined]

    @staticmethod
    def resolve_fading_stalled(obj: Placement) -> bool:
        return bool(selectors.stalled(obj.fading_weeks))  # type: ignore[attr-defined]


class JobStartIn(Schema):
    start_date: dt.date
    candidacy: int | None = Field(None, description="An accepted candidacy's id")
    employer: int | None = Field(None, description="The employer's id (from /employers)")
    job_title: str = ""
    kind: OpportunityKind | None = None
    paid: bool | None = None
    hours_per_week: Decimal | None = None
    hourly_pay: Decimal | None = None
    supported: bool = True


class CheckDoneIn(Schema):
    done_on: dt.date | None = Field(None, description="Default: today")
    notes: str = ""


class ConfirmIn(Schema):
    evidence: MilestoneEvidence
    confirmed_on: dt.date | None = Field(None, description="Default: today")
    notes: str = ""


def _placement(request: AuthedRequest, placement_id: int) -> Placement:
    placement = placement_policy.fetch_or_refuse(
        request.user,
        placement_id,
        rows=selectors.placement_page_rows(),
        channel="api",
        what=f"placement {placement_id}",
        request=request,
    )
    placement.fading_weeks = selectors.fading_of(placement, timezone.localdate())  # type: ignore[attr-defined]
    return placement


def _read(request: AuthedRequest, placement: Placement) -> Placement:
    audit.record_access(
        request.user, placement.person, channel="api", what="placement", request=request
    )
    return placement


@router.get(
    "/people/{int:person_id}/placements",
    response={200: list[PlacementOut], 401: Error, 404: Error},
    summary="A person's jobs",
)
def person_placements(request: AuthedRequest, person_id: int) -> list[Placement]:
    """Newest first."""
    person = person_in_scope(request, person_id, "placements")
    audit.record_access(request.user, person, channel="api", what="placements", request=request)
    return list(selectors.placements_of_person(request.user, person.pk).select_related("person"))


@router.post(
    "/people/{int:person_id}/placements",
    response={201: PlacementDetailOut, **REFUSALS},
    summary="Record a job start",
)
def record_job_start(
    request: AuthedRequest, person_id: int, payload: JobStartIn
) -> Status[Placement]:
    """From an accepted candidacy (its opportunity fills what is not given) or for a job
    the person found themself (give every detail). Sets the six post-start checks."""
    person = person_in_scope(request, person_id, "placements")
    candidacy = employer = None
    if payload.candidacy is not None:
        candidacy = candidacies.get_candidacy(request.user, payload.candidacy)
        if candidacy is None:
            raise field_error(
                "candidacy", f"No candidacy you may see has the id {payload.candidacy}."
            )
    if payload.employer is not None:
        employer = employers.get_employer(request.user, payload.employer)
        if employer is None:
            raise field_error("employer", f"You may see no employer {payload.employer}.")
    with fields_named():
        placement = services.record_job_start(
            request.user,
            person,
            start_date=payload.start_date,
            employer=employer,
            job_title=payload.job_title,
            kind=payload.kind or "",
            paid=payload.paid,
            hours_per_week=payload.hours_per_week,
            hourly_pay=payload.hourly_pay,
            supported=payload.supported,
            candidacy=candidacy,
            confirmed=True,  # unusual pay is accepted from the API (decision 0036)
        )
    return Status(201, _read(request, _placement(request, placement.pk)))


@router.get(
    "/placements/{int:placement_id}",
    response={200: PlacementDetailOut, 401: Error, 404: Error},
    summary="A job with its checks, milestones, fading plan and Access to Work",
)
def placement_detail(request: AuthedRequest, placement_id: int) -> Placement:
    return _read(request, _placement(request, placement_id))


@router.post(
    "/checks/{int:check_id}/done",
    response={200: PlacementDetailOut, **REFUSALS},
    summary="Tick off a post-start check",
)
def complete_check(request: AuthedRequest, check_id: int, payload: CheckDoneIn) -> Placement:
    check = PostStartCheck.objects.filter(pk=check_id).only("placement_id").first()
    placement = _placement(request, check.placement_id if check else 0)
    assert check is not None
    with fields_named():
        services.complete_check(
            request.user,
            check,
            done_on=payload.done_on or timezone.localdate(),
            notes=payload.notes,
        )
    return _read(request, _placement(request, placement.pk))


@router.post(
    "/milestones/{int:milestone_id}/confirm",
    response={200: PlacementDetailOut, **REFUSALS},
    summary="Confirm the person was still in work at a milestone",
)
def confirm_milestone(request: AuthedRequest, milestone_id: int, payload: ConfirmIn) -> Placement:
    milestone = Milestone.objects.filter(pk=milestone_id).only("placement_id").first()
    placement = _placement(request, milestone.placement_id if milestone else 0)
    assert milestone is not None
    with fields_named():
        services.confirm_milestone(
            request.user,
            milestone,
            evidence=payload.evidence,
            confirmed_on=payload.confirmed_on or timezone.localdate(),
            notes=payload.notes,
        )
    return _read(request, _placement(request, placement.pk))
