"""The audit trail of every read and change of a person's record.

Changes are recorded by django-auditlog (models register in their app's ``ready``);
reads are recorded here as auditlog ``ACCESS`` entries carrying the channel (web, api,
cli, export), the outcome (allowed or denied) and what was looked at. Every entry
concerning a person carries ``person_id`` in ``additional_data`` so one query finds
a person's whole trail. The trail is append-only: saving an existing entry or
deleting any entry raises, and the app has no page or command that tries.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import attrgetter
from typing import Any, TypeVar

from auditlog.cid import get_cid
from auditlog.diff import model_instance_diff, track_field
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import connections, router
from django.db.models import (
    NOT_PROVIDED,
    AutoField,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    EmailField,
    Field,
    ForeignKey,
    IntegerField,
    JSONField,
    Max,
    Model,
    PositiveBigIntegerField,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    Q,
    QuerySet,
    SlugField,
    SmallAutoField,
    SmallIntegerField,
    TextField,
    URLField,
)
from django.db.models.signals import pre_delete, pre_save
from django.utils import timezone
from django.utils.encoding import smart_str

M = TypeVar("M", bound=Model)

ALLOWED = "allowed"
DENIED = "denied"

#: How an entry came about, and how the pages name it (row changes carry no channel
#: and count as "web").
CHANNELS = {
    "web": "Web page",
    "api": "API",
    "cli": "Command line",
    "export": "Export",
    "portal": "The person's portal",
}
#: What was done, by auditlog's action code.
ACTIONS = {
    LogEntry.Action.CREATE: "create",
    LogEntry.Action.UPDATE: "update",
    LogEntry.Action.DELETE: "delete",
    LogEntry.Action.ACCESS: "read",
}


class AuditTrailIsAppendOnly(Exception):
    pass


def _refuse_update(sender: type[LogEntry], instance: LogEntry, **kwargs: Any) -> None:
    if instance.pk is not None and not kwargs.get("raw"):
        raise AuditTrailIsAppendOnly("Audit entries cannot be changed.")


def _refuse_delete(sender: type[LogEntry], instance: LogEntry, **kwargs: Any) -> None:
    raise AuditTrailIsAppendOnly("Audit entries cannot be deleted.")


def protect_log_entries() -> None:
    pre_save.connect(_refuse_update, sender=LogEntry, dispatch_uid="pathways-audit-no-update")
    pre_delete.connect(_refuse_delete, sender=LogEntry, dispatch_uid="pathways-audit-no-delete")


#: What another app adds to the entries of allowed reads: given the actor and the ids of
#: the people read, extra ``additional_data`` for some of them (people: a read under an
#: emergency open carries ``break_glass``).
ReadNote = Callable[[Any, list[int]], dict[int, dict[str, Any]]]
_read_notes: list[ReadNote] = []


def note_reads(note: ReadNote) -> None:
    """Add a note to allowed reads (called from ``AppConfig.ready``)."""
    if note not in _read_notes:
        _read_notes.append(note)


def _notes(actor: Any, outcome: str, person_ids: list[int]) -> dict[int, dict[str, Any]]:
    if outcome != ALLOWED or not getattr(actor, "pk", None) or not person_ids:
        return {}
    out: dict[int, dict[str, Any]] = {}
    for note in _read_notes:
        for person_id, extra in note(actor, person_ids).items():
            out.setdefault(person_id, {}).update(extra)
    return out


def client_address(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record_access(
    actor: Any,
    person: Any,
    *,
    channel: str,
    outcome: str = ALLOWED,
    what: str = "person record",
    request: Any = None,
    remote_addr: str | None = None,
) -> LogEntry:
    """Record that ``actor`` read (or was refused) ``person``'s record."""
    extra = _notes(actor, outcome, [person.pk]).get(person.pk, {})
    return LogEntry.objects.log_create(
        person,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_email=getattr(actor, "email", None),
        remote_addr=remote_addr or client_address(request),
        changes=None,
        additional_data={
            "person_id": person.pk,
            "channel": channel,
            "outcome": outcome,
            "what": what,
            **extra,
        },
    )


def record_access_bulk(
    actor: Any,
    people: Iterable[Any],
    *,
    channel: str,
    outcome: str = ALLOWED,
    what: str = "person record",
    request: Any = None,
) -> list[LogEntry]:
    """Record that ``actor`` read each of ``people``, exactly as ``record_access`` would."""
    people = list(people)
    if not people:
        return []
    notes = _notes(actor, outcome, [p.pk for p in people])
    return _access_entries(
        actor,
        people,
        request=request,
        additional=lambda person: {
            "person_id": person.pk,
            "channel": channel,
            "outcome": outcome,
            "what": what,
            **notes.get(person.pk, {}),
        },
    )


def record_reads(
    actor: Any, rows: Iterable[Any], *, channel: str, what: str, request: Any = None
) -> list[LogEntry]:
    """Record that ``actor`` read each of ``rows``, records about someone who is not (or
    not yet) a person on record (a request for help from the public form): one
    ``ACCESS`` entry on each row, written in one statement."""
    return record_events(actor, rows, channel=channel, what=what, request=request)


def record_events(
    actor: Any,
    rows: Iterable[Any],
    *,
    channel: str,
    what: str,
    request: Any = None,
    data: Callable[[Any], dict[str, Any]] | None = None,
) -> list[LogEntry]:
    """``record_event`` for each of ``rows`` (of one model), written in one statement;
    ``data`` gives each row's extra ``additional_data``."""
    return _access_entries(
        actor,
        rows,
        request=request,
        additional=lambda row: {
            "channel": channel,
            "outcome": ALLOWED,
            "what": what,
            **(data(row) if data else {}),
        },
    )


def _access_entries(
    actor: Any,
    rows: Iterable[Any],
    *,
    request: Any,
    additional: Callable[[Any], dict[str, Any]],
) -> list[LogEntry]:
    """An ``ACCESS`` entry on each of ``rows`` (of one model), with ``additional(row)``
    as its ``additional_data``, written in one statement.

    ``bulk_create`` skips ``pre_save``, where django-auditlog fills in the request's
    actor, address and port, and where the trail refuses updates; sending the signal
    for each new entry first keeps the rows identical to single saves.
    """
    rows = list(rows)
    if not rows:
        return []
    content_type = ContentType.objects.get_for_model(type(rows[0]))
    actor_or_none = actor if getattr(actor, "pk", None) else None
    now = timezone.now()
    cid = get_cid()
    using = router.db_for_write(LogEntry)
    entries = []
    for row in rows:
        entry = LogEntry(
            content_type=content_type,
            object_pk=str(row.pk),
            object_id=row.pk,
            object_repr=str(row),
            action=LogEntry.Action.ACCESS,
            actor=actor_or_none,
            actor_email=getattr(actor, "email", None),
            remote_addr=client_address(request),
            changes=None,
            cid=cid,
            timestamp=now,
            additional_data=additional(row),
        )
        pre_save.send(sender=LogEntry, instance=entry, raw=False, using=using, update_fields=None)
        entries.append(entry)
    return LogEntry.objects.using(using).bulk_create(entries)


def create_recorded(rows: Sequence[M]) -> list[M]:
    """Insert ``rows`` of one model in one statement, with the same CREATE entry on the
    trail for each that django-auditlog writes when a row is saved on its own (the same
    changes, text, additional data, correlation id and, through ``pre_save``, the
    request's actor and address).

    Saving one at a time sends two INSERTs per row: a claim of 10,000 lines took 21 s
    (bench/providers.py). django-auditlog has no bulk path; its ``pre_log`` and
    ``post_log`` signals are not sent here (Pathways connects none).

    The entries of one call differ only in the row each describes; what ``pre_save``'s
    receivers fill in (django-auditlog's actor, address and extra data of the context
    the call runs in) is the same for all of them. So the signal is sent for the first
    entry only and what its receivers set is given to every entry, and the entries are
    written as values, never built as models one by one; they share one timestamp, the
    moment they were written (issue 15: building, signalling and preparing each entry
    was a third of an import's time). A receiver that set something different on each
    entry would see only the first; Pathways' own receiver (``_refuse_update``) sets
    nothing (decision 0059).
    """
    rows = list(rows)
    if not rows:
        return rows
    model = type(rows[0])
    using = router.db_for_write(model)
    fields = _written_fields(model)
    db = connections[using]
    if db.vendor == "postgresql" and fields and not any(row.pk is not None for row in rows):
        _copy_in(db, model, fields, _pre_saved_values(fields, rows), rows)
    else:
        model._default_manager.using(using).bulk_create(rows)
    _insert_entries(_creation_entries(model, rows))
    return rows


def _pre_saved_values(fields: list[Field], rows: Sequence[Model]) -> Iterator[list[Any]]:
    """Each new row's ``pre_save`` values of ``fields``: its attributes, read together,
    but for a field that works its value out (``auto_now``)."""
    read = attrgetter(*(f.attname for f in fields))
    worked_out = [(i, f) for i, f in enumerate(fields) if not _pre_save_is_plain(f)]
    for row in rows:
        values = list(read(row)) if len(fields) > 1 else [read(row)]
        for i, field in worked_out:
            values[i] = field.pre_save(row, True)
        yield values


def _written_fields(model: type[Model]) -> list[Field] | None:
    """The columns an insert of ``model`` writes, or None when the database fills some
    in itself (a ``db_default``) and only Django's own insert knows how."""
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    if any(f.db_default is not NOT_PROVIDED for f in fields):
        return None
    return fields


def _pre_save_is_plain(field: Field) -> bool:
    """Whether ``field.pre_save`` of a new row is only the row's attribute."""
    return type(field).pre_save in _PLAIN_PRE_SAVE and not (
        getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    )


_PLAIN_PRE_SAVE = {Field.pre_save, DateField.pre_save, DateTimeField.pre_save}


def _copy_in(
    db: Any,
    model: type[Model],
    fields: list[Field],
    value_rows: Iterable[list[Any]],
    rows: Sequence[Model] | None = None,
) -> list[int]:
    """``COPY`` rows of ``fields`` values (one list per row, in ``fields`` order; the
    primary key's place is filled with an id drawn from the table's sequence first)
    into ``model``'s table; the new ids, given also to ``rows`` if they are the models.

    Issue 15: Django's INSERT of a few thousand rows spent most of its time quoting the
    parameters; COPY sends them as they are. A value each field would hand the driver
    unchanged (``_as_is``) skips ``get_db_prep_save``."""
    table = model._meta.db_table
    pk = model._meta.pk
    assert pk is not None
    value_rows = list(value_rows)
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [db.ops.quote_name(table), pk.column, len(value_rows)],
        )
        ids = [new_id for (new_id,) in cursor.fetchall()]
        position = fields.index(pk)
        prepared = [(_as_is(f), f) for f in fields]
        columns = ", ".join(db.ops.quote_name(str(f.column)) for f in fields)
        with cursor.cursor.copy(f"COPY {db.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
            for values, new_id in zip(value_rows, ids, strict=True):
                values[position] = new_id
                copy.write_row(
                    [
                        value
                        if type(value) in as_is
                        else field.get_db_prep_save(value, connection=db)
                        for value, (as_is, field) in zip(values, prepared, strict=True)
                    ]
                )
    if rows is not None:
        for row, new_id in zip(rows, ids, strict=True):
            row.pk = new_id
            row._state.adding = False
            row._state.db = db.alias
    return ids


#: The field classes whose ``get_db_prep_save`` on PostgreSQL hands a value of these
#: types to the driver as it is (a CharField's str, an IntegerField's int): ``_copy_in``
#: skips that per-value work for them (issue 15). Exact classes: a subclass may convert.
_AS_IS_TYPES: dict[type[Field], tuple[type, ...]] = {
    **dict.fromkeys((CharField, EmailField, SlugField, TextField, URLField), (str,)),
    **dict.fromkeys(
        (
            AutoField,
            BigAutoField,
            BigIntegerField,
            IntegerField,
            PositiveBigIntegerField,
            PositiveIntegerField,
            PositiveSmallIntegerField,
            SmallAutoField,
            SmallIntegerField,
        ),
        (int,),
    ),
    BooleanField: (bool,),
    DateField: (dt.date,),
    DecimalField: (),  # None only: a Decimal is checked (a NaN is refused)
}


def _as_is(field: Field) -> frozenset[type]:
    """The types of value ``field`` sends to PostgreSQL unchanged (none: always prepare)."""
    if type(field) is ForeignKey:
        return _as_is(field.target_field)
    types = _AS_IS_TYPES.get(type(field))
    if types is None:
        return frozenset()
    return frozenset((*types, type(None)))


#: The fields of an entry that tell its row apart; every other is the same for all the
#: entries of one ``create_recorded``.
_PER_ROW = ("object_pk", "object_id", "object_repr", "changes", "additional_data")


def _creation_entries(model: type[Model], rows: Sequence[Model]) -> list[dict[str, Any]]:
    """The CREATE entry of each of ``rows`` (saved already), as its field values by
    attribute name: the values django-auditlog gives an entry for a row saved alone,
    with what ``pre_save``'s receivers set on the first entry given to every one, and
    one timestamp for them all."""
    content_type = ContentType.objects.get_for_model(model)
    per_row = []
    for row, changes in zip(rows, _creation_changes(model, rows), strict=True):
        get_additional_data = getattr(row, "get_additional_data", None)
        per_row.append(
            (
                str(row.pk),
                row.pk if isinstance(row.pk, int) else None,
                smart_str(row),
                changes,
                get_additional_data() if callable(get_additional_data) else None,
            )
        )
    first = LogEntry(
        content_type=content_type,
        action=LogEntry.Action.CREATE,
        cid=get_cid(),
        timestamp=timezone.now(),
        **dict(zip(_PER_ROW, per_row[0], strict=True)),
    )
    names = [f.attname for f in LogEntry._meta.concrete_fields if not f.generated]
    before = {name: getattr(first, name) for name in names}
    using = router.db_for_write(LogEntry)
    pre_save.send(sender=LogEntry, instance=first, raw=False, using=using, update_fields=None)
    shared = {name: getattr(first, name) for name in names}
    # A receiver that sets one of a row's own fields sets it for every row, as it would
    # have on each entry saved alone.
    own = [(i, name) for i, name in enumerate(_PER_ROW) if shared[name] == before[name]]
    entries = []
    for values in per_row:
        entry = dict(shared)
        for i, name in own:
            entry[name] = values[i]
        entries.append(entry)
    return entries


def _insert_entries(entries: list[dict[str, Any]]) -> None:
    """Write entries given as field values: one COPY on PostgreSQL, one bulk insert
    elsewhere."""
    using = router.db_for_write(LogEntry)
    db = connections[using]
    fields = _written_fields(LogEntry)
    if db.vendor == "postgresql" and fields:
        names = [f.attname for f in fields]
        _copy_in(db, LogEntry, fields, ([entry[n] for n in names] for entry in entries))
    else:
        LogEntry.objects.using(using).bulk_create([LogEntry(**entry) for entry in entries])


def _creation_changes(model: type[Model], rows: Sequence[Model]) -> list[dict | None]:
    """django-auditlog's ``model_instance_diff(None, row)`` for each new row: the same
    entries in a fraction of the time (issue 15: it was most of an import's time).

    The fields to compare are worked out once for the model, as django-auditlog does
    for each row (its registry's include, exclude and mask settings); a new row's "old"
    value is the text ``None`` for every field. The diff lists the reverse relations
    too (a related manager's text, the same for every new row), and reading a reverse
    one-to-one asks the database each time: those are worked out once, on the first
    row, which was just inserted and so has no one-to-one partner yet. A field's value
    is read as django-auditlog's ``get_field_value`` reads it, without asking it again
    for each row which of its cases the field is.
    """
    from auditlog.diff import get_field_value
    from auditlog.registry import auditlog

    json_changes = getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)
    config = auditlog.get_model_fields(model)
    if json_changes or config["mask_fields"]:
        return [model_instance_diff(None, r, use_json_for_changes=json_changes) for r in rows]
    fields = [f for f in model._meta.get_fields() if track_field(f)]
    if config["include_fields"]:
        fields = [f for f in fields if f.name in config["include_fields"]]
    if config["exclude_fields"]:
        fields = [f for f in fields if f.name not in config["exclude_fields"]]
    own = [f for f in fields if f.concrete]
    related = {f.name for f in fields if not f.concrete}
    first = rows[0]
    for rel in model._meta.related_objects:
        if rel.one_to_one:
            rel.set_cached_value(first, None)  # just inserted: nothing points at it yet
    shared = model_instance_diff(None, first, fields_to_check=related) if related else None
    # get_field_value's cases, once per field: a date and time or JSON is asked of it
    # for each row; a relation is its id (``strings_only``: None stays None); any other
    # field is the text of its value.
    by_id = not getattr(settings, "AUDITLOG_USE_FK_STRING_REPRESENTATION", False)
    plan: list[tuple[Field, str, str]] = []
    for field in own:
        if isinstance(field, DateTimeField | JSONField):
            plan.append((field, field.name, "ask"))
        elif by_id and (field.one_to_one or field.many_to_one) and hasattr(field, "rel_class"):
            plan.append((field, field.get_attname(), "id"))
        else:
            plan.append((field, field.name, "text"))
    out: list[dict | None] = []
    for row in rows:
        changes = dict(shared or {})
        for field, name, case in plan:
            try:
                if case == "text":
                    value = getattr(row, name)
                    if type(value) is not str:
                        value = smart_str(value)
                elif case == "id":
                    value = smart_str(getattr(row, name), strings_only=True)
                else:
                    value = get_field_value(row, field)
            except (ObjectDoesNotExist, AttributeError):
                value = get_field_value(row, field)  # its default, as it works it out
            if value != "None":  # a new row's "old" value, for every field
                changes[field.name] = ("None", value if type(value) is str else smart_str(value))
        out.append(changes or None)
    return out


def record_event(actor: Any, obj: Any, *, channel: str, what: str, **data: Any) -> LogEntry:
    """Record an operation that is not a row change (an import, a token issued)."""
    return LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_email=getattr(actor, "email", None),
        changes=None,
        additional_data={"channel": channel, "outcome": ALLOWED, "what": what, **data},
    )


#: What a scrubbed entry shows in place of a value.
ERASED = "(erased)"
_BATCH = 500


def _scrubbed(value: Any, identifiers: Iterable[str]) -> Any:
    if isinstance(value, str):
        for identifier in identifiers:
            value = value.replace(identifier, ERASED)
        return value
    if isinstance(value, dict):
        return {k: _scrubbed(v, identifiers) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v, identifiers) for v in value]
    return value


def scrub_values(entries: QuerySet[LogEntry], identifiers: Iterable[str] = ()) -> int:
    """Keep each entry (what was done, when, by whom, from where) but remove the
    values: which fields changed stays, not from what to what, and each of
    ``identifiers`` (a name, an email) is replaced inside ``additional_data``.

    The trail is append-only through the ``pre_save``/``pre_delete`` signals above; a
    bulk update sends neither. Only records that must go may be scrubbed, inside the
    transaction that removes them (decision 0023: a person's erasure; decision 0058:
    help requests set aside as not real)."""
    identifiers = [i for i in identifiers if i]
    rows = list(entries)
    for entry in rows:
        entry.object_repr = ERASED
        entry.changes_text = ""
        entry.serialized_data = None
        if isinstance(entry.changes, dict):
            entry.changes = {field: [ERASED, ERASED] for field in entry.changes}
        elif entry.changes is not None:
            entry.changes = {}
        entry.additional_data = _scrubbed(entry.additional_data, identifiers)
    # Entries alike once scrubbed (the CREATE entries of rows from one form, the reads
    # of one page) are updated together, one UPDATE ... WHERE id IN (...) a chunk,
    # when that is no more statements than ``bulk_update``'s batches: Django builds a
    # CASE per row and field, which took 9 of the 10 s to scrub 5,000 help requests.
    alike: dict[str, list[LogEntry]] = {}
    for entry in rows:
        key = json.dumps([entry.changes, entry.additional_data], sort_keys=True, default=str)
        alike.setdefault(key, []).append(entry)
    chunks = [same[i : i + _BATCH] for same in alike.values() for i in range(0, len(same), _BATCH)]
    if len(chunks) <= -(-len(rows) // _BATCH):
        for chunk in chunks:
            LogEntry.objects.filter(pk__in=[e.pk for e in chunk]).update(
                object_repr=ERASED,
                changes_text="",
                serialized_data=None,
                changes=chunk[0].changes,
                additional_data=chunk[0].additional_data,
            )
        return len(rows)
    LogEntry.objects.bulk_update(
        rows,
        ["object_repr", "changes_text", "serialized_data", "changes", "additional_data"],
        batch_size=_BATCH,
    )
    return len(rows)


def person_trail(person: Any) -> QuerySet[LogEntry]:
    """Every entry about a person — their record and rows that belong to it — newest first."""
    ct = ContentType.objects.get_for_model(type(person))
    return (
        LogEntry.objects.filter(
            Q(content_type=ct, object_pk=str(person.pk)) | Q(additional_data__person_id=person.pk)
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")
    )


def narrow(
    entries: QuerySet[LogEntry],
    *,
    actor: Any = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    channel: str | None = None,
    action: str | None = None,
    upto: int | None = None,
) -> QuerySet[LogEntry]:
    """``entries`` by one staff member, on days ``since``..``until`` (both included, in
    the service's time zone), on one channel, of one action, and none newer than entry
    ``upto`` (so that reading a trail page by page is not shifted by reads made since)."""
    if actor is not None:
        entries = entries.filter(actor=actor)
    if since is not None:
        entries = entries.filter(timestamp__gte=_start_of(since))
    if until is not None:
        entries = entries.filter(timestamp__lt=_start_of(until + dt.timedelta(days=1)))
    if channel == "web":
        entries = entries.filter(
            Q(additional_data__channel="web")
            | Q(additional_data__isnull=True)
            | ~Q(additional_data__has_key="channel")
        )
    elif channel:
        entries = entries.filter(additional_data__channel=channel)
    if action:
        entries = entries.filter(action={v: k for k, v in ACTIONS.items()}[action])
    if upto is not None:
        entries = entries.filter(pk__lte=upto)
    return entries


def newest_id() -> int:
    """The newest entry's id: where a list read page by page stops (``narrow(upto=)``)."""
    return LogEntry.objects.aggregate(newest=Max("pk"))["newest"] or 0


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _unattributed(channel: str | None) -> str:
    """Command-line work without --as was done by whoever runs the server."""
    return "operator" if channel == "cli" else "system"


def actor_name(entry: LogEntry) -> str:
    """Who did it, as a person reads it: the staff member's full name (the email when
    the account has no name), or "operator"/"system" for work under no account."""
    if entry.actor is not None:
        return entry.actor.get_full_name() or entry.actor.email
    return entry.actor_email or _unattributed((entry.additional_data or {}).get("channel"))


def changes_text(changes: Any) -> str:
    """A change's old and new values on one line: "status: received → accepted"."""
    if not changes:
        return ""
    if isinstance(changes, str):
        return changes
    return "; ".join(
        f"{name}: {values[0]} → {values[1]}"
        if isinstance(values, list | tuple) and len(values) == 2
        else f"{name}: {values}"
        for name, values in changes.items()
    )


def describe(entry: LogEntry) -> dict[str, Any]:
    """One entry as the CLI and the audit pages show it: ``who`` is the email (the
    command line's contract), ``name`` the person the pages show."""
    data = entry.additional_data or {}
    return {
        "when": entry.timestamp.isoformat(),
        "who": entry.actor_email
        or (entry.actor.email if entry.actor else _unattributed(data.get("channel"))),
        "name": actor_name(entry),
        "action": ACTIONS.get(entry.action, "other"),
        "what": (data.get("what") or f"{entry.content_type.model} {entry.object_repr}")
        + (f" (emergency open {data['break_glass']})" if data.get("break_glass") else ""),
        "channel": data.get("channel", "web"),
        "outcome": data.get("outcome", ALLOWED),
        "from": entry.remote_addr or "",
        "changes": entry.changes if entry.action != LogEntry.Action.ACCESS else None,
    }


#: The mark on the events of staff administration (invitations, teams and roles, two-step
#: sign-in, API tokens, deactivation), which the staff activity page lists.
STAFF_ADMIN = "staff_admin"


def record_staff_event(
    actor: Any, member: Any, *, channel: str, what: str, **data: Any
) -> LogEntry:
    """Record an administrative action on a staff account (``member``), for the trail and
    for the administrators' activity page."""
    return record_event(actor, member, channel=channel, what=what, **{STAFF_ADMIN: True, **data})
