"""The document pages: upload to a person's record or to an episode, download, delete.

Thin, as everywhere: the record is fetched through its policy (404, audited, for
anyone who may not see it), the right to upload is checked before the upload is read,
the file is refused as it streams in once past ``PATHWAYS_DOCUMENT_MAX_BYTES``
(``core.uploads``), and ``casework.documents`` checks and keeps it. A download is a
file sent as an attachment, with its detected type, ``nosniff`` and a sandboxing
Content-Security-Policy, so a browser never runs or shows it as part of this site.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from pathways.casework import documents
from pathways.casework.document_forms import ACCEPT, DeleteDocumentForm, DocumentForm
from pathways.casework.models import Document, Episode
from pathways.casework.policy import document_policy, episode_policy
from pathways.core import audit, uploads
from pathways.core.errors import PermissionDenied
from pathways.core.files import BY_CONTENT_TYPE, TEXT, download_name, size_text
from pathways.core.pages import attempt, posted
from pathways.core.types import AuthedRequest
from pathways.people.models import Person
from pathways.people.policy import person_policy

#: A downloaded file is a document of its own that may do nothing: no scripts, no
#: plugins, no forms, no loads from anywhere.
DOWNLOAD_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"


def _person_or_404(request: AuthedRequest, pk: int) -> Person:
    return person_policy.fetch_or_refuse(
        request.user,
        pk,
        rows=Person.objects.select_related("authority"),
        channel="web",
        what="documents: upload",
        request=request,
    )


def _episode_or_404(request: AuthedRequest, pk: int) -> Episode:
    return episode_policy.fetch_or_refuse(
        request.user,
        pk,
        rows=Episode.objects.select_related("person", "person__authority", "team"),
        channel="web",
        what=lambda e: f"episode {e.episode_ref}: upload a document",
        request=request,
    )


def _document_or_404(request: AuthedRequest, pk: int, doing: str) -> Document:
    return document_policy.fetch_or_refuse(
        request.user,
        pk,
        rows=documents.document_rows(),
        channel="web",
        what=lambda d: f"document {d.pk}: {doing}",
        request=request,
    )


def _back(person: Person, episode: Episode | None) -> str:
    if episode is not None:
        return reverse("casework:episode", args=[episode.pk]) + "#documents"
    return reverse("person", args=[person.pk]) + "#documents"


def _refuse_upload(request: AuthedRequest, person: Person, what: str) -> None:
    audit.record_access(
        request.user,
        person,
        channel="web",
        outcome=audit.DENIED,
        what=f"{what} (not upload)",
        request=request,
    )
    raise PermissionDenied(documents.UPLOAD_REFUSAL)


@csrf_exempt  # checked by _receive, once the upload's size limit is in place
@login_required
def upload_to_person(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a document to the person's record as a whole."""
    person = _person_or_404(request, pk)
    if not documents.may_upload_to_person(request.user, person):
        _refuse_upload(request, person, "documents")
    return _upload_page(request, person, None)


@csrf_exempt  # checked by _receive, once the upload's size limit is in place
@login_required
def upload_to_episode(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a document to one episode of support."""
    episode = _episode_or_404(request, pk)
    if not episode.is_open and documents.may_upload_to_person(request.user, episode.person):
        raise PermissionDenied(
            f"Episode {episode.episode_ref} is closed and takes no more documents. "
            "Add the document to the person's record instead."
        )
    if not documents.may_upload_to_episode(request.user, episode):
        _refuse_upload(request, episode.person, f"episode {episode.episode_ref}: documents")
    return _upload_page(request, episode.person, episode)


def _upload_page(request: AuthedRequest, person: Person, episode: Episode | None) -> HttpResponse:
    if request.method != "POST":
        audit.record_access(
            request.user,
            person,
            channel="web",
            what=(f"episode {episode.episode_ref}: " if episode else "") + "upload a document",
            request=request,
        )
        return _render_upload(request, person, episode, DocumentForm())
    limit = uploads.limit_uploads(request, settings.PATHWAYS_DOCUMENT_MAX_BYTES)
    return _receive(request, person, episode, limit)


@csrf_protect
def _receive(
    request: AuthedRequest,
    person: Person,
    episode: Episode | None,
    limit: uploads.SizeLimitedUpload,
) -> HttpResponse:
    data, uploaded = request.POST, request.FILES  # reads the body: the limit applies
    refused = limit.limit if limit.refused else None
    form = DocumentForm(data, uploaded, refused_limit=refused)

    def perform(data: dict[str, Any]) -> Document:
        upload = data["file"]
        return documents.upload_document(
            request.user,
            person,
            file=upload,
            name=upload.name or "",
            kind=data["kind"],
            title=data["title"],
            episode=episode,
            request=request,
        )

    outcome = attempt(form, perform)
    if outcome.result is not None:
        document = outcome.result
        messages.success(request, f"{document.title} added ({document.type_label}).")
        return redirect(_back(person, episode))
    return _render_upload(request, person, episode, form, status=400)


def _render_upload(
    request: AuthedRequest,
    person: Person,
    episode: Episode | None,
    form: DocumentForm,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "casework/document_upload.html",
        {
            "person": person,
            "episode": episode,
            "form": form,
            "accept": ACCEPT,
            "back": _back(person, episode),
            "max_size": size_text(settings.PATHWAYS_DOCUMENT_MAX_BYTES),
        },
        status=status,
    )


@login_required
def download(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """The file, to those who may see the person; the download is on their trail."""
    document = _document_or_404(request, pk, "download")
    kind = BY_CONTENT_TYPE.get(document.content_type, TEXT)
    response = FileResponse(
        documents.open_for_download(request.user, document, request=request),
        as_attachment=True,
        filename=download_name(document.original_name, kind),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    return response


@login_required
def delete(request: AuthedRequest, pk: int) -> HttpResponse:
    """Confirm, with a reason, that a document goes (its uploader or a team manager)."""
    document = _document_or_404(request, pk, "delete")
    document_policy.require(
        request.user,
        "delete",
        document,
        refusal=documents.DELETE_REFUSAL,
        channel="web",
        what=f"document {document.pk}: delete",
        request=request,
    )
    form = DeleteDocumentForm(posted(request))
    status = 200
    if request.method == "POST":
        outcome = attempt(
            form,
            lambda data: documents.delete_document(
                request.user, document, reason=data["reason"], request=request
            ),
        )
        if outcome.done:
            messages.success(request, f"{document.title} deleted.")
            return redirect(_back(document.person, document.episode))
        status = outcome.status
    else:
        audit.record_access(
            request.user,
            document.person,
            channel="web",
            what=f"document {document.pk}: delete",
            request=request,
        )
    return render(
        request,
        "casework/document_delete.html",
        {
            "document": document,
            "person": document.person,
            "form": form,
            "back": _back(document.person, document.episode),
        },
        status=status,
    )
