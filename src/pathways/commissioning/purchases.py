"""Every change to a person's purchases with a personal budget: recording one, changing
it (with a version check) and ending it.

A purchase is part of the person's record, so only those who work with the person (or
the operator) record or change it (``casework.policy.may_work_with``); each runs in one
transaction, and each row change is on the person's audit trail through django-auditlog
(``Purchase.get_additional_data`` names the person).

The supplier, one rule for the page and the ``purchases`` import (decision 0027): any
provider in the directory, whichever authorities it works in (a direct payment can buy
support from anywhere), or else a name. A name that is exactly a directory
organisation's name is that provider, so the same supplier is never kept both ways.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from pathways.casework.policy import may_work_with
from pathways.commissioning.models import Buys, Provider, Purchase, Route
from pathways.core.errors import ConcurrentEdit, IllegalTransition, PermissionDenied
from pathways.core.models import Authority, User
from pathways.people.models import Person

#: The fields ``change_purchase`` may change (not the person, authority or reference).
CHANGEABLE = (
    "route",
    "supplier",
    "supplier_name",
    "buys",
    "start_date",
    "end_date",
    "weekly_hours",
    "weekly_cost",
)
MAX_WEEKLY_HOURS = Decimal("168")


def _require_works_with(actor: User | None, person: Person) -> None:
    if actor is None or not may_work_with(actor, person.pk):
        raise PermissionDenied(
            "Only the person's worker or their team can record what is bought for them."
        )


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def suppliers_for(person: Person) -> QuerySet[Provider]:
    """Every directory provider, those working in the person's authority first, each
    group by name (the page's choice of supplier)."""
    local = Provider.authorities.through.objects.filter(
        provider=OuterRef("pk"), authority_id=person.authority_id
    )
    return (
        Provider.objects.select_related("organisation")
        .annotate(works_here=Exists(local))
        .order_by("-works_here", "organisation__name")
    )


def directory_by_name(names: set[str]) -> dict[str, Provider]:
    """The directory providers whose organisation's name is one of ``names``, by name
    (one query, for an import's rows or one name typed on the page)."""
    found = Provider.objects.select_related("organisation").filter(organisation__name__in=names)
    return {p.organisation.name: p for p in found}


def supplier_of(
    supplier: Provider | None, name: str, directory: Mapping[str, Provider]
) -> tuple[Provider | None, str]:
    """``(supplier, supplier_name)`` as kept: a name that is exactly a directory
    provider's (``directory``, from ``directory_by_name``) is that provider."""
    name = name.strip()
    if supplier is None and name in directory:
        return directory[name], ""
    return supplier, name


def _check(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields made tidy, or a ValidationError naming each field that is wrong."""
    errors: dict[str, str] = {}
    if fields.get("route") not in Route.values:
        errors["route"] = "Choose the route: " + ", ".join(Route.values) + "."
    if fields.get("buys") not in Buys.values:
        errors["buys"] = "Choose what it buys: " + ", ".join(Buys.values) + "."
    name = (fields.get("supplier_name") or "").strip()
    supplier, name = supplier_of(
        fields.get("supplier"), name, directory_by_name({name}) if name else {}
    )
    fields["supplier"] = supplier
    if supplier is not None and name:
        errors["supplier"] = "Choose a supplier from the directory or give a name, not both."
    elif supplier is None and not name:
        errors["supplier"] = "Choose a supplier from the directory or give its name."
    fields["supplier_name"] = name
    start, end = fields.get("start_date"), fields.get("end_date")
    if not isinstance(start, dt.date):
        errors["start_date"] = "Enter the date the purchase starts."
    elif isinstance(end, dt.date) and end < start:
        errors["end_date"] = "The purchase cannot end before it starts."
    hours = _decimal(fields.get("weekly_hours"))
    if hours is None or hours < 0 or hours > MAX_WEEKLY_HOURS:
        errors["weekly_hours"] = "Enter the hours a week, from 0 to 168."
    else:
        fields["weekly_hours"] = hours
    cost = _decimal(fields.get("weekly_cost"))
    if cost is None or cost < 0:
        errors["weekly_cost"] = "Enter the weekly cost in pounds, 0 or more."
    elif cost != cost.quantize(Decimal("0.01")):
        errors["weekly_cost"] = "Enter the weekly cost in pounds and pence, such as 120.50."
    else:
        fields["weekly_cost"] = cost
    if errors:
        raise ValidationError(errors)
    return fields


def _check_ref(authority_id: int, purchase_ref: str, exclude: int | None = None) -> str:
    ref = purchase_ref.strip()
    if not ref:
        raise ValidationError({"purchase_ref": "Enter the purchase's reference."})
    taken = Purchase.objects.filter(authority_id=authority_id, purchase_ref=ref)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError(
            {"purchase_ref": f"The authority already has a purchase with the reference {ref}."}
        )
    return ref


@transaction.atomic
def record_purchase(
    actor: User | None,
    person: Person,
    *,
    purchase_ref: str,
    route: str,
    buys: str,
    start_date: dt.date,
    weekly_hours: Decimal | str,
    weekly_cost: Decimal | str,
    end_date: dt.date | None = None,
    supplier: Provider | None = None,
    supplier_name: str = "",
    authority: Authority | None = None,
) -> Purchase:
    """A purchase for one of the authority's own people (``authority``, when given, must
    be the person's)."""
    _require_works_with(actor, person)
    if authority is not None and authority.pk != person.authority_id:
        raise ValidationError({"person": "The person is not one of this authority's people."})
    fields = _check(
        {
            "route": route,
            "buys": buys,
            "start_date": start_date,
            "end_date": end_date,
            "weekly_hours": weekly_hours,
            "weekly_cost": weekly_cost,
            "supplier": supplier,
            "supplier_name": supplier_name,
        }
    )
    ref = _check_ref(person.authority_id, purchase_ref)
    return Purchase.objects.create(
        authority_id=person.authority_id,
        person=person,
        purchase_ref=ref,
        recorded_by=actor,
        **fields,
    )


def _lock(purchase: Purchase, expected_version: int | None) -> Purchase:
    fresh = Purchase.objects.select_for_update().select_related("person").get(pk=purchase.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ConcurrentEdit(
            "Someone else changed this purchase while you were working on it. "
            "Check its current details and try again."
        )
    return fresh


@transaction.atomic
def change_purchase(
    actor: User | None,
    purchase: Purchase,
    *,
    expected_version: int | None = None,
    **changes: Any,
) -> Purchase:
    """Change what is known of a purchase; the fields not given stay as they are."""
    unknown = set(changes) - set(CHANGEABLE)
    if unknown:
        raise TypeError(f"A purchase's {', '.join(sorted(unknown))} cannot be changed here.")
    _require_works_with(actor, purchase.person)
    purchase = _lock(purchase, expected_version)
    fields = {name: getattr(purchase, name) for name in CHANGEABLE}
    fields.update(changes)
    if "supplier" in changes and changes["supplier"] is not None and "supplier_name" not in changes:
        fields["supplier_name"] = ""
    if "supplier_name" in changes and changes["supplier_name"] and "supplier" not in changes:
        fields["supplier"] = None
    fields = _check(fields)
    for name, value in fields.items():
        setattr(purchase, name, value)
    purchase.version += 1
    purchase.save(update_fields=[*CHANGEABLE, "version"])
    return purchase


@transaction.atomic
def end_purchase(
    actor: User | None,
    purchase: Purchase,
    *,
    end_date: dt.date,
    expected_version: int | None = None,
) -> Purchase:
    """The purchase stopped on ``end_date`` (its last day)."""
    _require_works_with(actor, purchase.person)
    purchase = _lock(purchase, expected_version)
    if purchase.end_date is not None:
        raise IllegalTransition("This purchase has already ended.")
    if end_date < purchase.start_date:
        raise ValidationError({"end_date": "The purchase cannot end before it starts."})
    purchase.end_date = end_date
    purchase.version += 1
    purchase.save(update_fields=["end_date", "version"])
    return purchase
