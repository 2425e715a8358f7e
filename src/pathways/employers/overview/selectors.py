"""Reads that show what several sub-domains hold about an employer or an opportunity:
the employer list counts each employer's open opportunities, an employer's page has its
opportunities and pledges, the opportunity list counts candidates. They sit above the
sub-domains they combine, so that none of those imports a higher one."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from pathways.core.models import User
from pathways.employers.candidacies.models import CandidacyStatus
from pathways.employers.engagement.models import Employer, Engagement
from pathways.employers.engagement.policy import employer_policy
from pathways.employers.engagement.selectors import employers_for
from pathways.employers.opportunities.models import Opportunity, open_on
from pathways.employers.opportunities.selectors import opportunities_for, ordered_tags
from pathways.employers.pledges.models import SocialValuePledge


def employer_list(user: User, search: str = "") -> QuerySet[Employer]:
    qs = employers_for(user).select_related("organisation", "relationship_owner")
    if search.strip():
        qs = qs.filter(Q(name__icontains=search.strip()) | Q(sector__icontains=search.strip()))
    return qs.annotate(
        open_opportunities=Count(
            "opportunities", filter=open_on(timezone.localdate(), via="opportunities__")
        )
    ).order_by("name")


def employer_page_rows() -> QuerySet[Employer]:
    """Employers with everything the employer page shows (unscoped: the employer
    policy scopes it)."""
    return Employer.objects.select_related("organisation", "relationship_owner").prefetch_related(
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


def get_employer(user: User, pk: int) -> Employer | None:
    return employer_policy.visible(user, employer_page_rows()).filter(pk=pk).first()


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
        .prefetch_related(ordered_tags())
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
