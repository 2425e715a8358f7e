"""Every change to opportunities: adding, editing and closing one early. Checked,
transactional and refused as in ``engagement.services``, whose helpers these use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pathways.core.errors import IllegalTransition
from pathways.core.models import InterestTag, User
from pathways.core.unusual import Confirmed, Unusual, check_hourly_pay, settle
from pathways.employers.engagement.models import Employer
from pathways.employers.engagement.services import (
    apply_changes,
    locked,
    require,
    require_employer_change,
)
from pathways.employers.opportunities.models import Opportunity
from pathways.employers.opportunities.policy import opportunity_policy

OPPORTUNITY_FIELDS = (
    "opportunity_ref",
    "authority",
    "site",
    "title",
    "kind",
    "paid",
    "hours_per_week",
    "hourly_pay",
    "latitude",
    "longitude",
    "places",
    "description",
    "accessibility_notes",
    "instead_of_interview",
    "carved_tasks",
    "opened_on",
    "closes_on",
)


def _tags(codes: Iterable[str] | None) -> list[InterestTag] | None:
    if codes is None:
        return None
    codes = sorted(set(codes))
    found = list(InterestTag.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {t.code for t in found})
    if unknown:
        raise ValidationError({"tags": f"Unknown interest tags: {', '.join(unknown)}."})
    return found


def _check_opportunity(opportunity: Opportunity) -> None:
    errors: dict[str, str] = {}
    if opportunity.site is not None and opportunity.site.employer_id != opportunity.employer_id:
        errors["site"] = "Choose one of this employer's sites."
    if (opportunity.latitude is None) != (opportunity.longitude is None):
        errors["longitude"] = "Give both latitude and longitude, or neither."
    if opportunity.hourly_pay is not None and not opportunity.paid:
        errors["hourly_pay"] = "Unpaid opportunities have no hourly pay."
    if opportunity.closes_on and opportunity.closes_on < opportunity.opened_on:
        errors["closes_on"] = "The closing date cannot be before the opportunity opened."
    if opportunity.instead_of_interview and opportunity.kind != "work_trial":
        errors["instead_of_interview"] = "Only a work trial can replace an interview."
    tasks = opportunity.carved_tasks
    if not isinstance(tasks, list) or not all(isinstance(t, str) and t.strip() for t in tasks):
        errors["carved_tasks"] = "List each task of the carved job on its own line."
    if errors:
        raise ValidationError(errors)


def _check_pay(opportunity: Opportunity) -> list[Unusual]:
    """Pay that cannot be is refused, pay that is unusual returned to ask about
    (``core.unusual.check_hourly_pay``); after ``_check_opportunity``."""
    return check_hourly_pay(opportunity.hourly_pay)


@transaction.atomic
def create_opportunity(
    actor: User,
    employer: Employer,
    *,
    tags: Iterable[str] = (),
    confirmed: Confirmed = False,
    **fields: Any,
) -> Opportunity:
    """A new opportunity; unusual pay is asked about first (``core.unusual``)."""
    require_employer_change(actor, employer)
    fields = {k: v for k, v in fields.items() if k in OPPORTUNITY_FIELDS}
    fields.setdefault("opened_on", timezone.localdate())
    if Opportunity.objects.filter(opportunity_ref=fields.get("opportunity_ref")).exists():
        raise ValidationError(
            {
                "opportunity_ref": f"An opportunity already has the reference "
                f"{fields.get('opportunity_ref')}."
            }
        )
    opportunity = Opportunity(employer=employer, **fields)
    opportunity.full_clean()
    _check_opportunity(opportunity)
    unusual = _check_pay(opportunity)
    found = _tags(tags) or []
    settle(unusual, confirmed)
    opportunity.save()
    opportunity.tags.set(found)
    return opportunity


@transaction.atomic
def update_opportunity(
    actor: User,
    opportunity: Opportunity,
    *,
    expected_version: int | None = None,
    tags: Iterable[str] | None = None,
    confirmed: Confirmed = False,
    **fields: Any,
) -> Opportunity:
    """Change an opportunity; a change to unusual pay is asked about first."""
    require(
        opportunity_policy.can(actor, "change", opportunity),
        "You cannot change this opportunity.",
    )
    opportunity = locked(Opportunity, opportunity, expected_version)
    fields = {k: v for k, v in fields.items() if k in OPPORTUNITY_FIELDS and k != "opportunity_ref"}
    before = opportunity.hourly_pay
    changed = apply_changes(opportunity, fields)
    _check_opportunity(opportunity)
    if opportunity.hourly_pay != before:  # pay kept as it was is not asked about again
        settle(_check_pay(opportunity), confirmed)
    found = _tags(tags)
    tags_changed = found is not None and {t.pk for t in found} != set(
        opportunity.tags.values_list("pk", flat=True)
    )
    if changed or tags_changed:
        opportunity.version += 1
        opportunity.save()
    if tags_changed:
        opportunity.tags.set(found or [])
    return opportunity


@transaction.atomic
def close_opportunity(
    actor: User, opportunity: Opportunity, *, on: dt.date | None = None
) -> Opportunity:
    """Close an opportunity early (filled or withdrawn): it leaves the matching lists."""
    require(
        opportunity_policy.can(actor, "change", opportunity),
        "You cannot change this opportunity.",
    )
    opportunity = locked(Opportunity, opportunity, None)
    if opportunity.closed_on is not None:
        raise IllegalTransition("This opportunity is already closed.")
    opportunity.closed_on = on or timezone.localdate()
    opportunity.version += 1
    opportunity.save(update_fields=["closed_on", "version"])
    return opportunity
