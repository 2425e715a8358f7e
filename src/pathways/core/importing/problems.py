"""What can be wrong with a file, and how the framework carries it to the user.

Every module of the import framework reports through these: a :class:`Problem` is one
line of the ``FILE:LINE: column: message`` contract, :class:`RowProblem` is how a plan or
a lookup refuses a row, and :class:`CellFailed` stops a plan that reached a cell already
reported.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Column name used for problems with the file as a whole rather than one column.
FILE_COLUMN = "(file)"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the file, where a spreadsheet user will find it."""

    line: int
    column: str
    message: str

    def format(self, file_name: str) -> str:
        return f"{file_name}:{self.line}: {self.column}: {self.message}"


class RowProblem(Exception):
    """Raised by a plan or a lookup: the column a problem concerns, and why."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


class CellFailed(Exception):
    """A plan asked for a cell that did not parse; its problem is already recorded."""
