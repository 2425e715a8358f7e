"""What a kind declares, and the registry that finds every app's kinds.

A kind (``authorities``, ``people``, …) is declared next to the models it writes: its
:class:`Column` list, its key, and a ``plan`` that turns one parsed :class:`Row` into a
:class:`Change`. :func:`kinds` reads them from each app's ``imports.KINDS`` when asked,
so the framework, in core, names no app above it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import import_module
from typing import Any, TypeVar

from django.apps import apps
from django.db.models import Model
from django.utils.module_loading import module_has_submodule

from pathways.core.importing.changes import Change
from pathways.core.importing.parsers import Parser
from pathways.core.importing.planning import Context
from pathways.core.importing.problems import CellFailed, Problem, RowProblem

T = TypeVar("T")


@dataclass(frozen=True)
class Column:
    """One column of a kind: how to read a filled cell, and what a blank one means."""

    name: str
    parse: Parser
    required: bool = False
    blank: Any = None


@dataclass
class Row:
    """One data row: the parsed value of every column the file has."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    present: frozenset[str] = frozenset()
    failed: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    def __getitem__(self, column: str) -> Any:
        return self.get(column)

    def has(self, column: str) -> bool:
        """Whether the file has this column (a blank cell still counts)."""
        return column in self.present

    def get(self, column: str, default: Any = None) -> Any:
        if column in self.failed:
            raise CellFailed(column)
        return self.values.get(column, default)

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.line, column, message))

    def attempt(self, lookup: Callable[..., T], *args: Any) -> T | None:
        """Call a lookup; if it fails, note its problem and carry on checking the row."""
        try:
            return lookup(*args)
        except RowProblem as exc:
            self.problem(exc.column, exc.message)
            return None

    def fields(self, columns: Iterable[str], rename: dict[str, str] | None = None) -> dict:
        """Model field values for those of ``columns`` the file has and that parsed (a
        row with a failed cell is reported, never written)."""
        rename = rename or {}
        return {
            rename.get(c, c): self.values[c]
            for c in columns
            if self.has(c) and c not in self.failed
        }


@dataclass(frozen=True)
class Kind:
    """One importable kind: its columns, its key, and how a row becomes a change."""

    name: str
    title: str
    summary: str
    model: type[Model]
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    plan: Callable[[Row, Context], Change]
    prepare: Callable[[list[Row], Context], None] | None = None

    @cached_property
    def by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}

    def label(self, row: Row) -> str:
        """The row's key as a person reads it, e.g. ``E09000025 C1001``."""
        return " ".join(_show(row.values.get(k)) for k in self.key)


def _show(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def kinds() -> dict[str, Kind]:
    """Every kind, by name, in the documented order: each app declares its kinds in
    ``KINDS`` in its ``imports`` module, read in the order of ``INSTALLED_APPS`` (the
    order of the pathway), so the framework names no app above it."""
    out: dict[str, Kind] = {}
    for app in apps.get_app_configs():
        if not module_has_submodule(app.module, "imports"):
            continue
        for kind in import_module(f"{app.name}.imports").KINDS:
            out[kind.name] = kind
    return out
