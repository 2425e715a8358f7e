"""Every change to the employer list: employers, their sites, contacts and the
engagement log.

Each checks ``core.policies``, runs in one transaction, and raises ``ValidationError``
(naming the field) for bad input, ``ActionRefused`` when a rule says no, and
``ConcurrentEdit`` when the record moved on since the user read it. The other employer
sub-domains' services share the first helpers here (checking a permission, locking a
versioned row, applying changed fields) and ``require_employer_change``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pathways.core import policies
from pathways.core.errors import ConcurrentEdit, PermissionDenied
from pathways.core.models import Organisation, User
from pathways.employers.engagement.models import Employer, EmployerContact, EmployerSite, Engagement
from pathways.employers.engagement.policy import employer_policy


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def locked(model: Any, obj: Any, expected_version: int | None) -> Any:
    fresh = model.objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ConcurrentEdit(
            f"Someone else changed this {model._meta.verbose_name} while you were editing "
            "it. Your changes were not saved: open it again to see theirs."
        )
    return fresh


def apply_changes(obj: Any, fields: dict[str, Any], exclude: Sequence[str] = ()) -> list[str]:
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, fields[name])
    obj.full_clean(exclude=list(exclude))
    return changed


EMPLOYER_FIELDS = (
    "name",
    "sector",
    "size",
    "website",
    "disability_confident",
    "disability_confident_on",
    "relationship_owner",
    "notes",
)


def organisations_keeping_employers(user: User) -> list[Organisation]:
    """The providers on whose employer list this user may add employers."""
    scope = policies.scope_of(user)
    orgs = Organisation.objects.order_by("name")
    if scope.is_superuser:
        return list(orgs)
    return list(orgs.filter(pk__in=scope.organisations_for(*policies.CASEWORK_ROLES)))


def _check_employer_name(organisation_id: int, name: str, exclude_pk: int | None = None) -> None:
    clash = Employer.objects.filter(organisation_id=organisation_id, name__iexact=name.strip())
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": f"{name.strip()} is already on your employer list."})


def _check_disability_confident(fields: dict[str, Any]) -> None:
    level, since = fields.get("disability_confident"), fields.get("disability_confident_on")
    if level and not since:
        raise ValidationError(
            {"disability_confident_on": "Enter the date the employer reached this level."}
        )
    if since and not level:
        raise ValidationError({"disability_confident": "Choose the Disability Confident level."})
    if since and since > timezone.localdate():
        raise ValidationError({"disability_confident_on": "The date cannot be in the future."})


@transaction.atomic
def create_employer(actor: User, organisation: Organisation, **fields: Any) -> Employer:
    require(
        organisation in organisations_keeping_employers(actor),
        "Only specialists and managers of the provider can add to its employer list.",
    )
    fields = {k: v for k, v in fields.items() if k in EMPLOYER_FIELDS}
    fields["name"] = (fields.get("name") or "").strip()
    _check_disability_confident(fields)
    _check_employer_name(organisation.pk, fields["name"])
    employer = Employer(organisation=organisation, **fields)
    employer.full_clean()
    employer.save()
    return employer


@transaction.atomic
def update_employer(
    actor: User, employer: Employer, *, expected_version: int | None = None, **fields: Any
) -> Employer:
    require(employer_policy.can(actor, "change", employer), "You cannot change this employer.")
    employer = locked(Employer, employer, expected_version)
    fields = {k: v for k, v in fields.items() if k in EMPLOYER_FIELDS}
    if "name" in fields:
        fields["name"] = fields["name"].strip()
        _check_employer_name(employer.organisation_id, fields["name"], employer.pk)
    _check_disability_confident(
        {
            "disability_confident": fields.get(
                "disability_confident", employer.disability_confident
            ),
            "disability_confident_on": fields.get(
                "disability_confident_on", employer.disability_confident_on
            ),
        }
    )
    if apply_changes(employer, fields):
        employer.version += 1
        employer.save()
    return employer


def require_employer_change(actor: User, employer: Employer) -> None:
    require(
        employer_policy.can(actor, "change", employer),
        "Only specialists and managers of the provider can change this employer's records.",
    )


@transaction.atomic
def add_site(actor: User, employer: Employer, **fields: Any) -> EmployerSite:
    require_employer_change(actor, employer)
    site = EmployerSite(employer=employer, **fields)
    site.full_clean()
    if (site.latitude is None) != (site.longitude is None):
        raise ValidationError({"longitude": "Give both latitude and longitude, or neither."})
    site.save()
    return site


@transaction.atomic
def add_contact(actor: User, employer: Employer, **fields: Any) -> EmployerContact:
    require_employer_change(actor, employer)
    contact = EmployerContact(employer=employer, **fields)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def record_engagement(
    actor: User,
    employer: Employer,
    *,
    kind: str,
    occurred_on: dt.date,
    notes: str = "",
    attendees: int | None = None,
) -> Engagement:
    """Add to the employer engagement log (meetings, job carving, training)."""
    require_employer_change(actor, employer)
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "The date cannot be in the future."})
    entry = Engagement(
        employer=employer,
        kind=kind,
        occurred_on=occurred_on,
        notes=notes.strip(),
        attendees=attendees,
        recorded_by=actor,
    )
    entry.full_clean()
    entry.save()
    return entry
