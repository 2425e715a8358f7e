"""Writes to person records: each checks permission and guards against lost updates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from pathways.core import policies
from pathways.core.audit import record_access
from pathways.core.errors import (
    ActionRefused,
    ConcurrentEdit,
    PermissionDenied,
    RefusedWithLink,
)
from pathways.core.models import Authority, Role, User
from pathways.core.unusual import Confirmed, Unusual, settle
from pathways.people.models import BreakGlass, Condition, Consent, Contact, Person, age_on
from pathways.people.policy import break_glass_authorities, person_policy
from pathways.people.postcodes import normalise_postcode
from pathways.people.selectors import people_for

EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "postcode",
    "latitude",
    "longitude",
    "primary_support_reason",
    "conditions",
    "long_term_support",
    "secondary_mental_health",
    "ehc_plan",
    "email",
    "phone",
    "communication_needs",
    "reasonable_adjustments",
)


#: The oldest age accepted: older is a mistake (a year typed wrongly).
MAX_AGE = 120
#: Ages asked about (decision 0036): under 14, before transition planning starts in
#: Year 9, and over 80, past any working age the service sees.
YOUNG_AGE = 14
OLD_AGE = 80


_CONDITIONS = frozenset(Condition.values)


def clean_person_fields(fields: dict[str, Any], *, today: dt.date | None = None) -> dict[str, Any]:
    """Normalise and validate the fields a form, import or API call supplies: what is
    impossible is refused here (``unusual_person_fields`` lists what is only unusual).
    ``today`` is the service's date (an import works it out once a batch)."""
    out = dict(fields)
    if "postcode" in out:
        try:
            out["postcode"] = normalise_postcode(out["postcode"] or "")
        except ValueError as exc:
            raise ValidationError({"postcode": str(exc)}) from exc
    dob = out.get("date_of_birth")
    if dob:
        today = today or timezone.localdate()
        if dob >= today:
            raise ValidationError({"date_of_birth": "Date of birth must be in the past"})
        if age_on(dob, today) > MAX_AGE:
            raise ValidationError(
                {
                    "date_of_birth": f"Date of birth must make the person {MAX_AGE} or "
                    "younger: check the year"
                }
            )
    if "conditions" in out:
        conditions = list(dict.fromkeys(out["conditions"] or []))  # no repeats, order kept
        unknown = [c for c in conditions if c not in _CONDITIONS]
        if unknown:
            raise ValidationError({"conditions": f"Unknown condition: {', '.join(unknown)}"})
        out["conditions"] = conditions
    if ("latitude" in out or "longitude" in out) and (
        (out.get("latitude") is None) != (out.get("longitude") is None)
    ):
        raise ValidationError({"latitude": "Give both latitude and longitude, or neither"})
    return out


def unusual_person_fields(fields: dict[str, Any]) -> list[Unusual]:
    """What is possible but unusual in cleaned fields: an age under ``YOUNG_AGE`` or
    over ``OLD_AGE`` today."""
    dob = fields.get("date_of_birth")
    if not dob:
        return []
    age = age_on(dob, timezone.localdate())
    if age < YOUNG_AGE:
        return [
            Unusual(
                "date_of_birth",
                f"This date of birth makes the person {age}. Employment support usually "
                f"starts from {YOUNG_AGE}. Check the year.",
            )
        ]
    if age > OLD_AGE:
        return [
            Unusual(
                "date_of_birth",
                f"This date of birth makes the person {age}, which is unusual for "
                "employment support. Check the year.",
            )
        ]
    return []


def possible_duplicates(actor: User, fields: dict[str, Any]) -> list[Unusual]:
    """People the actor may see with the same first and last name (any letter case)
    and date of birth: perhaps the one being added. Nobody the actor may not see is
    mentioned, not even that they exist."""
    given = (fields.get("given_name") or "").strip()
    family = (fields.get("family_name") or "").strip()
    dob = fields.get("date_of_birth")
    if not (given and family and dob):
        return []
    matches = people_for(actor).filter(
        given_name__iexact=given, family_name__iexact=family, date_of_birth=dob
    )
    return [
        Unusual(
            "given_name",
            f"This may be someone already on Pathways: {match.full_name}, born "
            f"{match.date_of_birth:%-d %B %Y}, client reference {match.person_ref}. "
            "Open their record to check, or confirm that this is someone else.",
            link=reverse("person", args=[match.pk]),
            link_text=f"Open {match.full_name}'s record ({match.person_ref})",
            shows=match,
        )
        for match in matches.order_by("pk")[:5]
    ]


def reference_in_use(actor: User, authority: Authority, person_ref: str) -> None:
    """Refuse a client reference that is someone else's already, with a link to their
    record when the actor may see it (and no more than "in use" otherwise)."""
    existing = Person.objects.filter(authority=authority, person_ref=person_ref).first()
    if existing is None:
        return
    message = f"{person_ref} is already in use in {authority.name}"
    if people_for(actor).filter(pk=existing.pk).exists():
        raise RefusedWithLink(
            "person_ref",
            f"{message} for {existing.full_name}: check the reference, or open their record",
            link=reverse("person", args=[existing.pk]),
            link_text=f"Open the record of {existing.full_name} ({person_ref})",
        )
    raise ValidationError({"person_ref": message})


@transaction.atomic
def create_person(
    actor: User,
    *,
    authority: Authority,
    person_ref: str,
    confirmed: Confirmed = False,
    **fields: Any,
) -> Person:
    """Add a person in an authority where the actor may make referrals. An unusual
    date of birth, or someone the actor may see with the same name and date of birth,
    is asked about first (``core.unusual``)."""
    teams = policies.teams_to_refer_to(actor).filter(authority=authority)
    if not teams.exists():
        raise PermissionDenied(f"You cannot add people in {authority.name}.")
    fields = clean_person_fields(fields)
    reference_in_use(actor, authority, person_ref)
    person = Person(authority=authority, person_ref=person_ref, **fields)
    person.full_clean()
    settle(unusual_person_fields(fields) + possible_duplicates(actor, fields), confirmed)
    person.save()
    return person


def _same(person: Person, name: str, value: Any) -> bool:
    if name == "conditions":  # the same conditions in another order are no change
        return set(person.conditions) == set(value)
    return getattr(person, name) == value


@transaction.atomic
def update_person(
    actor: User,
    person: Person,
    *,
    expected_version: int,
    confirmed: Confirmed = False,
    **fields: Any,
) -> Person:
    """Change the record as the actor saw it at ``expected_version``, or refuse.

    The row is claimed first with a conditional write (``version`` unchanged), before
    anything else is read in the transaction: on PostgreSQL that takes the row lock, on
    SQLite the database write lock, so of two simultaneous saves from the same version
    the second waits, then finds the version moved on and is refused with
    ``ConcurrentEdit`` (``select_for_update`` is a no-op on SQLite: reading first and
    writing later, one of the two saves failed with "database is locked" instead).

    Saving without any difference changes nothing (no new version, no audit entry).
    A new date of birth that is unusual is asked about first (``core.unusual``).
    A new postcode without new coordinates clears the old coordinates, which would
    otherwise place the person at their old address.
    """
    claimed = Person.objects.filter(pk=person.pk, version=expected_version).update(
        version=F("version")
    )
    if not person_policy.can(actor, "change", person):
        raise PermissionDenied("You cannot change this person's record.")
    if not claimed:
        raise ConcurrentEdit(
            "Someone else changed this record while you were editing it. "
            "Your changes were not saved: open the record again to see theirs."
        )
    fresh = Person.objects.get(pk=person.pk)
    fields = clean_person_fields({k: v for k, v in fields.items() if k in EDITABLE_FIELDS})
    if (
        "postcode" in fields
        and fields["postcode"] != fresh.postcode
        and "latitude" not in fields
        and "longitude" not in fields
    ):
        fields["latitude"] = fields["longitude"] = None
    changed = {name: value for name, value in fields.items() if not _same(fresh, name, value)}
    if not changed:
        return fresh
    for name, value in changed.items():
        setattr(fresh, name, value)
    fresh.version += 1
    fresh.full_clean()
    settle(unusual_person_fields(changed), confirmed)
    fresh.save()
    return fresh


@transaction.atomic
def add_contact(actor: User, person: Person, **fields: Any) -> Contact:
    if not person_policy.can(actor, "change", person):
        raise PermissionDenied("You cannot change this person's record.")
    contact = Contact(person=person, **fields)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def record_consent(
    actor: User, person: Person, *, scope: str, given: bool, given_on: dt.date, notes: str = ""
) -> Consent:
    """Consent is never edited: a new row records a change of mind, so history stays."""
    if not person_policy.can(actor, "change", person):
        raise PermissionDenied("You cannot change this person's record.")
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": "The date of the decision must be today or earlier"})
    consent = Consent(
        person=person,
        scope=scope,
        given=given,
        given_on=given_on,
        notes=notes,
        recorded_by=actor,
    )
    consent.full_clean()
    consent.save()
    return consent


# --- opening a record in an emergency (break-glass) -----------------------------------

#: The shortest reason accepted for an emergency open: a sentence, not "x".
BREAK_GLASS_MIN_REASON = 20
BREAK_GLASS_MIN_WORDS = 4


@transaction.atomic
def open_break_glass(
    user: User, person: Person, *, reason: str, channel: str = "web", request: Any = None
) -> BreakGlass:
    """Open ``person``'s record for ``user`` in an emergency, for
    ``PATHWAYS_BREAK_GLASS_HOURS``: read only, every read flagged on the person's trail,
    reviewed afterwards by the data protection officer of the person's home authority.
    The opening itself, with its reason, is on the trail."""
    reason = " ".join(reason.split())
    if len(reason) < BREAK_GLASS_MIN_REASON or len(reason.split()) < BREAK_GLASS_MIN_WORDS:
        raise ValidationError(
            {
                "reason": "Say in a sentence why you need this record now (at least "
                f"{BREAK_GLASS_MIN_WORDS} words and {BREAK_GLASS_MIN_REASON} characters)"
            }
        )
    if person.authority_id not in break_glass_authorities(user):
        raise PermissionDenied(
            "You can open in an emergency only the records of people who live in an "
            "authority where you work in a team."
        )
    if person_policy.can(user, "view", person):
        raise ActionRefused("You can already see this record, so there is nothing to open.")
    now = timezone.now()
    opened = BreakGlass.objects.create(
        user=user,
        person=person,
        reason=reason,
        opened_at=now,
        expires_at=now + dt.timedelta(hours=settings.PATHWAYS_BREAK_GLASS_HOURS),
    )
    forget_break_glass(user)
    record_access(
        user,
        person,
        channel=channel,
        what=f"opened in an emergency: {reason}",
        request=request,
    )
    return opened


@transaction.atomic
def review_break_glass(reviewer: User, opened: BreakGlass, *, note: str) -> BreakGlass:
    """The data protection officer of the person's home authority records that they
    reviewed an emergency open, with a note (what they checked, what they decided)."""
    opened = BreakGlass.objects.select_for_update().select_related("person").get(pk=opened.pk)
    scope = policies.scope_of(reviewer)
    if opened.person.authority_id not in scope.authorities_for(Role.DATA_PROTECTION_OFFICER):
        raise PermissionDenied(
            "Only the data protection officer of the person's home authority can review this."
        )
    if opened.reviewed_at is not None:
        raise ActionRefused("This emergency open was already reviewed.")
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say what you checked and what you decided"})
    opened.reviewed_by = reviewer
    opened.reviewed_at = timezone.now()
    opened.review_note = note
    opened.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    return opened


def forget_break_glass(user: Any) -> None:
    """Call after opening a record in an emergency for the same user object."""
    if hasattr(user, "_pathways_break_glass"):
        del user._pathways_break_glass


def break_glass_read_notes(actor: Any, person_ids: list[int]) -> dict[int, dict[str, Any]]:
    """For the audit trail (``core.audit.note_reads``): reads of people the actor has
    open in an emergency carry ``break_glass`` (the open's id). One query per user
    object (a request), whatever the number of reads, and none for those who can never
    open one (commissioners, those who see every record of their authorities)."""
    active = getattr(actor, "_pathways_break_glass", None)
    if active is None and not (
        break_glass_authorities(actor) - policies.scope_of(actor).personal_data_authorities
    ):
        active = {}
    if active is None:
        active = dict(
            BreakGlass.objects.filter(user=actor, expires_at__gt=timezone.now())
            .order_by("opened_at")
            .values_list("person_id", "pk")
        )
        actor._pathways_break_glass = active
    return {pk: {"break_glass": active[pk]} for pk in person_ids if pk in active}
