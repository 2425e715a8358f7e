"""``/api/v1/employers``: the providers' employer lists, each employer with its sites,
contacts, engagement log, pledges and opportunities, for other systems.

Thin like the other routers: find the employer in the caller's scope (404 otherwise, as
if it did not exist), call ``employers.engagement.services`` and answer with the
employer as it now is. Employers hold no personal data.

No ``from __future__ import annotations`` here: ninja reads the parameter types of a
``@paginate``d view from the decorator's module, where this module's names are unknown.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from pathways.api.common import REFUSALS, field_error, fields_named
from pathways.api.pagination import PAGE_SIZE, NumberedPages
from pathways.api.schemas import Error, FieldErrors, PledgeSource, Text
from pathways.core.models import OpportunityKind, Organisation, User
from pathways.core.types import AuthedRequest
from pathways.employers.engagement import services as employer_services
from pathways.employers.engagement.models import (
    DisabilityConfident,
    Employer,
    EmployerContact,
    EmployerSite,
    Engagement,
)
from pathways.employers.engagement.policy import employer_policy
from pathways.employers.opportunities.models import Opportunity
from pathways.employers.overview import selectors as overview
from pathways.employers.pledges.models import SocialValuePledge

router = Router(tags=["employers"])


class SiteOut(Schema):
    id: int
    name: str
    address: str
    postcode: str
    latitude: Decimal | None
    longitude: Decimal | None


class ContactOut(Schema):
    id: int
    name: str
    job_title: str
    email: str
    phone: str


class EngagementOut(Schema):
    id: int
    kind: Engagement.Kind
    occurred_on: dt.date
    attendees: int | None
    notes: str
    recorded_by: str = Field(description="Staff email")

    @staticmethod
    def resolve_recorded_by(obj: Engagement) -> str:
        return obj.recorded_by.email


class PledgeOut(Schema):
    id: int
    authority: str = Field(description="The authority's ONS code")
    description: str
    source: PledgeSource
    source_reference: str
    target: int
    starts_on: dt.date
    ends_on: dt.date

    @staticmethod
    def resolve_authority(obj: SocialValuePledge) -> str:
        return obj.authority.code


class EmployerOpportunityOut(Schema):
    id: int
    opportunity_ref: str
    title: str
    kind: OpportunityKind
    authority: str
    opened_on: dt.date
    closes_on: dt.date | None
    closed_on: dt.date | None
    open: bool

    @staticmethod
    def resolve_authority(obj: Opportunity) -> str:
        return obj.authority.code

    @staticmethod
    def resolve_open(obj: Opportunity) -> bool:
        return obj.is_open(timezone.localdate())


class EmployerOut(Schema):
    id: int
    organisation_id: int = Field(description="The provider whose employer list this is on")
    organisation: str
    name: str
    sector: str
    size: str
    website: str
    disability_confident: str
    disability_confident_on: dt.date | None
    disability_confident_until: dt.date | None
    relationship_owner: str | None = Field(description="Staff email")
    open_opportunities: int
    version: int = Field(description="Send back as `version` to guard against lost updates")

    @staticmethod
    def resolve_organisation(obj: Employer) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_relationship_owner(obj: Employer) -> str | None:
        return obj.relationship_owner.email if obj.relationship_owner else None

    @staticmethod
    def resolve_open_opportunities(obj: Employer) -> int:
        counted = getattr(obj, "open_opportunities", None)
        if counted is not None:
            return counted
        today = timezone.localdate()
        return sum(1 for o in obj.opportunities.all() if o.is_open(today))


class EmployerDetailOut(EmployerOut):
    notes: str
    sites: list[SiteOut]
    contacts: list[ContactOut]
    engagements: list[EngagementOut]
    pledges: list[PledgeOut]
    opportunities: list[EmployerOpportunityOut]

    @staticmethod
    def resolve_sites(obj: Employer) -> list[EmployerSite]:
        return list(obj.sites.all())

    @staticmethod
    def resolve_contacts(obj: Employer) -> list[EmployerContact]:
        return list(obj.contacts.all())

    @staticmethod
    def resolve_engagements(obj: Employer) -> list[Engagement]:
        return list(obj.engagements.all())

    @staticmethod
    def resolve_pledges(obj: Employer) -> list[SocialValuePledge]:
        return list(obj.pledges.all())

    @staticmethod
    def resolve_opportunities(obj: Employer) -> list[Opportunity]:
        return list(obj.opportunities.all())


class EmployerIn(Schema):
    organisation: int | None = Field(
        None,
        description="The provider's id; needed only when you keep more than one provider's list",
    )
    name: Text
    sector: str = ""
    size: Employer.Size | None = None
    website: str = ""
    disability_confident: DisabilityConfident | None = None
    disability_confident_on: dt.date | None = None
    relationship_owner: str | None = Field(
        None, description="The email of the staff member who owns the relationship"
    )
    notes: str = ""


class EngagementIn(Schema):
    kind: Engagement.Kind
    occurred_on: dt.date
    attendees: int | None = Field(None, ge=0)
    notes: str = ""


def employer_in_scope(request: AuthedRequest, employer_id: int, *, whole: bool = True) -> Employer:
    """The employer if on one of the caller's lists (``whole``: with everything the
    detail shows); otherwise 404."""
    rows = (
        overview.employer_page_rows() if whole else Employer.objects.select_related("organisation")
    )
    found: Employer = employer_policy.fetch_or_refuse(
        request.user,
        employer_id,
        rows=rows,
        channel="api",
        what=f"employer {employer_id}",
        request=request,
    )
    return found


def _organisation(request: AuthedRequest, organisation_id: int | None) -> Organisation:
    if organisation_id is not None:
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None:
            raise field_error("organisation", f"No provider has the id {organisation_id}.")
        return organisation  # the service refuses (403) a list the caller does not keep
    keeping = employer_services.organisations_keeping_employers(request.user)
    if len(keeping) == 1:
        return keeping[0]
    if not keeping:
        raise PermissionDenied(
            "Only specialists and managers of a provider can add to its employer list."
        )
    raise field_error(
        "organisation",
        "You keep the employer lists of several providers: give the provider's id "
        f"({', '.join(f'{o.pk} {o.name}' for o in keeping)}).",
    )


def _staff_member(email: str | None, organisation: Organisation) -> User | None:
    if not email:
        return None
    user = User.objects.filter(
        email__iexact=email.strip(), is_active=True, memberships__team__organisation=organisation
    ).first()
    if user is None:
        raise field_error("relationship_owner", f"No one at {organisation} has the email {email}.")
    return user


@router.get(
    "/employers",
    response={200: list[EmployerOut], 401: Error, 422: FieldErrors},
    summary="Employers",
)
@paginate(NumberedPages, page_size=PAGE_SIZE)
def list_employers(request: AuthedRequest, q: str = "") -> QuerySet[Employer]:
    """The employer lists of the caller's providers, by name; `q` searches the name
    and sector."""
    return overview.employer_list(request.user, q)


@router.get(
    "/employers/{int:employer_id}",
    response={200: EmployerDetailOut, 401: Error, 404: Error},
    summary="An employer",
)
def employer_detail(request: AuthedRequest, employer_id: int) -> Employer:
    """The employer with its sites, contacts, engagement log, pledges and opportunities."""
    return employer_in_scope(request, employer_id)


@router.post(
    "/employers",
    response={201: EmployerDetailOut, **REFUSALS},
    summary="Add an employer",
)
def create_employer(request: AuthedRequest, payload: EmployerIn) -> Status[Employer]:
    """Add an employer to a provider's list (specialists and managers of the provider).
    `organisation` may be left out by someone who keeps only one provider's list."""
    organisation = _organisation(request, payload.organisation)
    fields = payload.dict(exclude={"organisation", "relationship_owner"})
    fields["size"] = fields["size"] or ""
    fields["disability_confident"] = fields["disability_confident"] or ""
    with fields_named():
        employer = employer_services.create_employer(
            request.user,
            organisation,
            relationship_owner=_staff_member(payload.relationship_owner, organisation),
            **fields,
        )
    return Status(201, employer_in_scope(request, employer.pk))


@router.post(
    "/employers/{int:employer_id}/engagements",
    response={201: EngagementOut, **REFUSALS},
    summary="Log an engagement with an employer",
)
def record_engagement(
    request: AuthedRequest, employer_id: int, payload: EngagementIn
) -> Status[Engagement]:
    """Add a meeting, job-carving visit, training session and so on to the log."""
    employer = employer_in_scope(request, employer_id, whole=False)
    with fields_named():
        engagement = employer_services.record_engagement(
            request.user,
            employer,
            kind=payload.kind,
            occurred_on=payload.occurred_on,
            notes=payload.notes,
            attendees=payload.attendees,
        )
    return Status(201, engagement)
