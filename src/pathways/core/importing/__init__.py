"""Loading councils' spreadsheets: the machinery behind `pathways import` and the upload page.

The contract is docs/imports.md: CSV or XLSX with a header row, every problem reported
as ``FILE:LINE: column: message``, all or nothing, upsert on each kind's key, counts of
created / updated / unchanged rows, and an audit entry per import. This is our own
code: the import libraries we know (django-import-export, tablib) have their own error
shapes and row semantics, and bending them to this contract would be more code than
the few hundred lines here.

A kind (``authorities``, ``people``, …) is declared next to the models it writes as a
:class:`Kind`: its columns with their parsers, its key, and a ``plan`` function that
turns one parsed row into a :class:`Change` (create, update or unchanged, and how to
write it). :func:`run_import` streams the file a batch of rows at a time (parse,
plan, write) inside one transaction, and keeps what it wrote only when there is no
problem anywhere (decision 0056).

The package, by concern: ``problems`` (what can be wrong and how it is reported),
``parsers`` (cell text to values), ``changes`` (what a planned row does), ``kinds``
(columns, rows, kinds and the registry), ``planning`` (the shared lookups and
``plan_save``), ``files`` (reading CSV
and XLSX), ``limits`` (the rows, unpacked bytes and seconds one import may take) and
``running`` (``run_import`` and its outcome). Apps import from
``pathways.core.importing`` itself, which offers the names below.
"""

from __future__ import annotations

from pathways.core.importing.changes import Action, Change
from pathways.core.importing.files import read_table
from pathways.core.importing.kinds import Column, Kind, Row, kinds
from pathways.core.importing.parsers import (
    Parser,
    choice,
    choices,
    date,
    degrees,
    email_address,
    hourly_pay,
    money,
    text,
    text_of,
    whole_number,
    yes_no,
)
from pathways.core.importing.planning import Context, differs, fetch_by, in_chunks, plan_save
from pathways.core.importing.problems import FILE_COLUMN, Problem, RowProblem
from pathways.core.importing.running import OPERATOR, Outcome, Progress, RowResult, run_import

__all__ = [
    "FILE_COLUMN",
    "OPERATOR",
    "Action",
    "Change",
    "Column",
    "Context",
    "Kind",
    "Outcome",
    "Parser",
    "Problem",
    "Progress",
    "Row",
    "RowProblem",
    "RowResult",
    "choice",
    "choices",
    "date",
    "degrees",
    "differs",
    "email_address",
    "fetch_by",
    "in_chunks",
    "kinds",
    "hourly_pay",
    "money",
    "plan_save",
    "read_table",
    "run_import",
    "text",
    "text_of",
    "whole_number",
    "yes_no",
]
