"""A person's audit trail as CSV, for a subject-access request: who read or changed
the record, when (UK time), how, and the old and new values of each change.

Staff are named, not identified by email, as on the page. No cell is ever read as a
formula (``core.spreadsheets.cell``): a record's name in the trail is whatever staff
typed, and ``=HYPERLINK(…)`` typed as a name must stay text in a spreadsheet.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from auditlog.models import LogEntry
from django.utils import timezone

from pathways.core import audit
from pathways.core.spreadsheets import cell

COLUMNS = ("When (UK time)", "Who", "Did", "What", "How", "Outcome", "From", "Changes")


class _Line:
    """What ``csv.writer`` writes to: it hands each line back instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def trail_csv(entries: Iterable[LogEntry]) -> Iterator[str]:
    """The header, then one CSV line per entry, newest first (as ``entries`` come),
    one at a time so that a long trail is never held in memory."""
    writer = csv.writer(_Line())
    yield writer.writerow(COLUMNS)
    for entry in entries:
        row = audit.describe(entry)
        values: list[Any] = [
            timezone.localtime(entry.timestamp).strftime("%Y-%m-%d %H:%M:%S"),
            row["name"],
            row["action"],
            row["what"],
            audit.CHANNELS.get(row["channel"], row["channel"]),
            row["outcome"],
            row["from"],
            audit.changes_text(row["changes"]),
        ]
        yield writer.writerow([cell(value) for value in values])
