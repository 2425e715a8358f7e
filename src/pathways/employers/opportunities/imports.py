"""The ``opportunities`` import kind: jobs and work-like opportunities offered to the
people of one authority, keyed by their reference (docs/imports.md).

The file names the employer only by name. It is looked for, whatever its letter case,
on the employer lists of the providers that have a team in the row's authority; a
name found on no list is added to the list of the provider running the import (or of
the only provider working there), once however many rows name it. A tag not in the
interest vocabulary yet is added to it, as for profiles.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils import timezone

from pathways.casework.imports import decimal_one_place, interest_tags, set_interests, tags
from pathways.core.importing import (
    Change,
    Column,
    Context,
    Kind,
    Row,
    RowProblem,
    choice,
    date,
    degrees,
    differs,
    fetch_by,
    hourly_pay,
    text_of,
    whole_number,
    yes_no,
)
from pathways.core.models import Authority, InterestTag, Membership, OpportunityKind, Organisation
from pathways.employers.engagement.models import Employer
from pathways.employers.opportunities.models import Opportunity

#: The most places one opportunity can offer (a guard against a mistyped number).
MOST_PLACES = 1000

#: The opportunity's own fields that a column of the same name sets.
FIELDS = (
    "title",
    "kind",
    "paid",
    "hours_per_week",
    "hourly_pay",
    "latitude",
    "longitude",
    "places",
    "closes_on",
)

AS_A_MEMBER = "run the import as a member of the provider it belongs to (--as EMAIL)"


_up_to_80_hours = decimal_one_place(80, "hours")


def hours(raw: str) -> Decimal:
    """Hours a week: more than 0, at most 80, at most one decimal place."""
    value = _up_to_80_hours(raw)
    if value == 0:
        raise ValueError(f"'{raw}' is not more than 0 hours")
    return value


_one_or_more = whole_number(minimum=1)


def places(raw: str) -> int:
    """How many people it can take: a whole number from 1 to MOST_PLACES."""
    value = _one_or_more(raw)
    if value > MOST_PLACES:
        raise ValueError(f"'{raw}' is more than {MOST_PLACES} places")
    return int(value)


def _ok(row: Row, column: str) -> bool:
    """The file has this column and the row's cell in it parsed."""
    return row.has(column) and column not in row.failed


# --- shared lookups -------------------------------------------------------------------


def _prepare(rows: list[Row], ctx: Context) -> None:
    ctx.cache["opportunities"] = fetch_by(
        Opportunity.objects.select_related("authority", "employer", "site").prefetch_related(
            "tags"
        ),
        "opportunity_ref",
        {r.values.get("opportunity_ref") for r in rows} - {None},
        key=lambda opportunity: opportunity.opportunity_ref,
    )
    prepare_employers(rows, ctx)
    ctx.cache["tags"] = {t.code: t for t in InterestTag.objects.all()}


def prepare_employers(rows: list[Row], ctx: Context) -> None:
    """What the employer lookups below need for a file whose rows name an ``authority`` and
    an ``employer`` (opportunities, placements), fetched once."""
    # The providers working for each authority: those with a team there.
    providers: dict[int, dict[int, Organisation]] = defaultdict(dict)
    for team in ctx.teams_by_code.values():
        providers[team.authority_id][team.organisation_id] = team.organisation
    ctx.cache["providers"] = providers
    ctx.cache["actor_organisations"] = (
        set(
            Membership.objects.filter(user=ctx.actor).values_list(
                "team__organisation_id", flat=True
            )
        )
        if ctx.actor is not None
        else set()
    )
    # Every employer on the lists of the providers working where the file's rows are,
    # by lower-case name: matched here rather than in SQL, whose LOWER() differs
    # between databases for letters beyond ASCII.
    codes: set[str] = {r.values["authority"] for r in rows if r.values.get("authority")}
    wanted = {
        org_id
        for code in codes
        if (authority := ctx.authorities_by_code.get(code)) is not None
        for org_id in providers.get(authority.pk, {})
    }
    employers: dict[str, list[Employer]] = defaultdict(list)
    for employer in Employer.objects.filter(organisation_id__in=wanted).only(
        "pk", "name", "organisation_id"
    ):
        employers[employer.name.lower()].append(employer)
    ctx.cache["employers"] = employers
    #: Employers the file adds, by (organisation id, lower-case name): saved by the
    #: first row that writes, shared by every row naming them.
    ctx.cache["new_employers"] = {}


def _names(organisations: list[Organisation]) -> str:
    return ", ".join(sorted(o.name for o in organisations))


def listed_employer(name: str, authority: Authority, ctx: Context) -> Employer | None:
    """The employer called ``name`` (any letter case) on the list of a provider with a
    team in ``authority``, preferring the list of the provider running the import;
    None if no such list has it. Several lists having it, with none the importer's, is
    a problem: Pathways cannot tell which is meant."""
    providers: dict[int, Organisation] = ctx.cache["providers"].get(authority.pk, {})
    found = [
        e for e in ctx.cache["employers"].get(name.lower(), []) if e.organisation_id in providers
    ]
    if len(found) > 1:
        mine = ctx.cache["actor_organisations"] & set(providers)
        found = [e for e in found if e.organisation_id in mine] or found
    if len(found) > 1:
        raise RowProblem(
            "employer",
            f"several providers working for {authority.name} have an employer called "
            f"'{name}': {AS_A_MEMBER} (the providers: "
            f"{_names([providers[e.organisation_id] for e in found])})",
        )
    return found[0] if found else None


def list_to_add_to(name: str, authority: Authority, ctx: Context) -> Organisation:
    """The provider whose list a new employer joins: the importer's, if it works for
    ``authority``, or else the only provider working there."""
    providers: dict[int, Organisation] = ctx.cache["providers"].get(authority.pk, {})
    if not providers:
        raise RowProblem(
            "employer",
            f"'{name}' is not on any employer list, and no provider has a team working for "
            f"{authority.name} to add it to; import the provider's teams first",
        )
    mine = ctx.cache["actor_organisations"] & set(providers)
    candidates = mine if mine else set(providers)
    if len(candidates) > 1:
        raise RowProblem(
            "employer",
            f"'{name}' is not on an employer list yet, and several providers work for "
            f"{authority.name}: {AS_A_MEMBER} (the providers: "
            f"{_names([providers[o] for o in candidates])})",
        )
    return providers[candidates.pop()]


def new_employer(name: str, organisation: Organisation, ctx: Context) -> Employer:
    """The employer the file adds to ``organisation``'s list, once however many rows
    name it (saved by the first row that writes)."""
    new: dict[tuple[int, str], Employer] = ctx.cache["new_employers"]
    key = (organisation.pk, name.lower())
    if key not in new:
        new[key] = Employer(organisation=organisation, name=name)
    return new[key]


def resolve_employer(name: str, authority: Authority, existing: Any, ctx: Context) -> Employer:
    """The employer a row names, for an opportunity offered in ``authority``;
    ``existing`` is the stored opportunity, if any.

    The record's own employer if the name is still its name; otherwise the employer of
    that name on a provider's list (``listed_employer``); otherwise a new employer on
    the list ``list_to_add_to`` chooses.
    """
    if existing is not None and existing.employer.name.lower() == name.lower():
        return existing.employer
    found = listed_employer(name, authority, ctx)
    if found is not None:
        return found
    return new_employer(name, list_to_add_to(name, authority, ctx), ctx)


# --- one row --------------------------------------------------------------------------


def _check_fields(row: Row, existing: Opportunity | None, opened_on: dt.date) -> None:
    """The rules between columns, on the opportunity as it will be after the import (a
    column the file leaves out keeps its stored value)."""

    def after(column: str) -> Any:
        return row.values.get(column) if row.has(column) else getattr(existing, column, None)

    if not row.failed & {"paid", "hourly_pay"} and after("paid") is False:
        pay = after("hourly_pay")
        if pay is not None and row.has("hourly_pay"):
            row.problem("hourly_pay", "an unpaid opportunity has no hourly pay; leave it blank")
        elif pay is not None:
            row.problem(
                "paid",
                f"an unpaid opportunity has no hourly pay, but £{pay} is stored; add an "
                "hourly_pay column with a blank cell to remove it",
            )
    if not row.failed & {"latitude", "longitude"}:
        latitude, longitude = after("latitude"), after("longitude")
        if latitude is not None and longitude is None:
            row.problem("longitude", "give the longitude with the latitude, or neither")
        elif longitude is not None and latitude is None:
            row.problem("latitude", "give the latitude with the longitude, or neither")
    closes_on = row.values.get("closes_on") if _ok(row, "closes_on") else None
    if closes_on is not None and closes_on < opened_on:
        when = "opened" if existing is not None else "opens (today)"
        row.problem("closes_on", f"is before the opportunity {when}, {opened_on:%d/%m/%Y}")


def _plan_opportunity(row: Row, ctx: Context) -> Change:
    ref = row["opportunity_ref"]
    existing: Opportunity | None = ctx.cache["opportunities"].get(ref)
    authority = row.attempt(ctx.authority, row["authority"])
    if authority is not None and existing is not None and existing.authority_id != authority.pk:
        row.problem(
            "authority",
            f"{ref} is an opportunity for {existing.authority.name}; an opportunity's "
            "authority cannot change (give the new one its own reference)",
        )
        authority = None
    employer = None
    if authority is not None and _ok(row, "employer"):
        employer = row.attempt(resolve_employer, row["employer"], authority, existing, ctx)
    codes: list[str] | None = (row["tags"] or []) if _ok(row, "tags") else None
    today = timezone.localdate()
    opened_on = existing.opened_on if existing is not None else today
    _check_fields(row, existing, opened_on)
    if row.problems or row.failed or authority is None or employer is None:
        return Change("unchanged")  # the row is reported, not planned

    fields: dict[str, Any] = {**row.fields(FIELDS), "employer": employer}
    stored_tags = sorted(t.code for t in existing.tags.all()) if existing is not None else []
    tags_changed = codes is not None and codes != stored_tags
    chosen = interest_tags(codes, ctx) if tags_changed and codes else []
    diff = [n for n, v in fields.items() if existing is None or differs(existing, n, v)]
    if existing is not None and not diff and not tags_changed:
        return Change("unchanged")
    changed = (*diff, *(["tags"] if tags_changed else [])) if existing is not None else ()

    def write() -> Opportunity:
        if employer.pk is None:  # new on the list: the first row naming it adds it
            employer.save()
        if existing is None:
            opportunity = Opportunity(
                authority=authority, opportunity_ref=ref, opened_on=today, **fields
            )
            opportunity.save()
        else:
            opportunity = existing
            update = list(diff)
            for name in diff:
                setattr(opportunity, name, fields[name])
            if opportunity.site is not None and opportunity.site.employer_id != employer.pk:
                opportunity.site = None  # a site belongs to one employer
                update.append("site")
            opportunity.version += 1
            opportunity.save(update_fields=[*update, "version"])
        if tags_changed:
            set_interests(opportunity.tags, chosen)
        return opportunity

    return Change("create" if existing is None else "update", tuple(changed), write)


OPPORTUNITIES = Kind(
    name="opportunities",
    title="Opportunities",
    summary="Jobs and other opportunities employers offer, with the employer added if new",
    model=Opportunity,
    columns=(
        Column("opportunity_ref", text_of(Opportunity, "opportunity_ref"), required=True),
        Column("authority", text_of(Authority, "code"), required=True),
        Column("employer", text_of(Employer, "name"), required=True),
        Column("title", text_of(Opportunity, "title"), required=True),
        Column("kind", choice(OpportunityKind), required=True),
        Column("paid", yes_no, required=True),
        Column("hours_per_week", hours, required=True),
        Column("hourly_pay", hourly_pay),
        Column("latitude", degrees(90)),
        Column("longitude", degrees(180)),
        Column("places", places, blank=1),
        Column("tags", tags, blank=[]),
        Column("closes_on", date),
    ),
    key=("opportunity_ref",),
    plan=_plan_opportunity,
    prepare=_prepare,
)

KINDS = (OPPORTUNITIES,)
