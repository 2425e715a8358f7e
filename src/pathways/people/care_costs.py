"""The weekly care cost in force on a day: one rule for the savings report and the
programme's cost-benefit (decision 0028).

A row runs from ``effective_from`` until the next row, or until its ``ended_on`` when
the care stopped. Before the first row, and after an end with no row after it, no cost
is in force: ``in_force`` says so with None (a missing baseline is not a cost of 0.00),
``cost_on`` counts it as 0.00 (the care had not started, or it stopped).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from pathways.people.models import CareCost

#: A care-cost row: (effective_from, weekly_cost, ended_on).
Cost = tuple[dt.date, Decimal, dt.date | None]
ZERO = Decimal("0.00")


def in_force(costs: list[Cost], day: dt.date) -> Decimal | None:
    """The weekly cost in force on the day (costs sorted by date): the latest row from
    on or before the day, unless it ended before the day; None when no row is."""
    found: Decimal | None = None
    for effective_from, weekly, ended_on in costs:
        if effective_from > day:
            break
        found = None if ended_on is not None and ended_on < day else weekly
    return found


def cost_on(costs: list[Cost], day: dt.date) -> Decimal:
    """The weekly cost on the day, 0.00 before the first row or after the care ended."""
    cost = in_force(costs, day)
    return ZERO if cost is None else cost


def costs_of(person_ids: Collection[int] | QuerySet[Any, Any]) -> dict[int, list[Cost]]:
    """Each person's care-cost rows in date order, in one query (``person_ids`` may be
    a list or a subquery of ids)."""
    costs: dict[int, list[Cost]] = {}
    for person_id, effective_from, weekly, ended_on in (
        CareCost.objects.filter(person__in=person_ids)
        .order_by("person_id", "effective_from")
        .values_list("person_id", "effective_from", "weekly_cost", "ended_on")
    ):
        costs.setdefault(person_id, []).append((effective_from, weekly, ended_on))
    return costs
