"""What the personal budgets bought in a period, per route (decision 0027).

For each route (direct payment, individual service fund, spot purchase):

- ``people``: people with a purchase on the route in force on any day of the period;
- ``spend``: for each such purchase, its weekly cost x its days inside the period / 7,
  rounded half up to the penny, then added up (so the routes add up to the total);
- ``people_with_job``: of those people, those with a paid job start (a paid
  ``Placement``) from the first day of one of those purchases to 91 days after its
  last day (no limit while it goes on), and no later than the period's last day;
- ``spend_per_person_with_job``: ``spend`` / ``people_with_job`` to the penny, None
  when no one.

The totals count a person once even with purchases on two routes. Two queries whatever
the size: the purchases (with their people) and the paid job starts of those people.
The page, command and API are in ``reporting`` (above this app), which applies the
small-number rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F

from pathways.commissioning.models import Purchase, Route
from pathways.core.models import Authority
from pathways.core.money import money, to_penny
from pathways.employment.models import Placement

#: A job start this many days after a purchase's last day still counts (day 91 does,
#: day 92 does not).
DAYS_AFTER = 91
ROUTES = tuple(Route.values)
MEASURES = ("people", "spend", "people_with_job", "spend_per_person_with_job")


def spend_in(
    weekly_cost: Decimal, start: dt.date, end: dt.date | None, first: dt.date, last: dt.date
) -> Decimal:
    """A purchase's spend on the days from ``first`` to ``last`` (both included)."""
    days = (min(end or last, last) - max(start, first)).days + 1
    if days <= 0:
        return Decimal("0.00")
    return to_penny(weekly_cost * days / 7)


@dataclass(frozen=True)
class PurchaseLine:
    """One purchase in force in the period, with the person it is for."""

    person_id: int
    authority_id: int
    person_ref: str
    name: str
    purchase_ref: str
    route: str
    buys: str
    supplier: str
    start_date: dt.date
    end_date: dt.date | None
    weekly_cost: Decimal
    spend: Decimal
    #: The first paid job start that counts for this purchase, if any.
    job_start: dt.date | None


def purchase_lines(
    authorities: Iterable[Authority], start: dt.date, end: dt.date
) -> list[PurchaseLine]:
    """The purchases in force on any day from ``start`` to ``end``, in two queries."""
    authority_ids = [a.pk for a in authorities]
    purchases = list(
        Purchase.objects.filter(authority_id__in=authority_ids, start_date__lte=end)
        .exclude(end_date__lt=start)
        .order_by("authority_id", "route", "person__person_ref", "start_date", "purchase_ref")
        .values(
            "person_id",
            "authority_id",
            "purchase_ref",
            "route",
            "buys",
            "supplier_name",
            "start_date",
            "end_date",
            "weekly_cost",
            person_ref=F("person__person_ref"),
            given_name=F("person__given_name"),
            family_name=F("person__family_name"),
            directory_name=F("supplier__organisation__name"),
        )
    )
    starts: dict[int, list[dt.date]] = {}
    if purchases:
        for person_id, day in (
            Placement.objects.filter(
                person_id__in={p["person_id"] for p in purchases},
                paid=True,
                start_date__lte=end,
            )
            .order_by("start_date")
            .values_list("person_id", "start_date")
        ):
            starts.setdefault(person_id, []).append(day)
    lines = []
    for p in purchases:
        window_end = p["end_date"] + dt.timedelta(days=DAYS_AFTER) if p["end_date"] else end
        job = next(
            (day for day in starts.get(p["person_id"], []) if p["start_date"] <= day <= window_end),
            None,
        )
        lines.append(
            PurchaseLine(
                person_id=p["person_id"],
                authority_id=p["authority_id"],
                person_ref=p["person_ref"],
                name=f"{p['given_name']} {p['family_name']}".strip(),
                purchase_ref=p["purchase_ref"],
                route=p["route"],
                buys=p["buys"],
                supplier=p["directory_name"] or p["supplier_name"],
                start_date=p["start_date"],
                end_date=p["end_date"],
                weekly_cost=p["weekly_cost"],
                spend=spend_in(p["weekly_cost"], p["start_date"], p["end_date"], start, end),
                job_start=job,
            )
        )
    return lines


def _figures(lines: list[PurchaseLine]) -> dict[str, int | str | None]:
    people = {line.person_id for line in lines}
    working = {line.person_id for line in lines if line.job_start is not None}
    spend = sum((line.spend for line in lines), Decimal("0.00"))
    return {
        "people": len(people),
        "spend": money(spend),
        "people_with_job": len(working),
        "spend_per_person_with_job": money(spend / len(working)) if working else None,
    }


def purchases_report(
    authorities: Iterable[Authority],
    start: dt.date,
    end: dt.date,
    *,
    lines: list[PurchaseLine] | None = None,
) -> dict:
    """The report's JSON: the totals, and the same per route (every route, even with no
    purchase). ``lines`` are ``purchase_lines``' answer when the caller has it already."""
    chosen = list(authorities)
    if lines is None:
        lines = purchase_lines(chosen, start, end)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "authorities": sorted(a.code for a in chosen),
        **_figures(lines),
        "by_route": {
            route: _figures([line for line in lines if line.route == route]) for route in ROUTES
        },
    }
