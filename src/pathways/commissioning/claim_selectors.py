"""Reads of claims, scoped by the policy: a contract's claims, the claims waiting for a
commissioner, one claim's lines. Reading lines is reading about people, so each read
is on the trail of every person listed (``record_access_bulk``, as reports do)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from pathways.commissioning.models import Claim, ClaimLine, ClaimStatus, Contract, LineStatus
from pathways.commissioning.policy import (
    COMMISSIONING_ROLES,
    PROVIDER_ROLES,
    claim_line_policy,
    claim_policy,
)
from pathways.core.audit import record_access_bulk
from pathways.core.policies import scope_of

ZERO = Decimal("0.00")


def _with_totals(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    money = DecimalField(max_digits=12, decimal_places=2)
    return claims.annotate(
        line_count=Count("lines"),
        total=Coalesce(
            Sum("lines__price", filter=Q(lines__over_cap=False)), Value(ZERO), output_field=money
        ),
        approved_total=Coalesce(
            Sum(
                "lines__price",
                filter=Q(lines__over_cap=False, lines__status=LineStatus.APPROVED),
            ),
            Value(ZERO),
            output_field=money,
        ),
    )


def contracts_to_claim_on(user: Any) -> QuerySet[Contract]:
    """The contracts the user may claim on: their provider organisation's, as a team
    manager (the policy's ``claim``, written as one query); every one for a superuser."""
    scope = scope_of(user)
    contracts = Contract.objects.select_related("provider__organisation", "authority")
    if not scope.is_superuser:
        contracts = contracts.filter(
            provider__organisation_id__in=scope.organisations_for(*PROVIDER_ROLES)
        )
    return contracts.order_by("authority__name", "start_date", "contract_ref")


def claims_of(user: Any, contract: Contract) -> QuerySet[Claim]:
    """A contract's claims, newest period first, with their totals (one query)."""
    return _with_totals(
        claim_policy.visible(user, Claim.objects.filter(contract=contract))
    ).order_by("-period_from", "-id")


def claims_to_decide(user: Any) -> QuerySet[Claim]:
    """Submitted claims the user may decide: of their authorities, never of their own
    organisation (the policy's ``decide``, written as a query)."""
    scope = scope_of(user)
    claims = Claim.objects.filter(status=ClaimStatus.SUBMITTED).select_related(
        "contract__provider__organisation", "contract__authority"
    )
    if not scope.is_superuser:
        claims = claims.filter(
            contract__authority_id__in=scope.authorities_for(*COMMISSIONING_ROLES)
        )
    own = set(scope.organisation_by_team.values())
    return _with_totals(claims.exclude(contract__provider__organisation_id__in=own)).order_by(
        "submitted_at", "id"
    )


def claim_lines(user: Any, claim: Claim, *, channel: str, request: Any = None) -> list[ClaimLine]:
    """The lines of a claim the user may see, with the person and job they are about;
    the read is audited on each person's trail."""
    lines = list(
        claim_line_policy.visible(
            user,
            ClaimLine.objects.filter(claim=claim).select_related(
                "person__authority", "placement", "decided_by"
            ),
        ).order_by("achieved_on", "person__person_ref", "outcome", "id")
    )
    people = {line.person_id: line.person for line in lines}
    record_access_bulk(
        user, people.values(), channel=channel, what=f"claim {claim.pk} lines", request=request
    )
    return lines


def totals(lines: list[ClaimLine]) -> dict[str, Any]:
    """The claim's total (lines over the cap count 0), what was approved, how many
    lines are over the cap."""
    counted = [line for line in lines if not line.over_cap]
    return {
        "total": sum((line.price for line in counted), ZERO),
        "approved": sum(
            (line.price for line in counted if line.status == LineStatus.APPROVED), ZERO
        ),
        "over_cap": sum(1 for line in lines if line.over_cap),
    }
