"""The rows behind a report's figures as CSV, for a spreadsheet.

The rows come from ``access.report_rows`` (pseudonymised and audited there); this only
writes them. Columns are fixed per report (``catalogue``) so that an export with no rows
still has its header. Yes/no values are ``yes`` and ``no``, blanks are empty.

No cell is ever read as a formula: text starting with ``=``, ``+``, ``-``, ``@``, tab
or carriage return (``core.spreadsheets.FORMULA_STARTS``) gets a leading ``'``, which
spreadsheets show as text (CSV/formula injection). Plain numbers are left as they are,
so a negative saving such as ``-520.00`` stays a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from pathways.core.spreadsheets import cell
from pathways.reporting.catalogue import REPORTS


def rows_csv(name: str, rows: Iterable[dict]) -> str:
    """The rows of report ``name`` under its columns (``OutcomeReport.columns``)."""
    columns = REPORTS[name].columns
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        if set(row) != set(columns):
            raise ValueError(f"{name} rows have the columns {sorted(row)}, not {columns}")
        writer.writerow([cell(row[c]) for c in columns])
    return out.getvalue()
