"""Reports read from a streaming replica of the database (issue 15, decision 0055).

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database and this router.
Code that only reports (the report pages, their charts and row exports, the report API
routes, ``pathways report``) marks itself with ``reads_from_replica``: a decorator, or a
context manager. Inside it, reads go to the replica while it is healthy; everything else,
and every write anywhere (an audit entry recorded while reporting, a session), goes to
the primary. A router sees only the model, so the mark is a context variable.

Healthy means the replica answers and is not more than
``PATHWAYS_REPLICA_MAX_LAG_SECONDS`` behind: on PostgreSQL, ``now() -
pg_last_xact_replay_timestamp()`` while it is in recovery and has WAL received but not
yet replayed (none at all when it has replayed everything it received). The answer is
kept for ``PATHWAYS_REPLICA_CHECK_SECONDS`` per process, so a report pays for the check
at most once in that time, not per query. When the replica is down or lagging, reads
fall back to the primary and a warning is logged once (and a line when it is back).

One report reads from one database: the choice is made at its first read and kept for
the rest of it. When a read on the replica fails (the replica stopped, a query cancelled
by recovery), the decorated report runs once more on the primary, provided it has not
written anything yet; the replica is checked afresh at once, so the next report does not
wait for the cached answer to expire. The context manager cannot run its block again: it
marks the replica for a fresh check and the error goes up.

Without ``DATABASE_REPLICA_URL`` there is no router and ``reads_from_replica`` changes
nothing.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar, overload

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger("pathways.replica")

#: The alias settings give the replica.
REPLICA = "replica"

#: One query for the replica's state: whether it is a standby, and how far behind the
#: primary it is in seconds (0 when it has replayed all it received; NULL when that is
#: unknown: WAL waiting and no transaction replayed yet).
LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE
           WHEN NOT pg_is_in_recovery() THEN 0
           WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
           ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
       END
"""


def configured() -> bool:
    return REPLICA in settings.DATABASES


# --- the replica's health, checked at most once per period per process -----------------


@dataclass(frozen=True)
class ReplicaState:
    usable: bool
    #: "ok", "unreachable: OperationalError", "lagging 42.0 s (limit 30 s)", ...
    detail: str
    lag: float | None = None
    checked_at: float = 0.0


_lock = threading.Lock()
_state: ReplicaState | None = None


def _max_lag() -> float:
    return float(getattr(settings, "PATHWAYS_REPLICA_MAX_LAG_SECONDS", 30))


def _check_period() -> float:
    return float(getattr(settings, "PATHWAYS_REPLICA_CHECK_SECONDS", 5))


def _ask(connection: Any) -> tuple[bool, float | None]:
    """(in recovery, lag in seconds or None) from the replica's own connection."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("SELECT 1")
            cursor.fetchone()
            return False, 0.0
        cursor.execute(LAG_SQL)
        in_recovery, lag = cursor.fetchone()
        return bool(in_recovery), None if lag is None else float(lag)


def _probe() -> ReplicaState:
    connection = connections[REPLICA]
    now = time.monotonic()
    # An open connection may be one broken by a restart: closed, and a new one tried
    # once. The replica's connect_timeout bounds each wait when it is gone.
    tries = 2 if connection.connection is not None else 1
    for attempt in range(1, tries + 1):
        try:
            _, lag = _ask(connection)
            break
        except DatabaseError as exc:
            with suppress(DatabaseError):
                connection.close()
            if attempt == tries:
                return ReplicaState(False, f"unreachable: {type(exc).__name__}", None, now)
    if lag is None:
        return ReplicaState(False, "lag unknown (nothing replayed yet)", None, now)
    limit = _max_lag()
    if lag > limit:
        return ReplicaState(False, f"lagging {lag:.1f} s (limit {limit:g} s)", lag, now)
    return ReplicaState(True, "ok", lag, now)


def state(*, fresh: bool = False) -> ReplicaState | None:
    """The replica's state, checked again when the last check is older than the period
    (or ``fresh``); None without a replica."""
    global _state
    if not configured():
        return None
    with _lock:
        now = time.monotonic()
        if not fresh and _state is not None and now - _state.checked_at < _check_period():
            return _state
        before, _state = _state, _probe()
        if not _state.usable and (before is None or before.usable):
            logger.warning("Reports read from the primary: the replica is %s", _state.detail)
        elif _state.usable and before is not None and not before.usable:
            logger.info("Reports read from the replica again (lag %.1f s)", _state.lag or 0.0)
        return _state


# --- the reporting context ---------------------------------------------------------------


@dataclass
class _Reading:
    #: The database this report reads from, chosen at its first read.
    alias: str | None = None
    #: Whether it has written anything (then it is never run again).
    wrote: bool = False
    #: Force the primary (the second run after the replica failed).
    primary_only: bool = False


_reading: ContextVar[_Reading | None] = ContextVar("pathways_replica_reading", default=None)


def _read_alias(reading: _Reading) -> str:
    if reading.alias is None:
        if reading.primary_only:
            reading.alias = DEFAULT_DB_ALIAS
        else:
            current = state()
            reading.alias = REPLICA if current is not None and current.usable else DEFAULT_DB_ALIAS
    return reading.alias


class ReplicaRouter:
    """Reads inside ``reads_from_replica`` go to the replica while it is healthy; every
    write goes to the primary, also for rows that were read from the replica."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        reading = _reading.get()
        if reading is None:
            return None
        # A transaction on the primary reads its own writes.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return _read_alias(reading)

    def db_for_write(self, model: type, **hints: Any) -> str:
        reading = _reading.get()
        if reading is not None:
            reading.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        both = {obj1._state.db, obj2._state.db}
        if both <= {DEFAULT_DB_ALIAS, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica is the primary's copy: migrations reach it by replication.
        return False if db == REPLICA else None


@contextmanager
def _reporting(*, primary_only: bool = False) -> Iterator[_Reading]:
    current = _reading.get()
    if current is not None:  # already reporting: the outer report decides
        yield current
        return
    reading = _Reading(primary_only=primary_only)
    token = _reading.set(reading)
    try:
        yield reading
    except (OperationalError, InterfaceError):
        if reading.alias == REPLICA:
            state(fresh=True)
        raise
    finally:
        _reading.reset(token)


P = ParamSpec("P")
R = TypeVar("R")


@overload
def reads_from_replica(func: Callable[P, R]) -> Callable[P, R]: ...
@overload
def reads_from_replica(func: None = None) -> Any: ...


def reads_from_replica(func: Callable[P, R] | None = None) -> Any:
    """``@reads_from_replica`` on a view, route or command that only reports, or ``with
    reads_from_replica():`` around reads (see the module's docstring)."""
    if func is None:
        return _reporting()

    @functools.wraps(func)
    def reporting(*args: P.args, **kwargs: P.kwargs) -> R:
        if _reading.get() is not None:
            return func(*args, **kwargs)
        try:
            with _reporting() as reading:
                return func(*args, **kwargs)
        except (OperationalError, InterfaceError) as exc:
            if reading.alias != REPLICA or reading.wrote:
                raise
            logger.warning(
                "A report's read from the replica failed (%s); reading from the primary",
                type(exc).__name__,
            )
        with _reporting(primary_only=True):
            return func(*args, **kwargs)

    return reporting
