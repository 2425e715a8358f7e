"""The admin's upload page: choose a kind, upload a file, check the preview, confirm.

The preview is a dry run. The uploaded bytes wait in the session (database-backed, so
any web process can finish the job) until the admin confirms, when the file is
checked again and imported for real; starting again or confirming removes them.
"""

from __future__ import annotations

import base64

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pathways.core import audit, importing, policies
from pathways.core.models import Role
from pathways.core.types import AuthedRequest

PENDING = "pathways_pending_import"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def _kind_choices() -> list[tuple[str, str]]:
    return [(k.name, f"{k.title}: {k.summary.lower()}") for k in importing.kinds().values()]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is in the file?",
        choices=_kind_choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what is in the file"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file saved as UTF-8, or an Excel workbook (.xlsx)",
        error_messages={
            "required": "Select a CSV or XLSX file",
            "empty": "The selected file is empty",
        },
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 10 MB")
        return upload


def _remit(request: AuthedRequest) -> frozenset[int] | None:
    """Refuse anyone but an admin; return the authorities their imports may touch
    (None for a superuser: all of them)."""
    if not policies.may_import(request.user):
        raise PermissionDenied("Only an administrator can import data.")
    scope = policies.scope_of(request.user)
    return None if scope.is_superuser else scope.authorities_for(Role.ADMIN)


def _run(
    request: AuthedRequest,
    kind: importing.Kind,
    name: str,
    data: bytes,
    *,
    remit: frozenset[int] | None,
    dry_run: bool,
) -> importing.Outcome:
    return importing.run_import(
        kind,
        name,
        data,
        actor=request.user,
        dry_run=dry_run,
        channel="web",
        authority_ids=remit,
        remote_addr=audit.client_address(request),
    )


def _show_problems(
    request: AuthedRequest, form: UploadForm, outcome: importing.Outcome
) -> HttpResponse:
    """The upload form again, with every problem in the error summary."""
    return render(
        request,
        "core/imports/upload.html",
        {
            "form": form,
            "problems": outcome.problem_lines(),
            "file_error": f"{outcome.file_name} has {len(outcome.problems)} errors, so nothing "
            "was imported. Correct the file and upload it again",
        },
    )


@login_required
def upload(request: AuthedRequest) -> HttpResponse:
    remit = _remit(request)
    if request.method != "POST":
        request.session.pop(PENDING, None)  # starting again forgets an unconfirmed file
        return render(request, "core/imports/upload.html", {"form": UploadForm()})
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "core/imports/upload.html", {"form": form})
    kind = importing.kinds()[form.cleaned_data["kind"]]
    uploaded = form.cleaned_data["file"]
    data = uploaded.read()
    outcome = _run(request, kind, uploaded.name, data, remit=remit, dry_run=True)
    if not outcome.ok:
        request.session.pop(PENDING, None)
        return _show_problems(request, form, outcome)
    request.session[PENDING] = {
        "kind": kind.name,
        "file_name": uploaded.name,
        "sha256": outcome.sha256,
        "data": base64.b64encode(data).decode("ascii"),
    }
    return render(request, "core/imports/preview.html", {"outcome": outcome})


@login_required
@require_POST
def confirm(request: AuthedRequest) -> HttpResponse:
    remit = _remit(request)
    pending = request.session.get(PENDING)
    if not pending or pending["sha256"] != request.POST.get("sha256"):
        messages.info(request, "That file is no longer waiting to be imported: upload it again.")
        return redirect("imports:upload")
    kind = importing.kinds()[pending["kind"]]
    data = base64.b64decode(pending["data"])
    outcome = _run(request, kind, pending["file_name"], data, remit=remit, dry_run=False)
    request.session.pop(PENDING, None)
    if not outcome.ok:
        form = UploadForm(initial={"kind": kind.name})
        return _show_problems(request, form, outcome)
    messages.success(request, f"{outcome.file_name}: {outcome.summary()}")
    return redirect("imports:upload")
