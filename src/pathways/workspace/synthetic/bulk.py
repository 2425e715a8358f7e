"""Writing the generated rows fast: ``COPY`` on PostgreSQL, ``executemany`` elsewhere,
with the ids chosen up front.

Every step numbers its rows from :func:`next_id`, so that rows can point at each other
before anything is written, inserts them with :func:`insert_rows`, and then moves
PostgreSQL's id sequences past them with :func:`reset_sequences`.

:func:`insert_rows` takes any iterable of rows and writes it as it comes (in chunks of
``BATCH`` with ``executemany``), so a step can hand it a generator and never hold its
rows in memory (ten million timeline entries would take gigabytes). On PostgreSQL the
rows go through one ``COPY ... FROM STDIN`` per call (psycopg 3's ``cursor.copy`` and
``write_row``): one stream, not a statement per row; the values are the same either way
(decision 0051).
:func:`writing_with` chooses the path by hand, for the test that proves it.

Inside :func:`loading` (``generate`` runs in one), a table written with ``COPY`` first
loses its foreign keys and the indexes that back no constraint, and gets them back, by
their own definitions, when the block ends: PostgreSQL checks a foreign key once per
row and keeps an index row by row, but checks a foreign key being added with one query
and builds an index with one sort. At a million people that is most of the time. The
primary keys and unique constraints stay, so the ids and rules are checked as rows go
in, and the schema afterwards is exactly what the migrations made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from itertools import islice
from typing import Any

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import Max, Model

BATCH = 2_000

#: ``None``: COPY when the database is PostgreSQL; ``True``/``False`` forces a path.
_COPY: ContextVar[bool | None] = ContextVar("synthetic_copy", default=None)
#: Inside ``loading``: the tables set aside so far, and the statements that put back what
#: was taken from them.
_SET_ASIDE: ContextVar[dict[str, list[str]] | None] = ContextVar(
    "synthetic_set_aside", default=None
)


@contextmanager
def loading() -> Iterator[None]:
    """Load tables without their foreign keys and plain indexes; put them back at the end
    (only if the block succeeds: otherwise the transaction rolls the drops back too)."""
    if _SET_ASIDE.get() is not None:  # already loading
        yield
        return
    set_aside: dict[str, list[str]] = {}
    token = _SET_ASIDE.set(set_aside)
    try:
        yield
        if set_aside:
            with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
                _check_pending(cursor)
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                for statements in set_aside.values():
                    for statement in statements:
                        cursor.execute(statement)
    finally:
        _SET_ASIDE.reset(token)


def _check_pending(cursor: Any) -> None:
    """Check the deferred foreign keys of the rows written so far now: a table with
    checks pending cannot be altered."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _set_aside(cursor: Any, table: str) -> None:
    """Drop the table's foreign keys and the indexes behind no constraint, once per
    ``loading`` block, remembering how to make them again."""
    set_aside = _SET_ASIDE.get()
    if set_aside is None or table in set_aside:
        return
    quoted = connection.ops.quote_name(table)
    _check_pending(cursor)
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [quoted],
    )
    keys = cursor.fetchall()
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
        [quoted],
    )
    indexes = cursor.fetchall()
    for name, _ in keys:
        cursor.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    set_aside[table] = [definition for _, definition in indexes] + [
        f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
        for name, definition in keys
    ]


@contextmanager
def writing_with(*, copy: bool) -> Iterator[None]:
    """Write with ``COPY`` (PostgreSQL only) or with ``executemany`` inside the block."""
    token = _COPY.set(copy)
    try:
        yield
    finally:
        _COPY.reset(token)


def uses_copy() -> bool:
    """Whether rows are written with ``COPY`` now."""
    is_postgres = connections[DEFAULT_DB_ALIAS].vendor == "postgresql"
    chosen = _COPY.get()
    return is_postgres if chosen is None else chosen and is_postgres


def next_id(model: type[Model]) -> int:
    """The id the next row of ``model`` takes: rows are numbered before they are written."""
    return (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def insert_rows(model: type[Model], rows: Iterable[dict[str, Any]]) -> int:
    """Insert plain rows, in chunks, and say how many were written.

    The ORM's per-value preparation is what makes ``bulk_create`` slow at this scale, so
    only the values that need it (JSON, decimals, dates) are adapted, with the backend's
    own adapters. Missing columns take the field's default, computed once.
    """
    db = connections[DEFAULT_DB_ALIAS]  # the real connection: the proxy is slow per call
    ops = db.ops
    fields = list(model._meta.concrete_fields)
    defaults = {
        f.attname: f.get_db_prep_save(f.get_default(), db)
        for f in fields
        if f.has_default() or f.null or isinstance(f, models.CharField | models.TextField)
    }
    prepare: dict[str, Callable[[Any], Any]] = {}
    for f in fields:
        if isinstance(f, models.DateTimeField):
            prepare[f.attname] = ops.adapt_datetimefield_value
        elif isinstance(f, models.DateField):
            prepare[f.attname] = ops.adapt_datefield_value
        elif isinstance(f, models.JSONField | models.DecimalField):
            prepare[f.attname] = partial(f.get_db_prep_save, connection=db)
    plan = [(f.attname, prepare.get(f.attname)) for f in fields]
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column or f.attname) for f in fields)

    def values(row: dict[str, Any]) -> tuple:
        return tuple(
            (convert(row[name]) if convert and row[name] is not None else row[name])
            if name in row
            else defaults[name]
            for name, convert in plan
        )

    written = 0
    chunks = iter(rows)
    with db.cursor() as cursor:
        if uses_copy():
            _set_aside(cursor, model._meta.db_table)
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                write = copy.write_row
                for row in chunks:
                    write(values(row))
                    written += 1
            return written
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        while chunk := list(islice(chunks, BATCH)):
            cursor.executemany(sql, [values(r) for r in chunk])
            written += len(chunk)
    return written


def reset_sequences(*models_: type[Model]) -> None:
    """Rows were inserted with their ids: move PostgreSQL's id sequences past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
