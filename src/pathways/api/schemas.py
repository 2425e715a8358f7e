"""What the API reads and writes: the JSON shapes of people, referrals and actions.

Codes rather than database ids name authorities and teams, and emails name staff, so
that other systems can call the API with the references they already hold.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, Schema
from pydantic import GetCoreSchemaHandler, StringConstraints, field_validator
from pydantic_core import CoreSchema

from pathways.casework.models import Package
from pathways.employers.pledges.models import SocialValuePledge
from pathways.people.models import Person
from pathways.referrals.models import Referral, Source, Status

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class ComponentName:
    """``Annotated[SomeChoices, ComponentName("X")]``: the choices are the component
    ``X`` of the OpenAPI document.

    ninja builds each model's JSON schema on its own and files the definitions by their
    short name, so two choices both called ``Status`` (a referral's and a package's)
    shared one component and one overwrote the other: clients then checked a referral's
    status against the package statuses. Choices that are not unique by class name are
    named here, once, and ``tests/api/test_openapi.py`` refuses any name given to two
    different schemas."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        schema = handler(source)
        if schema.get("type") == "definition-ref":
            schema = handler.resolve_ref_schema(schema)
        named = dict(schema)
        named["ref"] = f"{self.name}:{id(self)}"
        return named  # type: ignore[return-value]


ReferralStatus = Annotated[Status, ComponentName("ReferralStatus")]
ReferralSource = Annotated[Source, ComponentName("ReferralSource")]
PackageStatus = Annotated[Package.Status, ComponentName("PackageStatus")]
PledgeSource = Annotated[SocialValuePledge.Source, ComponentName("PledgeSource")]


class Error(Schema):
    detail: str


class FieldErrors(Schema):
    detail: str
    errors: dict[str, str] = Field(description="One message per field, by field name")


# --- people ---------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    authority: str = Field(description="The authority's ONS code")
    person_ref: str
    given_name: str
    family_name: str
    preferred_name: str
    date_of_birth: dt.date

    @staticmethod
    def resolve_authority(obj: Person) -> str:
        return obj.authority.code


class PersonReferralOut(Schema):
    id: int
    referral_ref: str
    status: ReferralStatus
    team: str = Field(description="The team's code")
    source: ReferralSource
    received_on: dt.date

    @staticmethod
    def resolve_team(obj: Referral) -> str:
        return obj.team.code


class PersonDetailOut(PersonOut):
    postcode: str
    primary_support_reason: str
    conditions: list[str]
    long_term_support: bool | None
    secondary_mental_health: bool | None
    ehc_plan: bool | None
    communication_needs: str
    reasonable_adjustments: str
    email: str
    phone: str
    referrals: list[PersonReferralOut]

    @staticmethod
    def resolve_referrals(obj: Person) -> list[Referral]:
        return list(obj.referrals.all())


# --- referrals ------------------------------------------------------------------------


class ReferralIn(Schema):
    authority: Code = Field(description="The person's authority (ONS code)")
    person_ref: Code
    received_on: dt.date
    source: ReferralSource
    team: Code = Field(description="The code of the team referred to")
    notes: str = ""

    @field_validator("received_on")
    @classmethod
    def not_in_future(cls, value: dt.date) -> dt.date:
        if value > timezone.localdate():
            raise ValueError("The date received cannot be in the future.")
        return value


class ReferralOut(Schema):
    id: int
    referral_ref: str
    status: ReferralStatus
    authority: str
    team: str
    person_id: int
    person_ref: str
    source: ReferralSource
    received_on: dt.date
    urgent: bool
    worker: str | None = Field(description="The allocated worker's email")
    decided_on: dt.date | None
    decision_reason: str
    redirected_to: int | None = Field(description="The id of the onward referral")
    version: int = Field(description="Send back as `version` to guard against lost updates")

    @staticmethod
    def resolve_authority(obj: Referral) -> str:
        return obj.team.authority.code

    @staticmethod
    def resolve_team(obj: Referral) -> str:
        return obj.team.code

    @staticmethod
    def resolve_person_ref(obj: Referral) -> str:
        return obj.person.person_ref

    @staticmethod
    def resolve_worker(obj: Referral) -> str | None:
        return obj.worker.email if obj.worker else None

    @staticmethod
    def resolve_redirected_to(obj: Referral) -> int | None:
        return obj.redirected_to_id


class VersionIn(Schema):
    """The referral's version, optional here alone: the spec (cli-and-reports.md, "Front-
    door writes") documents the referral calls without it, and clients written to it
    must keep working. Every other write that changes a versioned record requires it."""

    version: int | None = Field(
        None, description="The referral's version when read; a newer one refuses the action"
    )


class DeclineIn(VersionIn):
    reason: Text
    redirect_to: Code | None = Field(
        None, description="A team code: send the person onward to that team instead"
    )


class AllocateIn(VersionIn):
    worker: Text = Field(description="The email of a worker who carries a caseload in the team")
    override_reason: str = Field(
        "", description="Why to allocate over the caseload cap (team managers only)"
    )


class AllocationOut(Schema):
    episode_id: int
    episode_ref: str
    started_on: dt.date
    referral: ReferralOut
