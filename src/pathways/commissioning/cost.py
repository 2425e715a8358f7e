"""What the programme cost in a period, beside what it saved (decision 0028): the
reads behind the savings page's cost-benefit. Reporting shows these figures;
commissioning computes them, as it knows the contracts, claims and purchases.

Rules (money as ``Decimal``, quantized to 0.01 with ``ROUND_HALF_UP`` once per total):

- **Fixed fees**: a contract's fee is per quarter of the contract, its quarters
  counted from its ``start_date`` (start + 3, 6, 9 … months; the last one cut at
  ``end_date``). Each quarter overlapping the period pays its fee × the days of the
  quarter inside both the period and the contract ÷ the days of the whole quarter. A
  period covering a whole quarter pays one fee; a contract ending mid-quarter pays
  the part it ran.
- **Outcome payments**: claim lines approved, achieved in the period, not over the
  budget cap (those count 0), of the authority's contracts.
- **Purchases**: ``weekly_cost`` × the purchase's days inside the period ÷ 7 (no
  ``end_date``: still running).
- **Cost per sustained 26-week job**: the programme's cost ÷ the approved
  ``sustained_26`` lines achieved in the period (over the cap or not: the job was
  sustained); null when there are none.
- **Weekly care cost in and out of work**: people of the authority with an episode
  open on some day of the period and care-cost rows; their cost on the last day (as
  the savings count it: 0.00 before the first row or after the care ended), averaged
  over those in paid work that day and over the rest; null for a group of no one.
- **Net benefit**: the savings' saving for a year minus the programme's cost in the
  period. Both are shown as they are, not scaled to each other: a period of a year
  compares like with like; the page says so.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from pathways.casework.models import Episode
from pathways.commissioning.models import ClaimLine, Contract, LineStatus, Outcome, Purchase
from pathways.core.money import money, to_penny
from pathways.employment.models import Placement
from pathways.people.care_costs import cost_on, costs_of

ZERO = Decimal("0.00")
DAYS_A_WEEK = 7


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or that month's last day when it is shorter."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _days(start: dt.date, end: dt.date) -> int:
    """Days from start to end, both included (0 when end is before start)."""
    return max((end - start).days + 1, 0)


def fixed_fee_in(
    fee: Decimal, contract_start: dt.date, contract_end: dt.date, start: dt.date, end: dt.date
) -> Decimal:
    """A contract's fixed fees for the period, pro rata by days per contract quarter."""
    total = Decimal(0)
    k = 0
    while True:
        q_start = add_months(contract_start, 3 * k)
        if q_start > contract_end or q_start > end:
            return total
        q_end = add_months(contract_start, 3 * (k + 1)) - dt.timedelta(days=1)
        inside = _days(max(q_start, start), min(q_end, contract_end, end))
        if inside:
            total += fee * inside / _days(q_start, q_end)
        k += 1


def _fixed_fees(authority_ids: Collection[int], start: dt.date, end: dt.date) -> Decimal:
    contracts = Contract.objects.filter(
        authority_id__in=authority_ids,
        fixed_fee__isnull=False,
        start_date__lte=end,
        end_date__gte=start,
    ).values_list("fixed_fee", "start_date", "end_date")
    return sum(
        (fixed_fee_in(fee, s, e, start, end) for fee, s, e in contracts if fee is not None),
        Decimal(0),
    )


def _purchases(authority_ids: Collection[int], start: dt.date, end: dt.date) -> Decimal:
    bought = Purchase.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start),
        authority_id__in=authority_ids,
        start_date__lte=end,
    ).values_list("weekly_cost", "start_date", "end_date")
    return sum(
        (
            weekly * _days(max(s, start), min(e or end, end)) / DAYS_A_WEEK
            for weekly, s, e in bought
        ),
        Decimal(0),
    )


def _outcome_payments(
    authority_ids: Collection[int], start: dt.date, end: dt.date
) -> tuple[Decimal, int]:
    """Approved outcome payments in the period, and the sustained 26-week jobs among
    the approved lines, in one query."""
    paid = ClaimLine.objects.filter(
        claim__contract__authority_id__in=authority_ids,
        status=LineStatus.APPROVED,
        achieved_on__gte=start,
        achieved_on__lte=end,
    ).aggregate(
        total=Sum("price", filter=Q(over_cap=False)),
        sustained=Count("id", filter=Q(outcome=Outcome.SUSTAINED_26)),
    )
    return paid["total"] or Decimal(0), paid["sustained"]


def _average(amounts: list[Decimal]) -> str | None:
    return money(sum(amounts, Decimal(0)) / len(amounts)) if amounts else None


def care_cost_in_and_out_of_work(
    authority_ids: Collection[int], start: dt.date, end: dt.date
) -> dict[str, Any]:
    """The average weekly care cost on ``end`` of people in paid work that day and of
    the rest, among people with an episode in the period and care costs; 3 queries."""
    people = Episode.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start),
        person__authority_id__in=authority_ids,
        started_on__lte=end,
    ).values("person_id")
    costs = costs_of(people)
    working = set(
        Placement.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=end),
            person_id__in=people,  # a subquery: one query, whoever is found
            paid=True,
            start_date__lte=end,
        ).values_list("person_id", flat=True)
    )
    in_work = [cost_on(rows, end) for pid, rows in costs.items() if pid in working]
    not_in_work = [cost_on(rows, end) for pid, rows in costs.items() if pid not in working]
    return {
        "people_in_work": len(in_work),
        "people_not_in_work": len(not_in_work),
        "weekly_care_cost_in_work": _average(in_work),
        "weekly_care_cost_not_in_work": _average(not_in_work),
    }


def cost_benefit(
    authority_ids: Collection[int], start: dt.date, end: dt.date, annual_saving: Decimal
) -> dict[str, Any]:
    """The programme's cost in the period and what it bought, beside the saving for a
    year the savings report found; in 5 queries whatever the data size."""
    fixed = to_penny(_fixed_fees(authority_ids, start, end))
    payments, sustained = _outcome_payments(authority_ids, start, end)
    payments = to_penny(payments)
    bought = to_penny(_purchases(authority_ids, start, end))
    total = fixed + payments + bought
    return {
        "programme_cost": {
            "fixed_fees": money(fixed),
            "outcome_payments": money(payments),
            "purchases": money(bought),
            "total": money(total),
        },
        "net_benefit": money(annual_saving - total),
        "sustained_26": sustained,
        "cost_per_sustained_26": money(total / sustained) if sustained else None,
        **care_cost_in_and_out_of_work(authority_ids, start, end),
    }
