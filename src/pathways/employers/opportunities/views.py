"""Adding an opportunity at an employer and closing one early. The opportunity list and
an opportunity's page (with its candidacies) are in ``overview.views``; the people who
could take it are in ``matching.views``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pathways.core.errors import ActionRefused
from pathways.core.models import Authority
from pathways.core.pages import attempt
from pathways.core.types import AuthedRequest
from pathways.core.unusual import confirmed_in
from pathways.employers.engagement.models import Employer, EmployerSite
from pathways.employers.engagement.pages import employer_to_change
from pathways.employers.opportunities import services
from pathways.employers.opportunities.forms import OpportunityForm
from pathways.employers.opportunities.pages import opportunity_or_404


def _opportunity_form(employer: Employer, data: Any = None, **kwargs: Any) -> OpportunityForm:
    return OpportunityForm(
        data,
        authorities=Authority.objects.filter(teams__organisation_id=employer.organisation_id)
        .distinct()
        .order_by("name"),
        sites=EmployerSite.objects.filter(employer=employer),
        **kwargs,
    )


@login_required
def opportunity_new(request: AuthedRequest, pk: int) -> HttpResponse:
    found = employer_to_change(request, pk)
    form = _opportunity_form(found, request.POST or None, initial={"places": 1})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            tags = [t.code for t in data.pop("tags")]
            confirmed = confirmed_in(data)
            data.pop("confirm_unusual", None)
            outcome = attempt(
                form,
                lambda _data: services.create_opportunity(
                    request.user, found, tags=tags, confirmed=confirmed, **data
                ),
            )
            opportunity, status = outcome.result, outcome.status
            if opportunity is not None:
                messages.success(request, f"{opportunity.title} added.")
                return redirect("employers:opportunity", opportunity.pk)
    return render(
        request, "employers/opportunity_new.html", {"employer": found, "form": form}, status=status
    )


@login_required
@require_POST
def opportunity_close(request: AuthedRequest, pk: int) -> HttpResponse:
    found = opportunity_or_404(request, pk)
    try:
        services.close_opportunity(request.user, found)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{found.title} is closed: it no longer appears in matches.")
    return redirect("employers:opportunity", found.pk)
