"""The matching columns of each authority's people, kept in this process's memory.

Loading 100,000 people's columns from the database takes seconds (turning rows into
Python values and numpy arrays); ranking them takes milliseconds. So the columns of
everyone matchable in an authority (``selectors.load_people`` of
``selectors.matchable_people``) are loaded once and kept, keyed with the authority's
``ColumnsVersion`` (read fresh on every match, one small query) and the interest
codes they were built with. Any change to what they hold raises the version in the
writer's transaction (``matching.invalidation``) and says whose columns changed
(``ColumnsChange``), so the next match in every process reloads just those people's
columns and patches its copy (or loads everyone again, when who changed is not known
or more than ``PATHWAYS_MATCHING_PATCH_UP_TO`` people did). An entry older than
``PATHWAYS_MATCHING_CACHE_SECONDS`` is loaded again too (a safety net for writes that
send no signal), and only the ``PATHWAYS_MATCHING_CACHE_AUTHORITIES`` most recently
used authorities are kept. A match that finds fewer than ``PATHWAYS_MATCHING_CACHE_FROM``
people passing the hard rules (one person's candidacy, a small authority) loads just
them and keeps nothing.

The cache only ever narrows, never widens, who is ranked: the hard rules are asked of
the database on every match (``selectors.people_for``), and someone they let through
but the cache does not hold makes the columns load again.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.conf import settings

from pathways.matching import engine
from pathways.matching.models import ColumnsChange, ColumnsVersion


@dataclass
class Entry:
    version: int
    codes: tuple[str, ...]
    loaded_at: float
    people: engine.People
    ids: np.ndarray  # people.ids as int64, for np.isin


_entries: OrderedDict[int, Entry] = OrderedDict()
_lock = threading.Lock()


def max_age() -> float:
    return float(getattr(settings, "PATHWAYS_MATCHING_CACHE_SECONDS", 3600))


def cache_from() -> int:
    """How many people must pass the hard rules before a match loads (and keeps) the
    whole authority's columns rather than just theirs."""
    return int(getattr(settings, "PATHWAYS_MATCHING_CACHE_FROM", 1000))


def patch_up_to() -> int:
    """Up to how many changed people columns a few versions old are brought up to date
    rather than loaded whole again."""
    return int(getattr(settings, "PATHWAYS_MATCHING_PATCH_UP_TO", 2000))


def capacity() -> int:
    return int(getattr(settings, "PATHWAYS_MATCHING_CACHE_AUTHORITIES", 16))


def version_of(authority_id: int) -> int:
    """The authority's columns version as committed now (one query)."""
    found = (
        ColumnsVersion.objects.filter(authority_id=authority_id)
        .values_list("version", flat=True)
        .first()
    )
    return found or 0


def changed_since(authority_id: int, since: int, version: int) -> set[int] | None:
    """The people whose columns changed after version ``since`` up to ``version``, or
    None when that is not known: a change that named nobody, or versions whose changes
    have been pruned (one query)."""
    rows = list(
        ColumnsChange.objects.filter(
            authority_id=authority_id, version__gt=since, version__lte=version
        ).values_list("version", "person_id")
    )
    if {v for v, _ in rows} != set(range(since + 1, version + 1)):
        return None
    people = {person_id for _, person_id in rows}
    if None in people:
        return None
    return people  # type: ignore[return-value]


def cached(
    authority_id: int,
    version: int,
    codes: tuple[str, ...],
    reload: Callable[[list[int]], engine.People] | None = None,
) -> Entry | None:
    """The kept columns if they are still current, else None. Columns a few versions
    old are brought up to date with ``reload`` (the columns of the people given by id,
    as they are now) when the changes since name at most ``PATHWAYS_MATCHING_PATCH_UP_TO``
    people; otherwise they are dropped."""
    with _lock:
        entry = _entries.get(authority_id)
        if entry is None:
            return None
        if entry.codes != codes or time.monotonic() - entry.loaded_at > max_age():
            del _entries[authority_id]
            return None
        if entry.version == version:
            _entries.move_to_end(authority_id)
            return entry
    changed = (
        changed_since(authority_id, entry.version, version)
        if reload is not None and entry.version < version
        else None
    )
    if reload is None or changed is None or len(changed) > patch_up_to():
        with _lock:
            if _entries.get(authority_id) is entry:
                del _entries[authority_id]
        return None
    people = entry.people.patched(changed, reload(sorted(changed)))
    patched = Entry(
        version=version,
        codes=codes,
        loaded_at=entry.loaded_at,  # the age limit counts from the last whole load
        people=people,
        ids=np.asarray(people.ids, dtype=np.int64),
    )
    with _lock:
        current = _entries.get(authority_id)
        if current is None or current.version <= version:
            _entries[authority_id] = patched
            _entries.move_to_end(authority_id)
    return patched


def load(
    authority_id: int, version: int, codes: tuple[str, ...], loader: Callable[[], engine.People]
) -> Entry:
    """Load the columns (``loader``, read after ``version`` so they are at least that
    new) and keep them under ``version``."""
    people = loader()
    entry = Entry(
        version=version,
        codes=codes,
        loaded_at=time.monotonic(),
        people=people,
        ids=np.asarray(people.ids, dtype=np.int64),
    )
    if capacity() > 0:
        with _lock:
            _entries[authority_id] = entry
            _entries.move_to_end(authority_id)
            while len(_entries) > capacity():
                _entries.popitem(last=False)
    return entry


def clear() -> None:
    """Forget every authority's columns (tests; a process that wants its memory back)."""
    with _lock:
        _entries.clear()
