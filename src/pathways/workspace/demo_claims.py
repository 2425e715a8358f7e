"""The demo's year of outcome claims: for each contract of the demo borough, one claim
a quarter over the last year, prepared and submitted by the provider's team manager
and decided line by line by a commissioner of the borough (one line rejected with a
reason, the rest approved), the latest quarter's claim left as a draft.

It finds contracts by querying the borough's ``Contract`` rows (another module makes
them) and does nothing when there are none, or when claims already exist: loading
twice changes nothing. Everything goes through ``commissioning.claims``, so the demo's
claims are on the audit trail like real ones.
"""

from __future__ import annotations

import datetime as dt

from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone

from pathways.commissioning import claims
from pathways.commissioning.models import Claim, Contract
from pathways.core.errors import ActionRefused
from pathways.core.models import Role, User

DEMO_AUTHORITY = "E09000099"
REJECTION = "The payslip sent covers a different month: send one from the month of the outcome."


def _quarters(today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The four whole quarters (April, July, October, January) before today's."""
    start = dt.date(today.year, ((today.month - 1) // 3) * 3 + 1, 1)
    out = []
    for _ in range(4):
        end = start - dt.timedelta(days=1)
        start = dt.date(end.year, ((end.month - 1) // 3) * 3 + 1, 1)
        out.append((start, end))
    return sorted(out)


def _manager(contract: Contract) -> User | None:
    return (
        User.objects.filter(
            is_active=True,
            memberships__role=Role.TEAM_MANAGER,
            memberships__team__organisation_id=contract.provider.organisation_id,
        )
        .order_by("pk")
        .first()
    )


def _commissioner(contract: Contract) -> User | None:
    return (
        User.objects.filter(
            is_active=True,
            memberships__role=Role.COMMISSIONER,
            memberships__team__authority_id=contract.authority_id,
        )
        .exclude(memberships__team__organisation_id=contract.provider.organisation_id)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def load_claims(today: dt.date | None = None, authority_code: str = DEMO_AUTHORITY) -> int:
    """Make the year of claims; how many claims were made."""
    today = today or timezone.localdate()
    contracts = list(
        Contract.objects.filter(authority__code=authority_code)
        .select_related("provider", "authority")
        .order_by("start_date", "contract_ref")
    )
    if not contracts or Claim.objects.filter(contract__in=contracts).exists():
        return 0
    made = 0
    rejected_one = False
    for contract in contracts:
        manager, commissioner = _manager(contract), _commissioner(contract)
        if manager is None or commissioner is None:
            continue
        saved: list[Claim] = []
        last_day = claims.last_claimable_day(contract)
        for start, end in _quarters(today):
            start, end = max(start, contract.start_date), min(end, last_day)
            if start > end:
                continue
            with set_actor(manager):
                try:
                    saved.append(claims.save_claim(manager, contract, start, end, channel="cli"))
                except ActionRefused:
                    continue  # nothing achieved that quarter
        made += len(saved)
        for claim in saved[:-1]:  # the latest stays a draft
            with set_actor(manager):
                claim = claims.submit_claim(manager, claim, claim.version, channel="cli")
            for line in list(claim.lines.order_by("achieved_on", "id")):
                reject = not rejected_one and claim.lines.count() > 1
                rejected_one = rejected_one or reject
                with set_actor(commissioner):
                    claims.decide_line(
                        commissioner,
                        line,
                        not reject,
                        REJECTION if reject else "",
                        claim.version,
                        channel="cli",
                    )
                claim.refresh_from_db()
    return made
