"""The ``placements`` import kind: jobs and other work placements, whether found with the
service's help or not, keyed by authority and reference (docs/imports.md).

The employer is matched on the providers' employer lists as for opportunities, but a
placement does not need one: a job the person found themself (``supported`` is no), or
one whose employer no list holds and no single provider can add (a council recording
jobs from its social-care records, with no provider's teams loaded), keeps the
employer's name on the placement alone. A placement's hours and pay are
also its terms from its start date, so reports on any date see them; a later change of
hours recorded in Pathways is kept when the same file is imported again. A placement is
linked to the person's episode that was open on its start date, if any. Importing
history never moves an episode's stage.
"""

from __future__ import annotations

from typing import Any

from pathways.casework.models import Episode
from pathways.core.importing import (
    Change,
    Column,
    Context,
    Kind,
    Row,
    RowProblem,
    choice,
    date,
    differs,
    fetch_by,
    hourly_pay,
    text_of,
    yes_no,
)
from pathways.core.models import Authority, OpportunityKind
from pathways.employers.engagement.models import Employer
from pathways.employers.opportunities.imports import (
    hours,
    list_to_add_to,
    listed_employer,
    new_employer,
    prepare_employers,
)
from pathways.employment.models import Placement, PlacementEndReason, PlacementTerms
from pathways.people.imports import known_person, prefetch_people
from pathways.people.models import Person

FIELDS = (
    "job_title",
    "kind",
    "paid",
    "start_date",
    "end_date",
    "hours_per_week",
    "hourly_pay",
    "supported",
    "end_reason",
)


def _prepare(rows: list[Row], ctx: Context) -> None:
    prefetch_people(rows, ctx)
    keys = {(r.values.get("authority"), r.values.get("placement_ref")) for r in rows}
    ctx.cache["placements"] = fetch_by(
        Placement.objects.select_related("authority", "employer").prefetch_related("terms"),
        "placement_ref",
        {ref for _, ref in keys} - {None},
        key=lambda p: (p.authority.code, p.placement_ref),
    )
    people = [p.pk for p in ctx.cache["people"].values()]
    episodes: dict[int, list[Episode]] = {}
    for episode in Episode.objects.filter(person_id__in=people).order_by("started_on", "pk"):
        episodes.setdefault(episode.person_id, []).append(episode)
    ctx.cache["episodes"] = episodes
    prepare_employers(rows, ctx)


def _episode_on(ctx: Context, person: Person, day: Any) -> Episode | None:
    found = None
    for episode in ctx.cache["episodes"].get(person.pk, []):
        if episode.started_on <= day and (episode.ended_on is None or episode.ended_on >= day):
            found = episode
    return found


def _employer(
    name: str, authority: Authority, existing: Placement | None, row: Row, ctx: Context
) -> Employer | str:
    """The employer on a provider's list that the row names, or the name the placement
    keeps alone.

    The stored employer while the name is unchanged; otherwise the employer of that name
    on the list of a provider working for the authority. A name on no list joins the
    importer's provider's list (or the only provider's) unless the person found the job
    without a provider's support; when there is no provider to add it to, or several
    and the importer is none of them, the placement keeps the name alone.
    """
    key = name.lower()
    if (
        existing is not None
        and existing.employer is not None
        and existing.employer_name.lower() == key
    ):
        return existing.employer
    try:
        found = listed_employer(name, authority, ctx)
    except RowProblem:  # on several lists, none of them the importer's
        return name
    if found is not None:
        return found
    if existing is not None and existing.unlisted_employer.lower() == key:
        return existing.unlisted_employer
    if row.has("supported") and "supported" not in row.failed and row["supported"] is False:
        return name
    try:
        organisation = list_to_add_to(name, authority, ctx)
    except RowProblem:
        return name
    return new_employer(name, organisation, ctx)


def _check(row: Row, existing: Placement | None) -> None:
    def value(name: str) -> Any:
        if row.has(name) and name not in row.failed:
            return row[name]
        return getattr(existing, name, None) if existing is not None else None

    start, end = value("start_date"), value("end_date")
    if start is not None and end is not None and end < start:
        row.problem("end_date", f"the job cannot end ({end}) before it started ({start})")
    if value("hourly_pay") is not None and value("paid") is False:
        row.problem("hourly_pay", "unpaid work has no hourly pay; leave it blank")
    if value("end_reason") and end is None:
        row.problem("end_reason", "give the end_date too, or leave the reason blank")


def _plan(row: Row, ctx: Context) -> Change:
    authority = row.attempt(ctx.authority, row["authority"])
    person = row.attempt(known_person, row, ctx) if authority is not None else None
    key = (row["authority"], row["placement_ref"])
    existing: Placement | None = ctx.cache["placements"].get(key)
    if existing is not None and person is not None and existing.person_id != person.pk:
        row.problem(
            "person_ref",
            f"placement {row['placement_ref']} is another person's; a placement's person "
            "cannot change",
        )
    _check(row, existing)
    if row.problems or row.failed or authority is None or person is None:
        return Change("unchanged")

    named = _employer(row["employer"], authority, existing, row, ctx)
    employer = named if isinstance(named, Employer) else None
    fields: dict[str, Any] = {
        **row.fields(FIELDS),
        "employer": employer,
        "unlisted_employer": "" if employer is not None else named,
    }
    fields["end_reason"] = fields.get("end_reason") or ""
    diff = [n for n, v in fields.items() if existing is None or differs(existing, n, v)]
    if existing is not None and not diff:
        return Change("unchanged")

    def write() -> Placement:
        if employer is not None and employer.pk is None:  # the first row naming it adds it
            employer.save()
        if existing is None:
            placement = Placement(
                authority=authority,
                placement_ref=row["placement_ref"],
                person=person,
                episode=_episode_on(ctx, person, fields["start_date"]),
                **fields,
            )
            placement.save()
        else:
            placement = existing
            for name in diff:
                setattr(placement, name, fields[name])
            placement.version += 1
            placement.save(update_fields=[*diff, "version"])
        # The file's hours and pay are the terms from the start date; later changes
        # recorded in Pathways are kept.
        PlacementTerms.objects.filter(
            placement=placement, effective_from__lt=placement.start_date
        ).delete()
        PlacementTerms.objects.update_or_create(
            placement=placement,
            effective_from=placement.start_date,
            defaults={
                "hours_per_week": placement.hours_per_week,
                "hourly_pay": placement.hourly_pay,
            },
        )
        return placement

    return Change(
        "create" if existing is None else "update", tuple(diff if existing else ()), write
    )


PLACEMENTS = Kind(
    name="placements",
    title="Placements",
    summary="Jobs and other work placements, whether found with a provider's help or not",
    model=Placement,
    columns=(
        Column("authority", text_of(Authority, "code"), required=True),
        Column("person_ref", text_of(Person, "person_ref"), required=True),
        Column("placement_ref", text_of(Placement, "placement_ref"), required=True),
        Column("employer", text_of(Employer, "name"), required=True),
        Column("job_title", text_of(Placement, "job_title"), required=True),
        Column("kind", choice(OpportunityKind), required=True),
        Column("paid", yes_no, required=True),
        Column("start_date", date, required=True),
        Column("end_date", date),
        Column("hours_per_week", hours, required=True),
        Column("hourly_pay", hourly_pay),
        Column("supported", yes_no),
        Column("end_reason", choice(PlacementEndReason), blank=""),
    ),
    key=("authority", "placement_ref"),
    plan=_plan,
    prepare=_prepare,
)

KINDS = (PLACEMENTS,)
