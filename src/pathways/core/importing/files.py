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
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Generator
from typing import Any

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


def read_table(data: bytes, *, max_unpacked_bytes: int | None = None) -> Table:
    """Yield (line, cells) for every row, header included; raise UnreadableFile if we cannot.

    ``max_unpacked_bytes`` bounds what a workbook (a zip archive) may unpack to.
    """
    if data.startswith(b"PK\x03\x04"):
        yield from _read_xlsx(data, max_unpacked_bytes)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            1, "this is an old-style Excel .xls file; save it as .xlsx or as CSV UTF-8"
        )
    else:
        yield from _read_csv(data)


def _read_csv(data: bytes) -> Table:
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableFile(
            line,
            "the file is not UTF-8 text; in Excel choose Save As and the type "
            "'CSV UTF-8 (Comma delimited)'",
        ) from exc
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    line = 0
    try:
        for line, cells in enumerate(reader, start=1):
            yield line, [c.strip() for c in cells]
    except csv.Error as exc:
        raise UnreadableFile(line + 1, f"the file is not valid CSV ({exc})") from exc


def _check_unpacked_size(data: bytes, limit: int | None) -> None:
    """Refuse a workbook that would unpack to more than ``limit`` bytes (a "zip bomb":
    a few kilobytes that inflate to gigabytes). The sizes are the archive's own, and
    Python's zip reader never inflates an entry past its stated size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
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


def _read_xlsx(data: bytes, max_unpacked_bytes: int | None) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_unpacked_size(data, max_unpacked_bytes)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
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
