"""Demo purchases with a personal budget: a dozen of the demo borough's people, each
route used, some followed by a paid job, so the purchases report has something to say
for the last 12 months."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from auditlog.context import set_actor

from pathways.commissioning.models import Buys, Provider, Purchase, Route
from pathways.core.models import User
from pathways.employment.models import Placement
from pathways.people.models import Person

#: Suppliers not in the directory, as a care manager would write them.
SUPPLIERS = ("Bright Futures CIC", "Ace Travel Training", "Step Up Job Coaching", "M. Okafor")
#: (route, what it buys, weekly hours, weekly cost), taken in turn.
PATTERNS = (
    (Route.DIRECT_PAYMENT, Buys.JOB_FINDING, "6", "150.00"),
    (Route.INDIVIDUAL_SERVICE_FUND, Buys.IN_WORK_SUPPORT, "4", "96.00"),
    (Route.SPOT_PURCHASE, Buys.TRAVEL_TRAINING, "3", "75.50"),
    (Route.DIRECT_PAYMENT, Buys.TRAINING, "5", "110.00"),
)
PEOPLE = 12


def load_purchases(authority_code: str, today: dt.date, recorded_by: User | None) -> int:
    """Purchases for up to ``PEOPLE`` demo people of the authority: those with a paid
    job had one ending about two months before their first paid start; the others
    have one that began 8 months ago (every other one still going). How many made."""
    people = list(
        Person.objects.filter(authority__code=authority_code, is_demo=True).order_by("person_ref")
    )
    first_paid: dict[int, dt.date] = {}
    for person_id, start in (
        Placement.objects.filter(person__in=people, paid=True)
        .order_by("start_date")
        .values_list("person_id", "start_date")
    ):
        first_paid.setdefault(person_id, start)
    working = [p for p in people if p.pk in first_paid][: PEOPLE // 2]
    others = [p for p in people if p.pk not in first_paid][: PEOPLE - len(working)]
    directory = Provider.objects.filter(authorities__code=authority_code).first()
    made = 0
    for n, person in enumerate([*working, *others]):
        route, buys, hours, cost = PATTERNS[n % len(PATTERNS)]
        end: dt.date | None
        if person.pk in first_paid:
            last = first_paid[person.pk] - dt.timedelta(days=60)
            start, end = last - dt.timedelta(days=120), last
        else:
            start = today - dt.timedelta(days=240)
            end = None if n % 2 else today - dt.timedelta(days=30)
        supplier = directory if directory is not None and n % 4 == 0 else None
        with set_actor(recorded_by):  # on each person's trail, as recorded by their coach
            Purchase.objects.create(
                authority=person.authority,
                person=person,
                purchase_ref=f"PB{1001 + n}",
                route=route,
                buys=buys,
                supplier=supplier,
                supplier_name="" if supplier is not None else SUPPLIERS[n % len(SUPPLIERS)],
                start_date=start,
                end_date=end,
                weekly_hours=Decimal(hours),
                weekly_cost=Decimal(cost),
                recorded_by=recorded_by,
            )
        made += 1
    return made
