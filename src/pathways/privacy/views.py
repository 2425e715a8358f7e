"""The data protection officer's pages: the subject access queue, logging a request,
the request with its readable document and archive, and completing it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pathways.core.pages import act, attempt, posted
from pathways.core.types import AuthedRequest
from pathways.privacy import subject_access
from pathways.privacy.forms import LogRequestForm
from pathways.privacy.models import SubjectAccessProduction, SubjectAccessRequest
from pathways.privacy.policy import DATA_PROTECTION, SUBJECT_ACCESS, subject_access_policy
from pathways.privacy.selectors import (
    open_requests,
    people_by_reference,
    productions_of,
    request_rows,
)
from pathways.privacy.work import data_protection_work


def _fetch(request: AuthedRequest, pk: int, what: str) -> SubjectAccessRequest:
    return subject_access_policy.fetch_or_refuse(
        request.user, pk, rows=request_rows(), channel="web", what=what, request=request
    )


@login_required
def queue(request: AuthedRequest) -> HttpResponse:
    SUBJECT_ACCESS.require(request.user)
    today = timezone.localdate()
    rows = [
        {
            "sar": sar,
            "days_left": sar.days_left(today),
            "days_overdue": -sar.days_left(today),
            "overdue": sar.is_overdue(today),
        }
        for sar in open_requests(request.user)
    ]
    return render(request, "privacy/subject_access_queue.html", {"rows": rows})


@login_required
def log_request(request: AuthedRequest) -> HttpResponse:
    SUBJECT_ACCESS.require(request.user)
    form = LogRequestForm(posted(request))
    user = request.user

    def perform(data: dict) -> SubjectAccessRequest:
        ref = data["person_ref"].strip()
        found = people_by_reference(user, ref)
        if len(found) != 1:
            raise ValidationError(
                {
                    "person_ref": f"No person in your authority has the reference {ref}"
                    if not found
                    else f"More than one of your authorities has a person with the reference {ref}"
                }
            )
        person = found[0]
        return subject_access.log_subject_access_request(
            user,
            person,
            received_on=data["received_on"],
            requested_by=data["requested_by"],
            received_how=data["received_how"],
            note=data["note"],
            request=request,
        )

    if request.method == "POST":
        done = attempt(form, perform)
        if done.done and done.result is not None:
            return redirect("privacy:subject-access-request", done.result.pk)
        return render(request, "privacy/subject_access_log.html", {"form": form}, status=400)
    return render(request, "privacy/subject_access_log.html", {"form": form})


@login_required
def request_page(request: AuthedRequest, pk: int) -> HttpResponse:
    sar = _fetch(request, pk, "subject access request")
    today = timezone.localdate()
    return render(
        request,
        "privacy/subject_access_request.html",
        {
            "sar": sar,
            "person": sar.person,
            "days_left": sar.days_left(today),
            "overdue": sar.is_overdue(today),
            "productions": productions_of(sar),
        },
    )


@login_required
def document(request: AuthedRequest, pk: int) -> HttpResponse:
    """Everything held about the person, readable and printable: a read, audited."""
    sar = _fetch(request, pk, "subject access document")
    gathered = subject_access.produce(
        request.user,
        sar,
        form=SubjectAccessProduction.Form.DOCUMENT,
        channel="web",
        request=request,
    )
    return render(
        request,
        "privacy/subject_access_document.html",
        {"sar": sar, "person": sar.person, "gathered": gathered},
    )


@login_required
def archive(request: AuthedRequest, pk: int) -> HttpResponse:
    """Everything held about the person as a ZIP of JSON files: an export, audited."""
    sar = _fetch(request, pk, "subject access archive")
    gathered = subject_access.produce(
        request.user,
        sar,
        form=SubjectAccessProduction.Form.ARCHIVE,
        channel="export",
        request=request,
    )
    response = HttpResponse(
        subject_access.archive_bytes(gathered, sar), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{subject_access.archive_name(sar)}"'
    return response


@login_required
@require_POST
def complete(request: AuthedRequest, pk: int) -> HttpResponse:
    sar = _fetch(request, pk, "subject access request")
    act(
        request,
        lambda: subject_access.complete_subject_access_request(request.user, sar, request=request),
        done=f"Subject access request {sar.reference} is completed.",
    )
    return redirect(reverse("privacy:subject-access-request", args=[sar.pk]))


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The data protection officer's home: what waits for them, with a link to each."""
    DATA_PROTECTION.require(request.user)
    work = data_protection_work(request.user, timezone.localdate())
    return render(request, "privacy/home.html", {"work": work})
