"""Text for a spreadsheet that a spreadsheet will not run (CSV/formula injection).

A cell starting with ``=``, ``+``, ``-`` or ``@`` is read as a formula; tab and
carriage return are stripped by some spreadsheets before reading the rest as one.
``FORMULA_STARTS`` is the project's one list of them: the CSV downloads put a leading
``'`` before such text (``cell``), which spreadsheets show as text, and the workbooks
store it as a text cell with Excel's quote prefix. Plain numbers are left as they are,
so a negative saving such as ``-520.00`` stays a number.
"""

from __future__ import annotations

import re
from typing import Any

#: How a cell may start that a spreadsheet would read as a formula (or, for tab and
#: carriage return, that some spreadsheets strip before reading the rest as one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

NUMBER = re.compile(r"-?\d+(\.\d+)?")


def cell(value: Any) -> str:
    """One value as CSV text that a spreadsheet will not run: blank for None, yes or
    no for a bool."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(text):
        return "'" + text
    return text
