"""Page pieces for forms about a person, used by every app whose pages change a part
of the person's record (their details, circle of support, consent, vocational profile)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from pathways.core import audit
from pathways.core.pages import attempt
from pathways.core.types import AuthedRequest
from pathways.people.models import Person
from pathways.people.policy import person_policy


def person_to_change(request: AuthedRequest, pk: int, what: str) -> Person:
    """The person, if the user may change their record: 404 when the user may not see
    it, 403 when they may see it but not change it (both audited as refused). Showing
    the form is a read of the record, and audited as one."""
    person = person_policy.fetch_or_refuse(
        request.user, pk, channel="web", what=what, request=request
    )
    person_policy.require(
        request.user,
        "change",
        person,
        refusal="Your role does not include changing people's records.",
        channel="web",
        what=what,
        request=request,
    )
    if request.method != "POST":
        audit.record_access(request.user, person, channel="web", what=what, request=request)
    return person


def person_form_page(
    request: AuthedRequest,
    person: Person,
    form: forms.Form,
    template: str,
    save: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """A form about a person: when it is posted, ``save`` its cleaned data through a
    service and return to the person page with the banner ``save`` returns; otherwise
    the form again (400 with what was wrong, 409 if someone else saved first)."""
    status = 200
    conflict = False
    if request.method == "POST":
        outcome = attempt(form, save)
        if outcome.done:
            messages.success(request, str(outcome.result))
            return redirect("person", person.pk)
        status, conflict = outcome.status, outcome.conflict
    return render(
        request, template, {"person": person, "form": form, "conflict": conflict}, status=status
    )
