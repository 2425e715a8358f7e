"""Reads of candidacies, scoped by the person's access rules (``core.policies``) and
fetched with the joins they need."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet

from pathways.casework.models import VocationalProfile
from pathways.core.models import OpportunityKind, User
from pathways.employers.candidacies.models import ENDED, Candidacy, CandidacyStep, PersonAnswer
from pathways.employers.candidacies.policy import candidacy_policy
from pathways.employers.opportunities.models import Opportunity
from pathways.people.models import Person


def candidacies_for(user: User | None) -> QuerySet[Candidacy]:
    qs = Candidacy.objects.all()
    return qs if user is None else candidacy_policy.visible(user, qs)


def candidacies_of_opportunity(user: User, opportunity: Opportunity) -> QuerySet[Candidacy]:
    return (
        candidacies_for(user)
        .filter(opportunity=opportunity)
        .select_related("person")
        .order_by("person__family_name", "person__given_name", "pk")
    )


def candidacies_of_person(user: User, person: Person) -> QuerySet[Candidacy]:
    return (
        candidacies_for(user)
        .filter(person=person)
        .select_related("opportunity__employer")
        .order_by("-status_on", "-pk")
    )


def candidacy_page_rows() -> QuerySet[Candidacy]:
    """Candidacies with their person, opportunity, consent and steps (unscoped: the
    candidacy policy scopes them)."""
    return Candidacy.objects.select_related(
        "person", "opportunity__employer", "opportunity__authority", "consent"
    ).prefetch_related(
        Prefetch(
            "steps",
            queryset=CandidacyStep.objects.select_related("recorded_by", "consent").order_by(
                "on", "pk"
            ),
        )
    )


def get_candidacy(user: User | None, pk: int) -> Candidacy | None:
    """One candidacy, if the user may see it (any, for the operator: None)."""
    rows = candidacy_page_rows()
    return (rows if user is None else candidacy_policy.visible(user, rows)).filter(pk=pk).first()


def pipeline_counts(user: User, opportunity: Opportunity) -> dict[str, int]:
    rows = (
        candidacies_for(user)
        .filter(opportunity=opportunity)
        .values("status")
        .annotate(n=Count("pk"))
    )
    return {r["status"]: r["n"] for r in rows}


# --- What the person sees in their portal --------------------------------------------


@dataclass(frozen=True)
class SharedJob:
    """One job shared with the person, with what they need to decide, in their terms."""

    candidacy_id: int
    title: str
    employer: str
    kind: str
    paid: bool
    #: The site's street address and postcode; blank when the job names no site.
    address: str
    #: The first half of the postcode (the area), blank when there is none.
    postcode_area: str
    hours_per_week: Decimal
    hourly_pay: Decimal | None
    weekly_pay: Decimal | None
    description: str
    accessibility_notes: str
    work_trial_instead_of_interview: bool
    #: How the person said they travel (their vocational profile), in plain words.
    travel: list[str]
    travel_training_needed: bool
    shared_on: dt.date
    answer: str
    answer_on: dt.date | None

    @property
    def answered(self) -> bool:
        return self.answer in (PersonAnswer.YES, PersonAnswer.NO)


def shared_jobs(person: Person) -> list[SharedJob]:
    """The jobs shared with the person that have not ended, newest shared first, for
    their portal (the portal decides who may see them). Two queries however many."""
    rows = (
        Candidacy.objects.filter(person=person, shared_with_person_on__isnull=False)
        .exclude(status__in=ENDED)
        .select_related("opportunity__employer", "opportunity__site")
        .order_by("-shared_with_person_on", "-pk")
    )
    profile = VocationalProfile.objects.filter(person=person).first()
    travel = profile.get_travel_modes_display() if profile is not None else []
    training = bool(profile is not None and profile.travel_training_needed)
    kinds = dict(OpportunityKind.choices)
    jobs = []
    for candidacy in rows:
        opportunity = candidacy.opportunity
        site = opportunity.site
        postcode = site.postcode if site is not None else ""
        lines = (site.address if site is not None else "").splitlines() + [postcode]
        address = ", ".join(line.strip() for line in lines if line.strip())
        assert candidacy.shared_with_person_on is not None  # filtered above
        jobs.append(
            SharedJob(
                candidacy_id=candidacy.pk,
                title=opportunity.title,
                employer=opportunity.employer.name,
                kind=kinds.get(opportunity.kind, opportunity.kind),
                paid=opportunity.paid,
                address=address,
                postcode_area=postcode.split(" ")[0] if postcode else "",
                hours_per_week=opportunity.hours_per_week,
                hourly_pay=opportunity.hourly_pay if opportunity.paid else None,
                weekly_pay=opportunity.weekly_pay,
                description=opportunity.description,
                accessibility_notes=opportunity.accessibility_notes,
                work_trial_instead_of_interview=opportunity.instead_of_interview,
                travel=travel,
                travel_training_needed=training,
                shared_on=candidacy.shared_with_person_on,
                answer=candidacy.person_answer,
                answer_on=candidacy.person_answer_on,
            )
        )
    return jobs
