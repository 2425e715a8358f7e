"""``/api/v1/referrals``: the front door for other systems.

Each endpoint parses, finds the referral in the caller's scope (404 otherwise, as if
it did not exist), calls the service in ``referrals.services`` and answers with the
referral as it now is. Refusals raised by the services become 403 and 409 in
``api.api``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import Router
from ninja.responses import Status

from pathways.api.common import REFUSALS, field_error
from pathways.api.schemas import (
    AllocateIn,
    AllocationOut,
    DeclineIn,
    Error,
    ReferralIn,
    ReferralOut,
    VersionIn,
)
from pathways.core import audit, policies
from pathways.core.models import Team
from pathways.core.types import AuthedRequest
from pathways.people.models import Person
from pathways.people.policy import person_policy
from pathways.referrals import selectors, services
from pathways.referrals.models import Referral
from pathways.referrals.policy import referral_policy

router = Router(tags=["referrals"])


def _team(code: str, field: str) -> Team:
    team = Team.objects.select_related("authority").filter(code=code).first()
    if team is None:
        raise field_error(field, f"No team has the code {code}.")
    return team


def _referral_in_scope(request: AuthedRequest, referral_id: int) -> Referral:
    """The referral if the caller may see it; otherwise 404, with the refused look at
    the person's record audited when the referral exists."""
    return referral_policy.fetch_or_refuse(
        request.user,
        referral_id,
        rows=selectors.referral_page_rows(),
        channel="api",
        what=f"referral {referral_id}",
        request=request,
    )


def _as_now(request: AuthedRequest, referral: Referral) -> Referral:
    """Re-read after a change, with the joins the answer needs."""
    return _referral_in_scope(request, referral.pk)


@router.post("", response={201: ReferralOut, **REFUSALS}, summary="Log a referral")
def create_referral(request: AuthedRequest, payload: ReferralIn) -> Status[Referral]:
    """Refer a person on record to a team by their client reference. Intake officers
    refer to any team of their authority; team managers and employment specialists to
    their own team, including residents of its authority the team does not know yet
    (the answer shows only the new referral). A reference that is no resident of the
    team's authority is 404, whether or not it is someone elsewhere."""
    team = _team(payload.team, "team")
    if not policies.can_refer_to(request.user, team):
        raise PermissionDenied(f"You cannot make referrals to {team.name}.")
    person: Person = selectors.person_to_refer(
        request.user, team, payload.authority, payload.person_ref
    ) or person_policy.fetch_or_refuse(
        request.user,
        lookup={"authority__code": payload.authority, "person_ref": payload.person_ref},
        channel="api",
        what="referral: the person referred",
        request=request,
    )
    referral = services.create_referral(
        request.user,
        person=person,
        team=team,
        source=payload.source,
        received_on=payload.received_on,
        notes=payload.notes,
        confirmed=True,  # the API asks nobody: an open episode elsewhere is no refusal
    )
    return Status(201, _as_now(request, referral))


@router.get(
    "/{int:referral_id}", response={200: ReferralOut, 401: Error, 404: Error}, summary="A referral"
)
def referral_detail(request: AuthedRequest, referral_id: int) -> Referral:
    """The referral's state; reading it is audited as a read of the person's record."""
    referral = _referral_in_scope(request, referral_id)
    audit.record_access(
        request.user,
        referral.person,
        channel="api",
        what=f"referral {referral.referral_ref}",
        request=request,
    )
    return referral


@router.post("/{int:referral_id}/accept", response={200: ReferralOut, **REFUSALS}, summary="Accept")
def accept(request: AuthedRequest, referral_id: int, payload: VersionIn | None = None) -> Referral:
    """Accept a newly received referral: the person joins the team's waiting list."""
    referral = _referral_in_scope(request, referral_id)
    services.accept_referral(
        request.user, referral, expected_version=payload.version if payload else None
    )
    return _as_now(request, referral)


@router.post(
    "/{int:referral_id}/decline",
    response={200: ReferralOut, **REFUSALS},
    summary="Decline, or redirect to another team",
)
def decline(request: AuthedRequest, referral_id: int, payload: DeclineIn) -> Referral:
    """Decline with a reason; with `redirect_to`, send the person onward to that team
    instead (the answer's `redirected_to` is the new referral's id)."""
    referral = _referral_in_scope(request, referral_id)
    if payload.redirect_to:
        services.redirect_referral(
            request.user,
            referral,
            to_team=_team(payload.redirect_to, "redirect_to"),
            reason=payload.reason,
            expected_version=payload.version,
        )
    else:
        services.decline_referral(
            request.user, referral, reason=payload.reason, expected_version=payload.version
        )
    return _as_now(request, referral)


@router.post(
    "/{int:referral_id}/allocate",
    response={200: AllocationOut, **REFUSALS},
    summary="Allocate to a worker",
)
def allocate(request: AuthedRequest, referral_id: int, payload: AllocateIn) -> dict[str, Any]:
    """Allocate a waiting referral, opening an episode of support. A worker at the
    team's caseload cap gets the case only from a team manager giving a reason."""
    referral = _referral_in_scope(request, referral_id)
    if not referral_policy.can(request.user, "allocate", referral):
        raise PermissionDenied("Only the team's intake officer or manager can allocate.")
    worker = (
        services.allocatable_workers(referral.team).filter(email__iexact=payload.worker).first()
    )
    if worker is None:
        raise field_error(
            "worker", f"No one with that email carries a caseload in {referral.team.name}."
        )
    episode = services.allocate(
        request.user,
        referral,
        worker=worker,
        override_reason=payload.override_reason,
        expected_version=payload.version,
    )
    return {
        "episode_id": episode.pk,
        "episode_ref": episode.episode_ref,
        "started_on": episode.started_on,
        "referral": _as_now(request, referral),
    }
