"""Reading the uploaded file: CSV or XLSX in, rows of cell text out.

Whatever the format, the rest of the framework sees ``(line, cells)`` with every cell
as the text a CSV would hold, so a kind parses one spreadsheet the same way whether it
was saved as CSV UTF-8 or as a workbook. A file that cannot be read at all raises
:class:`UnreadableFile` with the line where reading stopped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from typing import Any


class UnreadableFile(Exception):
    """The file cannot be read at all: the line where reading stopped, and why."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


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
    return str(value).strip()


def read_table(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """Yield (line, cells) for every row, header included; raise UnreadableFile if we cannot."""
    if data.startswith(b"PK\x03\x04"):
        yield from _read_xlsx(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            1, "this is an old-style Excel .xls file; save it as .xlsx or as CSV UTF-8"
        )
    else:
        yield from _read_csv(data)


def _read_csv(data: bytes) -> Iterator[tuple[int, list[str]]]:
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


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = "the file is not a workbook Excel can open (.xlsx)"
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(1, unreadable) from exc
    line = 0
    try:
        sheet = workbook.worksheets[0]
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, [_cell_text(c) for c in cells]
    except Exception as exc:  # a damaged sheet fails as it is read, in many ways
        raise UnreadableFile(line + 1, unreadable) from exc
    finally:
        workbook.close()
