"""Long imports from the upload page run on the task queue (issue 15, decision 0056).

A confirmed file of more than ``PATHWAYS_IMPORT_BACKGROUND_ROWS`` rows is saved as an
:class:`~pathways.core.models.ImportRun` and imported by :func:`run_upload` on the
database task queue the notifications and the scheduler use (``pathways db_worker``
runs it; in the demo, where tasks run at once, it runs within the request). The page
polls the run and shows how far it has got.

The import runs in one transaction, so what it writes is invisible until it ends; its
progress is written through a second connection of its own, in autocommit, so the
page sees it at once (:class:`ProgressWriter`). SQLite allows one writer at a time, so
there the run's progress is written only when it ends.

A finished run (imported, or nothing imported) keeps its summary and first problems,
which can quote the file, for ``PATHWAYS_IMPORT_RUN_KEEP_DAYS`` days, so its page can
be seen again; ``pathways daily`` then deletes it (:func:`purge_finished_runs`,
decision 0058). A run waiting or importing is never deleted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from pathways.core import importing
from pathways.core.models import ImportRun

#: The most problems a run keeps for its page (the page lists at most this many).
PROBLEMS_KEPT = 500


class ProgressWriter:
    """Writes an import's rows checked to its run, outside the import's transaction."""

    def __init__(self, run_id: Any) -> None:
        self.run_id = str(run_id)
        self.table = ImportRun._meta.db_table
        self.other: Any = None
        default = connections[DEFAULT_DB_ALIAS]
        if default.vendor == "postgresql":
            # The same database, a connection of our own: autocommit, so each write is
            # seen by the page at once, whatever the import's transaction holds.
            self.other = type(default)(dict(default.settings_dict), alias="import-progress")

    def __call__(self, progress: importing.Progress) -> None:
        if self.other is None:
            return
        with self.other.cursor() as cursor:
            cursor.execute(
                # The table's name is the model's own, never input.
                f"UPDATE {self.table} SET rows_checked = %s, rows_total = %s WHERE id = %s",  # noqa: S608
                [progress.checked, progress.total, self.run_id],
            )

    def close(self) -> None:
        if self.other is not None:
            self.other.close()


def start(run: ImportRun) -> None:
    """Queue the run's import (run at once where tasks are not queued)."""
    run_upload.enqueue(str(run.pk))


@task()
def run_upload(run_id: str) -> str:
    """Import a run's file as its uploader, writing progress as it goes; the summary
    line is the task's result."""
    run = ImportRun.objects.select_related("actor").filter(pk=run_id).first()
    if run is None or run.status != ImportRun.Status.QUEUED:
        return "gone"
    kind = importing.kinds()[run.kind]
    run.status = ImportRun.Status.RUNNING
    run.save(update_fields=["status"])
    authority_ids = None if run.authority_ids is None else frozenset(run.authority_ids)
    writer = ProgressWriter(run.pk)
    try:
        outcome = importing.run_import(
            kind,
            run.file_name,
            bytes(run.data),
            actor=run.actor,
            channel="web",
            authority_ids=authority_ids,
            remote_addr=run.remote_addr,
            progress=writer,
            rows_kept=0,
            time_limit=settings.PATHWAYS_IMPORT_BACKGROUND_TIME_LIMIT,
        )
    except Exception:
        # Whatever went wrong was rolled back with the import; the page must not wait.
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED,
            summary="the import failed unexpectedly, so nothing was imported",
            stopped="the import failed unexpectedly, so nothing was imported; "
            "try again, and tell the service's operator if it happens again",
            data=b"",
            finished_at=timezone.now(),
        )
        raise
    finally:
        writer.close()
    lines = outcome.problem_lines()
    ended: dict[str, Any] = {
        "status": ImportRun.Status.DONE if outcome.ok else ImportRun.Status.FAILED,
        "summary": outcome.summary() + "".join(f"; {a}" for a in outcome.addition_lines()),
        "problems": lines[:PROBLEMS_KEPT],
        "problem_count": len(lines),
        "stopped": outcome.stopped or "",
        "data": b"",
        "finished_at": timezone.now(),
    }
    if outcome.ok:
        ended["rows_checked"] = ended["rows_total"] = outcome.total
    ImportRun.objects.filter(pk=run.pk).update(**ended)
    return str(ended["summary"])


def purge_finished_runs(on: dt.date) -> int:
    """Delete the runs that finished before the first of the last
    ``PATHWAYS_IMPORT_RUN_KEEP_DAYS`` days up to ``on`` (never counting from a day
    still to come): how many were deleted. Waiting and running ones stay, however old.
    """
    keep = max(0, settings.PATHWAYS_IMPORT_RUN_KEEP_DAYS)  # negative counts as 0
    day = min(on, timezone.localdate()) - dt.timedelta(days=keep)
    cutoff = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    finished = [ImportRun.Status.DONE, ImportRun.Status.FAILED]
    old = Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff)
    deleted, _ = ImportRun.objects.filter(old, status__in=finished).delete()
    return deleted
