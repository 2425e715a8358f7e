"""Keeping the interest vocabulary (``core.InterestTag``): add an interest, rename it,
merge one into another, retire one that nothing uses.

Vocational profiles and opportunities name interests from this one list, so matching
compares like with like; imports add the interests they do not know (and report them),
and an administrator tidies the list here. Every action is for administrators
(``matching.policy.may_manage_interests``), refused with a message naming the field,
and on the audit trail: django-auditlog records the tag's own rows, and a merge records
each profile's and opportunity's change of interests (a profile's is on its person's
trail) plus one entry saying what was merged into what.

And raising the version of an authority's matching columns when something they hold
changes (``columns_changed`` and its siblings, called by the receivers in
``matching.invalidation``), so that no process ranks people from stale columns.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F

from pathways.casework.models import VocationalProfile
from pathways.core import audit
from pathways.core.errors import ActionRefused
from pathways.core.models import Authority, InterestTag, User
from pathways.employers.opportunities.models import Opportunity
from pathways.matching.models import ColumnsChange, ColumnsVersion
from pathways.matching.policy import may_manage_interests
from pathways.people.models import Person

LABEL_LENGTH: int = InterestTag._meta.get_field("label").max_length  # type: ignore[assignment]
CODE_LENGTH: int = InterestTag._meta.get_field("code").max_length  # type: ignore[assignment]
REFUSAL = "Only an administrator can change the list of interests."


def _require_admin(actor: User) -> None:
    if not may_manage_interests(actor):
        raise PermissionDenied(REFUSAL)


def _clean_label(label: str, *, field: str = "label") -> str:
    cleaned = " ".join(label.split())
    if not cleaned:
        raise ValidationError({field: "Enter the interest's name."})
    if len(cleaned) > LABEL_LENGTH:
        raise ValidationError({field: f"The name must be {LABEL_LENGTH} characters or fewer."})
    return cleaned


def code_for(label: str) -> str:
    """The code imports and the API use for a new interest: its name in lower case,
    words joined by ``_`` ("Customer service" is ``customer_service``)."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:CODE_LENGTH].rstrip("_")


def _refuse_duplicate(label: str, code: str | None, *, but: InterestTag | None = None) -> None:
    """Refuse a name (in any letter case) or code another interest already has."""
    others = InterestTag.objects.exclude(pk=but.pk) if but is not None else InterestTag.objects
    same = others.filter(label__iexact=label).first()
    if same is None and code is not None:
        same = others.filter(code=code).first()
    if same is not None:
        raise ValidationError(
            {"label": f"There is already an interest called “{same.label}” ({same.code})."}
        )


@transaction.atomic
def add_interest(actor: User, *, label: str) -> InterestTag:
    """A new interest that profiles and opportunities can name."""
    _require_admin(actor)
    label = _clean_label(label)
    code = code_for(label)
    if not code:
        raise ValidationError({"label": "Use letters or digits in the name."})
    _refuse_duplicate(label, code)
    return InterestTag.objects.create(code=code, label=label)


@transaction.atomic
def rename_interest(actor: User, tag: InterestTag, *, label: str) -> InterestTag:
    """A new name for an interest. Its code stays, so imports that name it still work."""
    _require_admin(actor)
    tag = InterestTag.objects.select_for_update().get(pk=tag.pk)
    label = _clean_label(label)
    _refuse_duplicate(label, None, but=tag)
    if label != tag.label:
        tag.label = label
        tag.save()
    return tag


def _uses(tag: InterestTag) -> tuple[list[VocationalProfile], list[Opportunity]]:
    profiles = list(VocationalProfile.objects.filter(interests=tag).select_related("person"))
    opportunities = list(Opportunity.objects.filter(tags=tag).select_related("employer"))
    return profiles, opportunities


@transaction.atomic
def merge_interests(actor: User, tag: InterestTag, *, into: InterestTag) -> dict[str, Any]:
    """Move every use of ``tag`` to ``into`` and remove ``tag``: all or nothing. A
    profile or opportunity that had both keeps ``into`` once. Each changed profile and
    opportunity is on the trail (and counts as changed for anyone editing it now)."""
    _require_admin(actor)
    if into.pk == tag.pk:
        raise ValidationError({"into": "Choose a different interest to merge into."})
    # Locked in a fixed order, so two merges at once cannot wait on each other; while
    # locked, no profile or opportunity can take either tag (PostgreSQL).
    locked = {
        t.pk: t
        for t in InterestTag.objects.select_for_update()
        .filter(pk__in=[tag.pk, into.pk])
        .order_by("pk")
    }
    if tag.pk not in locked or into.pk not in locked:
        raise ActionRefused("That interest is no longer in the list: someone changed it just now.")
    tag, into = locked[tag.pk], locked[into.pk]
    profiles, opportunities = _uses(tag)
    had_into = set(VocationalProfile.objects.filter(interests=into).values_list("pk", flat=True))
    for profile in profiles:
        profile.interests.remove(tag)
        if profile.pk not in had_into:
            profile.interests.add(into)
    had_into = set(Opportunity.objects.filter(tags=into).values_list("pk", flat=True))
    for opportunity in opportunities:
        opportunity.tags.remove(tag)
        if opportunity.pk not in had_into:
            opportunity.tags.add(into)
    VocationalProfile.objects.filter(pk__in=[p.pk for p in profiles]).update(
        version=F("version") + 1
    )
    Opportunity.objects.filter(pk__in=[o.pk for o in opportunities]).update(
        version=F("version") + 1
    )
    merged = {
        "merged": f"{tag.label} ({tag.code})",
        "profiles": len(profiles),
        "opportunities": len(opportunities),
    }
    audit.record_event(
        actor,
        into,
        channel="web",
        what=f"interest “{tag.label}” merged into “{into.label}”",
        **merged,
    )
    tag.delete()
    return {**merged, "into": into}


@transaction.atomic
def retire_interest(actor: User, tag: InterestTag) -> None:
    """Remove an interest that no profile or opportunity names (merge one that is used)."""
    _require_admin(actor)
    tag = InterestTag.objects.select_for_update().get(pk=tag.pk)
    profiles = VocationalProfile.objects.filter(interests=tag).count()
    opportunities = Opportunity.objects.filter(tags=tag).count()
    if profiles or opportunities:
        uses = " and ".join(
            part
            for part in (
                f"{profiles} profile{'s' if profiles != 1 else ''}" if profiles else "",
                f"{opportunities} opportunit{'ies' if opportunities != 1 else 'y'}"
                if opportunities
                else "",
            )
            if part
        )
        raise ActionRefused(
            f"“{tag.label}” is used by {uses}, so it cannot be retired. "
            "Merge it into another interest instead."
        )
    tag.delete()


# --- the version of each authority's matching columns --------------------------------

#: How many versions of an authority's changes are kept (``ColumnsChange``): a process
#: whose columns are older than that reloads them whole.
CHANGES_KEPT = 1000
#: The old changes are pruned when an authority's version reaches a multiple of this.
PRUNE_EVERY = 100


def _raise_versions(authority_ids: list[int]) -> dict[int, int]:
    """Add one to the version of each of these authorities (a row for one made at
    version 1): one statement, in the caller's transaction, so the change and the new
    version are committed (or undone) together. The new version of each authority."""
    table = connection.ops.quote_name(ColumnsVersion._meta.db_table)
    rows = ", ".join(["(%s, 1)"] * len(authority_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (authority_id, version) VALUES {rows} "  # noqa: S608
            f"ON CONFLICT (authority_id) DO UPDATE SET version = {table}.version + 1 "
            "RETURNING authority_id, version",
            authority_ids,
        )
        return {authority_id: version for authority_id, version in cursor.fetchall()}


def _changed(authority_ids: Iterable[int], people: dict[int, set[int]] | None) -> None:
    """Raise these authorities' versions and say whose columns each new version changed
    (``people`` by authority; None: not known), pruning the changes no process can
    still need."""
    ids = sorted(set(authority_ids))
    if not ids:
        return
    versions = _raise_versions(ids)
    ColumnsChange.objects.bulk_create(
        [
            ColumnsChange(authority_id=authority_id, version=version, person_id=person_id)
            for authority_id, version in versions.items()
            for person_id in (sorted(people[authority_id]) if people is not None else [None])
        ]
    )
    for authority_id, version in versions.items():
        if version % PRUNE_EVERY == 0:
            ColumnsChange.objects.filter(
                authority_id=authority_id, version__lte=version - CHANGES_KEPT
            ).delete()


def columns_changed(authority_id: int) -> None:
    """Something ranked by matching changed for people of this authority, who exactly
    not known: every process reloads the authority's columns."""
    _changed([authority_id], None)


def people_changed(people: Iterable[tuple[int, int]]) -> None:
    """These people's columns changed (pairs of authority id and person id, the
    authority the person is in now, or was in if they were deleted): a process with
    the authority's columns cached reloads just theirs."""
    by_authority: dict[int, set[int]] = defaultdict(set)
    for authority_id, person_id in people:
        by_authority[authority_id].add(person_id)
    _changed(by_authority, by_authority)


def columns_changed_for_people(person_ids: Iterable[int]) -> None:
    """As ``people_changed``, for these people (by id) in their authorities."""
    ids = sorted(set(person_ids))
    if ids:
        people_changed(Person.objects.filter(pk__in=ids).values_list("authority_id", "pk"))


def columns_changed_for_profiles(profile_ids: Iterable[int]) -> None:
    """As ``people_changed``, for the people of these vocational profiles."""
    ids = sorted(set(profile_ids))
    if ids:
        people_changed(
            VocationalProfile.objects.filter(pk__in=ids).values_list(
                "person__authority_id", "person_id"
            )
        )


def all_columns_changed() -> None:
    """Every authority's columns (a change whose people are not known, or bulk data)."""
    _changed(Authority.objects.values_list("pk", flat=True), None)
