"""``/api/v1/people/{id}/profile``: read and replace a person's vocational profile.

Thin like the other routers: a person outside the caller's scope is 404 (the refused
read audited), one they may see but not change is 403 on PUT; the service validates
(422 naming the field) and guards the version (409 when someone else saved first).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Field, Router, Schema

from pathways.api.common import REFUSALS, fields_named, person_in_scope
from pathways.api.schemas import Error
from pathways.casework.models import VocationalProfile
from pathways.casework.profiles import get_profile, save_profile
from pathways.core import audit
from pathways.core.types import AuthedRequest

router = Router(tags=["profiles"])


class ProfileIn(Schema):
    """Every answer of the profile, and the ``version`` they were read at."""

    version: int = Field(
        description=(
            "The profile's version when read (0 when the person has none yet); required: "
            "a newer one refuses the change (409), so no one saves over an edit unseen"
        ),
        ge=0,
    )
    interests: list[str] = []
    interests_notes: str = ""
    skills: str = ""
    work_history: str = ""
    min_hours: Decimal | None = None
    max_hours: Decimal | None = None
    max_travel_km: Decimal | None = None
    travel_modes: list[str] = []
    travel_training_needed: bool | None = None
    kinds: list[str] = []
    wants_paid_only: bool | None = None
    disclosure: str = ""
    support_needs: str = ""
    benefits_situation: str = ""
    better_off_calculation_on: dt.date | None = None


class ProfileOut(ProfileIn):
    person_id: int
    updated_on: dt.date | None

    @staticmethod
    def resolve_interests(obj: VocationalProfile) -> list[str]:
        return sorted(t.code for t in obj.interests.all())


@router.get(
    "/{int:person_id}/profile",
    response={200: ProfileOut, 401: Error, 404: Error},
    summary="A person's vocational profile",
)
def profile_detail(request: AuthedRequest, person_id: int) -> VocationalProfile:
    """The profile; 404 when the person has none yet. Reading it is audited."""
    person = person_in_scope(request, person_id, "vocational profile")
    audit.record_access(
        request.user, person, channel="api", what="vocational profile", request=request
    )
    profile = get_profile(request.user, person.pk)
    if profile is None:
        raise Http404("This person has no vocational profile yet.")
    return profile


@router.put(
    "/{int:person_id}/profile",
    response={200: ProfileOut, **REFUSALS},
    summary="Create or replace a person's vocational profile",
)
def put_profile(request: AuthedRequest, person_id: int, payload: ProfileIn) -> VocationalProfile:
    """Replace every answer (a field left out of the body is cleared)."""
    person = person_in_scope(request, person_id, "vocational profile: change")
    fields = payload.dict(exclude={"version"})
    with fields_named():
        save_profile(request.user, person, expected_version=payload.version, **fields)
    profile = get_profile(request.user, person.pk)
    assert profile is not None
    return profile
