"""``/api/v1/employers``, ``/opportunities``, ``/candidacies`` and ``/matching``: the
employer side of the service for other systems.

Thin like the other routers: find the record in the caller's scope (404 otherwise, as
if it did not exist; the refused look audited when it concerns a person), call the
service in ``employers.services`` and answer with the record as it now is. Employers
and opportunities hold no personal data; candidacies and match results do, so every
read of them is audited as a read of the person's record.

No ``from __future__ import annotations`` here: ninja reads the parameter types of a
``@paginate``d view from the decorator's module, where ``OpportunityKind`` is unknown.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import ValidationError
from ninja.pagination import PageNumberPagination, paginate
from ninja.params import P, QueryEx
from ninja.responses import Status
from pydantic import StringConstraints

from pathways.api.common import REFUSALS, field_error, fields_named, person_in_scope
from pathways.api.pagination import PAGE_SIZE, AuditedPageNumberPagination
from pathways.api.schemas import Error, FieldErrors
from pathways.core import audit, policies
from pathways.core.models import Authority, OpportunityKind, Organisation, User
from pathways.core.types import AuthedRequest
from pathways.employers.candidacies import selectors as candidacy_selectors
from pathways.employers.candidacies import services as candidacy_services
from pathways.employers.candidacies.models import Candidacy, CandidacyStatus, CandidacyStep
from pathways.employers.engagement import selectors as employer_selectors
from pathways.employers.engagement import services as employer_services
from pathways.employers.engagement.models import (
    DisabilityConfident,
    Employer,
    EmployerContact,
    EmployerSite,
    Engagement,
)
from pathways.employers.opportunities import selectors as opportunity_selectors
from pathways.employers.opportunities import services as opportunity_services
from pathways.employers.opportunities.models import Opportunity
from pathways.employers.overview import selectors as overview
from pathways.employers.pledges.models import SocialValuePledge
from pathways.matching import selectors as matching
from pathways.people.models import Person

router = Router()

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Top = QueryEx[int, P(ge=0, le=1000, description="How many, best first (0: all)")]

EMPLOYERS, OPPORTUNITIES, CANDIDACIES, MATCHING = (
    ["employers"],
    ["opportunities"],
    ["candidacies"],
    ["matching"],
)


# --- shapes ---------------------------------------------------------------------------


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
    source: SocialValuePledge.Source
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


class PersonMatchOut(Schema):
    person_id: int
    person_ref: str
    score: int = Field(description="0 to 100")
    reasons: list[str]
    benefits_note: str | None


class OpportunityMatchOut(Schema):
    opportunity_id: int
    opportunity_ref: str
    title: str
    score: int = Field(description="0 to 100")
    reasons: list[str]
    benefits_note: str | None

    @staticmethod
    def resolve_title(obj: matching.Match) -> str:
        return obj.opportunity_title


class CohortIn(Schema):
    authority: Code = Field(description="The authority's ONS code")
    opportunities: list[Code] = Field(
        [], description="Opportunity references (default: every open one you may see)"
    )
    on: dt.date | None = Field(
        None, description="Without references: the date they are open on (default: today)"
    )


class AssignmentOut(Schema):
    person_id: int
    person_ref: str
    opportunity_id: int
    opportunity_ref: str
    score: int


class CohortOut(Schema):
    assignments: list[AssignmentOut]
    total_score: int


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
    version: int | None = Field(
        None, description="The candidacy's version when read; a newer one refuses the move"
    )


# --- helpers --------------------------------------------------------------------------


def _employer_in_scope(request: AuthedRequest, employer_id: int, *, whole: bool = True) -> Employer:
    """The employer if on one of the caller's lists (``whole``: with everything the
    detail shows); otherwise 404."""
    if whole:
        employer = overview.get_employer(request.user, employer_id)
    else:
        employer = (
            employer_selectors.employers_for(request.user)
            .select_related("organisation")
            .filter(pk=employer_id)
            .first()
        )
    if employer is None:
        raise Http404("No such employer.")
    return employer


def _opportunity_in_scope(request: AuthedRequest, opportunity_id: int) -> Opportunity:
    opportunity = opportunity_selectors.get_opportunity(request.user, opportunity_id)
    if opportunity is None:
        raise Http404("No such opportunity.")
    return opportunity


def _candidacy_in_scope(request: AuthedRequest, candidacy_id: int) -> Candidacy:
    candidacy = candidacy_selectors.get_candidacy(request.user, candidacy_id)
    if candidacy is not None:
        return candidacy
    existing = candidacy_selectors.candidacy_for_refused_read(candidacy_id)
    audit.record_refused_read(
        request.user,
        existing.person if existing else None,
        channel="api",
        what=f"candidacy {candidacy_id}",
        request=request,
    )
    raise Http404("No such candidacy.")


def _audit_reads(request: AuthedRequest, person_ids: Iterable[int], what: str) -> None:
    """One INSERT for everyone whose details are in the answer."""
    ids = list(dict.fromkeys(person_ids))
    if ids:
        audit.record_access_bulk(
            request.user,
            Person.objects.filter(pk__in=ids).order_by("pk"),
            channel="api",
            what=what,
            request=request,
        )


def _visible_people(request: AuthedRequest):
    return policies.people.visible(request.user, Person.objects.all())


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


# --- employers ------------------------------------------------------------------------


@router.get(
    "/employers",
    response={200: list[EmployerOut], 401: Error, 422: FieldErrors},
    summary="Employers",
    tags=EMPLOYERS,
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_employers(request: AuthedRequest, q: str = ""):
    """The employer lists of the caller's providers, by name; `q` searches the name
    and sector."""
    return overview.employer_list(request.user, q)


@router.get(
    "/employers/{int:employer_id}",
    response={200: EmployerDetailOut, 401: Error, 404: Error},
    summary="An employer",
    tags=EMPLOYERS,
)
def employer_detail(request: AuthedRequest, employer_id: int) -> Employer:
    """The employer with its sites, contacts, engagement log, pledges and opportunities."""
    return _employer_in_scope(request, employer_id)


@router.post(
    "/employers",
    response={201: EmployerDetailOut, **REFUSALS},
    summary="Add an employer",
    tags=EMPLOYERS,
)
def create_employer(request: AuthedRequest, payload: EmployerIn):
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
    return Status(201, _employer_in_scope(request, employer.pk))


@router.post(
    "/employers/{int:employer_id}/engagements",
    response={201: EngagementOut, **REFUSALS},
    summary="Log an engagement with an employer",
    tags=EMPLOYERS,
)
def record_engagement(request: AuthedRequest, employer_id: int, payload: EngagementIn):
    """Add a meeting, job-carving visit, training session and so on to the log."""
    employer = _employer_in_scope(request, employer_id, whole=False)
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


# --- opportunities --------------------------------------------------------------------


@router.get(
    "/opportunities",
    response={200: list[OpportunityListOut], 401: Error, 422: FieldErrors},
    summary="Opportunities",
    tags=OPPORTUNITIES,
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_opportunities(
    request: AuthedRequest, kind: OpportunityKind | None = None, open: bool = True, q: str = ""
):
    """Opportunities at the employers of the caller's providers, closing soonest first:
    only open ones unless `open=false`; `q` searches the title, the employer's name and
    the reference."""
    return overview.opportunity_list(request.user, kind=kind or "", open_only=open, search=q)


@router.get(
    "/opportunities/{int:opportunity_id}",
    response={200: OpportunityDetailOut, 401: Error, 404: Error},
    summary="An opportunity",
    tags=OPPORTUNITIES,
)
def opportunity_detail(request: AuthedRequest, opportunity_id: int) -> Opportunity:
    return _opportunity_in_scope(request, opportunity_id)


@router.post(
    "/opportunities",
    response={201: OpportunityDetailOut, **REFUSALS},
    summary="Add an opportunity",
    tags=OPPORTUNITIES,
)
def create_opportunity(request: AuthedRequest, payload: OpportunityIn):
    """An opportunity at an employer on the caller's list, offered to one authority's
    residents (specialists and managers of the provider)."""
    employer = _employer_in_scope(request, payload.employer, whole=False)
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
            request.user, employer, authority=authority, site=site, tags=payload.tags, **fields
        )
    return Status(201, _opportunity_in_scope(request, opportunity.pk))


@router.post(
    "/opportunities/{int:opportunity_id}/close",
    response={200: OpportunityDetailOut, **REFUSALS},
    summary="Close an opportunity early",
    tags=OPPORTUNITIES,
)
def close_opportunity(request: AuthedRequest, opportunity_id: int, payload: CloseIn | None = None):
    """Filled or withdrawn: it leaves the matching lists."""
    opportunity = _opportunity_in_scope(request, opportunity_id)
    with fields_named():
        opportunity_services.close_opportunity(
            request.user, opportunity, on=payload.on if payload else None
        )
    return _opportunity_in_scope(request, opportunity_id)


# --- matching -------------------------------------------------------------------------


@router.get(
    "/opportunities/{int:opportunity_id}/matches",
    response={200: list[PersonMatchOut], 401: Error, 404: Error, 422: FieldErrors},
    summary="People who could take an opportunity",
    tags=MATCHING,
)
def opportunity_matches(request: AuthedRequest, opportunity_id: int, top: Top = 10):
    """The people of its authority with an open episode and a profile, among those the
    caller may see, best first (ties by reference). Each person listed is a read."""
    opportunity = _opportunity_in_scope(request, opportunity_id)
    matches = matching.people_for(opportunity, _visible_people(request), top=top or None)
    _audit_reads(request, (m.person_id for m in matches), "match results")
    return matches


@router.get(
    "/people/{int:person_id}/opportunities",
    response={200: list[OpportunityMatchOut], 401: Error, 404: Error, 422: FieldErrors},
    summary="Opportunities for a person",
    tags=MATCHING,
)
def person_matches(request: AuthedRequest, person_id: int, top: Top = 10):
    """Open opportunities of the person's authority that the caller may see, best for
    the person first. Reading them is a read of the person's record."""
    what = "opportunity matches"
    person = person_in_scope(request, person_id, what)
    opportunities = policies.opportunities.visible(
        request.user, matching.open_opportunities(person.authority_id)
    )
    matches = matching.opportunities_for(person, opportunities, top=top or None)
    audit.record_access(request.user, person, channel="api", what=what, request=request)
    return matches


@router.post(
    "/matching/cohort",
    response={200: CohortOut, 401: Error, 422: FieldErrors},
    summary="Allocate people to places",
    tags=MATCHING,
)
def cohort(request: AuthedRequest, payload: CohortIn):
    """Assign the people the caller may see (of the authority, with an open episode and
    a profile) to the places of the opportunities, for the highest total score: at most
    one opportunity each, at most `places` people each. Nothing is saved."""
    authority = Authority.objects.filter(code=payload.authority).first()
    if authority is None:
        raise field_error("authority", f"No authority has the code {payload.authority}.")
    if payload.opportunities:
        refs = list(dict.fromkeys(payload.opportunities))
        opportunities = opportunity_selectors.opportunities_for(request.user).filter(
            opportunity_ref__in=refs
        )
        found = dict(opportunities.values_list("opportunity_ref", "authority_id"))
        for ref in refs:
            if ref not in found:
                raise field_error("opportunities", f"No opportunity has the reference {ref}.")
            if found[ref] != authority.pk:
                raise field_error(
                    "opportunities", f"Opportunity {ref} is offered to another authority."
                )
    else:
        opportunities = policies.opportunities.visible(
            request.user, matching.open_opportunities(authority, payload.on)
        )
    people = policies.people.visible(request.user, matching.matchable_people(authority))
    allocation = matching.allocate(people, opportunities)
    _audit_reads(request, (m.person_id for m in allocation.assignments), "match results")
    return {"assignments": allocation.assignments, "total_score": allocation.total_score}


# --- candidacies ----------------------------------------------------------------------


@router.get(
    "/candidacies",
    response={200: list[CandidacyOut], 401: Error, 404: Error, 422: FieldErrors},
    summary="Candidacies of a person or for an opportunity",
    tags=CANDIDACIES,
)
@paginate(AuditedPageNumberPagination, what="candidacy list", person_of=lambda c: c.person)
def list_candidacies(
    request: AuthedRequest, person: int | None = None, opportunity: int | None = None
):
    """A person's candidacies (`person`), or those for an opportunity (`opportunity`)
    of the people the caller may see. Each candidacy listed is a read of the person."""
    if person is not None:
        found = person_in_scope(request, person, "candidacies")
        candidacies = candidacy_selectors.candidacies_of_person(request.user, found)
        if opportunity is not None:
            candidacies = candidacies.filter(opportunity_id=opportunity)
    elif opportunity is not None:
        candidacies = candidacy_selectors.candidacies_of_opportunity(
            request.user, _opportunity_in_scope(request, opportunity)
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
    tags=CANDIDACIES,
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
    tags=CANDIDACIES,
)
def put_forward(request: AuthedRequest, payload: CandidacyIn):
    """Start a candidacy at "suggested" (the person's worker, or a specialist or manager
    of a team with an open episode of theirs). The match score is kept with it."""
    person = person_in_scope(request, payload.person, "candidacy: put forward")
    opportunity = _opportunity_in_scope(request, payload.opportunity)
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
    tags=CANDIDACIES,
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
