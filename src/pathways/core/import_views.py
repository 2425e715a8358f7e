"""The admin's upload page: choose a kind, upload a file, check the preview, confirm.

The preview is a dry run. The uploaded bytes wait in the session (database-backed, so
any web process can finish the job) until the admin confirms, when the file is
checked again and imported for real; starting again or confirming removes them.

A file over ``PATHWAYS_IMPORT_MAX_UPLOAD_BYTES`` is refused as it arrives
(``core.uploads``), and only an administrator's upload is read at all.

A confirmed file of more than ``PATHWAYS_IMPORT_BACKGROUND_ROWS`` rows is imported on
the task queue (``core.import_tasks``): the admin is sent to the run's page, which
shows the rows checked so far and refreshes itself (htmx polls its status; without
JavaScript the page reloads), and then how the import ended. Only the admin who
started a run sees its page.
"""

from __future__ import annotations

import base64
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from pathways.core import audit, import_tasks, importing, policies, uploads
from pathways.core.importing.files import estimate_rows
from pathways.core.importing.limits import size
from pathways.core.models import ImportRun, Role
from pathways.core.types import AuthedRequest

PENDING = "pathways_pending_import"
#: The most problems the page lists: a hostile or badly broken file can have a million,
#: and a page that long helps no one (the command line prints them all).
PROBLEMS_SHOWN = 500
#: The rows the preview lists (its counts cover every row).
ROWS_SHOWN = 1000


def _too_large() -> str:
    return (
        f"The selected file must be smaller than {size(settings.PATHWAYS_IMPORT_MAX_UPLOAD_BYTES)}"
    )


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

    def __init__(self, *args: Any, file_refused: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if file_refused:  # the upload was stopped at the limit, so no file arrived
            field = self.fields["file"]
            field.error_messages = {**field.error_messages, "required": _too_large()}

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > settings.PATHWAYS_IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_too_large())
        return upload


def _remit(request: AuthedRequest) -> frozenset[int] | None:
    """Refuse anyone but an admin or a commissioner; return the authorities their
    imports may touch as an admin (None for a superuser: all of them). The kinds a
    commissioner may import check their remit themselves."""
    if not policies.may_import(request.user):
        raise PermissionDenied("Only an administrator or a commissioner can import data.")
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
        rows_kept=ROWS_SHOWN,
    )


def _show_problems(
    request: AuthedRequest, form: UploadForm, outcome: importing.Outcome
) -> HttpResponse:
    """The upload form again, with every problem in the error summary."""
    if outcome.stopped:
        file_error = outcome.stopped[0].upper() + outcome.stopped[1:]
    else:
        file_error = (
            f"{outcome.file_name} has {len(outcome.problems)} errors, so nothing "
            "was imported. Correct the file and upload it again"
        )
    problems = outcome.problem_lines()
    return render(
        request,
        "core/imports/upload.html",
        {
            "form": form,
            "problems": problems[:PROBLEMS_SHOWN],
            "more_problems": max(len(problems) - PROBLEMS_SHOWN, 0),
            "file_error": file_error,
        },
    )


@csrf_exempt  # checked by _receive, once the upload's size limit is in place
@login_required
def upload(request: AuthedRequest) -> HttpResponse:
    remit = _remit(request)  # before the body is read: only an admin's upload is read
    if request.method != "POST":
        request.session.pop(PENDING, None)  # starting again forgets an unconfirmed file
        return render(request, "core/imports/upload.html", {"form": UploadForm()})
    limit = uploads.limit_uploads(request, settings.PATHWAYS_IMPORT_MAX_UPLOAD_BYTES)
    return _receive(request, remit, limit)


@csrf_protect
def _receive(
    request: AuthedRequest, remit: frozenset[int] | None, limit: uploads.SizeLimitedUpload
) -> HttpResponse:
    """Check the posted file (a dry run) and show its preview or its problems."""
    form = UploadForm(request.POST, request.FILES, file_refused=limit.refused)
    if not form.is_valid():
        status = 400 if limit.refused else 200
        return render(request, "core/imports/upload.html", {"form": form}, status=status)
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
    rows = estimate_rows(data, at_most=settings.PATHWAYS_IMPORT_MAX_ROWS)
    if rows is not None and rows > settings.PATHWAYS_IMPORT_BACKGROUND_ROWS:
        run = ImportRun.objects.create(
            kind=kind.name,
            file_name=pending["file_name"],
            sha256=pending["sha256"],
            data=data,
            actor=request.user,
            authority_ids=None if remit is None else sorted(remit),
            remote_addr=audit.client_address(request),
            rows_total=rows,
        )
        request.session.pop(PENDING, None)
        import_tasks.start(run)
        return redirect("imports:run", run_id=run.pk)
    outcome = _run(request, kind, pending["file_name"], data, remit=remit, dry_run=False)
    request.session.pop(PENDING, None)
    if not outcome.ok:
        form = UploadForm(initial={"kind": kind.name})
        return _show_problems(request, form, outcome)
    added = "".join(f"; {line}" for line in outcome.addition_lines())
    messages.success(request, f"{outcome.file_name}: {outcome.summary()}{added}")
    return redirect("imports:upload")


def _own_run(request: AuthedRequest, run_id: Any) -> ImportRun:
    """The run, if the admin asking started it (anyone else is told it is not there)."""
    _remit(request)
    run = ImportRun.objects.filter(pk=run_id, actor=request.user).defer("data").first()
    if run is None:
        raise Http404("No such import")
    return run


@login_required
def run_page(request: AuthedRequest, run_id: Any) -> HttpResponse:
    """A queued import: the rows checked so far, then how it ended."""
    run = _own_run(request, run_id)
    template = (
        "core/imports/run_status.html"
        if request.headers.get("HX-Request")
        else "core/imports/run.html"
    )
    progress = importing.Progress(run.rows_checked, run.rows_total)
    context = {"run": run, "more_problems": _more(run), "progress_text": progress.text()}
    return render(request, template, context)


def _more(run: ImportRun) -> int:
    return max(run.problem_count - len(run.problems), 0)
