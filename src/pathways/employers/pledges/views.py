"""The social-value pledges page, for commissioners, managers and providers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from pathways.core.types import AuthedRequest
from pathways.employers.engagement.policy import may_see_employers
from pathways.employers.pledges import selectors
from pathways.employers.pledges.policy import may_see_pledges


@login_required
def pledges(request: AuthedRequest) -> HttpResponse:
    if not (may_see_pledges(request.user) or may_see_employers(request.user)):
        raise PermissionDenied("Pledges are for commissioners, managers and providers.")
    progress = selectors.pledge_progress(request.user)
    return render(request, "employers/pledges.html", {"pledges": progress})
