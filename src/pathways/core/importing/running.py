"""Running an import: read, parse, plan, then write all of it or none of it.

:func:`run_import` is the one entry point, for the ``import`` command and the upload
page alike: it parses every cell of the file, checks the header and duplicate keys,
plans every row in one transaction, writes only when no row has a problem, and records
one audit entry per real run. It keeps to the limits of :mod:`.limits`: a file with
more rows than ``PATHWAYS_IMPORT_MAX_ROWS`` is refused as soon as reading reaches that
row, and an import still running after ``PATHWAYS_IMPORT_TIME_LIMIT`` seconds stops at
the row it reached and changes nothing. Its :class:`Outcome` is what the caller shows: the
problems, or what happened to each row.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from auditlog.cid import correlation_id
from auditlog.context import set_actor, set_extra_data
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, transaction

from pathways.core.importing.changes import Action, Change
from pathways.core.importing.files import UnreadableFile, read_table
from pathways.core.importing.kinds import Kind, Row
from pathways.core.importing.limits import Clock, Limits, OutOfTime
from pathways.core.importing.planning import Context
from pathways.core.importing.problems import FILE_COLUMN, CellFailed, Problem, RowProblem
from pathways.core.models import User

#: Who the audit trail names when the command line runs an import without ``--as``.
OPERATOR = "operator"


@dataclass
class RowResult:
    """What importing one row did (or would do), as the command and the page list it."""

    line: int
    label: str
    action: Action
    changed: tuple[str, ...] = ()


@dataclass
class Outcome:
    """What an import did (or, for a dry run, would do), or why it did nothing."""

    kind: Kind
    file_name: str
    sha256: str
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    #: Why the import stopped before checking every row (its time ran out), if it did.
    stopped: str | None = None
    #: What the import adds (or would add) to shared lists, such as new interests.
    additions: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def counts(self) -> dict[str, int]:
        out = {"created": 0, "updated": 0, "unchanged": 0}
        names = {"create": "created", "update": "updated", "unchanged": "unchanged"}
        for row in self.rows:
            out[names[row.action]] += 1
        return out

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


def run_import(
    kind: Kind,
    file_name: str,
    data: bytes,
    *,
    actor: User | None = None,
    dry_run: bool = False,
    channel: str = "cli",
    authority_ids: frozenset[int] | None = None,
    remote_addr: str | None = None,
    audit_extra: dict[str, Any] | None = None,
) -> Outcome:
    """Validate every row of ``data``; unless a dry run, write all of it or none of it.

    The planning and the writes share one transaction, so the counts describe exactly
    what was written. Real runs, successful or refused, are recorded in the audit
    trail; dry runs write nothing at all.
    """
    outcome = Outcome(kind, file_name, hashlib.sha256(data).hexdigest(), dry_run)
    limits = Limits.from_settings()
    clock = Clock(limits.seconds)
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
    try:
        rows = _parse(kind, data, outcome.problems, limits, clock)
        if dry_run:
            _plan(kind, rows, context, outcome, clock)
            return outcome
        try:
            with transaction.atomic():
                changes = _plan(kind, rows, context, outcome, clock)
                if outcome.ok:
                    with _attributed(actor, remote_addr, cid):
                        for result, change in zip(outcome.rows, changes, strict=True):
                            clock.check(result.line)
                            if change.write is not None:
                                change.write()
                    record()
        except DatabaseError as exc:
            outcome.rows = []
            outcome.problems.append(
                Problem(
                    1, FILE_COLUMN, f"the database refused the import, so nothing changed ({exc})"
                )
            )
    except OutOfTime as exc:  # raised inside the transaction, so nothing was written
        outcome.rows = []
        outcome.stopped = exc.message
        outcome.problems.append(Problem(exc.line, FILE_COLUMN, exc.message))
        outcome.problems.sort(key=lambda p: p.line)
        if dry_run:
            return outcome
    if not outcome.ok:
        record()
    return outcome


def _parse(
    kind: Kind, data: bytes, problems: list[Problem], limits: Limits, clock: Clock
) -> list[Row]:
    """Read the file and parse every cell, recording each problem found."""
    table = read_table(data, max_unpacked_bytes=limits.max_unpacked_bytes)
    rows: list[Row] = []
    try:
        header = next(table, None)
        if header is None or not any(header[1]):
            problems.append(
                Problem(1, FILE_COLUMN, "the file is empty; row 1 must name the columns")
            )
            return []
        if len(header[1]) == 1 and ";" in header[1][0]:
            problems.append(
                Problem(
                    1,
                    FILE_COLUMN,
                    "the columns are separated by semicolons; save the file as "
                    "'CSV UTF-8 (Comma delimited)'",
                )
            )
            return []
        positions = _match_header(kind, header[1], problems)
        if problems:
            return []
        present = frozenset(positions.values())
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
                return []
            clock.check(line)
            if not any(cells):
                continue
            rows.append(_parse_row(kind, line, cells, positions, present, problems))
    except UnreadableFile as exc:
        problems.append(Problem(exc.line, FILE_COLUMN, exc.message))
        return []
    finally:
        table.close()  # a workbook left part-read is closed now, not when collected
    _check_duplicate_keys(kind, rows, problems)
    return rows


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


def _check_duplicate_keys(kind: Kind, rows: list[Row], problems: list[Problem]) -> None:
    first_line: dict[tuple, int] = {}
    for row in rows:
        if any(k in row.failed for k in kind.key):
            continue
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
    kind: Kind, rows: list[Row], context: Context, outcome: Outcome, clock: Clock
) -> list[Change]:
    """Plan every row that parsed; collect problems from the rest of the checks."""
    if kind.prepare is not None:
        kind.prepare(rows, context)
    changes: list[Change] = []
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
            changes.append(change)
            outcome.rows.append(RowResult(row.line, kind.label(row), change.action, change.changed))
    outcome.problems.sort(key=lambda p: p.line)
    if not outcome.ok:
        outcome.rows = []
        return []
    outcome.additions = {name: sorted(items) for name, items in context.additions.items()}
    return changes


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
