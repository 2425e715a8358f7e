"""What matching keeps of its own: a version of each authority's matching columns."""

from __future__ import annotations

from django.db import models

from pathways.core.models import Authority


class ColumnsVersion(models.Model):
    """How often the columns matching ranks an authority's people by have changed (a
    profile saved, interests changed, a stage entered or support closed, a person's
    location or name): one row an authority, its ``version`` raised in the writer's own
    transaction (``matching.services.columns_changed``). The per-process cache of those
    columns (``matching.columns``) is keyed with it, so a change committed anywhere is
    seen by every process on its next match. No row means no change since the table
    was made: version 0."""

    authority = models.OneToOneField(
        Authority, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Matching columns of authority {self.authority_id}: version {self.version}"
