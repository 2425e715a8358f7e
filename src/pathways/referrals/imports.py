"""Import kind for referrals, history included (docs/imports.md).

An ``allocated`` referral with a ``worker`` opens that worker's episode of support, as
allocating one in the app does; the episode is tied to its referral, so importing the
file again finds it instead of opening another. Caseload caps are not enforced: the
file records what already happened.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pathways.casework import services as casework
from pathways.casework.models import Episode
from pathways.core.importing import (
    Change,
    Column,
    Context,
    Kind,
    Row,
    choice,
    date,
    email_address,
    fetch_by,
    plan_save,
    text_of,
)
from pathways.core.models import Authority, Team
from pathways.people.imports import known_person, prefetch_people
from pathways.people.models import Person
from pathways.referrals.models import Referral, Source, Status

DECIDED = (Status.ACCEPTED, Status.WAITING, Status.ALLOCATED, Status.DECLINED, Status.REDIRECTED)


def _prepare(rows: list[Row], ctx: Context) -> None:
    prefetch_people(rows, ctx)
    ctx.load_staff(r.values.get("worker") for r in rows)
    codes = {r.values.get("authority") for r in rows} - {None}
    ctx.cache["referrals"] = fetch_by(
        Referral.objects.filter(authority__code__in=codes).select_related("episode__worker"),
        "referral_ref",
        {r.values.get("referral_ref") for r in rows} - {None},
        key=lambda referral: (referral.authority_id, referral.referral_ref),
    )


def _episode_of(referral: Referral | None) -> Episode | None:
    if referral is None:
        return None
    try:
        return referral.episode
    except Episode.DoesNotExist:
        return None


def _check_dates(row: Row) -> None:
    today = timezone.localdate()
    received_on: dt.date = row["received_on"]
    if received_on > today:
        row.problem("received_on", "is in the future")
    for column in ("decided_on", "allocated_on"):
        day = row.get(column)
        if day is None:
            continue
        if day > today:
            row.problem(column, "is in the future")
        elif day < received_on:
            row.problem(column, f"is before the referral was received ({received_on:%d/%m/%Y})")


def _plan_referral(row: Row, ctx: Context) -> Change:
    authority = ctx.authority(row["authority"])
    person = row.attempt(known_person, row, ctx)
    team = row.attempt(ctx.team, row["team"])
    if team is not None and team.authority_id != authority.pk:
        row.problem("team", f"{team.code} works for {team.authority.name}, not {authority.name}")
    existing: Referral | None = ctx.cache["referrals"].get((authority.pk, row["referral_ref"]))
    episode = _episode_of(existing)
    # A column the file leaves out keeps the stored value (or the default for a new row).
    status = row["status"] if row.has("status") else getattr(existing, "status", Status.RECEIVED)
    worker = getattr(existing, "worker", None)
    if row.has("worker"):
        worker = None
        if row["worker"]:
            worker = ctx.staff_member(row["worker"])
            if worker is None:
                row.problem("worker", f"no staff member has the email {row['worker']}")
        if worker is not None and status != Status.ALLOCATED:
            row.problem("worker", f"only an allocated referral has a worker, not a {status} one")
    if row.get("allocated_on") and status != Status.ALLOCATED:
        row.problem("allocated_on", f"only an allocated referral has this date, not a {status} one")
    if row.get("decided_on") and status not in DECIDED:
        row.problem("decided_on", f"a {status} referral has no decision date")
    _check_dates(row)
    if episode is not None:
        if status != Status.ALLOCATED:
            row.problem("status", "this referral has an episode of support, so it stays allocated")
        elif worker is None or episode.worker_id != worker.pk:
            row.problem(
                "worker",
                f"this referral's episode is with {episode.worker or 'nobody'}; "
                "change the worker in the case, not by import",
            )
    if row.problems:
        return Change("unchanged")  # the row is reported, not planned
    opens_episode = status == Status.ALLOCATED and worker is not None and episode is None
    started_on = row.get("allocated_on") or row.get("decided_on") or row["received_on"]

    def open_episode(referral: Referral) -> None:
        if opens_episode:
            casework.open_episode(
                authority_id=referral.authority_id,
                person_id=referral.person_id,
                team_id=referral.team_id,
                worker=worker,
                referral_id=referral.pk,
                started_on=started_on,
            )

    fields = {
        "person": person,
        "team": team,
        "source": row["source"],
        "received_on": row["received_on"],
        **row.fields(["status", "decided_on", "allocated_on"]),
    }
    if row.has("worker"):
        fields["worker"] = worker
    return plan_save(
        Referral,
        existing,
        lookup={
            "authority": authority,
            "referral_ref": row["referral_ref"],
            "created_by": ctx.actor,
        },
        fields=fields,
        column_of={"person": "person_ref"},
        then=open_episode,
        extra_changes=["worker"] if opens_episode else [],
    )


REFERRALS = Kind(
    name="referrals",
    title="Referrals",
    summary="Referrals and their history; allocated ones open the worker's episode",
    model=Referral,
    columns=(
        Column("authority", text_of(Authority, "code"), required=True),
        Column("person_ref", text_of(Person, "person_ref"), required=True),
        Column("referral_ref", text_of(Referral, "referral_ref"), required=True),
        Column("received_on", date, required=True),
        Column("source", choice(Source), required=True),
        Column("team", text_of(Team, "code"), required=True),
        Column("status", choice(Status), blank=Status.RECEIVED.value),
        Column("decided_on", date),
        Column("worker", email_address, blank=""),
        Column("allocated_on", date),
    ),
    key=("authority", "referral_ref"),
    plan=_plan_referral,
    prepare=_prepare,
)

KINDS = (REFERRALS,)
