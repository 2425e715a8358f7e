"""Refusing an uploaded file that is too large while it arrives, not after.

Django receives a whole multipart body (into memory, then a temporary file) before a
form can look at a file's size, so a form's ``clean_file`` limit costs the worker the
whole upload first, and Django has no per-view limit on files
(``DATA_UPLOAD_MAX_MEMORY_SIZE`` counts only the other fields, and is kept at its
default). :class:`SizeLimitedUpload` is our own upload handler for that: it stops
receiving at the limit, and a page asks it whether it did (:func:`limit_uploads`).
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

#: What a multipart body may hold besides the file: the CSRF token, the other fields and
#: the boundaries between them. A body declared longer than the limit and this is
#: refused without reading the file at all.
FORM_ALLOWANCE = 64 * 1024

#: A body declared longer than this many times the limit is left unread. A shorter one
#: is read to its end and discarded, so that the browser, which is still sending it,
#: reliably shows the answer (some servers reset a connection whose request they did
#: not read, and the browser then shows a network error instead of the page).
UNREAD_FACTOR = 4


class SizeLimitedUpload(FileUploadHandler):
    """Stop an upload at ``limit`` bytes, and remember that it was refused.

    It runs before Django's own handlers and passes every chunk on to them, so a file
    within the limit is stored as usual. Two checks:

    - the body's declared length (``Content-Length``), when it exceeds the limit and
      the form's allowance: the fields before the file (the CSRF token, the kind) are
      still read, so the page can answer, but the file is not kept; a body far over
      the limit (``UNREAD_FACTOR``) is left unread (``connection_reset``), so a worker
      never spends its time receiving a gigabyte it will refuse;
    - the bytes of each file as they stream in, for a body that declares less: at
      the limit it stops storing them and discards the little that is left.
    """

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.declared_too_large = False
        self.declared_far_too_large = False
        self.refused = False

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        self.declared_too_large = content_length > self.limit + FORM_ALLOWANCE
        self.declared_far_too_large = content_length > self.limit * UNREAD_FACTOR
        return None  # Django parses the body; new_file refuses the file

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.declared_too_large:
            self.refused = True
            raise StopUpload(connection_reset=self.declared_far_too_large)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.refused = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file


def limit_uploads(request: HttpRequest, limit: int) -> SizeLimitedUpload:
    """Put a :class:`SizeLimitedUpload` first for this request, before its body is read.

    A view that calls this must be ``csrf_exempt`` and check CSRF itself afterwards
    (``csrf_protect`` on the code that reads the form): the CSRF middleware reads the
    body before the view runs, too early to change the handlers (Django's documented
    way to change them for one view).
    """
    handler = SizeLimitedUpload(request, limit)
    request.upload_handlers.insert(0, handler)
    return handler
