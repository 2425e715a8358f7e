"""How much one import may take: rows, unpacked bytes and seconds (issue 11).

A file is data from outside, and a hostile or broken one must not hold a web worker or
the command line for minutes. The limits are settings (``PATHWAYS_IMPORT_MAX_ROWS``,
``PATHWAYS_IMPORT_MAX_UNPACKED_BYTES``, ``PATHWAYS_IMPORT_TIME_LIMIT``), read when an
import starts; the page's upload size is checked before the file arrives
(``core.uploads``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Limits:
    """The most one import may take."""

    max_rows: int
    max_unpacked_bytes: int
    seconds: float

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_rows=int(settings.PATHWAYS_IMPORT_MAX_ROWS),
            max_unpacked_bytes=int(settings.PATHWAYS_IMPORT_MAX_UNPACKED_BYTES),
            seconds=float(settings.PATHWAYS_IMPORT_TIME_LIMIT),
        )


class OutOfTime(Exception):
    """The import ran past its time limit while at ``line``."""

    def __init__(self, seconds: float, line: int) -> None:
        self.seconds = seconds
        self.line = line
        self.message = (
            f"the import stopped after {seconds:g} seconds at row {line}, so nothing was "
            "imported; split the file into smaller ones, or ask the operator to raise "
            "PATHWAYS_IMPORT_TIME_LIMIT"
        )
        super().__init__(self.message)


class Clock:
    """Started when an import starts; :meth:`check` at each row stops it when its time
    is up (the caller rolls back, so a stopped import changes nothing)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = time.monotonic()

    def check(self, line: int) -> None:
        if time.monotonic() - self.started >= self.seconds:
            raise OutOfTime(self.seconds, line)


def size(n: int) -> str:
    """A number of bytes as people read it: ``10 MB``, ``50,000 bytes``."""
    mb = n / (1024 * 1024)
    return f"{mb:g} MB" if n >= 1024 * 1024 and mb == round(mb, 1) else f"{n:,} bytes"
