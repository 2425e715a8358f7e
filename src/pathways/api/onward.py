"""Onward referral between providers: refer a person to another provider's team
(``commissioning.onward.refer_onward``), and list what the caller's teams sent with
each referral's status. The receiving team sees the referral in ``/referrals`` like
any other."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.db.models import QuerySet
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import StringConstraints

from pathways.api.common import REFUSALS, field_error, fields_named
from pathways.api.pagination import AuditedPageNumberPagination
from pathways.api.schemas import Error, FieldErrors, ReferralStatus
from pathways.commissioning.models import OnwardReferral
from pathways.commissioning.onward import refer_onward
from pathways.commissioning.onward_selectors import onward_rows, sent_onward
from pathways.commissioning.policy import onward_referral_policy
from pathways.core import audit
from pathways.core.models import Team
from pathways.core.types import AuthedRequest
from pathways.people.models import Person
from pathways.people.policy import person_policy

router = Router(tags=["onward referrals"])

TeamCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class OnwardReferralIn(Schema):
    from_team: TeamCode = Field(description="Code of your team that works with the person")
    to_team: TeamCode = Field(description="Code of the other provider's team")
    reason: Annotated[str, StringConstraints(max_length=4000)] = Field(
        description="Why this provider; the receiving team reads it when it triages"
    )


class OnwardReferralOut(Schema):
    """What the sending team sent, and the referral's status: nothing else of the
    person's record."""

    id: int
    referral_id: int
    referral_ref: str
    status: ReferralStatus
    decided_on: dt.date | None
    authority: str = Field(description="The person's authority (ONS code)")
    person_ref: str
    from_team: str = Field(description="The sending team's code")
    to_team: str = Field(description="The receiving team's code")
    to_provider: str = Field(description="The receiving organisation's name")
    reason: str
    sent_by: str = Field(description="The sender's email")
    sent_at: dt.datetime

    @staticmethod
    def resolve_referral_ref(obj: OnwardReferral) -> str:
        return obj.referral.referral_ref

    @staticmethod
    def resolve_status(obj: OnwardReferral) -> str:
        return obj.referral.status

    @staticmethod
    def resolve_decided_on(obj: OnwardReferral) -> dt.date | None:
        return obj.referral.decided_on

    @staticmethod
    def resolve_authority(obj: OnwardReferral) -> str:
        return obj.referral.authority.code

    @staticmethod
    def resolve_person_ref(obj: OnwardReferral) -> str:
        return obj.referral.person.person_ref

    @staticmethod
    def resolve_from_team(obj: OnwardReferral) -> str:
        return obj.from_team.code

    @staticmethod
    def resolve_to_team(obj: OnwardReferral) -> str:
        return obj.referral.team.code

    @staticmethod
    def resolve_to_provider(obj: OnwardReferral) -> str:
        return obj.to_provider.organisation.name

    @staticmethod
    def resolve_sent_by(obj: OnwardReferral) -> str:
        return obj.sent_by.email


def _team(code: str, field: str) -> Team:
    team = Team.objects.select_related("organisation", "authority").filter(code=code).first()
    if team is None:
        raise field_error(field, f"No team has the code {code}.")
    return team


@router.post(
    "/people/{authority}/{person_ref}/onward-referrals",
    response={201: OnwardReferralOut, **REFUSALS},
    summary="Refer a person to another provider",
)
def create_onward_referral(
    request: AuthedRequest, authority: str, person_ref: str, payload: OnwardReferralIn
) -> Status[OnwardReferral]:
    """Refer a person you work with to another provider's team in the directory that
    works in their authority, with their consent to share with providers recorded.
    The receiving team gets a referral (source `other_provider`) to triage."""
    person: Person = person_policy.fetch_or_refuse(
        request.user,
        lookup={"authority__code": authority, "person_ref": person_ref},
        rows=Person.objects.select_related("authority"),
        channel="api",
        what="onward referral: the person referred",
        request=request,
    )
    from_team = _team(payload.from_team, "from_team")
    to_team = _team(payload.to_team, "to_team")
    with fields_named():
        onward = refer_onward(
            request.user, person, from_team=from_team, to_team=to_team, reason=payload.reason
        )
    return Status(201, onward_rows().get(pk=onward.pk))


@router.get(
    "/onward-referrals",
    response={200: list[OnwardReferralOut], 401: Error, 422: FieldErrors},
    summary="Referrals my teams sent to other providers",
)
@paginate(
    AuditedPageNumberPagination, what="onward referrals sent", person_of=lambda o: o.referral.person
)
def list_onward_referrals(request: AuthedRequest) -> QuerySet[OnwardReferral]:
    """What the caller's teams sent onward, newest first, with each referral's status.
    Each row listed is a read of the person it is about."""
    return sent_onward(request.user)


@router.get(
    "/onward-referrals/{int:onward_id}",
    response={200: OnwardReferralOut, 401: Error, 404: Error},
    summary="A referral sent to another provider",
)
def onward_referral_detail(request: AuthedRequest, onward_id: int) -> OnwardReferral:
    """One onward referral, for the sending or the receiving team; audited."""
    onward: OnwardReferral = onward_referral_policy.fetch_or_refuse(
        request.user,
        onward_id,
        rows=onward_rows(),
        channel="api",
        what=f"onward referral {onward_id}",
        request=request,
    )
    audit.record_access(
        request.user,
        onward.referral.person,
        channel="api",
        what=f"onward referral {onward.referral.referral_ref}",
        request=request,
    )
    return onward
