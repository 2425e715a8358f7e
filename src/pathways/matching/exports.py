"""An opportunity's shortlist as an Excel workbook, for a team to work through offline.

One sheet: a block naming the opportunity, then a row per match, best first. The
workbook holds personal data (names and references): the view that serves it checks
access and records the export, as for any other read.

Every text cell is written as text, never as a formula: a name or note starting with
``=``, ``+``, ``-`` or ``@`` would otherwise be run by a spreadsheet (CSV/formula
injection). Such a cell is stored as a string (data type ``s``) with Excel's
"quote prefix" set, which is what Excel itself does when someone types a leading
apostrophe: the text is shown as written, and stays text if the cell is edited.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from pathways.core.spreadsheets import FORMULA_STARTS
from pathways.employers.candidacies.models import CandidacyStatus
from pathways.employers.opportunities.models import Opportunity

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from pathways.matching.selectors import Match

SHEET = "Shortlist"

#: The shortlist's columns: heading and width (in characters).
COLUMNS: tuple[tuple[str, int], ...] = (
    ("Rank", 14),
    ("Person ref", 14),
    ("Name", 28),
    ("Score", 8),
    ("Candidacy status", 26),
    ("Reasons", 80),
    ("Benefits note", 60),
)

DATE_FORMAT = "DD/MM/YYYY"
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write one cell; text is always text, whatever it starts with."""
    cell = cast(Cell, sheet.cell(row=row, column=column))  # never a merged cell here
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XML cannot hold
        cell.value = value
        if value.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # openpyxl took it for a formula
            cell.quotePrefix = True
    else:
        cell.value = value
        if isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
    return cell


def _pay(opportunity: Opportunity) -> tuple[Decimal | str, str | None]:
    """The pay cell's value and number format."""
    if not opportunity.paid:
        return "Unpaid", None
    if opportunity.hourly_pay is None:
        return "Paid (hourly rate not recorded)", None
    return opportunity.hourly_pay, '"£"#,##0.00" an hour"'


def _status(code: str | None) -> str:
    if not code:
        return ""
    try:
        return str(CandidacyStatus(code).label)
    except ValueError:
        return code


def shortlist_workbook(
    opportunity: Opportunity,
    matches: Sequence[Match],
    candidacies_by_person: dict[int, str],
    *,
    exported_on: dt.date | None = None,
) -> bytes:
    """The shortlist as ``.xlsx`` bytes.

    ``matches`` are in rank order (best first); ``candidacies_by_person`` gives the
    status code of each person's candidacy for this opportunity, by person id.
    """
    workbook = Workbook()
    workbook.properties.creator = "Pathways"
    sheet: Worksheet = workbook.active  # type: ignore[assignment]
    sheet.title = SHEET

    title = _put(sheet, 1, 1, f"Shortlist for {opportunity.opportunity_ref}: {opportunity.title}")
    title.font = Font(bold=True, size=14)
    pay, pay_format = _pay(opportunity)
    details: list[tuple[str, Any, str | None]] = [
        ("Reference", opportunity.opportunity_ref, None),
        ("Title", opportunity.title, None),
        ("Employer", opportunity.employer.name, None),
        ("Hours a week", opportunity.hours_per_week, "0.0"),
        ("Pay", pay, pay_format),
        ("Closing date", opportunity.closes_on or "No closing date", None),
        ("Exported on", exported_on or timezone.localdate(), None),
    ]
    for offset, (label, value, number_format) in enumerate(details, start=2):
        _put(sheet, offset, 1, label).font = BOLD
        cell = _put(sheet, offset, 2, value)
        cell.alignment = Alignment(horizontal="left")
        if number_format:
            cell.number_format = number_format

    header = len(details) + 3  # the block, a blank row, then the column headings
    for column, (heading, width) in enumerate(COLUMNS, start=1):
        _put(sheet, header, column, heading).font = BOLD
        sheet.column_dimensions[get_column_letter(column)].width = width
    for rank, match in enumerate(matches, start=1):
        row = header + rank
        values = (
            rank,
            match.person_ref,
            match.person_name,
            match.score,
            _status(candidacies_by_person.get(match.person_id)),
            "; ".join(match.reasons),
            match.benefits_note or "",
        )
        for column, value in enumerate(values, start=1):
            _put(sheet, row, column, value).alignment = WRAP if column >= 6 else TOP

    sheet.freeze_panes = f"A{header + 1}"
    last = header + max(len(matches), 1)
    sheet.auto_filter.ref = f"A{header}:{get_column_letter(len(COLUMNS))}{last}"
    sheet.print_title_rows = f"{header}:{header}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
