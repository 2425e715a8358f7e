"""Page pieces for the pages about one supported-internship cohort (its own and
matching's rotation planning)."""

from __future__ import annotations

from typing import Any

from pathways.core.types import AuthedRequest
from pathways.employers.cohorts.policy import cohort_policy
from pathways.employers.cohorts.selectors import cohort_page_rows


def cohort_or_404(request: AuthedRequest, pk: int) -> Any:
    """The cohort as ``cohort_page_rows`` reads it (an ``InternshipCohort`` with
    ``visible_interns`` and ``intern_count``), or 404."""
    return cohort_policy.fetch_or_refuse(
        request.user, pk, rows=cohort_page_rows(request.user), channel="web", request=request
    )
