"""Person pages. Every read of a record is audited, allowed or refused."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from pathways.core import audit, policies
from pathways.core.types import AuthedRequest
from pathways.people.forms import SearchForm
from pathways.people.selectors import current_consents, get_person, person_exists, search_people

PAGE_SIZE = 50


@login_required
def search(request: AuthedRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = search_people(request.user, query)[:PAGE_SIZE] if query else []
    return render(request, "people/search.html", {"form": form, "results": results, "query": query})


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_person(request.user, pk)
    if person is None:
        existing = person_exists(pk)
        if existing is not None:
            audit.record_access(
                request.user, existing, channel="web", outcome=audit.DENIED, request=request
            )
        raise Http404("No such person")
    audit.record_access(request.user, person, channel="web", request=request)
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "consents": current_consents(person),
            "can_refer": policies.referrals.teams_to_refer_to(request.user)
            .filter(authority_id=person.authority_id)
            .exists(),
            "can_view_audit": policies.people.can(request.user, "view_audit", person),
        },
    )
