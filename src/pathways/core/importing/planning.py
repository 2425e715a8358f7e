"""What a kind's ``plan`` works with: the shared lookups and the change helper.

The rows of one import share a :class:`Context` (who runs it, their remit, the
authorities, teams and staff the file names, fetched once); :func:`fetch_by` loads the
records a file names in a few queries; :func:`plan_save` compares a row with the stored
record and returns the :class:`~pathways.core.importing.kinds.Change` that brings the
record in line, writing only the fields that differ.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from pathways.core.importing.changes import Action, Change
from pathways.core.importing.problems import RowProblem
from pathways.core.models import Authority, Team, User

K = TypeVar("K")
M = TypeVar("M", bound=Model)


class Context:
    """What the rows of one import share: who runs it, their remit, cached lookups.

    ``authority_ids`` limits the authorities the rows may touch (an admin uploading
    through the web page); None means no limit (the operator at the command line).
    """

    def __init__(self, *, actor: User | None, authority_ids: frozenset[int] | None) -> None:
        self.actor = actor
        self.authority_ids = authority_ids
        self.cache: dict[str, Any] = {}
        #: What the rows add to a list that every import shares (new interests in the
        #: vocabulary), by the list's name: reported beside the counts and audited.
        self.additions: dict[str, list[str]] = {}

    def add_to(self, vocabulary: str, item: str) -> None:
        """Note that the import adds ``item`` to ``vocabulary`` (once, however many rows
        name it)."""
        items = self.additions.setdefault(vocabulary, [])
        if item not in items:
            items.append(item)

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

    if instance is None and then is None and _all_saved(lookup, fields):
        return Change(action, changed, write, new=model(**lookup, **fields))
    return Change(action, changed, write)


def _all_saved(*values: dict[str, Any]) -> bool:
    """Whether every related record among the values is saved already (a record made
    by an earlier row's write is not, so its row is written on its own, in order)."""
    return all(
        not isinstance(v, Model) or v.pk is not None for group in values for v in group.values()
    )


def differs(instance: Model, name: str, value: Any) -> bool:
    """Whether the row's ``value`` for field ``name`` differs from the stored one (a
    related record by its key: an unsaved one always differs)."""
    if isinstance(value, Model):
        return getattr(instance, f"{name}_id") != value.pk
    return getattr(instance, name) != value
