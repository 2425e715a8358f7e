"""Person pages. Every read of a record is audited, allowed or refused.

The pages that change a record are thin: parse the form, call ``people.services``,
redirect to the person page with a banner, or show the form again with what was wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from pathways.core import audit, policies
from pathways.core.errors import ConcurrentEdit
from pathways.core.forms import add_service_errors
from pathways.core.types import AuthedRequest
from pathways.employment.selectors import placements_of_person
from pathways.people import services
from pathways.people.forms import ConsentForm, ContactForm, PersonForm, SearchForm
from pathways.people.models import Person
from pathways.people.selectors import (
    consent_history,
    current_consents,
    get_person,
    get_person_record,
    openable_episode_ids,
    person_exists,
    search_people,
)

PAGE_SIZE = 50


def _refuse_unseen(request: AuthedRequest, pk: int, what: str) -> Http404:
    """Audit a refused read of a record the user may not see; the answer is a 404."""
    audit.record_refused_read(
        request.user, person_exists(pk), channel="web", what=what, request=request
    )
    return Http404("No such person")


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
        raise _refuse_unseen(request, pk, "person record")
    audit.record_access(request.user, person, channel="web", request=request)
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "consents": current_consents(person),
            "consent_history": consent_history(person),
            "can_refer": policies.referrals.teams_to_refer_to(request.user)
            .filter(authority_id=person.authority_id)
            .exists(),
            "can_change": policies.people.can(request.user, "change", person),
            "can_view_audit": policies.people.can(request.user, "view_audit", person),
            "openable_episodes": openable_episode_ids(request.user, person),
            "placements": list(placements_of_person(request.user, person.pk)),
            "may_record_job": _works_with(request, person),
        },
    )


def _works_with(request: AuthedRequest, person: Person) -> bool:
    """Whether the user may record the person's work (a job start)."""
    scope = policies.scope_of(request.user)
    return scope.is_superuser or policies.works_with_person(scope, request.user, person.pk)


def _person_to_change(request: AuthedRequest, pk: int, what: str) -> Person:
    """The person, if the user may change their record: 404 when the user may not see
    it, 403 when they may see it but not change it (both audited as refused). Showing
    the form is a read of the record, and audited as one."""
    person = get_person_record(request.user, pk)
    if person is None:
        raise _refuse_unseen(request, pk, what)
    if not policies.people.can(request.user, "change", person):
        audit.record_access(
            request.user,
            person,
            channel="web",
            outcome=audit.DENIED,
            what=f"{what} (may read, not change)",
            request=request,
        )
        raise PermissionDenied("Your role does not include changing people's records.")
    if request.method != "POST":
        audit.record_access(request.user, person, channel="web", what=what, request=request)
    return person


def _posted(request: AuthedRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _form_page(
    request: AuthedRequest,
    person: Person,
    form: forms.Form,
    template: str,
    save: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """Show ``form``; when it is posted and valid, ``save`` its cleaned data through a
    service and return to the person page with the banner ``save`` returns. A refusal
    shows the form again: 400 with what was wrong, 409 if someone else saved first."""
    status, conflict = 200, False
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                banner = save(form.cleaned_data)
            except ConcurrentEdit as exc:
                form.add_error(None, exc.message)
                status = 409
                conflict = True
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, banner)
                return redirect("people:detail", person.pk)
    return render(
        request, template, {"person": person, "form": form, "conflict": conflict}, status=status
    )


@login_required
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    person = _person_to_change(request, pk, "person record: edit details")
    form = PersonForm(_posted(request), person=person)

    def save(data: dict[str, Any]) -> str:
        saved = services.update_person(
            request.user, person, expected_version=data["version"], **form.person_fields()
        )
        return f"Details saved for {saved.full_name}."

    return _form_page(request, person, form, "people/edit.html", save)


@login_required
def add_contact(request: AuthedRequest, pk: int) -> HttpResponse:
    person = _person_to_change(request, pk, "person record: add a contact")

    def save(data: dict[str, Any]) -> str:
        contact = services.add_contact(request.user, person, **data)
        return f"{contact.name} added to {person.full_name}'s circle of support."

    return _form_page(
        request, person, ContactForm(_posted(request)), "people/contact_new.html", save
    )


@login_required
def record_consent(request: AuthedRequest, pk: int) -> HttpResponse:
    person = _person_to_change(request, pk, "person record: record consent")

    def save(data: dict[str, Any]) -> str:
        consent = services.record_consent(request.user, person, **data)
        return (
            f"Consent recorded for {person.full_name}: "
            f"{consent.get_scope_display()} – {'yes' if consent.given else 'no'}."
        )

    return _form_page(
        request, person, ConsentForm(_posted(request)), "people/consent_new.html", save
    )
