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
write it). :func:`run_import` reads the file, parses every cell, plans every row,
and writes only when there is no problem anywhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import cached_property, partial
from importlib import import_module
from typing import Any, Literal, TypeVar

from auditlog.cid import correlation_id
from auditlog.context import set_actor, set_extra_data
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.db.models import Choices, Model, QuerySet
from django.utils.module_loading import module_has_submodule

from pathways.core.models import Authority, Team, User

#: Who the audit trail names when the command line runs an import without ``--as``.
OPERATOR = "operator"

#: Column name used for problems with the file as a whole rather than one column.
FILE_COLUMN = "(file)"

Action = Literal["create", "update", "unchanged"]
T = TypeVar("T")
K = TypeVar("K")
M = TypeVar("M", bound=Model)


# --- problems -------------------------------------------------------------------------


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


class _CellFailed(Exception):
    """A plan asked for a cell that did not parse; its problem is already recorded."""


# --- parsers: text in, value out, ValueError with a plain-English message -------------

Parser = Callable[[str], Any]


def text(max_length: int) -> Parser:
    def parse(raw: str) -> str:
        if len(raw) > max_length:
            raise ValueError(f"is {len(raw)} characters long; the most allowed is {max_length}")
        return raw

    return parse


def text_of(model: type[Model], field_name: str) -> Parser:
    """Free text no longer than the model field allows."""
    return text(model._meta.get_field(field_name).max_length or 10_000)  # type: ignore[union-attr]


def email_address(raw: str) -> str:
    try:
        validate_email(raw)
    except ValidationError as exc:
        raise ValueError(f"'{raw}' is not an email address") from exc
    return raw.lower()


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def date(raw: str) -> dt.date:
    """``YYYY-MM-DD`` or UK ``DD/MM/YYYY``; never US month-first."""
    iso = _ISO_DATE.match(raw)
    uk = _UK_DATE.match(raw)
    if iso:
        year, month, day = (int(p) for p in iso.groups())
    elif uk:
        day, month, year = (int(p) for p in uk.groups())
    else:
        raise ValueError(f"'{raw}' is not a date; write it as YYYY-MM-DD or DD/MM/YYYY")
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"'{raw}' is not a real date") from exc


_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def yes_no(raw: str) -> bool:
    value = raw.casefold()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError(f"'{raw}' is not yes or no (write yes, no, y, n, true, false, 1 or 0)")


def money(max_digits: int = 10) -> Parser:
    """Pounds and pence as an exact Decimal: ``612.50``, ``612.5`` or ``£612.50``."""

    def parse(raw: str) -> Decimal:
        amount = raw.removeprefix("£").strip()
        if not re.fullmatch(r"\d+(\.\d{1,2})?", amount):
            raise ValueError(
                f"'{raw}' is not an amount in pounds; write it like 612.50 "
                "(no commas, at most two decimal places)"
            )
        value = Decimal(amount)
        if len(amount.split(".")[0].lstrip("0")) > max_digits - 2:
            raise ValueError(f"'{raw}' is too large")
        return value

    return parse


def whole_number(minimum: int = 0) -> Parser:
    def parse(raw: str) -> int:
        if not re.fullmatch(r"\d+", raw) or int(raw) < minimum:
            raise ValueError(f"'{raw}' is not a whole number of {minimum} or more")
        return int(raw)

    return parse


def degrees(limit: int) -> Parser:
    """Decimal degrees within ±limit, kept to six places (about ten centimetres)."""

    def parse(raw: str) -> Decimal:
        try:
            value = Decimal(raw)
        except InvalidOperation as exc:
            raise ValueError(f"'{raw}' is not a number of degrees, like 51.5416") from exc
        if not value.is_finite() or not -limit <= value <= limit:
            raise ValueError(f"'{raw}' is not between -{limit} and {limit}")
        return value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN)

    return parse


def _codes(choices: type[Choices]) -> str:
    return ", ".join(str(v) for v in choices.values)


def choice(choices: type[Choices]) -> Parser:
    """One of a model's codes, in any letter case."""
    by_code = {str(v).casefold(): str(v) for v in choices.values}

    def parse(raw: str) -> str:
        try:
            return by_code[raw.casefold()]
        except KeyError:
            raise ValueError(f"'{raw}' is not one of: {_codes(choices)}") from None

    return parse


def choices(choices: type[Choices]) -> Parser:
    """Several codes separated by ``;``, kept once each in the model's order."""
    one = choice(choices)
    order = [str(v) for v in choices.values]

    def parse(raw: str) -> list[str]:
        picked = {one(part.strip()) for part in raw.split(";") if part.strip()}
        return [code for code in order if code in picked]

    return parse


# --- columns, rows, changes and kinds -------------------------------------------------


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
            raise _CellFailed(column)
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


@dataclass
class Change:
    """What importing one row does: its action, the columns it changes, and the write."""

    action: Action
    changed: tuple[str, ...] = ()
    write: Callable[[], Any] | None = None


@dataclass
class RowResult:
    line: int
    label: str
    action: Action
    changed: tuple[str, ...] = ()


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


# --- shared lookups and the change helper --------------------------------------------


class Context:
    """What the rows of one import share: who runs it, their remit, cached lookups.

    ``authority_ids`` limits the authorities the rows may touch (an admin uploading
    through the web page); None means no limit (the operator at the command line).
    """

    def __init__(self, *, actor: User | None, authority_ids: frozenset[int] | None) -> None:
        self.actor = actor
        self.authority_ids = authority_ids
        self.cache: dict[str, Any] = {}

    def in_remit(self, authority_id: int) -> bool:
        return self.authority_ids is None or authority_id in self.authority_ids

    def check_remit(self, authority: Authority, column: str) -> None:
        if not self.in_remit(authority.pk):
            raise RowProblem(column, f"you are not an administrator for {authority.name}")

    @cached_property
    def authorities_by_code(self) -> dict[str, Authority]:
        return {a.code: a for a in Authority.objects.all()}

    @cached_property
    def teams_by_code(self) -> dict[str, Team]:
        return {t.code: t for t in Team.objects.select_related("authority", "organisation")}

    def authority(self, code: str, column: str = "authority") -> Authority:
        found = self.authorities_by_code.get(code)
        if found is None:
            raise RowProblem(column, f"no authority has the code '{code}'")
        self.check_remit(found, column)
        return found

    def team(self, code: str, column: str = "team") -> Team:
        found = self.teams_by_code.get(code)
        if found is None:
            raise RowProblem(column, f"no team has the code '{code}'")
        self.check_remit(found.authority, column)
        return found

    def load_staff(self, emails: Iterable[str | None]) -> None:
        """Fetch the staff accounts a file names, once, with their memberships."""
        self.cache["staff"] = fetch_by(
            User.objects.prefetch_related("memberships__team__authority"),
            "email",
            {e.lower() for e in emails if e},
            key=lambda user: user.email.lower(),
        )

    def staff_member(self, email: str) -> User | None:
        return self.cache["staff"].get(email.lower())


def in_chunks(values: Iterable[Any], size: int = 500) -> Iterator[list[Any]]:
    """Split a lookup into queries small enough for any database's parameter limit."""
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def fetch_by(
    queryset: QuerySet[M], field: str, values: Iterable[Any], *, key: Callable[[M], K]
) -> dict[K, M]:
    """The records of ``queryset`` whose ``field`` is one of ``values``, by ``key``,
    fetched in as few queries as the database's parameter limit allows."""
    found: dict[K, M] = {}
    for chunk in in_chunks(values):
        found.update((key(obj), obj) for obj in queryset.filter(**{f"{field}__in": chunk}))
    return found


def plan_save(
    model: type[M],
    instance: M | None,
    *,
    lookup: dict[str, Any],
    fields: dict[str, Any],
    column_of: dict[str, str] | None = None,
    then: Callable[[M], Any] | None = None,
    extra_changes: Sequence[str] = (),
) -> Change:
    """Compare a row with the stored record and say how to bring the record in line.

    ``column_of`` names the file column for a model field where they differ;
    ``then`` runs after the save (for related rows); ``extra_changes`` are columns
    changed outside ``fields`` (so an otherwise-equal row still counts as updated).
    """
    column_of = column_of or {}
    diff: list[str] = []
    if instance is None:
        action: Action = "create"
        changed: tuple[str, ...] = ()
    else:
        diff = [name for name, value in fields.items() if differs(instance, name, value)]
        changed = tuple(dict.fromkeys([column_of.get(n, n) for n in diff] + list(extra_changes)))
        if not changed:
            return Change("unchanged")
        action = "update"

    def write() -> M:
        if instance is None:
            obj = model(**lookup, **fields)
            obj.save()
        else:
            # Only the changed fields, so a concurrent edit to another field survives.
            obj = instance
            for name in diff:
                setattr(obj, name, fields[name])
            if diff:
                if hasattr(obj, "version"):
                    obj.version += 1  # type: ignore[attr-defined]
                    diff.append("version")
                obj.save(update_fields=diff)
        if then is not None:
            then(obj)
        return obj

    return Change(action, changed, write)


def differs(instance: Model, name: str, value: Any) -> bool:
    """Whether the row's ``value`` for field ``name`` differs from the stored one (a
    related record by its key: an unsaved one always differs)."""
    if isinstance(value, Model):
        return getattr(instance, f"{name}_id") != value.pk
    return getattr(instance, name) != value


# --- reading the file -----------------------------------------------------------------


class _Unreadable(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")  # drops binary noise such as 0.30000000000000004
    return str(value).strip()


def read_table(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """Yield (line, cells) for every row, header included; raise _Unreadable if we cannot."""
    if data.startswith(b"PK\x03\x04"):
        yield from _read_xlsx(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _Unreadable(
            1, "this is an old-style Excel .xls file; save it as .xlsx or as CSV UTF-8"
        )
    else:
        yield from _read_csv(data)


def _read_csv(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _Unreadable(
            line,
            "the file is not UTF-8 text; in Excel choose Save As and the type "
            "'CSV UTF-8 (Comma delimited)'",
        ) from exc
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    line = 0
    try:
        for line, cells in enumerate(reader, start=1):
            yield line, [c.strip() for c in cells]
    except csv.Error as exc:
        raise _Unreadable(line + 1, f"the file is not valid CSV ({exc})") from exc


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = "the file is not a workbook Excel can open (.xlsx)"
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise _Unreadable(1, unreadable) from exc
    line = 0
    try:
        sheet = workbook.worksheets[0]
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, [_cell_text(c) for c in cells]
    except Exception as exc:  # a damaged sheet fails as it is read, in many ways
        raise _Unreadable(line + 1, unreadable) from exc
    finally:
        workbook.close()


# --- running an import ----------------------------------------------------------------


@dataclass
class Outcome:
    """What an import did (or, for a dry run, would do), or why it did nothing."""

    kind: Kind
    file_name: str
    sha256: str
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)

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
    rows = _parse(kind, data, outcome.problems)
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
    if dry_run:
        _plan(kind, rows, context, outcome)
        return outcome
    try:
        with transaction.atomic():
            changes = _plan(kind, rows, context, outcome)
            if outcome.ok:
                with _attributed(actor, remote_addr, cid):
                    for change in changes:
                        if change.write is not None:
                            change.write()
                record()
    except DatabaseError as exc:
        outcome.rows = []
        outcome.problems.append(
            Problem(1, FILE_COLUMN, f"the database refused the import, so nothing changed ({exc})")
        )
    if not outcome.ok:
        record()
    return outcome


def _parse(kind: Kind, data: bytes, problems: list[Problem]) -> list[Row]:
    """Read the file and parse every cell, recording each problem found."""
    table = read_table(data)
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
            if not any(cells):
                continue
            rows.append(_parse_row(kind, line, cells, positions, present, problems))
    except _Unreadable as exc:
        problems.append(Problem(exc.line, FILE_COLUMN, exc.message))
        return []
    _check_duplicate_keys(kind, rows, problems)
    return rows


def _match_header(kind: Kind, names: list[str], problems: list[Problem]) -> dict[int, str]:
    positions: dict[int, str] = {}
    seen: set[str] = set()
    for index, raw in enumerate(names):
        name = raw.strip().casefold()
        if not name:
            continue
        if name not in kind.by_name:
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
        try:
            row.values[name] = column.parse(raw)
        except ValueError as exc:
            row.failed.add(name)
            problems.append(Problem(line, name, str(exc)))
    return row


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


def _plan(kind: Kind, rows: list[Row], context: Context, outcome: Outcome) -> list[Change]:
    """Plan every row that parsed; collect problems from the rest of the checks."""
    if kind.prepare is not None:
        kind.prepare(rows, context)
    changes: list[Change] = []
    for row in rows:
        try:
            change = kind.plan(row, context)
        except RowProblem as exc:
            row.problem(exc.column, exc.message)
            continue
        except _CellFailed:
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
