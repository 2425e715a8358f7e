"""``/api/v1/contracts/{id}/claims`` and ``/api/v1/claims/{id}``: payment-by-results
claims for a provider's finance system and the council's.

Thin like the other routers: the contract or claim in the caller's scope or 404, the
service in ``commissioning.claims``, refusals as 403 (may see, may not do), 409 (the
claim's state or version), 422 (a field). Money is a string with two decimals. Lines
are read through ``claim_selectors.claim_lines``, so every answer listing lines is an
audited read of each person.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import Http404
from ninja import Router, Schema
from ninja.responses import Status

from pathways.api.common import REFUSALS, fields_named
from pathways.api.schemas import Error, FieldErrors
from pathways.commissioning import claim_selectors, claims
from pathways.commissioning.exports import COLUMNS, computed_rows, line_rows
from pathways.commissioning.models import Claim, Contract
from pathways.commissioning.outcomes import claimable
from pathways.commissioning.policy import claim_policy, contract_policy
from pathways.core.audit import record_access_bulk
from pathways.core.money import money
from pathways.core.types import AuthedRequest
from pathways.people.models import Person

router = Router(tags=["claims"])


class ClaimPeriodIn(Schema):
    period_from: dt.date
    period_to: dt.date


class ClaimVersionIn(Schema):
    version: int


class ClaimDecisionIn(Schema):
    decision: Literal["approve", "reject"]
    reason: str = ""
    version: int


class ComputedLineOut(Schema):
    person_ref: str
    placement_ref: str | None
    outcome: str
    achieved_on: str
    need_group: str
    price: str
    over_cap: bool


class ClaimLineOut(ComputedLineOut):
    id: int
    status: str
    reason: str
    evidence: str


class ComputedClaimOut(Schema):
    lines: list[ComputedLineOut]
    total: str
    over_cap: int


class ClaimSummaryOut(Schema):
    id: int
    contract_ref: str
    period_from: dt.date
    period_to: dt.date
    status: str
    line_count: int
    total: str
    approved_total: str
    version: int


class ClaimOut(Schema):
    id: int
    contract_ref: str
    period_from: dt.date
    period_to: dt.date
    status: str
    version: int
    lines: list[ClaimLineOut]
    total: str
    approved_total: str
    over_cap: int


def _contract(request: AuthedRequest, authority: str, contract_ref: str) -> Contract:
    """The contract by its reference within its authority, as the command and the
    contract API name it."""
    return contract_policy.fetch_or_refuse(
        request.user,
        lookup={"authority__code": authority, "contract_ref": contract_ref},
        rows=Contract.objects.select_related("provider__organisation", "authority"),
        channel="api",
        request=request,
    )


def _claim(request: AuthedRequest, claim_id: int) -> Claim:
    return claim_policy.fetch_or_refuse(
        request.user,
        claim_id,
        rows=Claim.objects.select_related("contract__provider__organisation"),
        channel="api",
        request=request,
    )


def _out(request: AuthedRequest, claim: Claim) -> dict:
    lines = claim_selectors.claim_lines(request.user, claim, channel="api", request=request)
    sums = claim_selectors.totals(lines)
    return {
        "id": claim.pk,
        "contract_ref": claim.contract.contract_ref,
        "period_from": claim.period_from,
        "period_to": claim.period_to,
        "status": claim.status,
        "version": claim.version,
        "lines": line_rows(lines),
        "total": money(sums["total"]),
        "approved_total": money(sums["approved"]),
        "over_cap": sums["over_cap"],
    }


@router.post(
    "/contracts/{authority}/{contract_ref}/claims/compute",
    response={200: ComputedClaimOut, **REFUSALS},
    summary="What a claim for the period would hold (nothing is saved)",
)
def compute(
    request: AuthedRequest, authority: str, contract_ref: str, payload: ClaimPeriodIn
) -> dict:
    contract = _contract(request, authority, contract_ref)
    with fields_named():
        claims.check_period(contract, payload.period_from, payload.period_to)
    found = claimable(contract, payload.period_from, payload.period_to)
    people = Person.objects.filter(pk__in={line.outcome.person_id for line in found.lines})
    record_access_bulk(
        request.user,
        people,
        channel="api",
        what=f"claimable outcomes of {contract.contract_ref}",
        request=request,
    )
    rows = [{c: row[c] for c in COLUMNS} for row in computed_rows(found)]
    return {"lines": rows, "total": money(found.total), "over_cap": found.over_cap}


@router.post(
    "/contracts/{authority}/{contract_ref}/claims",
    response={201: ClaimOut, **REFUSALS},
    summary="Save the period's claimable outcomes as a draft claim",
)
def save(
    request: AuthedRequest, authority: str, contract_ref: str, payload: ClaimPeriodIn
) -> Status:
    contract = _contract(request, authority, contract_ref)
    with fields_named():
        claim = claims.save_claim(
            request.user, contract, payload.period_from, payload.period_to, channel="api"
        )
    return Status(201, _out(request, claim))


@router.get(
    "/contracts/{authority}/{contract_ref}/claims",
    response={200: list[ClaimSummaryOut], 401: Error, 404: Error, 422: FieldErrors},
    summary="A contract's claims, newest period first",
)
def contract_claims(request: AuthedRequest, authority: str, contract_ref: str) -> list[dict]:
    contract = _contract(request, authority, contract_ref)
    return [
        {
            "id": c.pk,
            "contract_ref": contract.contract_ref,
            "period_from": c.period_from,
            "period_to": c.period_to,
            "status": c.status,
            "line_count": c.line_count,  # type: ignore[attr-defined]
            "total": money(c.total),  # type: ignore[attr-defined]
            "approved_total": money(c.approved_total),  # type: ignore[attr-defined]
            "version": c.version,
        }
        for c in claim_selectors.claims_of(request.user, contract)
    ]


@router.get(
    "/claims/{claim_id}",
    response={200: ClaimOut, 401: Error, 404: Error, 422: FieldErrors},
    summary="A claim with its lines",
)
def claim_detail(request: AuthedRequest, claim_id: int) -> dict:
    return _out(request, _claim(request, claim_id))


@router.post(
    "/claims/{claim_id}/submit",
    response={200: ClaimOut, **REFUSALS},
    summary="Send a draft claim to the commissioner",
)
def submit(request: AuthedRequest, claim_id: int, payload: ClaimVersionIn) -> dict:
    claim = claims.submit_claim(
        request.user, _claim(request, claim_id), payload.version, channel="api"
    )
    return _out(request, claim)


@router.post(
    "/claims/{claim_id}/lines/{line_id}/decide",
    response={200: ClaimOut, **REFUSALS},
    summary="Approve or reject one line of a submitted claim (a rejection needs a reason)",
)
def decide(request: AuthedRequest, claim_id: int, line_id: int, payload: ClaimDecisionIn) -> dict:
    claim = _claim(request, claim_id)
    line = claim.lines.filter(pk=line_id).first()
    if line is None:
        raise Http404("No such claim line.")
    with fields_named():
        claims.decide_line(
            request.user,
            line,
            payload.decision == "approve",
            payload.reason,
            payload.version,
            channel="api",
        )
    return _out(request, _claim(request, claim_id))
