"""Claim lines as rows, for the command, the API and the downloads: one shape
everywhere (spec/commissioning.md: ``person_ref``, ``placement_ref``, ``outcome``,
``achieved_on``, ``need_group``, ``price``, ``over_cap``), money as strings with two
decimals.

No cell of a CSV or a workbook is ever read as a formula: text starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return (``core.spreadsheets.FORMULA_STARTS``, the
project's one list) gets a leading ``'`` in CSV and is stored as text with a quote
prefix in XLSX. Rows hold text an outsider typed (evidence, a rejection reason).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font

from pathways.commissioning.models import ClaimLine
from pathways.commissioning.outcomes import Claimable
from pathways.core.money import money
from pathways.core.spreadsheets import FORMULA_STARTS, cell

#: The columns of a computed line (the command's and the API's preview).
COLUMNS = (
    "person_ref",
    "placement_ref",
    "outcome",
    "achieved_on",
    "need_group",
    "price",
    "over_cap",
)
#: A saved line has its decision too.
CLAIM_COLUMNS = (*COLUMNS, "status", "reason", "evidence")


def computed_rows(found: Claimable) -> list[dict[str, Any]]:
    return [
        {
            "person_ref": line.outcome.person_ref,
            "placement_ref": line.outcome.placement_ref or None,
            "outcome": line.outcome.outcome,
            "achieved_on": line.outcome.achieved_on.isoformat(),
            "need_group": line.outcome.need_group,
            "price": money(line.price),
            "over_cap": line.over_cap,
        }
        for line in found.lines
    ]


def line_rows(lines: Iterable[ClaimLine]) -> list[dict[str, Any]]:
    """Saved lines (with ``person`` and ``placement`` loaded)."""
    return [
        {
            "id": line.pk,
            "person_ref": line.person.person_ref,
            "placement_ref": line.placement.placement_ref if line.placement else None,
            "outcome": line.outcome,
            "achieved_on": line.achieved_on.isoformat(),
            "need_group": line.need_group,
            "price": money(line.price),
            "over_cap": line.over_cap,
            "status": line.status,
            "reason": line.reason,
            "evidence": line.evidence,
        }
        for line in lines
    ]


def rows_csv(rows: Iterable[dict[str, Any]], columns: tuple[str, ...] = COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return out.getvalue()


def rows_workbook(
    rows: Iterable[dict[str, Any]], columns: tuple[str, ...] = CLAIM_COLUMNS
) -> bytes:
    """An XLSX of the rows: prices as numbers, text never a formula."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Claim"
    for c, name in enumerate(columns, start=1):
        head = cast(Cell, sheet.cell(row=1, column=c, value=name))
        head.font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for c, name in enumerate(columns, start=1):
            value = row.get(name)
            target = cast(Cell, sheet.cell(row=r, column=c))
            if name == "price" and value is not None:
                target.value = Decimal(value)
                target.number_format = "0.00"
            elif isinstance(value, bool):
                target.value = "yes" if value else "no"
            elif value is None:
                continue
            else:
                text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
                target.value = text
                if text.startswith(FORMULA_STARTS):
                    target.data_type = "s"
                    target.quotePrefix = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
