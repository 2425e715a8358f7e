"""Reads of supported-internship cohorts, scoped by ``core.policies``; a cohort's page
lists only the interns whose records the user may see."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from pathways.core.models import User
from pathways.employers.cohorts.models import InternshipCohort, Rotation, RotationPlacement
from pathways.employers.cohorts.policy import cohort_policy
from pathways.employers.opportunities.models import Opportunity
from pathways.people.models import Person
from pathways.people.policy import person_policy


def cohorts_for(user: User | None) -> QuerySet[InternshipCohort]:
    qs = InternshipCohort.objects.all()
    return qs if user is None else cohort_policy.visible(user, qs)


def cohort_list(user: User) -> QuerySet[InternshipCohort]:
    return (
        cohorts_for(user)
        .select_related("host", "team", "authority")
        .annotate(intern_count=Count("interns", distinct=True))
    )


def cohort_page_rows(user: User) -> QuerySet[InternshipCohort]:
    """Cohorts with their host, rotations and the interns this user may see
    (``visible_interns``), and how many interns in all (``intern_count``); unscoped:
    the cohort policy scopes them."""
    visible_people = person_policy.visible(user, Person.objects.all())
    return (
        InternshipCohort.objects.select_related("host", "team", "authority")
        .prefetch_related(
            Prefetch(
                "interns",
                queryset=visible_people.order_by("family_name", "given_name"),
                to_attr="visible_interns",
            ),
            Prefetch(
                "rotations",
                queryset=Rotation.objects.prefetch_related(
                    Prefetch("opportunities", queryset=Opportunity.objects.order_by("title")),
                    Prefetch(
                        "placements",
                        queryset=RotationPlacement.objects.select_related("person", "opportunity"),
                    ),
                ),
            ),
        )
        .annotate(intern_count=Count("interns", distinct=True))
    )
