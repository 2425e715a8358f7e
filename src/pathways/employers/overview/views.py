"""The employer and opportunity lists and pages, which show what several sub-domains
hold: an employer's page has its opportunities, pledges and engagement log (and the
small pages that add a site, a contact or a pledge to it), an opportunity's page its
candidacies. They sit above the sub-domains they show, so that none of those imports a
higher one. Candidacies are reads of people's records and are audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pathways.core import audit
from pathways.core.models import Authority, OpportunityKind
from pathways.core.pages import attempt, paged
from pathways.core.types import AuthedRequest
from pathways.employers.candidacies.selectors import candidacies_of_opportunity
from pathways.employers.engagement import forms as employer_forms
from pathways.employers.engagement import services
from pathways.employers.engagement.models import Employer
from pathways.employers.engagement.pages import employer_to_change
from pathways.employers.engagement.policy import employer_policy
from pathways.employers.opportunities.pages import opportunity_or_404
from pathways.employers.opportunities.policy import opportunity_policy
from pathways.employers.overview import selectors
from pathways.employers.pledges.forms import PledgeForm
from pathways.employers.pledges.selectors import pledge_progress
from pathways.employers.pledges.services import add_pledge

PAGE_SIZE = 50


def _employer_or_404(request: AuthedRequest, pk: int) -> Employer:
    found: Employer = employer_policy.fetch_or_refuse(
        request.user,
        pk,
        rows=selectors.employer_page_rows(),
        channel="web",
        request=request,
    )
    return found


@login_required
def employer_list(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    found = paged(request, selectors.employer_list(request.user, query), PAGE_SIZE)
    return render(
        request,
        "employers/employer_list.html",
        {
            "employers": found.page.object_list,
            "paged": found,
            "query": query,
            "may_add": bool(services.organisations_keeping_employers(request.user)),
        },
    )


def _employer_page(
    request: AuthedRequest, employer: Employer, *, status: int = 200, **bound: forms.Form
) -> HttpResponse:
    today = timezone.localdate()
    may_change = employer_policy.can(request.user, "change", employer)
    progress = [p for p in pledge_progress(request.user) if p.pledge.employer_id == employer.pk]
    return render(
        request,
        "employers/employer.html",
        {
            "employer": employer,
            "may_change": may_change,
            "pledges": progress,
            "opportunities": list(employer.opportunities.all()),
            "today": today,
            "engagement_form": bound.get("engagement_form")
            or employer_forms.EngagementForm(initial={"occurred_on": today}),
            "form": next(iter(bound.values()), None),
        },
        status=status,
    )


@login_required
def employer(request: AuthedRequest, pk: int) -> HttpResponse:
    return _employer_page(request, _employer_or_404(request, pk))


@login_required
@require_POST
def record_engagement(request: AuthedRequest, pk: int) -> HttpResponse:
    found = employer_to_change(request, pk, rows=selectors.employer_page_rows())
    form = employer_forms.EngagementForm(request.POST)
    status = 400
    if form.is_valid():
        outcome = attempt(
            form, lambda data: services.record_engagement(request.user, found, **data)
        )
        entry, status = outcome.result, outcome.status
        if entry is not None:
            messages.success(request, f"{entry.get_kind_display()} added to the log.")
            return redirect(reverse("employers:employer", args=[found.pk]) + "#engagements")
    return _employer_page(request, found, status=status, engagement_form=form)


#: The small "add" pages of an employer: what they add, their form, and the service.
ADDITIONS: dict[str, tuple[str, str, type[forms.Form], Callable[..., Any]]] = {
    "site": ("Add a site", "A site saved.", employer_forms.SiteForm, services.add_site),
    "contact": (
        "Add a contact",
        "A contact saved.",
        employer_forms.ContactForm,
        services.add_contact,
    ),
    "pledge": (
        "Record a social-value pledge",
        "A social-value pledge saved.",
        PledgeForm,
        add_pledge,
    ),
}


@login_required
def employer_add(request: AuthedRequest, pk: int, what: str) -> HttpResponse:
    if what not in ADDITIONS:
        raise Http404("Nothing to add")
    found = employer_to_change(request, pk, rows=selectors.employer_page_rows())
    title, banner, form_class, service = ADDITIONS[what]
    kwargs: dict[str, Any] = {}
    if form_class is PledgeForm:
        kwargs["authorities"] = Authority.objects.filter(
            teams__organisation_id=found.organisation_id
        ).distinct()
    form = form_class(request.POST or None, **kwargs)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            outcome = attempt(form, lambda data: service(request.user, found, **data))
            added, status = outcome.result, outcome.status
            if added is not None:
                messages.success(request, banner)
                return redirect("employers:employer", found.pk)
    return render(
        request,
        "employers/employer_add.html",
        {"employer": found, "form": form, "title": title},
        status=status,
    )


@login_required
def opportunity_list(request: AuthedRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in OpportunityKind.values else ""
    include_closed = request.GET.get("closed") == "yes"
    query = request.GET.get("q", "").strip()[:100]
    found = paged(
        request,
        selectors.opportunity_list(
            request.user, kind=kind, open_only=not include_closed, search=query
        ),
        PAGE_SIZE,
    )
    return render(
        request,
        "employers/opportunity_list.html",
        {
            "opportunities": found.page.object_list,
            "paged": found,
            "kinds": OpportunityKind.choices,
            "kind": kind,
            "include_closed": include_closed,
            "query": query,
        },
    )


@login_required
def opportunity(request: AuthedRequest, pk: int) -> HttpResponse:
    found = opportunity_or_404(request, pk)
    candidacies = list(candidacies_of_opportunity(request.user, found))
    audit.record_access_bulk(
        request.user,
        [c.person for c in candidacies],
        channel="web",
        what=f"candidacies for {found.opportunity_ref}",
        request=request,
    )
    return render(
        request,
        "employers/opportunity.html",
        {
            "opportunity": found,
            "candidacies": candidacies,
            "may_change": opportunity_policy.can(request.user, "change", found),
            "is_open": found.is_open(timezone.localdate()),
        },
    )
