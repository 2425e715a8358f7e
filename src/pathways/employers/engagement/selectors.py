"""Reads of the employer list, scoped by ``core.policies``. An employer's whole page
(with its opportunities and pledges) is read by ``overview.selectors``."""

from __future__ import annotations

from django.db.models import QuerySet

from pathways.core.models import User
from pathways.employers.engagement.models import Employer
from pathways.employers.engagement.policy import employer_policy


def employers_for(user: User | None) -> QuerySet[Employer]:
    qs = Employer.objects.all()
    return qs if user is None else employer_policy.visible(user, qs)


def employer_rows() -> QuerySet[Employer]:
    """Employers alone, for the pages that change them (unscoped: the employer policy
    scopes them)."""
    return Employer.objects.select_related("organisation", "relationship_owner")
