"""Payment-by-results claims: a provider's manager saves the period's claimable
outcomes as a draft and submits it; a commissioner of the authority approves or
rejects each line (spec/commissioning.md, "Claims").

Every write is one transaction, checked against the policy, and on the audit trail:
django-auditlog records each row's change, and ``record_event`` names the step
("claim prepared", "claim submitted", "claim line approved"...). The contract's row is
locked while a claim is saved so two managers saving at once cannot both take the
same outcome or the same room under the budget cap.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pathways.commissioning.models import (
    Claim,
    ClaimLine,
    ClaimStatus,
    Contract,
    LineStatus,
)
from pathways.commissioning.outcomes import TAIL_DAYS, claimable
from pathways.commissioning.policy import (
    claim_policy,
    contract_policy,
    not_of_claiming_organisation,
)
from pathways.core.audit import create_recorded, record_event
from pathways.core.errors import ActionRefused, ConcurrentEdit, IllegalTransition, PermissionDenied


def last_claimable_day(contract: Contract) -> dt.date:
    """A contract takes outcomes for a year after it ends (spec: ``end_date`` + 365)."""
    return contract.end_date + dt.timedelta(days=TAIL_DAYS)


def check_period(contract: Contract, start: dt.date, end: dt.date) -> None:
    """The period must run forwards and lie inside the days the contract pays for."""
    if end < start:
        raise ValidationError({"period_to": "The end of the period must not be before its start."})
    if start < contract.start_date:
        raise ValidationError(
            {
                "period_from": f"The period must start on or after the contract's start, "
                f"{contract.start_date.isoformat()}."
            }
        )
    if end > last_claimable_day(contract):
        raise ValidationError(
            {
                "period_to": f"The period must end by {last_claimable_day(contract).isoformat()}"
                f" (the contract's end, {contract.end_date.isoformat()}, and 365 days after)."
            }
        )


def _require_claim_rights(user: Any, contract: Contract) -> None:
    if not contract_policy.can(user, "claim", contract):
        raise PermissionDenied("Only a team manager of the provider can claim on this contract.")


@transaction.atomic
def save_claim(
    user: Any, contract: Contract, start: dt.date, end: dt.date, *, channel: str = "web"
) -> Claim:
    """A draft claim of every outcome claimable in the period, priced and capped as
    ``claimable`` says. Refuses a claim with no lines."""
    _require_claim_rights(user, contract)
    check_period(contract, start, end)
    contract = Contract.objects.select_for_update().select_related("provider").get(pk=contract.pk)
    found = claimable(contract, start, end)
    if not found.lines:
        raise ActionRefused(
            f"There is nothing to claim on contract {contract.contract_ref} from "
            f"{start.isoformat()} to {end.isoformat()}: every outcome achieved then is "
            "already on a claim, or has no price in the tariff."
        )
    claim = Claim.objects.create(
        contract=contract,
        period_from=start,
        period_to=end,
        prepared_by=user if getattr(user, "pk", None) else None,
    )
    # In one statement, each line with its own entry on the trail (core.audit).
    create_recorded(
        [
            ClaimLine(
                claim=claim,
                person_id=line.outcome.person_id,
                episode_id=line.outcome.episode_id,
                placement_id=line.outcome.placement_id,
                outcome=line.outcome.outcome,
                achieved_on=line.outcome.achieved_on,
                need_group=line.outcome.need_group,
                price=line.price,
                over_cap=line.over_cap,
                evidence=line.outcome.evidence,
            )
            for line in found.lines
        ]
    )
    record_event(
        user,
        claim,
        channel=channel,
        what="claim prepared",
        contract=contract.contract_ref,
        lines=len(found.lines),
        total=f"{found.total:.2f}",
        over_cap=found.over_cap,
    )
    return claim


def _lock_claim(claim: Claim, expected_version: int) -> Claim:
    fresh = (
        Claim.objects.select_for_update()
        .select_related("contract__provider", "contract__authority")
        .get(pk=claim.pk)
    )
    if fresh.version != expected_version:
        raise ConcurrentEdit(
            "Someone else changed this claim while you were working on it. "
            "Check its current state and try again."
        )
    return fresh


def _bump(claim: Claim, fields: list[str]) -> None:
    claim.version += 1
    claim.save(update_fields=[*fields, "version"])


def _require_prepare(user: Any, claim: Claim) -> None:
    if not claim_policy.can(user, "prepare", claim):
        raise PermissionDenied("Only a team manager of the provider can change this claim.")


@transaction.atomic
def submit_claim(user: Any, claim: Claim, expected_version: int, *, channel: str = "web") -> Claim:
    """The provider sends its draft to the commissioner; it cannot change after."""
    _require_prepare(user, claim)
    claim = _lock_claim(claim, expected_version)
    if claim.status != ClaimStatus.DRAFT:
        raise IllegalTransition("This claim has already been submitted.")
    claim.status = ClaimStatus.SUBMITTED
    claim.submitted_by = user if getattr(user, "pk", None) else None
    claim.submitted_at = timezone.now()
    _bump(claim, ["status", "submitted_by", "submitted_at"])
    record_event(user, claim, channel=channel, what="claim submitted")
    return claim


@transaction.atomic
def delete_draft(user: Any, claim: Claim, expected_version: int, *, channel: str = "web") -> None:
    """A draft is thrown away (its outcomes become claimable again); a submitted claim
    is kept whatever happens to it."""
    _require_prepare(user, claim)
    claim = _lock_claim(claim, expected_version)
    if claim.status != ClaimStatus.DRAFT:
        raise IllegalTransition("Only a draft claim can be deleted.")
    record_event(
        user,
        claim.contract,
        channel=channel,
        what="draft claim deleted",
        claim=claim.pk,
        period=f"{claim.period_from.isoformat()}..{claim.period_to.isoformat()}",
    )
    for line in claim.lines.all():
        line.delete()  # one by one, so each line's deletion is on the person's trail
    claim.delete()


@transaction.atomic
def refresh_draft(user: Any, claim: Claim, expected_version: int, *, channel: str = "web") -> Claim:
    """The draft again from today's outcomes (a milestone confirmed since, a tariff
    changed): the old draft is deleted and a new one saved for the same period."""
    contract, start, end = claim.contract, claim.period_from, claim.period_to
    delete_draft(user, claim, expected_version, channel=channel)
    return save_claim(user, contract, start, end, channel=channel)


@transaction.atomic
def decide_line(
    user: Any,
    line: ClaimLine,
    approve: bool,
    reason: str,
    expected_version: int,
    *,
    channel: str = "web",
) -> ClaimLine:
    """A commissioner of the authority approves or rejects one line of a submitted
    claim (a rejection says why). Nobody decides a claim of their own organisation,
    superusers included. The claim is decided once every line is."""
    claim = line.claim
    if not claim_policy.can(user, "decide", claim) or not not_of_claiming_organisation(
        user, claim.contract
    ):
        raise PermissionDenied(
            "Only a commissioner of the authority, outside the provider's organisation, "
            "can decide this claim."
        )
    claim = _lock_claim(claim, expected_version)
    if claim.status != ClaimStatus.SUBMITTED:
        raise IllegalTransition("Only a submitted claim can be decided.")
    line = ClaimLine.objects.select_for_update().get(pk=line.pk, claim=claim)
    if line.status != LineStatus.PENDING:
        raise IllegalTransition("This line has already been decided.")
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": "Say why the line is rejected."})
    line.status = LineStatus.APPROVED if approve else LineStatus.REJECTED
    line.reason = "" if approve else reason
    line.decided_by = user if getattr(user, "pk", None) else None
    line.decided_at = timezone.now()
    line.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    fields: list[str] = []
    if not claim.lines.filter(status=LineStatus.PENDING).exists():
        claim.status = ClaimStatus.DECIDED
        fields.append("status")
    _bump(claim, fields)
    record_event(
        user,
        line,
        channel=channel,
        what="claim line approved" if approve else "claim line rejected",
        person_id=line.person_id,
        claim=claim.pk,
    )
    return line
