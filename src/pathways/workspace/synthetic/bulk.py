"""Writing the generated rows fast: plain ``executemany`` with the ids chosen up front.

Every step numbers its rows from :func:`next_id`, so that rows can point at each other
before anything is written, inserts them with :func:`insert_rows`, and then moves
PostgreSQL's id sequences past them with :func:`reset_sequences`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import Max, Model

BATCH = 2_000


def next_id(model: type[Model]) -> int:
    """The id the next row of ``model`` takes: rows are numbered before they are written."""
    return (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def insert_rows(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """Insert plain rows with ``executemany``.

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
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608

    def values(row: dict[str, Any]) -> tuple:
        return tuple(
            (convert(row[name]) if convert and row[name] is not None else row[name])
            if name in row
            else defaults[name]
            for name, convert in plan
        )

    with db.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, [values(r) for r in rows[start : start + BATCH]])


def reset_sequences(*models_: type[Model]) -> None:
    """Rows were inserted with their ids: move PostgreSQL's id sequences past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
