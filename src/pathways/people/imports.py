"""Import kinds for person records and their care-package costs (docs/imports.md)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from pathways.core.importing import (
    Change,
    Column,
    Context,
    Kind,
    Row,
    RowProblem,
    choice,
    choices,
    date,
    degrees,
    email_address,
    fetch_by,
    money,
    plan_save,
    text_of,
    yes_no,
)
from pathways.core.models import Authority
from pathways.people.models import CareCost, Condition, Person, SupportReason
from pathways.people.postcodes import normalise_postcode
from pathways.people.services import clean_person_fields


def prefetch_people(rows: list[Row], ctx: Context) -> None:
    """People the file names, by (authority id, person_ref), in one query (a few for a
    big batch).

    An authority that had nobody on record when the import first named it is not asked
    again: nobody the file names can be on record there but the people this import
    wrote, and the file names each of those once. (Issue 15: on a table PostgreSQL has
    not yet analysed, such as one a first big import is filling, it answers by reading
    every person of the authority, so each batch's lookup took longer than the last.)
    """
    codes: set[str] = {r.values["authority"] for r in rows if r.values.get("authority")}
    had_people: dict[str, bool] = ctx.cache.setdefault("authority_had_people", {})
    for code in codes - had_people.keys():
        had_people[code] = Person.objects.filter(authority__code=code).exists()
    codes = {code for code in codes if had_people[code]}
    ctx.cache["people"] = fetch_by(
        Person.objects.filter(authority__code__in=codes),
        "person_ref",
        {r.values.get("person_ref") for r in rows if r.values.get("authority") in codes} - {None},
        key=lambda person: (person.authority_id, person.person_ref),
    )


def known_person(row: Row, ctx: Context) -> Person:
    """The person a row refers to, who must already be on record."""
    authority = ctx.authority(row["authority"])
    person = ctx.cache["people"].get((authority.pk, row["person_ref"]))
    if person is None:
        raise RowProblem(
            "person_ref",
            f"no person with reference '{row['person_ref']}' in {authority.name}; "
            "import them as people first",
        )
    return person


# --- people ---------------------------------------------------------------------------


def _prepare_people(rows: list[Row], ctx: Context) -> None:
    prefetch_people(rows, ctx)
    ctx.cache["today"] = timezone.localdate()  # once a batch, not once a row


def _plan_person(row: Row, ctx: Context) -> Change:
    authority = row.attempt(ctx.authority, row["authority"])
    existing = ctx.cache["people"].get((getattr(authority, "pk", None), row["person_ref"]))
    fields = row.fields(PERSON_FIELDS)
    if existing is not None and set(fields.get("conditions", [])) == set(existing.conditions):
        fields.pop("conditions", None)  # the same conditions in another order: no change
    # The rules that span columns see the record as it will be after the import.
    after: dict[str, Any] = {
        "latitude": getattr(existing, "latitude", None),
        "longitude": getattr(existing, "longitude", None),
        **fields,
    }
    if row.failed & {"latitude", "longitude"}:
        del after["latitude"], after["longitude"]  # the bad cell is reported already
    try:
        clean_person_fields(after, today=ctx.cache["today"])
    except ValidationError as exc:
        for column, messages in exc.message_dict.items():
            for message in messages:
                row.problem(column, message[:1].lower() + message[1:])
    if row.problems or row.failed:
        return Change("unchanged")  # the row is reported, not planned
    return plan_save(
        Person,
        existing,
        lookup={"authority": authority, "person_ref": row["person_ref"]},
        fields=fields,
    )


PEOPLE = Kind(
    name="people",
    title="People",
    summary="Person records, keyed by the council's client reference",
    model=Person,
    columns=(
        Column("authority", text_of(Authority, "code"), required=True),
        Column("person_ref", text_of(Person, "person_ref"), required=True),
        Column("given_name", text_of(Person, "given_name"), required=True),
        Column("family_name", text_of(Person, "family_name"), required=True),
        Column("date_of_birth", date, required=True),
        Column("postcode", normalise_postcode, blank=""),
        Column("latitude", degrees(90)),
        Column("longitude", degrees(180)),
        Column("primary_support_reason", choice(SupportReason), blank=""),
        Column("conditions", choices(Condition), blank=[]),
        Column("long_term_support", yes_no),
        Column("secondary_mental_health", yes_no),
        Column("ehc_plan", yes_no),
        Column("email", email_address, blank=""),
        Column("phone", text_of(Person, "phone"), blank=""),
    ),
    key=("authority", "person_ref"),
    plan=_plan_person,
    prepare=_prepare_people,
)

#: The record's own fields: every column of a person but the key.
PERSON_FIELDS = tuple(c.name for c in PEOPLE.columns if c.name not in PEOPLE.key)


# --- care costs -----------------------------------------------------------------------


def _prepare_care_costs(rows: list[Row], ctx: Context) -> None:
    prefetch_people(rows, ctx)
    ctx.cache["care_costs"] = fetch_by(
        CareCost.objects.all(),
        "person_id",
        [p.pk for p in ctx.cache["people"].values()],
        key=lambda cost: (cost.person_id, cost.effective_from),
    )


def _plan_care_cost(row: Row, ctx: Context) -> Change:
    person = known_person(row, ctx)
    effective_from = row["effective_from"]
    ended_on = row["ended_on"]
    if ended_on is not None and ended_on < effective_from:
        raise RowProblem("ended_on", "must not be before effective_from")
    existing = ctx.cache["care_costs"].get((person.pk, effective_from))
    fields: dict[str, Any] = {"weekly_cost": row["weekly_cost"]}
    if row.has("ended_on"):  # a file without the column leaves a recorded end alone
        fields["ended_on"] = ended_on
    return plan_save(
        CareCost,
        existing,
        lookup={"person": person, "effective_from": effective_from},
        fields=fields,
    )


CARE_COSTS = Kind(
    name="care_costs",
    title="Care costs",
    summary="The weekly cost of each person's care package from a date (for cost-benefit)",
    model=CareCost,
    columns=(
        Column("authority", text_of(Authority, "code"), required=True),
        Column("person_ref", text_of(Person, "person_ref"), required=True),
        Column("effective_from", date, required=True),
        Column("weekly_cost", money(max_digits=10), required=True),
        # An extension of the contract: the last day of a package that stopped.
        Column("ended_on", date),
    ),
    key=("authority", "person_ref", "effective_from"),
    plan=_plan_care_cost,
    prepare=_prepare_care_costs,
)

KINDS = (PEOPLE, CARE_COSTS)
