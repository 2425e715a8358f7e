"""``/api/v1/opportunities``: opportunities at the employers of the caller's providers.

Thin like the other routers: find the opportunity in the caller's scope (404 otherwise),
call ``employers.opportunities.services`` and answer with the opportunity as it now
is. Opportunities hold no personal data; their ``pipeline`` counts the candidacies the
caller may see. Who could take one is in ``api.matches``.

The operation ids are the ones these routes were published with in ``api.employers``,
so that generated clients keep their method names.

No ``from __future__ import annotations`` here: ninja reads the parameter types of a
``@paginate``d view from the decorator's module, where ``OpportunityKind`` is unknown.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from pathways.api.common import REFUSALS, field_error, fields_named
from pathways.api.employers import employer_in_scope
from pathways.api.pagination import PAGE_SIZE, NumberedPages
from pathways.api.schemas import Code, Error, FieldErrors, Text
from pathways.core.models import Authority, OpportunityKind
from pathways.core.types import AuthedRequest
from pathways.employers.candidacies import selectors as candidacy_selectors
from pathways.employers.opportunities import selectors as opportunity_selectors
from pathways.employers.opportunities import services as opportunity_services
from pathways.employers.opportunities.models import Opportunity
from pathways.employers.opportunities.policy import opportunity_policy
from pathways.employers.overview import selectors as overview

router = Router(tags=["opportunities"])


class OpportunityOut(Schema):
    id: int
    opportunity_ref: str
    authority: str = Field(description="The authority whose residents it is offered to")
    employer_id: int
    employer: str
    site_id: int | None
    title: str
    kind: OpportunityKind
    paid: bool
    hours_per_week: Decimal
    hourly_pay: Decimal | None
    weekly_pay: Decimal | None
    latitude: Decimal | None
    longitude: Decimal | None
    places: int
    tags: list[str] = Field(description="Interest tag codes, in code order")
    description: str
    accessibility_notes: str
    instead_of_interview: bool
    carved_tasks: list[str]
    opened_on: dt.date
    closes_on: dt.date | None
    closed_on: dt.date | None
    open: bool
    version: int = Field(description="Send back as `version` to guard against lost updates")

    @staticmethod
    def resolve_authority(obj: Opportunity) -> str:
        return obj.authority.code

    @staticmethod
    def resolve_employer(obj: Opportunity) -> str:
        return obj.employer.name

    @staticmethod
    def resolve_tags(obj: Opportunity) -> list[str]:
        return sorted(t.code for t in obj.tags.all())

    @staticmethod
    def resolve_open(obj: Opportunity) -> bool:
        return obj.is_open(timezone.localdate())


class OpportunityListOut(OpportunityOut):
    candidates: int = Field(description="Candidacies not ended unsuccessfully or withdrawn")


class OpportunityDetailOut(OpportunityOut):
    pipeline: dict[str, int] = Field(
        description="How many of the candidacies you may see are at each status"
    )

    @staticmethod
    def resolve_pipeline(obj: Opportunity, context: Any) -> dict[str, int]:
        return candidacy_selectors.pipeline_counts(context["request"].user, obj)


class OpportunityIn(Schema):
    employer: int = Field(description="The employer's id")
    opportunity_ref: Code
    authority: Code = Field(description="The ONS code of the authority it is offered to")
    site: int | None = Field(None, description="The id of one of the employer's sites")
    title: Text
    kind: OpportunityKind
    paid: bool
    hours_per_week: Decimal
    hourly_pay: Decimal | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    places: int = 1
    tags: list[str] = Field([], description="Interest tag codes")
    description: str = ""
    accessibility_notes: str = ""
    instead_of_interview: bool = False
    carved_tasks: list[str] = []
    opened_on: dt.date | None = Field(None, description="Default: today")
    closes_on: dt.date | None = None


class CloseIn(Schema):
    on: dt.date | None = Field(None, description="Default: today")


def opportunity_in_scope(request: AuthedRequest, opportunity_id: int) -> Opportunity:
    found: Opportunity = opportunity_policy.fetch_or_refuse(
        request.user,
        opportunity_id,
        rows=opportunity_selectors.opportunity_rows(),
        channel="api",
        what=f"opportunity {opportunity_id}",
        request=request,
    )
    return found


@router.get(
    "/opportunities",
    response={200: list[OpportunityListOut], 401: Error, 422: FieldErrors},
    summary="Opportunities",
    operation_id="pathways_api_employers_list_opportunities",
)
@paginate(NumberedPages, page_size=PAGE_SIZE)
def list_opportunities(
    request: AuthedRequest, kind: OpportunityKind | None = None, open: bool = True, q: str = ""
) -> QuerySet[Opportunity]:
    """Opportunities at the employers of the caller's providers, closing soonest first:
    only open ones unless `open=false`; `q` searches the title, the employer's name and
    the reference."""
    return overview.opportunity_list(request.user, kind=kind or "", open_only=open, search=q)


@router.get(
    "/opportunities/{int:opportunity_id}",
    response={200: OpportunityDetailOut, 401: Error, 404: Error},
    summary="An opportunity",
    operation_id="pathways_api_employers_opportunity_detail",
)
def opportunity_detail(request: AuthedRequest, opportunity_id: int) -> Opportunity:
    return opportunity_in_scope(request, opportunity_id)


@router.post(
    "/opportunities",
    response={201: OpportunityDetailOut, **REFUSALS},
    summary="Add an opportunity",
    operation_id="pathways_api_employers_create_opportunity",
)
def create_opportunity(request: AuthedRequest, payload: OpportunityIn) -> Status[Opportunity]:
    """An opportunity at an employer on the caller's list, offered to one authority's
    residents (specialists and managers of the provider)."""
    employer = employer_in_scope(request, payload.employer, whole=False)
    authority = Authority.objects.filter(code=payload.authority).first()
    if authority is None:
        raise field_error("authority", f"No authority has the code {payload.authority}.")
    site = None
    if payload.site is not None:
        site = employer.sites.filter(pk=payload.site).first()
        if site is None:
            raise field_error("site", f"{employer} has no site with the id {payload.site}.")
    fields = payload.dict(exclude={"employer", "authority", "site", "tags", "opened_on"})
    if payload.opened_on is not None:
        fields["opened_on"] = payload.opened_on
    with fields_named():
        opportunity = opportunity_services.create_opportunity(
            request.user,
            employer,
            authority=authority,
            site=site,
            tags=payload.tags,
            confirmed=True,  # unusual pay is accepted from the API (decision 0036)
            **fields,
        )
    return Status(201, opportunity_in_scope(request, opportunity.pk))


@router.post(
    "/opportunities/{int:opportunity_id}/close",
    response={200: OpportunityDetailOut, **REFUSALS},
    summary="Close an opportunity early",
    operation_id="pathways_api_employers_close_opportunity",
)
def close_opportunity(
    request: AuthedRequest, opportunity_id: int, payload: CloseIn | None = None
) -> Opportunity:
    """Filled or withdrawn: it leaves the matching lists."""
    opportunity = opportunity_in_scope(request, opportunity_id)
    with fields_named():
        opportunity_services.close_opportunity(
            request.user, opportunity, on=payload.on if payload else None
        )
    return opportunity_in_scope(request, opportunity_id)
