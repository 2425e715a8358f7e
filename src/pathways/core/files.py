"""Files people upload to a record: what they really are, and where they are kept.

**What a file is** is decided by its bytes, never by its name (``detect``): PDF, PNG and
JPEG by their magic numbers (``filetype``); Word (DOCX), spreadsheet (XLSX) and
OpenDocument text (ODT) files are zip archives, recognised by the part that names their
type (``[Content_Types].xml``, or ``mimetype``), read through ``zipfile`` with bounds
(entries counted from the archive's end record before anything is parsed, that one part
read to at most ``ZIP_MEMBER_LIMIT`` bytes, nothing else unpacked); plain text is UTF-8
with no NUL character. Anything else is refused, whatever it is called, and so is a
file whose name claims another of these types than its bytes (a text file called
``cv.pdf``).

**Where files are kept** (``PrivateStorage``): in ``PATHWAYS_DOCUMENTS_DIR``, outside
the static files and under no URL (``url()`` refuses), with random names; a page serves
a file only after its policy says yes.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import struct
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

#: What a refused file is told, on the field ``file``.
NOT_ALLOWED = "This file is not a PDF, Word, spreadsheet, picture or text file. It was not saved."
EMPTY = "The selected file is empty. It was not saved."

#: Bytes read from the start of a file to recognise it.
HEAD = 8192
#: The most entries a zip-based document may hold (a Word file has a few dozen).
ZIP_MAX_ENTRIES = 2000
#: The most bytes read from the one part of a zip that names its type.
ZIP_MEMBER_LIMIT = 256 * 1024


@dataclass(frozen=True)
class FileType:
    """A kind of file we keep: how it is served and what its name may end in."""

    key: str
    label: str
    content_type: str
    extensions: tuple[str, ...]
    #: How a sentence names one: "a PDF", "an Excel spreadsheet".
    noun: str = ""

    @property
    def extension(self) -> str:
        return self.extensions[0]


PDF = FileType("pdf", "PDF", "application/pdf", (".pdf",), "a PDF")
PNG = FileType("png", "PNG picture", "image/png", (".png",), "a PNG picture")
JPEG = FileType("jpeg", "JPEG picture", "image/jpeg", (".jpg", ".jpeg"), "a JPEG picture")
DOCX = FileType(
    "docx",
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
    "a Word document",
)
XLSX = FileType(
    "xlsx",
    "Excel spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
    "an Excel spreadsheet",
)
ODT = FileType(
    "odt",
    "OpenDocument text",
    "application/vnd.oasis.opendocument.text",
    (".odt",),
    "an OpenDocument text file",
)
TEXT = FileType(
    "text", "Text file", "text/plain; charset=utf-8", (".txt", ".text", ".csv"), "a text file"
)

TYPES = (PDF, PNG, JPEG, DOCX, XLSX, ODT, TEXT)
BY_CONTENT_TYPE = {t.content_type: t for t in TYPES}
_BY_MAGIC = {"application/pdf": PDF, "image/png": PNG, "image/jpeg": JPEG}
#: The main part of a Word or Excel file, as ``[Content_Types].xml`` names it (macro-
#: enabled .docm and .xlsm files have other names, and are refused).
_OOXML_MAIN = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}


@dataclass(frozen=True)
class Detected:
    """A file that passed: its type, size in bytes and SHA-256 (hex)."""

    type: FileType
    size: int
    sha256: str


def _refuse(message: str = NOT_ALLOWED) -> ValidationError:
    return ValidationError({"file": message})


def _chunks(file: IO[bytes], size: int = 64 * 1024) -> Iterable[bytes]:
    file.seek(0)
    while chunk := file.read(size):
        yield chunk


def detect(file: IO[bytes], *, name: str = "", limit: int | None = None) -> Detected:
    """What ``file`` (open, binary, seekable) really is, or ``ValidationError`` on
    ``file`` saying why it is refused. ``limit`` (bytes; ``PATHWAYS_DOCUMENT_MAX_BYTES``
    by default) is checked on the size before anything is read."""
    limit = settings.PATHWAYS_DOCUMENT_MAX_BYTES if limit is None else limit
    file.seek(0, os.SEEK_END)
    size = file.tell()
    if size > limit:
        raise _refuse(too_large(limit))
    if size == 0:
        raise _refuse(EMPTY)
    file.seek(0)
    head = file.read(HEAD)
    found = _kind_of(file, head)
    if found is None:
        raise _refuse()
    claimed = claimed_type(name)
    if claimed is not None and claimed != found:
        raise _refuse(
            f"This file is called {display_name(name)}, but it is not {claimed.noun}: "
            f"it is {found.noun}. It was not saved. Choose the right file, "
            "or rename it to match what it is."
        )
    digest = hashlib.sha256()
    for chunk in _chunks(file):
        digest.update(chunk)
    file.seek(0)
    return Detected(found, size, digest.hexdigest())


def too_large(limit: int) -> str:
    return f"The selected file must be smaller than {size_text(limit)}. It was not saved."


def size_text(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):g} MB"
    return f"{max(count // 1024, 1)} KB"


def _kind_of(file: IO[bytes], head: bytes) -> FileType | None:
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(file)
    magic = filetype.guess_mime(head)
    if magic is not None:
        return _BY_MAGIC.get(magic)
    return TEXT if _is_text(file) else None


def _is_text(file: IO[bytes]) -> bool:
    """UTF-8 all through, with no NUL (read in chunks; the size is already bounded)."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        for chunk in _chunks(file):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _zip_entries(file: IO[bytes]) -> int | None:
    """How many entries a zip archive declares, from its end-of-central-directory
    record (the last 22 bytes, or up to 64 KB earlier when it has a comment), without
    reading its directory; None when there is no such record."""
    file.seek(0, os.SEEK_END)
    size = file.tell()
    back = min(size, 22 + 65535)
    file.seek(size - back)
    tail = file.read(back)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    (entries,) = struct.unpack("<H", tail[at + 10 : at + 12])
    # A ZIP64 archive says 0xFFFF here and keeps the true count elsewhere: refuse it,
    # no office document needs one.
    return None if entries == 0xFFFF else entries


def _zip_kind(file: IO[bytes]) -> FileType | None:
    entries = _zip_entries(file)
    if entries is None or entries > ZIP_MAX_ENTRIES:
        return None
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                return ODT if _member(archive, "mimetype") == ODT.content_type.encode() else None
            if "[Content_Types].xml" in names:
                types = _member(archive, "[Content_Types].xml")
                found = [t for main, t in _OOXML_MAIN.items() if types and main in types]
                return found[0] if len(found) == 1 else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError):
        return None  # damaged, ZIP64, an unknown compression, or encrypted
    except (EOFError, OSError, ValueError):
        return None
    return None


def _member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    """A small part of the archive, or None when it claims or unpacks to more than
    ``ZIP_MEMBER_LIMIT`` bytes (a zip bomb stops there, having unpacked no more)."""
    info = archive.getinfo(name)
    if info.file_size > ZIP_MEMBER_LIMIT or info.flag_bits & 0x1:
        return None
    with archive.open(info) as member:
        data = member.read(ZIP_MEMBER_LIMIT + 1)
    return None if len(data) > ZIP_MEMBER_LIMIT else data.strip()


def claimed_type(name: str) -> FileType | None:
    """The type a file's name claims by its extension (None for any other name)."""
    suffix = PurePath(name).suffix.lower()
    return next((t for t in TYPES if suffix in t.extensions), None)


_UNSAFE = re.compile(r"[^\w .()+,&'-]+")


def display_name(name: str, *, length: int = 100) -> str:
    """A file name as a person gave it, safe to show and to offer back as a download
    name: no folders, no control or quoting characters, at most ``length`` characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    base = _UNSAFE.sub("_", base).strip(" .")
    if len(base) > length:
        stem, suffix = os.path.splitext(base)
        base = stem[: length - len(suffix[:10])] + suffix[:10]
    return base or "document"


def download_name(name: str, kind: FileType) -> str:
    """The name a file is offered under: the one it was uploaded with (made safe),
    ending in an extension of the type it really is."""
    safe = display_name(name)
    stem, suffix = os.path.splitext(safe)
    if suffix.lower() in kind.extensions:
        return safe
    return f"{stem or 'document'}{kind.extension}"


@deconstructible(path="pathways.core.files.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Files under ``PATHWAYS_DOCUMENTS_DIR``, read when used (so a test's setting
    applies), readable only by the server's own account, and with no URL at all."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(settings.PATHWAYS_DOCUMENTS_DIR)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL: a page serves them after checking access.")
