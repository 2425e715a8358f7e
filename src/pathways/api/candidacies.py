"""``/api/v1/candidacies``: people put forward for opportunities, and each step after.

Thin like the other routers: find the candidacy in the caller's scope (404 otherwise,
the refused look audited as one at the person's record), call
``employers.candidacies.services`` and answer with the candidacy as it now is. A
candidacy is personal data: every read is audited as a read of the person's record.

The operation ids are the ones these routes were published with in ``api.employers``,
so that generated clients keep their method names.

No ``from __future__ import annotations`` here: ninja reads the parameter types of a
``@paginate``d view from the decorator's module, where this module's names are unknown.
"""

import datetime as dt

from django.db.models import QuerySet
from ninja import Field, Router, Schema
from ninja.errors import ValidationError
from ninja.pagination import paginate
from ninja.responses import Status

from pathways.api.common import REFUSALS, fields_named, person_in_scope
from pathways.api.opportunities import opportunity_in_scope
from pathways.api.pagination import AuditedPageNumberPagination
from pathways.api.schemas import Error, FieldErrors
from pathways.core import audit
from pathways.core.types import AuthedRequest
from pathways.employers.candidacies import selectors as candidacy_selectors
from pathways.employers.candidacies import services as candidacy_services
from pathways.employers.candidacies.models import Candidacy, CandidacyStatus, CandidacyStep
from pathways.employers.candidacies.policy import candidacy_policy
from pathways.matching import selectors as matching
from pathways.people.models import Person

router = Router(tags=["candidacies"])


class CandidacyStepOut(Schema):
    status: CandidacyStatus
    on: dt.date
    reason: str
    consent_id: int | None = Field(description="The consent relied on for this step")
    recorded_by: str = Field(description="Staff email")

    @staticmethod
    def resolve_recorded_by(obj: CandidacyStep) -> str:
        return obj.recorded_by.email


class CandidacyOut(Schema):
    id: int
    person_id: int
    person_ref: str
    opportunity_id: int
    opportunity_ref: str
    opportunity_title: str
    employer: str
    status: CandidacyStatus
    status_on: dt.date
    score: int | None = Field(description="The match score when they were put forward")
    consent_id: int | None = Field(
        description="The consent relied on when their details first went to the employer"
    )
    shared_with_person_on: dt.date | None = Field(
        description="When the coach shared the job with the person's portal"
    )
    person_answer: str = Field(
        description="The person's answer in their portal: blank, `yes`, `no` or `later`"
    )
    person_answer_on: dt.date | None
    next_statuses: list[CandidacyStatus]
    version: int = Field(description="Send back as `version` to guard against lost updates")

    @staticmethod
    def resolve_person_ref(obj: Candidacy) -> str:
        return obj.person.person_ref

    @staticmethod
    def resolve_opportunity_ref(obj: Candidacy) -> str:
        return obj.opportunity.opportunity_ref

    @staticmethod
    def resolve_opportunity_title(obj: Candidacy) -> str:
        return obj.opportunity.title

    @staticmethod
    def resolve_employer(obj: Candidacy) -> str:
        return obj.opportunity.employer.name

    @staticmethod
    def resolve_next_statuses(obj: Candidacy) -> list[str]:
        return candidacy_services.next_statuses(obj)


class CandidacyDetailOut(CandidacyOut):
    steps: list[CandidacyStepOut]

    @staticmethod
    def resolve_steps(obj: Candidacy) -> list[CandidacyStep]:
        return list(obj.steps.all())


class CandidacyIn(Schema):
    person: int = Field(description="The person's id")
    opportunity: int = Field(description="The opportunity's id")
    reason: str = ""


class MoveIn(Schema):
    status: CandidacyStatus
    on: dt.date | None = Field(None, description="Default: today")
    reason: str = Field("", description="Needed for unsuccessful and withdrawn")
    version: int = Field(
        description="The candidacy's version when read; required: a newer one refuses the move"
    )


def _candidacy_in_scope(request: AuthedRequest, candidacy_id: int) -> Candidacy:
    found: Candidacy = candidacy_policy.fetch_or_refuse(
        request.user,
        candidacy_id,
        rows=candidacy_selectors.candidacy_page_rows(),
        channel="api",
        what=f"candidacy {candidacy_id}",
        request=request,
    )
    return found


@router.get(
    "/candidacies",
    response={200: list[CandidacyOut], 401: Error, 404: Error, 422: FieldErrors},
    summary="Candidacies of a person or for an opportunity",
    operation_id="pathways_api_employers_list_candidacies",
)
@paginate(AuditedPageNumberPagination, what="candidacy list", person_of=lambda c: c.person)
def list_candidacies(
    request: AuthedRequest, person: int | None = None, opportunity: int | None = None
) -> QuerySet[Candidacy]:
    """A person's candidacies (`person`), or those for an opportunity (`opportunity`)
    of the people the caller may see. Each candidacy listed is a read of the person."""
    if person is not None:
        found = person_in_scope(request, person, "candidacies")
        candidacies = candidacy_selectors.candidacies_of_person(request.user, found)
        if opportunity is not None:
            candidacies = candidacies.filter(opportunity_id=opportunity)
    elif opportunity is not None:
        candidacies = candidacy_selectors.candidacies_of_opportunity(
            request.user, opportunity_in_scope(request, opportunity)
        )
    else:
        raise ValidationError(
            [{"loc": ("query", "person"), "msg": "Give a person's or an opportunity's id."}]
        )
    return candidacies.select_related("person", "opportunity__employer")


@router.get(
    "/candidacies/{int:candidacy_id}",
    response={200: CandidacyDetailOut, 401: Error, 404: Error},
    summary="A candidacy",
    operation_id="pathways_api_employers_candidacy_detail",
)
def candidacy_detail(request: AuthedRequest, candidacy_id: int) -> Candidacy:
    """The candidacy and its steps; reading it is audited as a read of the person."""
    candidacy = _candidacy_in_scope(request, candidacy_id)
    audit.record_access(
        request.user,
        candidacy.person,
        channel="api",
        what=f"candidacy {candidacy.pk}",
        request=request,
    )
    return candidacy


@router.post(
    "/candidacies",
    response={201: CandidacyDetailOut, **REFUSALS},
    summary="Put a person forward for an opportunity",
    operation_id="pathways_api_employers_put_forward",
)
def put_forward(request: AuthedRequest, payload: CandidacyIn) -> Status[Candidacy]:
    """Start a candidacy at "suggested" (the person's worker, or a specialist or manager
    of a team with an open episode of theirs). The match score is kept with it."""
    person = person_in_scope(request, payload.person, "candidacy: put forward")
    opportunity = opportunity_in_scope(request, payload.opportunity)
    match = matching.people_for(opportunity, Person.objects.filter(pk=person.pk), top=1)
    with fields_named():
        candidacy = candidacy_services.put_forward(
            request.user,
            person,
            opportunity,
            score=match[0].score if match else None,
            reason=payload.reason,
        )
    return Status(201, _candidacy_in_scope(request, candidacy.pk))


@router.post(
    "/candidacies/{int:candidacy_id}/move",
    response={200: CandidacyDetailOut, **REFUSALS},
    summary="Move a candidacy on",
    operation_id="pathways_api_employers_move_candidacy",
)
def move_candidacy(request: AuthedRequest, candidacy_id: int, payload: MoveIn) -> Candidacy:
    """Record the next step. A step that sends the person's details to the employer
    (applied onwards) needs their consent to share with employers: 409 without it."""
    candidacy = _candidacy_in_scope(request, candidacy_id)
    with fields_named():
        candidacy_services.move_candidacy(
            request.user,
            candidacy,
            status=payload.status,
            on=payload.on,
            reason=payload.reason,
            expected_version=payload.version,
        )
    return _candidacy_in_scope(request, candidacy_id)
