"""``/api/v1/people/{id}/documents``: what documents a person's record holds, as metadata
only. The files themselves are downloaded from the document's page, where each
download is audited; the API never carries them."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from ninja import Router, Schema

from pathways.api.common import person_in_scope
from pathways.api.schemas import Error
from pathways.casework.documents import documents_of_person
from pathways.casework.models import Document
from pathways.core import audit
from pathways.core.types import AuthedRequest

router = Router(tags=["documents"])


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    episode_ref: str | None
    uploaded_by: str
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_episode_ref(obj: Document) -> str | None:
        return obj.episode.episode_ref if obj.episode is not None else None

    @staticmethod
    def resolve_uploaded_by(obj: Document) -> str:
        return obj.uploaded_by.email


@router.get(
    "/{int:person_id}/documents",
    response={200: list[DocumentOut], 401: Error, 404: Error},
    summary="A person's documents (metadata only)",
)
def person_documents(request: AuthedRequest, person_id: int) -> QuerySet[Document]:
    """The documents on the person's record and on their episodes, newest first: kind,
    title, type, size, checksum, who uploaded them and when; not the files. Reading the
    list is audited; a person outside the caller's scope is 404."""
    person = person_in_scope(request, person_id, "documents")
    audit.record_access(request.user, person, channel="api", what="documents", request=request)
    return documents_of_person(request.user, person)
