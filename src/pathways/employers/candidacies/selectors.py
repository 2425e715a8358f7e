"""Reads of candidacies, scoped by the person's access rules (``core.policies``) and
fetched with the joins they need."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from pathways.core.models import User
from pathways.employers.candidacies.models import Candidacy, CandidacyStep
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
