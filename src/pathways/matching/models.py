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


class ColumnsChange(models.Model):
    """Whose columns one raise of an authority's ``ColumnsVersion`` changed: a row per
    person, or one row with no person when who changed is not known (a bulk write, an
    erasure, a retired interest). A process whose cached columns are a few versions old
    reloads just the people changed since (``matching.columns``) instead of the whole
    authority; it reloads everyone when any row of those versions names no person, or
    when the rows have been pruned (only the last ``services.CHANGES_KEPT`` versions of
    an authority are kept). Written in the writer's transaction with the version."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveBigIntegerField()
    #: No foreign key: a deleted person's row must outlive them, to drop their columns.
    person_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["authority", "version"], name="matching_change_version")]

    def __str__(self) -> str:
        who = f"person {self.person_id}" if self.person_id else "everyone"
        return f"Matching columns of authority {self.authority_id}, v{self.version}: {who}"
