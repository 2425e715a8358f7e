"""Writes to person records: each checks permission and guards against lost updates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pathways.core import policies
from pathways.core.errors import ConcurrentEdit, PermissionDenied
from pathways.core.models import Authority, User
from pathways.people.models import Consent, Contact, Person
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
    if dob and dob > timezone.localdate():
        raise ValidationError({"date_of_birth": "Date of birth must be in the past"})
    if ("latitude" in out or "longitude" in out) and (
        (out.get("latitude") is None) != (out.get("longitude") is None)
    ):
        raise ValidationError({"latitude": "Give both latitude and longitude, or neither"})
    return out


@transaction.atomic
def create_person(actor: User, *, authority: Authority, person_ref: str, **fields: Any) -> Person:
    """Add a person in an authority where the actor may make referrals."""
    teams = policies.referrals.teams_to_refer_to(actor).filter(authority=authority)
    if not teams.exists():
        raise PermissionDenied(f"You cannot add people in {authority.name}.")
    fields = clean_person_fields(fields)
    if Person.objects.filter(authority=authority, person_ref=person_ref).exists():
        raise ValidationError({"person_ref": f"{person_ref} is already in use in {authority.name}"})
    person = Person(authority=authority, person_ref=person_ref, **fields)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def update_person(actor: User, person: Person, *, expected_version: int, **fields: Any) -> Person:
    if not policies.people.can(actor, "change", person):
        raise PermissionDenied("You cannot change this person's record.")
    fresh = Person.objects.select_for_update().get(pk=person.pk)
    if fresh.version != expected_version:
        raise ConcurrentEdit(
            "Someone else changed this record while you were editing it. "
            "Your changes were not saved: reload the page to see theirs."
        )
    fields = clean_person_fields({k: v for k, v in fields.items() if k in EDITABLE_FIELDS})
    for name, value in fields.items():
        setattr(fresh, name, value)
    fresh.version += 1
    fresh.full_clean()
    fresh.save()
    return fresh


@transaction.atomic
def add_contact(actor: User, person: Person, **fields: Any) -> Contact:
    if not policies.people.can(actor, "change", person):
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
    if not policies.people.can(actor, "change", person):
        raise PermissionDenied("You cannot change this person's record.")
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
