"""Reading the uploaded file: CSV or XLSX in, rows of cell text out.

Whatever the format, the rest of the framework sees ``(line, cells)`` with every cell
as the text a CSV would hold, so a kind parses one spreadsheet the same way whether it
was saved as CSV UTF-8 or as a workbook. A file that cannot be read at all raises
:class:`UnreadableFile` with the line where reading stopped.

A workbook is read for what it holds, not for what it claims: its declared extent (the
sheet's ``<dimension>``, which a hostile file sets to the whole sheet, A1:XFD1048576) is
ignored, each row is as long as its last cell, and only the columns up to the last one
named in row 1 are read (a cell far to the right would otherwise make every row sixteen
thousand cells long). How many rows are read is the caller's limit; how far the
workbook may unpack is checked before anything in it is parsed.

The file is read as a stream (issue 15): a CSV is decoded as it is read and a workbook
is opened read-only, so the memory an import takes does not grow with the file. The
source is the file's bytes (the upload page) or its path (the command line, which then
never holds the whole file).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from pathways.core.importing.limits import size


class UnreadableFile(Exception):
    """The file cannot be read at all: the line where reading stopped, and why."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


# Excel writes a character XML cannot hold as _xHHHH_ (and a literal "_x" as _x005F_x);
# openpyxl leaves these as they are, so a cell reads here as Excel shows it.
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(match: re.Match[str]) -> str:
    code = int(match[1], 16)
    return match[0] if 0xD800 <= code <= 0xDFFF else chr(code)


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")  # drops binary noise such as 0.30000000000000004
    text = str(value)
    if "_x" in text:
        text = _ESCAPED.sub(_unescape, text)
    return text.strip()


Table = Generator[tuple[int, list[str]], None, None]

#: What an import reads: the file's bytes, or the path of the file.
Source = bytes | Path

_CHUNK = 1024 * 1024


@contextmanager
def opened(source: Source) -> Iterator[IO[bytes]]:
    """The source as a binary stream, closed afterwards."""
    if isinstance(source, bytes):
        yield io.BytesIO(source)
    else:
        with open(source, "rb") as stream:
            yield stream


def _chunks(source: Source) -> Iterator[bytes]:
    with opened(source) as stream:
        while chunk := stream.read(_CHUNK):
            yield chunk


def sha256_of(source: Source) -> str:
    """The file's SHA-256, read a megabyte at a time."""
    digest = hashlib.sha256()
    for chunk in _chunks(source):
        digest.update(chunk)
    return digest.hexdigest()


def _is_xlsx(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")


def estimate_rows(source: Source, *, at_most: int) -> int | None:
    """About how many data rows the file holds, for a progress bar (None: cannot tell
    cheaply). A CSV's line breaks are counted (a quoted cell may hold one, so this is an
    estimate); a workbook's declared extent is believed only up to ``at_most``."""
    with opened(source) as stream:
        head = stream.read(8)
    if _is_xlsx(head):
        try:
            from openpyxl import load_workbook

            with opened(source) as stream:
                workbook = load_workbook(stream, read_only=True, data_only=True)
                try:
                    rows = workbook.worksheets[0].max_row
                finally:
                    workbook.close()
        except Exception:  # a damaged workbook is reported when it is read
            return None
        return rows - 1 if rows and 1 <= rows - 1 <= at_most else None
    lines = 0
    last = b""
    for chunk in _chunks(source):
        lines += chunk.count(b"\n")
        last = chunk
    if last and not last.endswith(b"\n"):
        lines += 1
    return max(lines - 1, 0)


def read_table(source: Source, *, max_unpacked_bytes: int | None = None) -> Table:
    """Yield (line, cells) for every row, header included; raise UnreadableFile if we cannot.

    ``max_unpacked_bytes`` bounds what a workbook (a zip archive) may unpack to.
    """
    with opened(source) as stream:
        head = stream.read(8)
    if _is_xlsx(head):
        yield from _read_xlsx(source, max_unpacked_bytes)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            1, "this is an old-style Excel .xls file; save it as .xlsx or as CSV UTF-8"
        )
    else:
        yield from _read_csv(source)


_NOT_UTF8 = (
    "the file is not UTF-8 text; in Excel choose Save As and the type 'CSV UTF-8 (Comma delimited)'"
)


def _line_of_bad_utf8(source: Source) -> int:
    """The line holding the first byte that is not UTF-8 (read again only when one is)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    for chunk in _chunks(source):
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            return line + chunk[: max(exc.start, 0)].count(b"\n")
        line += chunk.count(b"\n")
    return line


def _read_csv(source: Source) -> Table:
    line = 0
    with opened(source) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, strict=True)
        try:
            for line, cells in enumerate(reader, start=1):
                yield line, [c.strip() for c in cells]
        except UnicodeDecodeError as exc:
            raise UnreadableFile(_line_of_bad_utf8(source), _NOT_UTF8) from exc
        except csv.Error as exc:
            raise UnreadableFile(line + 1, f"the file is not valid CSV ({exc})") from exc
        finally:
            text.detach()


def _check_unpacked_size(source: Source, limit: int | None) -> None:
    """Refuse a workbook that would unpack to more than ``limit`` bytes (a "zip bomb":
    a few kilobytes that inflate to gigabytes). The sizes are the archive's own, and
    Python's zip reader never inflates an entry past its stated size."""
    try:
        with opened(source) as stream, zipfile.ZipFile(stream) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFile(1, _UNREADABLE) from exc
    if limit is not None and unpacked > limit:
        raise UnreadableFile(
            1,
            f"the workbook unpacks to more than {size(limit)}, more than one import can "
            "take; split it into smaller files",
        )


_UNREADABLE = "the file is not a workbook Excel can open (.xlsx)"


def _read_xlsx(source: Source, max_unpacked_bytes: int | None) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_unpacked_size(source, max_unpacked_bytes)
    try:
        workbook = load_workbook(
            io.BytesIO(source) if isinstance(source, bytes) else source,
            read_only=True,
            data_only=True,
        )
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(1, _UNREADABLE) from exc
    line = 0
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the declared extent is not believed
        first = next(sheet.iter_rows(max_row=1, values_only=True), ())
        header = [_cell_text(c) for c in first]
        width = max((i + 1 for i, name in enumerate(header) if name), default=0)
        line = 1
        yield line, header[:width]
        if not width:
            return
        rows = sheet.iter_rows(min_row=2, max_col=width, values_only=True)
        for line, cells in enumerate(rows, start=2):
            yield line, [_cell_text(c) for c in cells]
    except Exception as exc:  # a damaged sheet fails as it is read, in many ways
        raise UnreadableFile(line + 1, _UNREADABLE) from exc
    finally:
        workbook.close()
