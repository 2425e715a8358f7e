"""Provider performance against the contract (spec/commissioning.md, "Performance
against the contract"; decision 0030): per contract in force in a period, what came in,
what the provider did with it, what it achieved and what it cost, and the indicators
of creaming and parking, with a flag in plain words where the figures call for a
question.

Figures only: no person's reference, name or identity appears in the output. Outcomes
come from ``outcomes.achieved_outcomes`` so the report and the claims agree. The whole
report is a fixed number of queries whatever the number of contracts or people (the
contracts, the referrals, the episodes with their last stage change, the outcomes'
own, the approved claim lines). Small-number suppression is applied where the report
is served (``reporting.providers``), not here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Max, Q, Sum
from django.db.models.functions import Coalesce

from pathways.casework.models import Episode
from pathways.commissioning.models import ClaimLine, Contract, LineStatus, Outcome
from pathways.commissioning.outcomes import achieved_outcomes
from pathways.core.models import Authority
from pathways.core.money import money, to_penny
from pathways.people.models import SupportReason
from pathways.referrals.models import Referral, Status

ZERO = Decimal("0.00")
#: An open episode whose stage has not changed for more than this many days is stalled.
STALLED_DAYS = 182
#: A need group's declines are questioned at this multiple of the provider's overall rate…
DECLINE_MULTIPLE = Decimal(2)
#: …once the group has at least this many referrals decided.
MIN_DECISIONS = 10
#: Parking: a share of open episodes without contact, or stalled, above this…
PARKING_SHARE = Decimal("0.25")
#: …once the provider has at least this many open episodes.
MIN_OPEN = 10
#: Creaming: a need group's starts per 100 episodes below this fraction of the rest's…
STARTS_FRACTION = Decimal("0.5")
#: …once the group has at least this many episodes open in the period.
MIN_EPISODES = 10
#: Referral statuses that are a decision by the receiving team (a redirect is not).
DECIDED = (Status.ACCEPTED, Status.WAITING, Status.ALLOCATED, Status.DECLINED, Status.CLOSED)
#: Blank primary support reason, as shown.
NO_NEED = "not_recorded"


def need_label(need: str) -> str:
    """``learning_disability`` -> ``learning disability``, in a sentence."""
    if need in SupportReason.values:
        return str(SupportReason(need).label).lower()
    return "no support reason recorded"


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """numerator ÷ denominator to four places, None when nothing to divide by."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"))


def per_100(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(100 * numerator) / Decimal(denominator)).quantize(Decimal("0.1"))


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def contract_quarters(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The contract's quarters: three calendar months from its start, the last one
    cut short at its end."""
    out: list[tuple[dt.date, dt.date]] = []
    n = 0
    while True:
        q_start = _add_months(start, 3 * n)
        if q_start > end:
            return out
        q_end = min(_add_months(start, 3 * (n + 1)) - dt.timedelta(days=1), end)
        out.append((q_start, q_end))
        n += 1


def fixed_fees(
    fee: Decimal | None, c_start: dt.date, c_end: dt.date, start: dt.date, end: dt.date
) -> Decimal:
    """The fixed fee that falls in the period: each quarter's fee pro rata by its days in
    the period (decision 0030). A short last quarter is paid pro rata to a full one."""
    if not fee:
        return ZERO
    total = Decimal(0)
    for q_start, q_end in contract_quarters(c_start, c_end):
        full = (_add_months(q_start, 3) - q_start).days
        overlap = (min(q_end, end) - max(q_start, start)).days + 1
        if overlap > 0:
            total += fee * Decimal(overlap) / Decimal(full)
    return to_penny(total)


@dataclass
class Flag:
    """A figure that calls for a question: ``code`` (``creaming_declines``,
    ``creaming_starts``, ``parking_no_contact``, ``parking_stalled``), the need group
    when it is about one, and the reason in plain words with the numbers (``reason``)
    and without them (``plain``, for readers under the small-number rules)."""

    code: str
    reason: str
    plain: str
    need_group: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "need_group": self.need_group or None,
            "reason": self.reason,
            "plain": self.plain,
        }


@dataclass
class _Counts:
    referrals_received: int = 0
    referrals_declined: int = 0
    waits: list[int] = field(default_factory=list)
    decided_by_need: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    declined_by_need: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    open_episodes: int = 0
    no_contact: int = 0
    stalled: int = 0
    episodes_by_need: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    starts_by_need: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    to_date: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    approved: Decimal = ZERO


class _Taker(NamedTuple):
    """A contract's days and the counts that fall to it."""

    start: dt.date
    end: dt.date
    counts: _Counts


def _first_taker(candidates: Sequence[_Taker], first: dt.date, last: dt.date) -> _Counts | None:
    """The counts of the contract (earliest start, then lowest reference) whose days
    meet first..last."""
    for taker in candidates:
        if first <= taker.end and last >= taker.start:
            return taker.counts
    return None


def in_force(authority: Authority, start: dt.date, end: dt.date) -> list[Contract]:
    """The authority's contracts in force on some day of the period."""
    return list(
        Contract.objects.filter(authority=authority, start_date__lte=end, end_date__gte=start)
        .select_related("provider__organisation")
        .order_by("provider__organisation__name", "start_date", "contract_ref")
    )


def providers_report(
    authority: Authority,
    start: dt.date,
    end: dt.date,
    contracts: Iterable[Contract] | None = None,
) -> dict[str, Any]:
    """The providers report for ``authority`` from ``start`` to ``end`` (both included):
    ``contracts`` (default: all in force in the period; those given must be the
    authority's, with their provider and organisation loaded), each with its figures,
    indicators and flags. JSON-ready: money as strings, rates as strings or None."""
    chosen = (
        in_force(authority, start, end)
        if contracts is None
        else [
            c
            for c in contracts
            if c.authority_id == authority.pk and c.start_date <= end and c.end_date >= start
        ]
    )
    base = {
        "authority": authority.code,
        "from": start.isoformat(),
        "to": end.isoformat(),
    }
    if not chosen:
        return {**base, "contracts": []}
    counts = {c.pk: _Counts() for c in chosen}
    by_org: dict[int, list[_Taker]] = defaultdict(list)
    for c in sorted(chosen, key=lambda c: (c.start_date, c.contract_ref)):
        by_org[c.provider.organisation_id].append(_Taker(c.start_date, c.end_date, counts[c.pk]))

    _referrals(authority, by_org, start, end)
    _episodes(authority, by_org, start, end)
    _outcomes(chosen, counts, start, end)
    for contract_id, approved in (
        ClaimLine.objects.filter(
            claim__contract_id__in=counts,
            status=LineStatus.APPROVED,
            over_cap=False,
            achieved_on__range=(start, end),
        )
        .values("claim__contract_id")
        .annotate(total=Sum("price"))
        .values_list("claim__contract_id", "total")
    ):
        counts[contract_id].approved = approved or ZERO

    return {**base, "contracts": [_figures(c, counts[c.pk], start, end) for c in chosen]}


def _referrals(
    authority: Authority,
    by_org: dict[int, list[_Taker]],
    start: dt.date,
    end: dt.date,
) -> None:
    """Referrals to the providers' teams for people of the authority, received in the
    period: each counts under the contract in force on the day it was received."""
    # No order asked of the database: the counts do not need one (as in outcomes).
    for org_id, received_on, status, allocated_on, need in (
        Referral.objects.filter(
            team__organisation_id__in=by_org,
            person__authority=authority,
            received_on__range=(start, end),
        )
        .order_by()
        .values_list(
            "team__organisation_id",
            "received_on",
            "status",
            "allocated_on",
            "person__primary_support_reason",
        )
    ):
        c = _first_taker(by_org[org_id], received_on, received_on)
        if c is None:
            continue
        need = need or NO_NEED
        c.referrals_received += 1
        if status in DECIDED:
            c.decided_by_need[need] += 1
        if status == Status.DECLINED:
            c.referrals_declined += 1
            c.declined_by_need[need] += 1
        if status == Status.ALLOCATED and allocated_on is not None:
            c.waits.append((allocated_on - received_on).days)
        elif status in (Status.ACCEPTED, Status.WAITING):
            c.waits.append((end - received_on).days)


def _episodes(
    authority: Authority,
    by_org: dict[int, list[_Taker]],
    start: dt.date,
    end: dt.date,
) -> None:
    """Episodes of the providers' teams for people of the authority open in the period,
    each under the first contract whose days meet its days in the period; those still
    open at the end of ``end`` are the caseload, with their last contact and their
    last change of stage."""
    rows = (
        Episode.objects.filter(
            team__organisation_id__in=by_org,
            person__authority=authority,
            started_on__lte=end,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .order_by()
        .annotate(
            contact=Coalesce("last_contact_on", "started_on"),
            last_stage=Max(
                "stage_entries__entered_on", filter=Q(stage_entries__entered_on__lte=end)
            ),
        )
        .values_list(
            "team__organisation_id",
            "started_on",
            "ended_on",
            "contact",
            "last_stage",
            "team__no_contact_days",
            "person__primary_support_reason",
        )
    )
    for org_id, started_on, ended_on, contact, last_stage, quiet_days, need in rows:
        first = max(started_on, start)
        last = end if ended_on is None else min(ended_on, end)
        c = _first_taker(by_org[org_id], first, last)
        if c is None:
            continue
        c.episodes_by_need[need or NO_NEED] += 1
        if ended_on is not None and ended_on <= end:
            continue  # not open at the end of the period
        c.open_episodes += 1
        if (end - contact).days > quiet_days:
            c.no_contact += 1
        if (end - (last_stage or started_on)).days > STALLED_DAYS:
            c.stalled += 1


def _outcomes(
    chosen: list[Contract], counts: dict[int, _Counts], start: dt.date, end: dt.date
) -> None:
    """Outcomes in the period, and since each contract began (for its targets)."""
    earliest = min(min(c.start_date for c in chosen), start)
    for a in achieved_outcomes(chosen, earliest, end):
        c = counts[a.contract_id]
        c.to_date[a.outcome] += 1
        if a.achieved_on >= start:
            c.outcomes[a.outcome] += 1
            if a.outcome == Outcome.JOB_START:
                c.starts_by_need[a.need_group or NO_NEED] += 1


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _figures(contract: Contract, c: _Counts, start: dt.date, end: dt.date) -> dict[str, Any]:
    fees = fixed_fees(contract.fixed_fee, contract.start_date, contract.end_date, start, end)
    cost = fees + c.approved
    starts = c.outcomes[Outcome.JOB_START]
    sustained_26 = c.outcomes[Outcome.SUSTAINED_26]
    decided = sum(c.decided_by_need.values())
    overall = ratio(c.referrals_declined, decided)
    declined_by_need = {
        need: {
            "decided": c.decided_by_need[need],
            "declined": c.declined_by_need[need],
            "rate": _rate(ratio(c.declined_by_need[need], c.decided_by_need[need])),
        }
        for need in sorted(c.decided_by_need)
    }
    starts_by_need = {
        need: {
            "episodes": c.episodes_by_need[need],
            "job_starts": c.starts_by_need[need],
            "per_100": _rate(per_100(c.starts_by_need[need], c.episodes_by_need[need])),
        }
        for need in sorted(set(c.episodes_by_need) | set(c.starts_by_need))
    }
    flags = _flags(c, overall)
    return {
        "contract_ref": contract.contract_ref,
        "provider": contract.provider.organisation.name,
        "service": contract.service,
        "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat(),
        "referrals_received": c.referrals_received,
        "referrals_declined": c.referrals_declined,
        "median_days_waiting": float(statistics.median(c.waits)) if c.waits else None,
        "open_episodes": c.open_episodes,
        "places": contract.places,
        "job_starts": starts,
        "sustained_13": c.outcomes[Outcome.SUSTAINED_13],
        "sustained_26": sustained_26,
        "sustained_52": c.outcomes[Outcome.SUSTAINED_52],
        "progressions": c.outcomes[Outcome.PROGRESSION],
        "outcome_payments_approved": money(c.approved),
        "fixed_fees": money(fees),
        "cost": money(cost),
        "cost_per_job_start": money(cost / starts) if starts else None,
        "cost_per_sustained_26": money(cost / sustained_26) if sustained_26 else None,
        "targets": {
            "job_starts": {
                "target": contract.target_job_starts,
                "actual": c.to_date[Outcome.JOB_START],
            },
            "sustained_26": {
                "target": contract.target_sustained_26,
                "actual": c.to_date[Outcome.SUSTAINED_26],
            },
        },
        "declined": {"decided": decided, "declined": c.referrals_declined, "rate": _rate(overall)},
        "declined_by_need": declined_by_need,
        "no_contact": c.no_contact,
        "no_contact_share": _rate(ratio(c.no_contact, c.open_episodes)),
        "stalled": c.stalled,
        "stalled_share": _rate(ratio(c.stalled, c.open_episodes)),
        "starts_by_need": starts_by_need,
        "flags": [f.as_dict() for f in flags],
    }


def _percent(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal('1'))}%"


def _flags(c: _Counts, overall: Decimal | None) -> list[Flag]:
    """The questions the figures raise (decision 0030 gives the thresholds)."""
    flags: list[Flag] = []
    if overall:
        for need in sorted(c.decided_by_need):
            decided = c.decided_by_need[need]
            rate = ratio(c.declined_by_need[need], decided)
            if decided >= MIN_DECISIONS and rate is not None and rate >= DECLINE_MULTIPLE * overall:
                label = need_label(need)
                flags.append(
                    Flag(
                        "creaming_declines",
                        f"Referrals of people with {label} were declined at {_percent(rate)}"
                        f" ({c.declined_by_need[need]} of {decided} decided), at least twice"
                        f" the provider's {_percent(overall)} overall: is the provider"
                        " turning away people who are harder to help?",
                        f"Referrals of people with {label} were declined at twice the"
                        " provider's overall rate or more: is the provider turning away"
                        " people who are harder to help?",
                        need,
                    )
                )
    if c.open_episodes >= MIN_OPEN:
        for code, count, words in (
            (
                "parking_no_contact",
                c.no_contact,
                "had no contact for longer than the team's no-contact days",
            ),
            ("parking_stalled", c.stalled, f"have not changed stage for over {STALLED_DAYS} days"),
        ):
            share = ratio(count, c.open_episodes)
            if share is not None and share > PARKING_SHARE:
                flags.append(
                    Flag(
                        code,
                        f"{count} of {c.open_episodes} open episodes ({_percent(share)})"
                        f" {words}: are people being parked?",
                        f"More than {_percent(PARKING_SHARE)} of open episodes {words}:"
                        " are people being parked?",
                    )
                )
    for need in sorted(c.episodes_by_need):
        episodes = c.episodes_by_need[need]
        if episodes < MIN_EPISODES:
            continue
        rest_episodes = sum(v for k, v in c.episodes_by_need.items() if k != need)
        rest_starts = sum(v for k, v in c.starts_by_need.items() if k != need)
        rest = per_100(rest_starts, rest_episodes)
        mine = per_100(c.starts_by_need[need], episodes)
        if rest and mine is not None and mine < STARTS_FRACTION * rest:
            label = need_label(need)
            flags.append(
                Flag(
                    "creaming_starts",
                    f"People with {label} had {mine} job starts per 100 episodes against"
                    f" {rest} for everyone else: are they getting the same help into work?",
                    f"People with {label} had fewer than half the job starts per 100"
                    " episodes of everyone else: are they getting the same help into work?",
                    need,
                )
            )
    return flags
