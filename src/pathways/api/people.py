"""``/api/v1/people``: find people and read a person's record, every read audited."""

from __future__ import annotations

from django.db.models import QuerySet
from ninja import Router
from ninja.pagination import paginate

from pathways.api.common import person_in_scope
from pathways.api.pagination import AuditedPageNumberPagination
from pathways.api.schemas import Error, FieldErrors, PersonDetailOut, PersonOut
from pathways.core import audit
from pathways.core.types import AuthedRequest
from pathways.people.models import Person
from pathways.people.selectors import search_people
from pathways.referrals.selectors import people_with_referrals

router = Router(tags=["people"])


@router.get(
    "", response={200: list[PersonOut], 401: Error, 422: FieldErrors}, summary="Find people"
)
@paginate(AuditedPageNumberPagination, what="person list")
def list_people(
    request: AuthedRequest, ref: str | None = None, q: str = "", authority: str | None = None
) -> QuerySet[Person]:
    """People the caller may see: by reference (`ref`), name or date of birth (`q`),
    within one authority (its code) if given. Each person listed counts as a read."""
    people = search_people(request.user, q, ref=ref)
    if authority:
        people = people.filter(authority__code=authority)
    return people


@router.get(
    "/{int:person_id}", response={200: PersonDetailOut, 401: Error, 404: Error}, summary="A person"
)
def person_detail(request: AuthedRequest, person_id: int) -> Person:
    """A person's record and their referrals. A person outside the caller's scope is
    404, as if they did not exist, and the refused read is audited."""
    person = person_in_scope(request, person_id, rows=people_with_referrals())
    audit.record_access(request.user, person, channel="api", request=request)
    return person
