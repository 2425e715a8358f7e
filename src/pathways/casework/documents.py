"""Documents attached to a person or to one of their episodes: upload, list, download,
delete (decision 0040).

Uploading needs the right to work with the person (``policy.may_work_with``), or with
the episode (``episode_policy`` "work", on an open episode); the file must pass
``core.files.detect`` (its type by its bytes, its size under
``PATHWAYS_DOCUMENT_MAX_BYTES``). Reading needs the person's record
(``document_policy``); each download is on the person's audit trail. Deleting needs
the uploader or a team manager (``document_policy`` "delete") and a reason, which the
trail keeps with the deletion; the file goes from the disk once the row has gone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet

from pathways.casework.models import Document, DocumentKind, Episode
from pathways.casework.policy import (
    document_policy,
    episode_policy,
    may_delete_document,
    may_work_with,
    works_with_person,
)
from pathways.casework.services import _lock_open
from pathways.core import audit
from pathways.core.errors import PermissionDenied
from pathways.core.files import detect, display_name
from pathways.core.models import User
from pathways.core.policies import scope_of
from pathways.people.models import Person

log = logging.getLogger(__name__)

UPLOAD_REFUSAL = "Only the person's worker or their team can add documents to this record."
DELETE_REFUSAL = "Only the person who uploaded this document or a team manager can delete it."
TITLE_LENGTH = Document._meta.get_field("title").max_length or 200


def _what(document: Document, doing: str) -> str:
    return f"document {document.pk} ({document.get_kind_display()}): {doing}"


# --- selectors -----------------------------------------------------------------------


def document_rows() -> QuerySet[Document]:
    """Documents with what their lists and downloads show (unscoped: the policy scopes
    it)."""
    return Document.objects.select_related("person", "episode", "uploaded_by")


def documents_of_person(user: Any, person: Person) -> QuerySet[Document]:
    """The person's documents, on their record and on each episode, newest first, in
    one query (none when the user may not see the person)."""
    return document_policy.visible(user, document_rows().filter(person=person)).order_by(
        "-uploaded_at", "-id"
    )


def documents_of_episode(user: Any, episode: Episode) -> QuerySet[Document]:
    return document_policy.visible(user, document_rows().filter(episode=episode)).order_by(
        "-uploaded_at", "-id"
    )


def deletable(user: Any, documents: list[Document]) -> set[int]:
    """Which of one person's ``documents`` the user may delete (their own uploads, or all
    of them for a team manager working with the person): at most two queries."""
    if not documents:
        return set()
    scope = scope_of(user)
    if scope.is_superuser:
        return {d.pk for d in documents}
    first = documents[0]
    if not works_with_person(scope, user, first.person_id):
        return set()
    if may_delete_document(scope, user, Document(person_id=first.person_id, uploaded_by_id=0)):
        return {d.pk for d in documents}
    return {d.pk for d in documents if d.uploaded_by_id == user.pk}


def may_upload_to_person(user: Any, person: Person) -> bool:
    return may_work_with(user, person.pk)


def may_upload_to_episode(user: Any, episode: Episode) -> bool:
    return episode.is_open and episode_policy.can(user, "work", episode)


# --- services ------------------------------------------------------------------------


def _checked_title(title: str, kind: str) -> str:
    errors: dict[str, str] = {}
    if kind not in DocumentKind.values:
        errors["kind"] = "Select what kind of document it is"
    title = (title or "").strip()
    if not title:
        errors["title"] = "Enter a title, for example CV, March 2026"
    elif len(title) > TITLE_LENGTH:
        errors["title"] = f"The title must be {TITLE_LENGTH} characters or fewer"
    if errors:
        raise ValidationError(errors)
    return title


def upload_document(
    user: User,
    person: Person,
    *,
    file: IO[bytes],
    name: str,
    kind: str,
    title: str,
    episode: Episode | None = None,
    channel: str = "web",
    request: Any = None,
) -> Document:
    """Keep ``file`` on ``person``'s record (and ``episode``'s, when given), after
    checking who is asking and what the file really is. The file is written first and
    removed again if the row cannot be saved, so no file is left without its row."""
    if episode is not None:
        if episode.person_id != person.pk:
            raise ValidationError({"episode": "That episode is not this person's"})
        episode_policy.require(
            user, "work", episode, refusal=UPLOAD_REFUSAL, channel=channel, request=request
        )
    elif not may_work_with(user, person.pk):
        audit.record_access(
            user,
            person,
            channel=channel,
            outcome=audit.DENIED,
            what="documents (not upload)",
            request=request,
        )
        raise PermissionDenied(UPLOAD_REFUSAL)
    title = _checked_title(title, kind)
    detected = detect(file, name=name)
    document = Document(
        person=person,
        episode=episode,
        kind=kind,
        title=title,
        original_name=display_name(name, length=120),
        content_type=detected.type.content_type,
        size=detected.size,
        sha256=detected.sha256,
        uploaded_by=user,
    )
    document.file.save("upload", File(file), save=False)
    stored = document.file.name or ""
    try:
        with transaction.atomic():
            if episode is not None:
                _lock_open(episode)  # a closed episode takes no more documents
            document.save()
    except BaseException:
        document.file.storage.delete(stored)
        raise
    return document


def delete_document(
    user: User,
    document: Document,
    *,
    reason: str,
    channel: str = "web",
    request: Any = None,
) -> None:
    """Delete a document and its file, keeping why on the person's trail (the
    deletion's entry carries the reason)."""
    document_policy.require(
        user,
        "delete",
        document,
        refusal=DELETE_REFUSAL,
        channel=channel,
        what=_what(document, "delete"),
        request=request,
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the document is being deleted"})
    name = document.file.name or ""
    with transaction.atomic():
        document.deletion_reason = reason  # type: ignore[attr-defined]  # for the trail
        document.delete()
        transaction.on_commit(lambda: remove_files([name]))


def remove_files(names: Iterable[str]) -> None:
    """Delete stored files (after the rows that named them are gone); a file already
    missing is no error."""
    storage = Document._meta.get_field("file").storage  # type: ignore[attr-defined]
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except OSError:  # pragma: no cover - a disk error: logged, the row is gone anyway
            log.exception("Could not delete document file %s", name)


def open_for_download(
    user: User, document: Document, *, channel: str = "web", request: Any = None
) -> IO[bytes]:
    """The document's file, opened, with the download on the person's trail (the caller
    has fetched the document through ``document_policy``)."""
    audit.record_access(
        user,
        document.person,
        channel=channel,
        what=_what(document, "download"),
        request=request,
    )
    return document.file.open("rb")
