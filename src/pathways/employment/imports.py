"""The ``placements`` import kind: jobs and other work placements, whether found with the
service's help or not, keyed by authority and reference (docs/imports.md).

The employer is found or added as for opportunities. A placement's hours and pay are
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
    choice,
    date,
    differs,
    fetch_by,
    money,
    text_of,
    yes_no,
)
from pathways.core.models import Authority, OpportunityKind
from pathways.employers.engagement.models import Employer
from pathways.employers.opportunities.imports import hours, prepare_employers, resolve_employer
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
    employer = None
    if authority is not None and row.has("employer") and "employer" not in row.failed:
        employer = row.attempt(resolve_employer, row["employer"], authority, existing, ctx)
    _check(row, existing)
    if row.problems or row.failed or person is None or employer is None:
        return Change("unchanged")

    fields: dict[str, Any] = {**row.fields(FIELDS), "employer": employer}
    fields["end_reason"] = fields.get("end_reason") or ""
    diff = [n for n, v in fields.items() if existing is None or differs(existing, n, v)]
    if existing is not None and not diff:
        return Change("unchanged")

    def write() -> Placement:
        if employer.pk is None:  # new on the list: the first row naming it adds it
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
    summary="Jobs and other work placements, with the employer added if new",
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
        Column("hourly_pay", money(max_digits=7)),
        Column("supported", yes_no),
        Column("end_reason", choice(PlacementEndReason), blank=""),
    ),
    key=("authority", "placement_ref"),
    plan=_plan,
    prepare=_prepare,
)

KINDS = (PLACEMENTS,)
