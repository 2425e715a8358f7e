"""Person pages. Every read of a record is audited, allowed or refused.

The pages that change a record are thin: parse the form, call ``people.services``,
redirect to the person page with a banner, or show the form again with what was wrong.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from pathways.core.pages import paged, posted
from pathways.core.types import AuthedRequest
from pathways.core.unusual import confirmed_in
from pathways.people import services
from pathways.people.forms import ConsentForm, ContactForm, PersonForm, SearchForm
from pathways.people.pages import person_form_page, person_to_change
from pathways.people.selectors import search_people

PAGE_SIZE = 50


@login_required
def search(request: AuthedRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = paged(request, search_people(request.user, query), PAGE_SIZE) if query else None
    return render(
        request,
        "people/search.html",
        {
            "form": form,
            "results": found.page.object_list if found else [],
            "paged": found,
            "query": query,
        },
    )


@login_required
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    person = person_to_change(request, pk, "person record: edit details")
    form = PersonForm(posted(request), person=person)

    def save(data: dict[str, Any]) -> str:
        saved = services.update_person(
            request.user,
            person,
            expected_version=data["version"],
            confirmed=confirmed_in(data),
            **form.person_fields(),
        )
        return f"Details saved for {saved.full_name}."

    return person_form_page(request, person, form, "people/edit.html", save)


@login_required
def add_contact(request: AuthedRequest, pk: int) -> HttpResponse:
    person = person_to_change(request, pk, "person record: add a contact")

    def save(data: dict[str, Any]) -> str:
        contact = services.add_contact(request.user, person, **data)
        return f"{contact.name} added to {person.full_name}'s circle of support."

    return person_form_page(
        request, person, ContactForm(posted(request)), "people/contact_new.html", save
    )


@login_required
def record_consent(request: AuthedRequest, pk: int) -> HttpResponse:
    person = person_to_change(request, pk, "person record: record consent")

    def save(data: dict[str, Any]) -> str:
        consent = services.record_consent(request.user, person, **data)
        return (
            f"Consent recorded for {person.full_name}: "
            f"{consent.get_scope_display()} – {'yes' if consent.given else 'no'}."
        )

    return person_form_page(
        request, person, ConsentForm(posted(request)), "people/consent_new.html", save
    )
