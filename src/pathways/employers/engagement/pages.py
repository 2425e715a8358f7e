"""Page pieces the employers sub-domains share: the employer a page changes."""

from __future__ import annotations

from django.db.models import QuerySet

from pathways.core.types import AuthedRequest
from pathways.employers.engagement.models import Employer
from pathways.employers.engagement.policy import employer_policy
from pathways.employers.engagement.selectors import employer_rows


def employer_to_change(
    request: AuthedRequest, pk: int, *, rows: QuerySet[Employer] | None = None
) -> Employer:
    """The employer, if the user may change it: 404 when it is on none of their lists,
    403 when they may see it but not change it. ``rows`` loads it with what the page
    shows (the employer alone by default)."""
    found: Employer = employer_policy.fetch_or_refuse(
        request.user, pk, rows=rows if rows is not None else employer_rows(), channel="web"
    )
    employer_policy.require(
        request.user,
        "change",
        found,
        refusal="Only specialists and managers of the provider can change this.",
        channel="web",
        request=request,
    )
    return found
