"""The vocational profile: what a person wants from work and what helps them.

One profile per person (it carries over between episodes). The write side is
:func:`save_profile`; the read side is :func:`get_profile` at the end of this module.
Both answer to ``people.policy.person_policy``: whoever may change the person's record may
change their profile, whoever may see the record may read it. Changes are audited by
django-auditlog (the model is registered in the app's ``ready``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from pathways.casework.models import TravelMode, VocationalProfile
from pathways.core.errors import ConcurrentEdit, PermissionDenied
from pathways.core.models import InterestTag, OpportunityKind, User
from pathways.people.models import Person
from pathways.people.policy import person_policy

MAX_HOURS = Decimal(80)
TEXT_FIELDS = (
    "interests_notes",
    "skills",
    "work_history",
    "disclosure",
    "support_needs",
    "benefits_situation",
)
#: Every field a form, import or API call may set (``interests`` are tag codes).
EDITABLE_FIELDS = (
    "interests",
    *TEXT_FIELDS,
    "min_hours",
    "max_hours",
    "max_travel_km",
    "travel_modes",
    "travel_training_needed",
    "kinds",
    "wants_paid_only",
    "better_off_calculation_on",
)


def _hours(value: Any, field: str, label: str, errors: dict[str, str]) -> Decimal | None:
    if value is None or value == "":
        return None
    hours = Decimal(str(value))
    if not hours.is_finite() or hours < 0 or hours > MAX_HOURS:
        errors[field] = f"The {label} must be between 0 and 80"
    elif hours != hours.quantize(Decimal("0.1")):
        errors[field] = f"The {label} must have no more than one decimal place, like 16.5"
    return hours


HOURS_ORDER = "The most hours must be the same as or more than the fewest hours"


def _check_hours_order(low: Any, high: Any, errors: dict[str, str]) -> None:
    if low is not None and high is not None and low > high:
        errors["max_hours"] = HOURS_ORDER


def _codes(values: Any, allowed: list[str], field: str, what: str, errors: dict) -> list[str]:
    """Known codes, once each, in the vocabulary's order."""
    picked = list(dict.fromkeys(values or []))
    unknown = [v for v in picked if v not in allowed]
    if unknown:
        errors[field] = f"Unknown {what}: {', '.join(str(u) for u in unknown)}"
    return [code for code in allowed if code in picked]


def clean_profile_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise the fields given; raise ``ValidationError`` by field.

    ``interests`` stays a list of codes here: :func:`save_profile` turns it into tags.
    """
    unexpected = set(fields) - set(EDITABLE_FIELDS)
    if unexpected:
        raise TypeError(f"Not profile fields: {', '.join(sorted(unexpected))}")
    out = dict(fields)
    errors: dict[str, str] = {}
    for name in TEXT_FIELDS:
        if name in out:
            out[name] = (out[name] or "").strip()
    for name, label in (("min_hours", "fewest hours"), ("max_hours", "most hours")):
        if name in out:
            out[name] = _hours(out[name], name, label, errors)
    if not errors.keys() & {"min_hours", "max_hours"}:
        _check_hours_order(out.get("min_hours"), out.get("max_hours"), errors)
    if "max_travel_km" in out and out["max_travel_km"] not in (None, ""):
        km = Decimal(str(out["max_travel_km"]))
        if not km.is_finite() or km < 0:
            errors["max_travel_km"] = "The distance they can travel must be 0 km or more"
        elif km >= 10_000 or km != km.quantize(Decimal("0.1")):
            errors["max_travel_km"] = (
                "The distance they can travel must be less than 10,000 km, "
                "with no more than one decimal place"
            )
        out["max_travel_km"] = km
    elif "max_travel_km" in out:
        out["max_travel_km"] = None
    if "interests" in out:
        known = list(
            InterestTag.objects.filter(code__in=list(out["interests"] or [])).values_list(
                "code", flat=True
            )
        )
        picked = list(dict.fromkeys(out["interests"] or []))
        unknown = [c for c in picked if c not in known]
        if unknown:
            errors["interests"] = f"Unknown interest: {', '.join(str(u) for u in unknown)}"
        out["interests"] = sorted(c for c in picked if c in known)
    if "kinds" in out:
        out["kinds"] = _codes(out["kinds"], list(OpportunityKind.values), "kinds", "kind", errors)
    if "travel_modes" in out:
        out["travel_modes"] = _codes(
            out["travel_modes"], list(TravelMode.values), "travel_modes", "travel mode", errors
        )
    day = out.get("better_off_calculation_on")
    if isinstance(day, dt.date) and day > timezone.localdate():
        errors["better_off_calculation_on"] = (
            "The date of the better-off calculation must be today or in the past"
        )
    if errors:
        raise ValidationError(errors)
    return out


def _same(profile: VocationalProfile, name: str, value: Any, tags: list[str]) -> bool:
    if name == "interests":
        return sorted(tags) == value
    return getattr(profile, name) == value


@transaction.atomic
def save_profile(
    actor: User, person: Person, *, expected_version: int | None = None, **fields: Any
) -> VocationalProfile:
    """Create or update the person's vocational profile with the fields given.

    Fields left out keep their stored value. ``expected_version`` is the version the
    actor saw (None: no profile yet, or a caller such as the import that does not
    guard); if the profile moved on since, nothing is saved and ``ConcurrentEdit`` is
    raised. Saving without any difference changes nothing (no new version, no audit).
    """
    if not person_policy.can(actor, "change", person):
        raise PermissionDenied("You cannot change this person's vocational profile.")
    cleaned = clean_profile_fields(fields)
    # Lock the person row so two first saves cannot both create a profile.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    profile = VocationalProfile.objects.select_for_update().filter(person=person).first()
    if expected_version is not None and profile is not None and profile.version != expected_version:
        raise ConcurrentEdit(
            "Someone else changed this vocational profile while you were editing it. "
            "Your changes were not saved: open the profile again to see theirs."
        )
    if profile is not None:  # a side left out keeps its stored value
        errors: dict[str, str] = {}
        _check_hours_order(
            cleaned.get("min_hours", profile.min_hours),
            cleaned.get("max_hours", profile.max_hours),
            errors,
        )
        if errors:
            raise ValidationError(errors)
    interests = cleaned.pop("interests", None)
    creating = profile is None
    if profile is None:
        profile = VocationalProfile(person=person, version=0)
        tags: list[str] = []
    else:
        tags = list(profile.interests.values_list("code", flat=True))
    changed = [name for name, value in cleaned.items() if not _same(profile, name, value, tags)]
    interests_changed = interests is not None and sorted(tags) != interests
    if not (creating or changed or interests_changed):
        return profile
    for name in changed:
        setattr(profile, name, cleaned[name])
    profile.updated_on = timezone.localdate()
    profile.version += 1
    profile.full_clean(exclude=["person"])
    profile.save()
    if interests_changed:
        profile.interests.set(InterestTag.objects.filter(code__in=interests))
    return profile


# --- the read side --------------------------------------------------------------------


def _with_interests() -> Prefetch:
    return Prefetch("interests", queryset=InterestTag.objects.order_by("label"))


def get_profile(user: User, person_id: int) -> VocationalProfile | None:
    """The profile of a person the user may see, with its interests; None when the
    person is out of the user's scope or has no profile yet."""
    visible = person_policy.visible(user, Person.objects.filter(pk=person_id))
    return (
        VocationalProfile.objects.filter(person__in=visible)
        .select_related("person")
        .prefetch_related(_with_interests())
        .first()
    )
