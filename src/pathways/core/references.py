"""References that two people saving at once never share (R000123, E000045).

A reference is the authority's next free number in its series. Counting and then
inserting leaves a gap in which a second transaction counts the same rows and takes
the same number (on PostgreSQL, parallel referrals and allocations answered 500 on the
unique constraint). So the count is taken holding a lock on the authority's row, which
the caller's transaction keeps until the new row is saved: the next one waits, then
counts the row just added. SQLite lets one transaction write at a time, so it needs no
lock (and has none).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from pathways.core.models import Authority


def next_reference(rows: QuerySet, field: str, prefix: str, authority_id: int) -> str:
    """The next free ``prefix``-numbered reference among ``rows`` of the authority.
    Call it inside the transaction that saves the new row."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "A reference is taken inside the transaction that saves it."
        )
    Authority.objects.select_for_update().filter(pk=authority_id).values_list(
        "pk", flat=True
    ).first()
    of_authority = rows.filter(authority_id=authority_id)
    count = of_authority.count()
    while True:
        count += 1
        ref = f"{prefix}{count:06d}"
        if not of_authority.filter(**{field: ref}).exists():
            return ref
