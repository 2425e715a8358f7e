"""Page pieces for the pages about one opportunity (its own, the employer overview's
and matching's)."""

from __future__ import annotations

from pathways.core.types import AuthedRequest
from pathways.employers.opportunities.models import Opportunity
from pathways.employers.opportunities.policy import opportunity_policy
from pathways.employers.opportunities.selectors import opportunity_rows


def opportunity_or_404(request: AuthedRequest, pk: int) -> Opportunity:
    """The opportunity with its employer, site and tags, if the user's provider keeps
    it; 404 otherwise."""
    found: Opportunity = opportunity_policy.fetch_or_refuse(
        request.user, pk, rows=opportunity_rows(), channel="web", request=request
    )
    return found
