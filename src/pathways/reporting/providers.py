"""The providers report as it is served (``pathways report providers``, the page
``/reports/providers/`` and ``GET /api/v1/reports/providers``): who may see which
contracts, and the small-number rules. The figures are ``commissioning.performance``.

- **Who**: the commissioners and admins of the authority see every contract in force;
  a provider's team managers see their own organisation's contracts with the
  authority; nobody else (a coach, another authority's commissioner). A provider's
  manager asking for another provider's contract is refused. A superuser, or the
  command line without ``--as``, sees every contract.
- **Small numbers**: a viewer who sees the authority's figures as aggregates only
  (``access.small_number_limit``: commissioners) gets the counts under
  ``disclosure``'s rules, each rate and cost following the counts it is made of, and
  each flag's reason in words without numbers. Every reader gets no person's
  identity: the report has none.
- **Audit**: each serving is recorded against the authority (an aggregate read).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from pathways.commissioning import performance
from pathways.commissioning.models import Contract
from pathways.commissioning.policy import COMMISSIONING_ROLES, PROVIDER_ROLES
from pathways.core import audit, policies
from pathways.core.models import Authority, User
from pathways.reporting import access, disclosure

#: The counts of people on each contract's row.
COUNTS = (
    "referrals_received",
    "referrals_declined",
    "open_episodes",
    "job_starts",
    "sustained_13",
    "sustained_26",
    "sustained_52",
    "progressions",
    "no_contact",
    "stalled",
)


class ProvidersRefused(access.ReportScopeError):
    """The authority or contract does not exist, or the viewer may not see it."""


def contracts_for(
    viewer: User | None, authority: Authority, start: dt.date, end: dt.date, ref: str = ""
) -> list[Contract]:
    """The contracts in force that ``viewer`` may see (refused when none at all)."""
    contracts = performance.in_force(authority, start, end)
    scope = policies.scope_of(viewer) if viewer is not None else None
    if (
        scope is not None
        and not scope.is_superuser
        and authority.pk not in scope.authorities_for(*COMMISSIONING_ROLES)
    ):
        own = scope.organisations_for(*PROVIDER_ROLES)
        if not Contract.objects.filter(
            authority=authority, provider__organisation_id__in=own
        ).exists():
            raise ProvidersRefused(
                f"{viewer.email if viewer else 'You'} may not see the providers"
                f" report of authority {authority.code}"
            )
        contracts = [c for c in contracts if c.provider.organisation_id in own]
        if ref and not any(c.contract_ref == ref for c in contracts):
            raise ProvidersRefused(f"You may not see contract {ref}")
    if ref:
        contracts = [c for c in contracts if c.contract_ref == ref]
        if not contracts:
            raise ProvidersRefused(
                f"No contract {ref} of authority {authority.code} is in force in the period",
                unknown=True,
            )
    return contracts


def authorities_for(viewer: User) -> list[Authority]:
    """The authorities whose providers report ``viewer`` may open: where they
    commission, and where their organisation holds a contract they manage for."""
    scope = policies.scope_of(viewer)
    if scope.is_superuser:
        return list(Authority.objects.filter(contracts__isnull=False).distinct().order_by("code"))
    own = scope.organisations_for(*PROVIDER_ROLES)
    return list(
        Authority.objects.filter(
            Q(pk__in=scope.authorities_for(*COMMISSIONING_ROLES))
            | Q(contracts__provider__organisation_id__in=own)
        )
        .distinct()
        .order_by("code")
    )


def authority_of(code: str) -> Authority:
    found = Authority.objects.filter(code=code).first()
    if found is None:
        raise ProvidersRefused(f"No authority has the code {code}", unknown=True)
    return found


def serve(
    viewer: User | None,
    code: str,
    start: dt.date,
    end: dt.date,
    ref: str = "",
    *,
    channel: str,
    request: Any = None,
    audited: bool = True,
) -> disclosure.Disclosed:
    """The report for ``viewer``: their contracts, under the small-number rules that
    apply to them, audited (not again for the page's charts, which draw what the page
    showed: ``audited=False``). Raises ProvidersRefused."""
    authority = authority_of(code)
    contracts = contracts_for(viewer, authority, start, end, ref)
    data = performance.providers_report(authority, start, end, contracts)
    limit = access.small_number_limit(viewer, [authority])
    if not audited:
        return disclose(data, limit)
    audit.record_event(
        viewer,
        authority,
        channel=channel,
        what=f"Providers report {start.isoformat()} to {end.isoformat()}",
        contracts=[c.contract_ref for c in contracts],
    )
    return disclose(data, limit)


def disclose(data: dict[str, Any], limit: int | None) -> disclosure.Disclosed:
    """The report under the small-number rules: each contract's counts, what adds up
    to what, and the rates and money made from them. Flags keep their words without
    numbers for readers under the rules."""
    by_ref = {row["contract_ref"]: row for row in data["contracts"]}
    for row in by_ref.values():
        row["flags"] = [
            {
                "code": f["code"],
                "need_group": f["need_group"],
                "reason": f["plain"] if limit is not None else f["reason"],
            }
            for f in row["flags"]
        ]
    table = disclosure.Table()
    for ref, row in by_ref.items():
        base = ("contracts", ref)
        cell = {key: table.count((*base, key), row[key]) for key in COUNTS}
        decided = table.count((*base, "declined", "decided"), row["declined"]["decided"])
        declined = table.count((*base, "declined", "declined"), row["declined"]["declined"])
        table.follows[(*base, "declined", "rate")] = (declined, decided)
        table.sums.append((cell["referrals_declined"], (declined,)))
        need_decided: list[disclosure.Path] = []
        need_declined: list[disclosure.Path] = []
        for need, figures in row["declined_by_need"].items():
            path = (*base, "declined_by_need", need)
            d = table.count((*path, "decided"), figures["decided"])
            n = table.count((*path, "declined"), figures["declined"])
            table.follows[(*path, "rate")] = (n, d)
            need_decided.append(d)
            need_declined.append(n)
        table.sums += [(decided, tuple(need_decided)), (declined, tuple(need_declined))]
        need_starts: list[disclosure.Path] = []
        for need, figures in row["starts_by_need"].items():
            path = (*base, "starts_by_need", need)
            e = table.count((*path, "episodes"), figures["episodes"])
            s = table.count((*path, "job_starts"), figures["job_starts"])
            table.follows[(*path, "per_100")] = (s, e)
            need_starts.append(s)
        table.sums.append((cell["job_starts"], tuple(need_starts)))
        for target in ("job_starts", "sustained_26"):
            table.count((*base, "targets", target, "actual"), row["targets"][target]["actual"])
        table.follows.update(
            {
                (*base, "median_days_waiting"): (cell["referrals_received"],),
                (*base, "no_contact_share"): (cell["no_contact"], cell["open_episodes"]),
                (*base, "stalled_share"): (cell["stalled"], cell["open_episodes"]),
                (*base, "cost_per_job_start"): (cell["job_starts"],),
                (*base, "cost_per_sustained_26"): (cell["sustained_26"],),
            }
        )
    return disclosure.disclose({**data, "contracts": by_ref}, table, limit)


def as_json(shown: disclosure.Disclosed) -> dict[str, Any]:
    """The JSON: contracts as a list, suppressed counts null and listed."""
    out = shown.json()
    return {**out, "contracts": list(out["contracts"].values())}


def as_marked(shown: disclosure.Disclosed) -> dict[str, Any]:
    """For people to read: ``<5`` and ``hidden`` in place of the suppressed counts."""
    out = shown.marked()
    return {**out, "contracts": list(out["contracts"].values())}


#: The columns of ``--format csv|table``: the figures, then the flags.
TABLE_COLUMNS = (
    "contract_ref",
    "provider",
    "service",
    *COUNTS[:3],
    "places",
    "median_days_waiting",
    *COUNTS[3:8],
    "outcome_payments_approved",
    "fixed_fees",
    "cost_per_job_start",
    "cost_per_sustained_26",
    "target_job_starts",
    "actual_job_starts",
    "target_sustained_26",
    "actual_sustained_26",
    "declined_rate",
    "no_contact_share",
    "stalled_share",
    "flags",
)


def table_row(row: dict[str, Any]) -> tuple[Any, ...]:
    """One contract's line in a CSV or table (marked: ``<5`` for a small count)."""
    flat = {
        **row,
        "target_job_starts": row["targets"]["job_starts"]["target"],
        "actual_job_starts": row["targets"]["job_starts"]["actual"],
        "target_sustained_26": row["targets"]["sustained_26"]["target"],
        "actual_sustained_26": row["targets"]["sustained_26"]["actual"],
        "declined_rate": row["declined"]["rate"],
        "flags": " | ".join(f"{f['code']}: {f['reason']}" for f in row["flags"]),
    }
    return tuple(flat[c] for c in TABLE_COLUMNS)
