"""The ``purchases`` import kind: employment support bought with a personal budget or a
spot purchase, keyed by authority and reference (docs/imports.md).

The supplier follows the page's one rule (``purchases.supplier_of``): a directory
provider of any authority when the cell is exactly its organisation's name, otherwise
kept as the name given. The same rules as on the page (``commissioning.purchases``): the
person is one of the authority's own, the end is not before the start, money is 0 or
more.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from pathways.commissioning.models import Buys, Purchase, Route
from pathways.commissioning.purchases import directory_by_name, supplier_of
from pathways.core.importing import (
    Change,
    Column,
    Context,
    Kind,
    Row,
    choice,
    date,
    differs,
    fetch_by,
    money,
    text_of,
)
from pathways.core.models import Authority
from pathways.people.imports import known_person, prefetch_people
from pathways.people.models import Person

FIELDS = ("route", "buys", "start_date", "end_date", "weekly_hours", "weekly_cost")


def weekly_hours(raw: str) -> Decimal:
    """Hours a week of support: 0 to 168, at most one decimal place."""
    if not re.fullmatch(r"\d+(\.\d)?", raw) or Decimal(raw) > 168:
        raise ValueError(f"'{raw}' is not a number of hours a week from 0 to 168, like 6 or 7.5")
    return Decimal(raw)


def _prepare(rows: list[Row], ctx: Context) -> None:
    prefetch_people(rows, ctx)
    refs = {r.values.get("purchase_ref") for r in rows} - {None}
    ctx.cache["purchases"] = fetch_by(
        Purchase.objects.select_related("authority"),
        "purchase_ref",
        refs,
        key=lambda p: (p.authority.code, p.purchase_ref),
    )
    names = {r.values["supplier"] for r in rows if r.values.get("supplier")}
    ctx.cache["providers"] = directory_by_name(names)


def _plan(row: Row, ctx: Context) -> Change:
    authority = row.attempt(ctx.authority, row["authority"])
    person = row.attempt(known_person, row, ctx) if authority is not None else None
    existing: Purchase | None = ctx.cache["purchases"].get((row["authority"], row["purchase_ref"]))
    if existing is not None and person is not None and existing.person_id != person.pk:
        row.problem(
            "person_ref",
            f"purchase {row['purchase_ref']} is another person's; a purchase's person "
            "cannot change",
        )
    start = row.values.get("start_date") if "start_date" not in row.failed else None
    end = row.values.get("end_date") if "end_date" not in row.failed else None
    if start is not None and end is not None and end < start:
        row.problem("end_date", f"the purchase cannot end ({end}) before it starts ({start})")
    if row.problems or row.failed or person is None:
        return Change("unchanged")

    fields: dict[str, Any] = row.fields(FIELDS)
    fields["supplier"], fields["supplier_name"] = supplier_of(
        None, row["supplier"], ctx.cache["providers"]
    )
    diff = [n for n, v in fields.items() if existing is None or differs(existing, n, v)]
    if existing is not None and not diff:
        return Change("unchanged")

    def write() -> Purchase:
        if existing is None:
            purchase = Purchase(
                authority=authority, purchase_ref=row["purchase_ref"], person=person, **fields
            )
            purchase.save()
            return purchase
        for name in diff:
            setattr(existing, name, fields[name])
        existing.version += 1
        existing.save(update_fields=[*diff, "version"])
        return existing

    return Change(
        "create" if existing is None else "update", tuple(diff if existing else ()), write
    )


PURCHASES = Kind(
    name="purchases",
    title="Purchases",
    summary="Employment support bought with a personal budget or a spot purchase",
    model=Purchase,
    columns=(
        Column("authority", text_of(Authority, "code"), required=True),
        Column("person_ref", text_of(Person, "person_ref"), required=True),
        Column("purchase_ref", text_of(Purchase, "purchase_ref"), required=True),
        Column("route", choice(Route), required=True),
        Column("supplier", text_of(Purchase, "supplier_name"), required=True),
        Column("buys", choice(Buys), required=True),
        Column("start_date", date, required=True),
        Column("end_date", date),
        Column("weekly_hours", weekly_hours, required=True),
        Column("weekly_cost", money(max_digits=10), required=True),
    ),
    key=("authority", "purchase_ref"),
    plan=_plan,
    prepare=_prepare,
)
