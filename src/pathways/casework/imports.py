"""Import kinds for episodes of support, for teams moving their open caseload (and its
history) into Pathways, and for the job-seeking side of vocational profiles
(docs/imports.md).

A profile's interests are codes in the interest vocabulary that opportunities' tags use
too; a code not in it yet is added (and reported), so a council's own interests load
and matching still compares like with like. The vocabulary is one for the whole
installation, not one per authority.

The file's package becomes an approved package recorded as imported; a later import
that changes it adds a new approved row, so the history shows both. ``last_review_on``
adds a long-term review with no named reviewer, once per date.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, cast

from django.utils import timezone

from pathways.casework.models import (
    Episode,
    LongTermReview,
    Package,
    SupportedElement,
    VocationalProfile,
)
from pathways.casework.services import TRANSITIONAL_YEARS, add_years, link_to_previous
from pathways.core.importing import (
    Change,
    Column,
    Context,
    Kind,
    Parser,
    Row,
    choices,
    date,
    email_address,
    fetch_by,
    plan_save,
    text_of,
    yes_no,
)
from pathways.core.models import Authority, InterestTag, OpportunityKind, Team
from pathways.people.imports import known_person, prefetch_people
from pathways.people.models import Person

IMPORTED = "Imported from the team's records"
ELEMENTS = {"work_entry", SupportedElement.TRANSITIONAL, SupportedElement.LONG_TERM}


def package(raw: str) -> tuple[bool, str]:
    """``work_entry;transitional`` → (True, "transitional"); never both SE elements."""
    parts = {p.strip().lower() for p in raw.split(";") if p.strip()}
    unknown = parts - ELEMENTS
    if unknown:
        raise ValueError(
            f"'{sorted(unknown)[0]}' is not a package element: use work_entry, "
            "transitional or long_term, separated by ;"
        )
    if {SupportedElement.TRANSITIONAL, SupportedElement.LONG_TERM} <= parts:
        raise ValueError("transitional and long_term support are never combined")
    if not parts:
        raise ValueError("name at least one element")
    element = (parts - {"work_entry"}) or {""}
    return "work_entry" in parts, element.pop()


def _prepare(rows: list[Row], ctx: Context) -> None:
    prefetch_people(rows, ctx)
    ctx.load_staff(r.values.get("worker") for r in rows)
    codes = {r.values.get("authority") for r in rows} - {None}
    ctx.cache["episodes"] = fetch_by(
        Episode.objects.filter(authority__code__in=codes).prefetch_related("packages", "reviews"),
        "episode_ref",
        {r.values.get("episode_ref") for r in rows} - {None},
        key=lambda episode: (episode.authority_id, episode.episode_ref),
    )


def _current(episode: Episode | None) -> Package | None:
    if episode is None:
        return None
    approved = [p for p in episode.packages.all() if p.status == Package.Status.APPROVED]
    return max(approved, key=lambda p: (p.decided_on, p.pk), default=None)


def _check_dates(row: Row) -> None:
    today = timezone.localdate()
    started = row["started_on"]
    for column in (
        "started_on",
        "package_started_on",
        "last_review_on",
        "last_contact_on",
        "ended_on",
    ):
        day = row.get(column)
        if day is not None and day > today:
            row.problem(column, "is in the future")
    ended = row.get("ended_on")
    if ended is not None and ended < started:
        row.problem("ended_on", f"is before the episode started ({started:%d/%m/%Y})")


def _plan_episode(row: Row, ctx: Context) -> Change:
    authority = ctx.authority(row["authority"])
    person = row.attempt(known_person, row, ctx)
    team = row.attempt(ctx.team, row["team"])
    if team is not None and team.authority_id != authority.pk:
        row.problem("team", f"{team.code} works for {team.authority.name}, not {authority.name}")
    worker = None
    if row.get("worker"):
        worker = ctx.staff_member(row["worker"])
        if worker is None:
            row.problem("worker", f"no staff member has the email {row['worker']}")
    _check_dates(row)
    work_entry, element = row["package"]
    element_started = (row.get("package_started_on") or row["started_on"]) if element else None
    last_review = row.get("last_review_on")
    if last_review is not None and element != SupportedElement.LONG_TERM:
        row.problem("last_review_on", "only long-term support has quality reviews")
    if row.problems:
        return Change("unchanged")

    existing: Episode | None = ctx.cache["episodes"].get((authority.pk, row["episode_ref"]))
    current = _current(existing)
    new_package = current is None or (
        (current.work_entry, current.supported_element, current.element_started_on)
        != (work_entry, element, element_started)
    )
    new_review = last_review is not None and not (
        existing is not None and any(r.reviewed_on == last_review for r in existing.reviews.all())
    )

    def package_and_review(episode: Episode) -> None:
        today = timezone.localdate()
        if existing is None:  # a returner: link to the episode that ended before this one
            link_to_previous(episode)
        if new_package:
            Package.objects.create(
                episode=episode,
                work_entry=work_entry,
                supported_element=element,
                element_started_on=element_started,
                transitional_ends_on=(
                    add_years(element_started, TRANSITIONAL_YEARS)
                    if element == SupportedElement.TRANSITIONAL and element_started
                    else None
                ),
                reason=IMPORTED,
                status=Package.Status.APPROVED,
                proposed_by=ctx.actor,
                proposed_on=today,
                decided_by=None,
                decided_on=today,
                decision_reason=IMPORTED,
            )
        if new_review:
            LongTermReview.objects.create(episode=episode, reviewed_on=last_review, notes=IMPORTED)

    fields: dict[str, Any] = {
        "person": person,
        "team": team,
        "started_on": row["started_on"],
        **row.fields(["ended_on", "last_contact_on"]),
    }
    if row.has("worker"):
        fields["worker"] = worker
    lookup: dict[str, Any] = {"authority": authority, "episode_ref": row["episode_ref"]}
    extra = [c for c, new in (("package", new_package), ("last_review_on", new_review)) if new]
    return plan_save(
        Episode,
        existing,
        lookup=lookup,
        fields=fields,
        column_of={"person": "person_ref"},
        then=package_and_review,
        extra_changes=extra if existing is not None else [],
    )


EPISODES = Kind(
    name="episodes",
    title="Episodes of support",
    summary="Open and past episodes with their package, for teams moving their caseload in",
    model=Episode,
    columns=(
        Column("authority", text_of(Authority, "code"), required=True),
        Column("person_ref", text_of(Person, "person_ref"), required=True),
        Column("episode_ref", text_of(Episode, "episode_ref"), required=True),
        Column("team", text_of(Team, "code"), required=True),
        Column("worker", email_address, blank=""),
        Column("started_on", date, required=True),
        Column("package", package, required=True),
        Column("package_started_on", date),
        Column("last_review_on", date),
        Column("last_contact_on", date),
        Column("ended_on", date),
    ),
    key=("authority", "episode_ref"),
    plan=_plan_episode,
    prepare=_prepare,
)


# --- profiles -------------------------------------------------------------------------

PROFILE_FIELDS = ("min_hours", "max_hours", "max_travel_km", "kinds", "wants_paid_only")


def decimal_one_place(maximum: int, what: str) -> Parser:
    """A number from 0 to ``maximum`` with at most one decimal place: ``16`` or ``16.5``."""

    def parse(raw: str) -> Decimal:
        if not re.fullmatch(r"\d+(\.\d)?", raw):
            raise ValueError(
                f"'{raw}' is not a number of {what} with at most one decimal place, like 16.5"
            )
        value = Decimal(raw)
        if value > maximum:
            raise ValueError(f"'{raw}' is more than {maximum}")
        return value

    return parse


#: An interest code: lower-case letters and digits, words joined by ``_``.
INTEREST_CODE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")
INTEREST_CODE_LENGTH = cast(int, InterestTag._meta.get_field("code").max_length)

#: The shared list new interests join, as the import's report names it.
VOCABULARY = "interest vocabulary"


def tags(raw: str) -> list[str]:
    """Interest codes separated by ``;``, once each, whatever their letter case and
    with spaces or hyphens inside read as ``_`` ("Customer Service " is
    ``customer_service``)."""
    codes = set()
    for part in raw.split(";"):
        code = re.sub(r"[\s-]+", "_", part.strip().lower())
        if not code:
            continue
        if not INTEREST_CODE.fullmatch(code) or len(code) > INTEREST_CODE_LENGTH:
            raise ValueError(
                f"'{part.strip()}' is not an interest code: use letters and digits, "
                f"words joined by _, at most {INTEREST_CODE_LENGTH} characters"
            )
        codes.add(code)
    return sorted(codes)


def interest_tags(codes: list[str], ctx: Context) -> list[InterestTag]:
    """The vocabulary's tags for ``codes`` (``ctx.cache["tags"]``, by code), with a new
    tag for each code not in it yet: added once however many rows name it, saved by
    the first row that writes, and reported as added."""
    known: dict[str, InterestTag] = ctx.cache["tags"]
    for code in codes:
        if code not in known:
            known[code] = InterestTag(code=code, label=code.replace("_", " ").capitalize())
            ctx.add_to(VOCABULARY, code)
    return [known[code] for code in codes]


def set_interests(tags_of: Any, chosen: list[InterestTag]) -> None:
    """Set a record's tags (``profile.interests``, ``opportunity.tags``), adding the
    new ones to the vocabulary first."""
    for tag in chosen:
        if tag.pk is None:
            tag.save()
    tags_of.set(chosen)


def _prepare_profiles(rows: list[Row], ctx: Context) -> None:
    prefetch_people(rows, ctx)
    people = list(ctx.cache["people"].values())
    ctx.cache["profiles"] = fetch_by(
        VocationalProfile.objects.prefetch_related("interests"),
        "person_id",
        [p.pk for p in people],
        key=lambda profile: profile.person_id,
    )
    ctx.cache["tags"] = {t.code: t for t in InterestTag.objects.all()}


def _plan_profile(row: Row, ctx: Context) -> Change:
    person = row.attempt(known_person, row, ctx)
    interests: list[str] | None = None
    if row.has("interests") and "interests" not in row.failed:
        interests = row["interests"] or []
    existing: VocationalProfile | None = (
        ctx.cache["profiles"].get(person.pk) if person is not None else None
    )
    fields = row.fields(PROFILE_FIELDS)
    # The hours as they will be after the import (a column left out keeps its value).
    low = fields["min_hours"] if "min_hours" in fields else getattr(existing, "min_hours", None)
    high = fields["max_hours"] if "max_hours" in fields else getattr(existing, "max_hours", None)
    if (
        low is not None
        and high is not None
        and low > high
        and not row.failed
        & {
            "min_hours",
            "max_hours",
        }
    ):
        column = "min_hours" if "min_hours" in fields else "max_hours"
        row.problem(column, f"the fewest hours ({low}) are more than the most hours ({high})")
    if row.problems or person is None:
        return Change("unchanged")

    stored_tags = sorted(t.code for t in existing.interests.all()) if existing else []
    tags_changed = interests is not None and interests != stored_tags
    chosen = interest_tags(interests, ctx) if tags_changed and interests else []
    diff = [n for n, v in fields.items() if existing is None or getattr(existing, n) != v]
    if existing is not None and not diff and not tags_changed:
        return Change("unchanged")
    changed = (*diff, *(["interests"] if tags_changed else [])) if existing else ()

    def write() -> VocationalProfile:
        profile = existing or VocationalProfile(person=person)
        for name in diff:
            setattr(profile, name, fields[name])
        profile.updated_on = timezone.localdate()
        if existing is None:
            profile.save()
        else:
            profile.version += 1
            profile.save(update_fields=[*diff, "updated_on", "version"])
        if tags_changed:
            set_interests(profile.interests, chosen)
        return profile

    return Change("create" if existing is None else "update", tuple(changed), write)


PROFILES = Kind(
    name="profiles",
    title="Vocational profiles",
    summary="What people want from work: interests, hours, travel and kinds of opportunity",
    model=VocationalProfile,
    columns=(
        Column("authority", text_of(Authority, "code"), required=True),
        Column("person_ref", text_of(Person, "person_ref"), required=True),
        Column("interests", tags, blank=[]),
        Column("min_hours", decimal_one_place(80, "hours")),
        Column("max_hours", decimal_one_place(80, "hours")),
        Column("max_travel_km", decimal_one_place(9999, "kilometres")),
        Column("kinds", choices(OpportunityKind), blank=[]),
        Column("wants_paid_only", yes_no),
    ),
    key=("authority", "person_ref"),
    plan=_plan_profile,
    prepare=_prepare_profiles,
)

KINDS = (EPISODES, PROFILES)
