"""Reads of opportunities, scoped by ``core.policies`` and fetched with the joins they
need. The opportunity list, which counts candidates, is in ``overview.selectors``."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from pathways.core.models import InterestTag, User
from pathways.employers.opportunities.models import Opportunity
from pathways.employers.opportunities.policy import opportunity_policy


def opportunities_for(user: User | None) -> QuerySet[Opportunity]:
    qs = Opportunity.objects.all()
    return qs if user is None else opportunity_policy.visible(user, qs)


def ordered_tags() -> Prefetch:
    return Prefetch("tags", queryset=InterestTag.objects.order_by("label"))


def opportunity_rows() -> QuerySet[Opportunity]:
    """Opportunities with their employer, authority, site and tags (unscoped: the
    opportunity policy scopes them)."""
    return Opportunity.objects.select_related("employer", "authority", "site").prefetch_related(
        ordered_tags()
    )


def get_opportunity(user: User | None, pk: int) -> Opportunity | None:
    """One opportunity, if the user may see it (any, for the operator: None)."""
    rows = opportunity_rows()
    return (rows if user is None else opportunity_policy.visible(user, rows)).filter(pk=pk).first()


def opportunity_by_ref(user: User | None, ref: str) -> Opportunity | None:
    return (
        opportunities_for(user)
        .select_related("employer", "authority", "site")
        .filter(opportunity_ref=ref)
        .first()
    )
