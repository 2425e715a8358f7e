"""The social-value pledges page, for commissioners, managers and providers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from pathways.core import policies
from pathways.core.types import AuthedRequest
from pathways.employers.pledges import selectors


@login_required
def pledges(request: AuthedRequest) -> HttpResponse:
    if not (policies.may_see_pledges(request.user) or policies.may_see_employers(request.user)):
        raise PermissionDenied("Pledges are for commissioners, managers and providers.")
    progress = selectors.pledge_progress(request.user)
    return render(request, "employers/pledges.html", {"pledges": progress})
