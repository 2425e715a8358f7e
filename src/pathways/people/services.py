"""Writes to person records: each checks permission and guards against lost updates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pathways.core import policies
from pathways.core.errors import ConcurrentEdit, PermissionDenied
from pathways.core.models import Authority, User
from pathways.people.models import Condition, Consent, Contact, Person
from pathways.people.policy import person_policy
from pathways.people.postcodes import normalise_postcode

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


def clean_person_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Normalise and validate the fields a form, import or API call supplies."""
    out = dict(fields)
    if "postcode" in out:
        try:
            out["postcode"] = normalise_postcode(out["postcode"] or "")
        except ValueError as exc:
            raise ValidationError({"postcode": str(exc)}) from exc
    dob = out.get("date_of_birth")
    if dob and dob >= timezone.localdate():
        raise ValidationError({"date_of_birth": "Date of birth must be in the past"})
    if "conditions" in out:
        conditions = list(dict.fromkeys(out["conditions"] or []))  # no repeats, order kept
        unknown = [c for c in conditions if c not in Condition.values]
        if unknown:
            raise ValidationError({"conditions": f"Unknown condition: {', '.join(unknown)}"})
        out["conditions"] = conditions
    if ("latitude" in out or "longitude" in out) and (
        (out.get("latitude") is None) != (out.get("longitude") is None)
    ):
        raise ValidationError({"latitude": "Give both latitude and longitude, or neither"})
    return out


@transaction.atomic
def create_person(actor: User, *, authority: Authority, person_ref: str, **fields: Any) -> Person:
    """Add a person in an authority where the actor may make referrals."""
    teams = policies.teams_to_refer_to(actor).filter(authority=authority)
    if not teams.exists():
        raise PermissionDenied(f"You cannot add people in {authority.name}.")
    fields = clean_person_fields(fields)
    if Person.objects.filter(authority=authority, person_ref=person_ref).exists():
        raise ValidationError({"person_ref": f"{person_ref} is already in use in {authority.name}"})
    person = Person(authority=authority, person_ref=person_ref, **fields)
    person.full_clean()
    person.save()
    return person


def _same(person: Person, name: str, value: Any) -> bool:
    if name == "conditions":  # the same conditions in another order are no change
        return set(person.conditions) == set(value)
    return getattr(person, name) == value


@transaction.atomic
def update_person(actor: User, person: Person, *, expected_version: int, **fields: Any) -> Person:
    """Change the record as the actor saw it at ``expected_version``, or refuse.

    The row is claimed first with a conditional write (``version`` unchanged), before
    anything else is read in the transaction: on PostgreSQL that takes the row lock, on
    SQLite the database write lock, so of two simultaneous saves from the same version
    the second waits, then finds the version moved on and is refused with
    ``ConcurrentEdit`` (``select_for_update`` is a no-op on SQLite: reading first and
    writing later, one of the two saves failed with "database is locked" instead).

    Saving without any difference changes nothing (no new version, no audit entry).
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
