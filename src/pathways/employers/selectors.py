"""Reads for employers, opportunities, candidacies, pledges and cohorts, each scoped by
``core.policies`` and fetched with the joins it needs (a fixed number of queries)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from pathways.core import policies
from pathways.core.models import InterestTag, User
from pathways.employers.candidacies.models import Candidacy, CandidacyStatus, CandidacyStep
from pathways.employers.cohorts.models import InternshipCohort, Rotation, RotationPlacement
from pathways.employers.engagement.models import Employer, Engagement
from pathways.employers.opportunities.models import Opportunity, open_on
from pathways.employers.pledges.models import SocialValuePledge
from pathways.people.models import Person


def employers_for(user: User | None) -> QuerySet[Employer]:
    qs = Employer.objects.all()
    return qs if user is None else policies.employers.visible(user, qs)


def employer_list(user: User, search: str = "") -> QuerySet[Employer]:
    qs = employers_for(user).select_related("organisation", "relationship_owner")
    if search.strip():
        qs = qs.filter(Q(name__icontains=search.strip()) | Q(sector__icontains=search.strip()))
    return qs.annotate(
        open_opportunities=Count(
            "opportunities", filter=open_on(timezone.localdate(), via="opportunities__")
        )
    ).order_by("name")


def get_employer(user: User, pk: int) -> Employer | None:
    return (
        employers_for(user)
        .select_related("organisation", "relationship_owner")
        .prefetch_related(
            "sites",
            "contacts",
            Prefetch("engagements", queryset=Engagement.objects.select_related("recorded_by")),
            Prefetch("pledges", queryset=SocialValuePledge.objects.select_related("authority")),
            Prefetch(
                "opportunities",
                queryset=Opportunity.objects.select_related("authority").order_by(
                    "-opened_on", "title"
                ),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def opportunities_for(user: User | None) -> QuerySet[Opportunity]:
    qs = Opportunity.objects.all()
    return qs if user is None else policies.opportunities.visible(user, qs)


def _tags() -> Prefetch:
    return Prefetch("tags", queryset=InterestTag.objects.order_by("label"))


def opportunity_list(
    user: User,
    *,
    kind: str = "",
    open_only: bool = True,
    search: str = "",
    on: dt.date | None = None,
) -> QuerySet[Opportunity]:
    qs = (
        opportunities_for(user)
        .select_related("employer", "authority", "site")
        .prefetch_related(_tags())
        .annotate(
            candidates=Count(
                "candidacies",
                filter=~Q(
                    candidacies__status__in=[
                        CandidacyStatus.UNSUCCESSFUL,
                        CandidacyStatus.WITHDRAWN,
                    ]
                ),
            )
        )
    )
    if kind:
        qs = qs.filter(kind=kind)
    if open_only:
        qs = qs.filter(open_on(on or timezone.localdate()))
    if search.strip():
        term = search.strip()
        qs = qs.filter(
            Q(title__icontains=term)
            | Q(employer__name__icontains=term)
            | Q(opportunity_ref__iexact=term)
        )
    return qs.order_by("closes_on", "title", "opportunity_ref")


def get_opportunity(user: User | None, pk: int) -> Opportunity | None:
    return (
        opportunities_for(user)
        .select_related("employer", "authority", "site")
        .prefetch_related(_tags())
        .filter(pk=pk)
        .first()
    )


def opportunity_by_ref(user: User | None, ref: str) -> Opportunity | None:
    return (
        opportunities_for(user)
        .select_related("employer", "authority", "site")
        .filter(opportunity_ref=ref)
        .first()
    )


def opportunity_exists(pk: int) -> bool:
    """For auditing a refused read: the row exists but is out of scope."""
    return Opportunity.objects.filter(pk=pk).exists()


# --- candidacies ----------------------------------------------------------------------


def candidacies_for(user: User | None) -> QuerySet[Candidacy]:
    qs = Candidacy.objects.all()
    return qs if user is None else policies.candidacies.visible(user, qs)


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


def get_candidacy(user: User | None, pk: int) -> Candidacy | None:
    return (
        candidacies_for(user)
        .select_related("person", "opportunity__employer", "opportunity__authority", "consent")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=CandidacyStep.objects.select_related("recorded_by", "consent").order_by(
                    "on", "pk"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )


def candidacy_for_refused_read(pk: int) -> Candidacy | None:
    return Candidacy.objects.select_related("person").filter(pk=pk).first()


def pipeline_counts(user: User, opportunity: Opportunity) -> dict[str, int]:
    rows = (
        candidacies_for(user)
        .filter(opportunity=opportunity)
        .values("status")
        .annotate(n=Count("pk"))
    )
    return {r["status"]: r["n"] for r in rows}


# --- social-value pledges -------------------------------------------------------------


@dataclass
class PledgeProgress:
    pledge: SocialValuePledge
    offered: int  # places of the employer's opportunities for the authority in the period
    started: int  # candidacies accepted in the period
    on: dt.date

    @property
    def met(self) -> bool:
        return self.offered >= self.pledge.target

    @property
    def status(self) -> str:
        if self.met:
            return "Kept"
        if self.on > self.pledge.ends_on:
            return "Not kept"
        return "In progress"

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.offered / self.pledge.target))


def pledge_progress(user: User | None, *, on: dt.date | None = None) -> list[PledgeProgress]:
    """Every pledge the user may see with what the employer has done towards it.

    Three queries whatever the number of pledges: the pledges, then the opportunities
    and the accepted candidacies of the employers concerned."""
    day = on or timezone.localdate()
    pledges = SocialValuePledge.objects.select_related("employer", "authority")
    if user is not None:
        pledges = policies.pledges.visible(user, pledges)
    pledges_list = list(pledges.order_by("-ends_on", "employer__name", "pk"))
    employer_ids = {p.employer_id for p in pledges_list}
    offered: dict[tuple[int, int], list[tuple[dt.date, int]]] = defaultdict(list)
    for employer_id, authority_id, opened_on, places in Opportunity.objects.filter(
        employer_id__in=employer_ids
    ).values_list("employer_id", "authority_id", "opened_on", "places"):
        offered[(employer_id, authority_id)].append((opened_on, places))
    started: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    for employer_id, authority_id, status_on in Candidacy.objects.filter(
        opportunity__employer_id__in=employer_ids, status=CandidacyStatus.ACCEPTED
    ).values_list("opportunity__employer_id", "opportunity__authority_id", "status_on"):
        started[(employer_id, authority_id)].append(status_on)
    out = []
    for pledge in pledges_list:
        key = (pledge.employer_id, pledge.authority_id)
        window = (pledge.starts_on, min(pledge.ends_on, day))
        out.append(
            PledgeProgress(
                pledge=pledge,
                offered=sum(n for d, n in offered[key] if window[0] <= d <= window[1]),
                started=sum(1 for d in started[key] if window[0] <= d <= window[1]),
                on=day,
            )
        )
    return out


# --- cohorts --------------------------------------------------------------------------


def cohorts_for(user: User | None) -> QuerySet[InternshipCohort]:
    qs = InternshipCohort.objects.all()
    return qs if user is None else policies.cohorts.visible(user, qs)


def cohort_list(user: User) -> QuerySet[InternshipCohort]:
    return (
        cohorts_for(user)
        .select_related("host", "team", "authority")
        .annotate(intern_count=Count("interns", distinct=True))
    )


def get_cohort(user: User, pk: int) -> InternshipCohort | None:
    visible_people = policies.people.visible(user, Person.objects.all())
    return (
        cohorts_for(user)
        .select_related("host", "team", "authority")
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
        .filter(pk=pk)
        .first()
    )
