"""``/api/v1/opportunities/{id}/matches``, ``/people/{id}/opportunities`` and
``/matching/cohort``: people and opportunities ranked against each other by
``matching.selectors``, with the reasons. Match results are personal data: every person
in an answer is audited as a read of their record. Nothing here saves anything.

The operation ids are the ones these routes were published with in ``api.employers``,
so that generated clients keep their method names.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Router, Schema
from ninja.params import P, QueryEx

from pathways.api.common import field_error, person_in_scope
from pathways.api.opportunities import opportunity_in_scope
from pathways.api.schemas import Code, Error, FieldErrors
from pathways.core import audit
from pathways.core.models import Authority
from pathways.core.types import AuthedRequest
from pathways.employers.opportunities import selectors as opportunity_selectors
from pathways.employers.opportunities.policy import opportunity_policy
from pathways.matching import selectors as matching
from pathways.people.models import Person
from pathways.people.policy import person_policy

router = Router(tags=["matching"])

Top = QueryEx[int, P(ge=0, le=1000, description="How many, best first (0: all)")]


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


def _visible_people(request: AuthedRequest) -> QuerySet[Person]:
    return person_policy.visible(request.user, Person.objects.all())


@router.get(
    "/opportunities/{int:opportunity_id}/matches",
    response={200: list[PersonMatchOut], 401: Error, 404: Error, 422: FieldErrors},
    summary="People who could take an opportunity",
    operation_id="pathways_api_employers_opportunity_matches",
)
def opportunity_matches(
    request: AuthedRequest, opportunity_id: int, top: Top = 10
) -> list[matching.Match]:
    """The people of its authority with an open episode and a profile, among those the
    caller may see, best first (ties by reference). Each person listed is a read."""
    opportunity = opportunity_in_scope(request, opportunity_id)
    matches = matching.people_for(opportunity, _visible_people(request), top=top or None)
    _audit_reads(request, (m.person_id for m in matches), "match results")
    return matches


@router.get(
    "/people/{int:person_id}/opportunities",
    response={200: list[OpportunityMatchOut], 401: Error, 404: Error, 422: FieldErrors},
    summary="Opportunities for a person",
    operation_id="pathways_api_employers_person_matches",
)
def person_matches(request: AuthedRequest, person_id: int, top: Top = 10) -> list[matching.Match]:
    """Open opportunities of the person's authority that the caller may see, best for
    the person first. Reading them is a read of the person's record."""
    what = "opportunity matches"
    person = person_in_scope(request, person_id, what)
    opportunities = opportunity_policy.visible(
        request.user, matching.open_opportunities(person.authority_id)
    )
    matches = matching.opportunities_for(person, opportunities, top=top or None)
    audit.record_access(request.user, person, channel="api", what=what, request=request)
    return matches


@router.post(
    "/matching/cohort",
    response={200: CohortOut, 401: Error, 422: FieldErrors},
    summary="Allocate people to places",
    operation_id="pathways_api_employers_cohort",
)
def cohort(request: AuthedRequest, payload: CohortIn) -> dict[str, Any]:
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
        opportunities = opportunity_policy.visible(
            request.user, matching.open_opportunities(authority, payload.on)
        )
    people = person_policy.visible(request.user, matching.matchable_people(authority))
    allocation = matching.allocate(people, opportunities)
    _audit_reads(request, (m.person_id for m in allocation.assignments), "match results")
    return {"assignments": allocation.assignments, "total_score": allocation.total_score}
