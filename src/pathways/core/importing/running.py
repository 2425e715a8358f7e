"""Running an import: read, parse, plan, then write all of it or none of it.

:func:`run_import` is the one entry point, for the ``import`` command, the upload page
and its background task alike. It reads the file as a stream, a batch of rows at a
time (issue 15, decision 0056): each batch is parsed, checked against the keys seen so
far (only the keys are kept, for duplicates), planned with the kind's ``prepare`` and
``plan``, and written at once, inside the one transaction the whole import runs in.
A row with a problem stops the writing (the rest is still checked, so every problem is
reported) and the transaction is rolled back at the end: still all or nothing. A dry
run plans every batch and writes none, in the same few queries a batch however many
rows it holds (so a batch plans against the records as they were before the import,
where a real run's later batches see its earlier ones: a new employer named in two
batches is planned as new twice, and created once).
New records are inserted a batch at a time with their audit entries
(``core.audit.create_recorded``); updates are saved one by one as before. Python's
cyclic garbage collector is paused while a batch is worked and runs between batches
(decision 0059).

It keeps to the limits of :mod:`.limits`: a file with more rows than
``PATHWAYS_IMPORT_MAX_ROWS`` is refused as soon as reading reaches that row, and an
import still running after ``PATHWAYS_IMPORT_TIME_LIMIT`` seconds stops at the row it
reached and changes nothing. Its :class:`Outcome` is what the caller shows: the
problems, or the counts and the first rows (``rows_kept`` of them; ``on_row`` sees
every one). ``progress`` is called after each batch with the rows checked so far.
"""

from __future__ import annotations

import gc
import re
import uuid
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any

from auditlog.cid import correlation_id
from auditlog.context import set_actor, set_extra_data
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, transaction
from django.db.models import Model

from pathways.core.audit import create_recorded
from pathways.core.importing.changes import Action, Change
from pathways.core.importing.files import (
    Source,
    UnreadableFile,
    estimate_rows,
    read_table,
    sha256_of,
)
from pathways.core.importing.kinds import Kind, Row
from pathways.core.importing.limits import Clock, Limits, OutOfTime
from pathways.core.importing.planning import Context
from pathways.core.importing.problems import FILE_COLUMN, CellFailed, Problem, RowProblem
from pathways.core.models import User

#: Who the audit trail names when the command line runs an import without ``--as``.
OPERATOR = "operator"
#: Rows parsed, planned and written together: large enough that a batch's lookups and
#: inserts are a few statements, small enough that a batch's rows take little memory.
BATCH_ROWS = 2000
#: The rows an outcome lists by default (the preview page shows them; the counts cover
#: every row).
ROWS_KEPT = 1000


@dataclass
class RowResult:
    """What importing one row did (or would do), as the command and the page list it."""

    line: int
    label: str
    action: Action
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Progress:
    """How far an import has got: data rows checked, of about ``total`` (None: unknown)."""

    checked: int
    total: int | None

    def text(self) -> str:
        """``12,000 of 100,000 rows checked``, as the page and the command say it."""
        if self.total is None or self.total < self.checked:
            return f"{self.checked:,} rows checked"
        return f"{self.checked:,} of {self.total:,} rows checked"


def _no_counts() -> dict[str, int]:
    return {"created": 0, "updated": 0, "unchanged": 0}


_COUNTED = {"create": "created", "update": "updated", "unchanged": "unchanged"}


@dataclass
class Outcome:
    """What an import did (or, for a dry run, would do), or why it did nothing."""

    kind: Kind
    file_name: str
    sha256: str
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    #: The first rows (``rows_kept`` of them); :attr:`counts` covers them all.
    rows: list[RowResult] = field(default_factory=list)
    #: Why the import stopped before checking every row (its time ran out), if it did.
    stopped: str | None = None
    #: What the import adds (or would add) to shared lists, such as new interests.
    additions: dict[str, list[str]] = field(default_factory=dict)
    rows_kept: int | None = ROWS_KEPT
    counted: dict[str, int] = field(default_factory=_no_counts)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.counted)

    @property
    def total(self) -> int:
        return sum(self.counted.values())

    @property
    def rows_not_listed(self) -> int:
        return self.total - len(self.rows)

    def note(self, result: RowResult) -> None:
        self.counted[_COUNTED[result.action]] += 1
        if self.rows_kept is None or len(self.rows) < self.rows_kept:
            self.rows.append(result)

    def forget_rows(self) -> None:
        self.rows = []
        self.counted = _no_counts()

    def problem_lines(self, shown_as: str | None = None) -> list[str]:
        return [p.format(shown_as or self.file_name) for p in self.problems]

    def addition_lines(self) -> list[str]:
        """A line for each shared list the import adds to, as the command prints it."""
        verb = "would add" if self.dry_run else "added"
        return [
            f"{verb} to the {vocabulary}: {', '.join(sorted(items))}"
            for vocabulary, items in sorted(self.additions.items())
        ]

    def summary(self) -> str:
        """The last line the command prints, as the contract words it."""
        if self.problems:
            return f"{len(self.problems)} errors, nothing imported"
        c = self.counts
        counts = f"{c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
        return f"dry run: would import: {counts}" if self.dry_run else f"imported: {counts}"


class _RollBack(Exception):
    """Leaves the import's transaction so that nothing it wrote stays."""


def run_import(
    kind: Kind,
    file_name: str,
    data: Source,
    *,
    actor: User | None = None,
    dry_run: bool = False,
    channel: str = "cli",
    authority_ids: frozenset[int] | None = None,
    remote_addr: str | None = None,
    audit_extra: dict[str, Any] | None = None,
    progress: Callable[[Progress], None] | None = None,
    on_row: Callable[[RowResult], None] | None = None,
    rows_kept: int | None = ROWS_KEPT,
    time_limit: float | None = None,
) -> Outcome:
    """Check every row of ``data`` (bytes or a path) and write all of it or none of it.

    One transaction holds the whole import, so the counts describe exactly what was
    written; a dry run, or a file with any problem, is rolled back. Real runs,
    successful or refused, are recorded in the audit trail; dry runs leave nothing.
    ``time_limit`` replaces ``PATHWAYS_IMPORT_TIME_LIMIT`` (a queued import's longer one).
    """
    if isinstance(data, str):
        data = Path(data)
    outcome = Outcome(kind, file_name, sha256_of(data), dry_run, rows_kept=rows_kept)
    limits = Limits.from_settings()
    clock = Clock(limits.seconds if time_limit is None else time_limit)
    context = Context(actor=actor, authority_ids=authority_ids)
    cid = f"import-{uuid.uuid4().hex}"
    record = partial(
        _record,
        outcome,
        actor,
        channel=channel,
        remote_addr=remote_addr,
        cid=cid,
        extra=audit_extra or {},
    )
    total = estimate_rows(data, at_most=limits.max_rows) if progress is not None else None
    try:
        with transaction.atomic(), _attributed(actor, remote_addr, cid):
            _check_and_write(
                kind, data, context, outcome, limits, clock, total, progress, on_row, dry_run
            )
            if dry_run or not outcome.ok:
                raise _RollBack
            record()
    except _RollBack:
        pass
    except DatabaseError as exc:
        outcome.forget_rows()
        outcome.problems.append(
            Problem(1, FILE_COLUMN, f"the database refused the import, so nothing changed ({exc})")
        )
    except OutOfTime as exc:  # raised inside the transaction, so nothing was written
        outcome.forget_rows()
        outcome.stopped = exc.message
        outcome.problems.append(Problem(exc.line, FILE_COLUMN, exc.message))
        outcome.problems.sort(key=lambda p: p.line)
    if not outcome.ok:
        outcome.forget_rows()
        outcome.additions = {}
        if not dry_run:
            record()
    return outcome


def _check_and_write(
    kind: Kind,
    data: Source,
    context: Context,
    outcome: Outcome,
    limits: Limits,
    clock: Clock,
    total: int | None,
    progress: Callable[[Progress], None] | None,
    on_row: Callable[[RowResult], None] | None,
    dry_run: bool,
) -> None:
    """Read, check and (while no row has a problem) write the file a batch at a time."""
    rows = _rows(kind, data, outcome.problems, limits, clock)
    checked = 0
    try:
        while True:
            with _collector_paused():
                batch = list(islice(rows, BATCH_ROWS))
                if not batch:
                    break
                changes = _plan(kind, batch, context, outcome, clock, on_row)
                if outcome.ok and not dry_run:
                    _write(changes, clock)
                del changes
            checked += len(batch)
            if progress is not None:
                progress(Progress(checked, total))
    finally:
        rows.close()
    outcome.problems.sort(key=lambda p: p.line)
    outcome.additions = {name: sorted(items) for name, items in context.additions.items()}


def _rows(
    kind: Kind, data: Source, problems: list[Problem], limits: Limits, clock: Clock
) -> Generator[Row, None, None]:
    """Read the file and parse every cell, recording each problem found (duplicate keys
    too: the keys are all this keeps of the rows it has passed on)."""
    table = read_table(data, max_unpacked_bytes=limits.max_unpacked_bytes)
    try:
        header = next(table, None)
        if header is None or not any(header[1]):
            problems.append(
                Problem(1, FILE_COLUMN, "the file is empty; row 1 must name the columns")
            )
            return
        if len(header[1]) == 1 and ";" in header[1][0]:
            problems.append(
                Problem(
                    1,
                    FILE_COLUMN,
                    "the columns are separated by semicolons; save the file as "
                    "'CSV UTF-8 (Comma delimited)'",
                )
            )
            return
        positions = _match_header(kind, header[1], problems)
        if problems:
            return
        present = frozenset(positions.values())
        first_line: dict[tuple, int] = {}
        for line, cells in table:
            if line > limits.max_rows + 1:
                problems.append(
                    Problem(
                        line,
                        FILE_COLUMN,
                        f"the file has more than {limits.max_rows:,} rows after the header; "
                        f"one import can take at most {limits.max_rows:,}, so split the file",
                    )
                )
                return
            clock.check(line)
            if not any(cells):
                continue
            row = _parse_row(kind, line, cells, positions, present, problems)
            _check_duplicate_key(kind, row, first_line, problems)
            yield row
    except UnreadableFile as exc:
        problems.append(Problem(exc.line, FILE_COLUMN, exc.message))
    finally:
        table.close()  # a workbook left part-read is closed now, not when collected


def _match_header(kind: Kind, names: list[str], problems: list[Problem]) -> dict[int, str]:
    positions: dict[int, str] = {}
    seen: set[str] = set()
    for index, raw in enumerate(names):
        name = raw.strip().casefold()
        if not name:
            continue
        if control := control_character(raw):
            problems.append(Problem(1, f"column {index + 1}", control))
        elif name not in kind.by_name:
            problems.append(
                Problem(
                    1,
                    raw.strip(),
                    f"unknown column; the columns for {kind.name} are "
                    + ", ".join(c.name for c in kind.columns),
                )
            )
        elif name in seen:
            problems.append(Problem(1, name, "this column appears more than once"))
        else:
            seen.add(name)
            positions[index] = name
    for column in kind.columns:
        if column.required and column.name not in seen:
            problems.append(Problem(1, column.name, "required column is missing"))
    return positions


def _parse_row(
    kind: Kind,
    line: int,
    cells: list[str],
    positions: dict[int, str],
    present: frozenset[str],
    problems: list[Problem],
) -> Row:
    row = Row(line=line, present=present)
    for index, raw in enumerate(cells):
        if raw and index not in positions:
            problems.append(
                Problem(
                    line, f"column {index + 1}", "this cell has a value but its column has no name"
                )
            )
    for index, name in positions.items():
        column = kind.by_name[name]
        raw = cells[index] if index < len(cells) else ""
        if not raw:
            if column.required:
                row.failed.add(name)
                problems.append(Problem(line, name, "required, but blank"))
            else:
                row.values[name] = column.blank
            continue
        if control := control_character(raw):
            row.failed.add(name)
            problems.append(Problem(line, name, control))
            continue
        try:
            row.values[name] = column.parse(raw)
        except ValueError as exc:
            row.failed.add(name)
            problems.append(Problem(line, name, str(exc)))
    return row


# Tab, line feed and carriage return are text a cell may hold; no other control
# character is (PostgreSQL cannot store NUL, and none of them means anything in a record).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character(raw: str) -> str | None:
    """The problem with a cell holding a control character, or None."""
    found = _CONTROL.search(raw)
    if found is None:
        return None
    code = ord(found[0])
    what = "a NUL character" if code == 0 else "a control character"
    return (
        f"contains {what} (U+{code:04X}), which no field may hold; "
        "delete it and save the file again"
    )


def _check_duplicate_key(
    kind: Kind, row: Row, first_line: dict[tuple, int], problems: list[Problem]
) -> None:
    if any(k in row.failed for k in kind.key):
        return
    key = tuple(row.values.get(k) for k in kind.key)
    if key in first_line:
        problems.append(
            Problem(
                row.line,
                kind.key[-1],
                f"{kind.label(row)} is also on line {first_line[key]}; "
                "each record may appear only once",
            )
        )
    else:
        first_line[key] = row.line


def _plan(
    kind: Kind,
    rows: list[Row],
    context: Context,
    outcome: Outcome,
    clock: Clock,
    on_row: Callable[[RowResult], None] | None,
) -> list[tuple[int, Change]]:
    """Plan every row of a batch that parsed; collect problems from the rest of the checks."""
    if kind.prepare is not None:
        kind.prepare(rows, context)
    changes: list[tuple[int, Change]] = []
    for row in rows:
        clock.check(row.line)
        try:
            change = kind.plan(row, context)
        except RowProblem as exc:
            row.problem(exc.column, exc.message)
            continue
        except CellFailed:
            continue
        finally:
            outcome.problems.extend(row.problems)
        if not row.failed and not row.problems:
            changes.append((row.line, change))
            result = RowResult(row.line, kind.label(row), change.action, change.changed)
            outcome.note(result)
            if on_row is not None:
                on_row(result)
    return changes


def _write(changes: list[tuple[int, Change]], clock: Clock) -> None:
    """Make a batch's changes in the file's order; runs of new records of one model are
    inserted together, each with the audit entry a single save would have written."""
    pending: list[Model] = []

    def flush() -> None:
        if pending:
            create_recorded(pending)
            pending.clear()

    for line, change in changes:
        clock.check(line)
        new = change.new
        if new is not None:
            if pending and type(pending[0]) is not type(new):
                flush()
            pending.append(new)
        elif change.write is not None:
            flush()
            change.write()
    flush()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a batch is worked: its objects
    (a few dozen a row, all alive until the batch is written) are freed by reference
    counting when it is done, and a collection in the middle of a batch only walks
    them, and every object of the process, to find nothing (issue 15: a fifth of an
    import's time at 100,000 rows). Collections resume between batches, so cycles a
    batch leaves are still collected and memory stays bounded by a batch."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


@contextmanager
def _attributed(actor: User | None, remote_addr: str | None, cid: str) -> Iterator[None]:
    """Row changes carry the actor and one correlation id shared with the import entry."""
    token = correlation_id.set(cid)
    attribution = (
        set_actor(actor, remote_addr=remote_addr)
        if actor is not None
        else set_extra_data({"actor_email": OPERATOR})
    )
    try:
        with attribution:
            yield
    finally:
        correlation_id.reset(token)


def _record(
    outcome: Outcome,
    actor: User | None,
    *,
    channel: str,
    remote_addr: str | None,
    cid: str,
    extra: dict[str, Any],
) -> LogEntry:
    """One audit entry per import: who, which file (name and SHA-256), and the counts."""
    data = {
        "channel": channel,
        "outcome": "allowed" if outcome.ok else "refused",
        "what": f"import of {outcome.kind.name} from {outcome.file_name}",
        "kind": outcome.kind.name,
        "file_name": outcome.file_name,
        "sha256": outcome.sha256,
        "counts": outcome.counts,
        "errors": len(outcome.problems),
        **({"added": outcome.additions} if outcome.additions else {}),
        **extra,
    }
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(outcome.kind.model),
        object_pk="",
        object_repr=data["what"],
        action=LogEntry.Action.ACCESS,
        actor=actor,
        actor_email=actor.email if actor is not None else OPERATOR,
        remote_addr=remote_addr,
        cid=cid,
        additional_data=data,
    )
