"""Setting up a supported-internship cohort: its interns, its rotations, and who goes
to which department in each (all or nothing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from pathways.core import policies
from pathways.core.errors import ActionRefused
from pathways.core.models import Team, User
from pathways.employers.cohorts.models import (
    ROTATION_MAX_DAYS,
    ROTATION_MIN_DAYS,
    InternshipCohort,
    Rotation,
    RotationPlacement,
)
from pathways.employers.cohorts.policy import cohort_policy
from pathways.employers.engagement.models import Employer
from pathways.employers.engagement.policy import employer_policy
from pathways.employers.engagement.services import require
from pathways.employers.opportunities.models import Opportunity
from pathways.people.models import Person


@transaction.atomic
def create_cohort(
    actor: User,
    team: Team,
    host: Employer,
    *,
    name: str,
    programme: str,
    academic_year: str,
    interns: Iterable[Person] = (),
) -> InternshipCohort:
    scope = policies.scope_of(actor)
    require(
        scope.is_superuser or scope.has_role_in_team(team.pk, *policies.CASEWORK_ROLES),
        "Only specialists and managers of the team can set up its cohorts.",
    )
    require(employer_policy.can(actor, "view", host), "Choose an employer on your list.")
    cohort = InternshipCohort(
        authority_id=team.authority_id,
        team=team,
        host=host,
        name=name.strip(),
        programme=programme,
        academic_year=academic_year.strip(),
    )
    cohort.full_clean()
    _check_academic_year(cohort.academic_year)
    cohort.save()
    set_interns(actor, cohort, interns)
    return cohort


def _check_academic_year(value: str) -> None:
    parts = value.split("-")
    if (
        len(parts) != 2
        or not (parts[0].isdigit() and len(parts[0]) == 4)
        or not (parts[1].isdigit() and len(parts[1]) == 2)
        or (int(parts[0]) + 1) % 100 != int(parts[1])
    ):
        raise ValidationError({"academic_year": "Enter the academic year like 2026-27."})


def set_interns(actor: User, cohort: InternshipCohort, interns: Iterable[Person]) -> None:
    require(cohort_policy.can(actor, "change", cohort), "You cannot change this cohort.")
    interns = list(interns)
    others = [p for p in interns if p.authority_id != cohort.authority_id]
    if others:
        raise ValidationError(
            {"interns": f"{others[0]} lives in another authority than this cohort's."}
        )
    cohort.interns.set(interns)


@transaction.atomic
def add_rotation(
    actor: User,
    cohort: InternshipCohort,
    *,
    starts_on: dt.date,
    ends_on: dt.date,
    opportunities: Iterable[Opportunity],
) -> Rotation:
    """A rotation of 10 to 12 weeks through the host's departments."""
    require(cohort_policy.can(actor, "change", cohort), "You cannot change this cohort.")
    days = (ends_on - starts_on).days + 1
    if not ROTATION_MIN_DAYS <= days <= ROTATION_MAX_DAYS:
        raise ValidationError(
            {"ends_on": f"A rotation lasts 10 to 12 weeks; this one is {days / 7:.1f} weeks."}
        )
    earlier = cohort.rotations.order_by("-number").first()
    if earlier is not None and starts_on <= earlier.ends_on:
        raise ValidationError(
            {"starts_on": f"Rotation {earlier.number} runs until {earlier.ends_on:%d %B %Y}."}
        )
    departments = list(opportunities)
    wrong = [o for o in departments if o.employer_id != cohort.host_id]
    if wrong:
        raise ValidationError({"opportunities": f"{wrong[0].title} is not at {cohort.host}."})
    rotation = Rotation.objects.create(
        cohort=cohort,
        number=(earlier.number + 1) if earlier else 1,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    rotation.opportunities.set(departments)
    return rotation


@transaction.atomic
def place_interns(
    actor: User, rotation: Rotation, placements: Sequence[tuple[Person, Opportunity, int | None]]
) -> list[RotationPlacement]:
    """Record the departments for a rotation, replacing any earlier plan: all or
    nothing. Each intern once; no department over its places."""
    cohort = rotation.cohort
    require(cohort_policy.can(actor, "change", cohort), "You cannot change this cohort.")
    Rotation.objects.select_for_update().filter(pk=rotation.pk).first()
    interns = set(cohort.interns.values_list("pk", flat=True))
    departments = {o.pk: o for o in rotation.opportunities.all()}
    seen: set[int] = set()
    used: dict[int, int] = {}
    for person, opportunity, _score in placements:
        if person.pk not in interns:
            raise ActionRefused(f"{person} is not an intern in this cohort.")
        if person.pk in seen:
            raise ActionRefused(f"{person} is placed twice in this rotation.")
        if opportunity.pk not in departments:
            raise ActionRefused(f"{opportunity.title} is not part of this rotation.")
        seen.add(person.pk)
        used[opportunity.pk] = used.get(opportunity.pk, 0) + 1
        places = departments[opportunity.pk].places
        if used[opportunity.pk] > places:
            raise ActionRefused(
                f"{opportunity.title} has only {places} place{'' if places == 1 else 's'}."
            )
    rotation.placements.all().delete()
    return [
        RotationPlacement.objects.create(
            rotation=rotation, person=person, opportunity=opportunity, score=score
        )
        for person, opportunity, score in placements
    ]
