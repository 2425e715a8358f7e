"""Episodes of support. Allocation opens one; casework grows around it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from pathways.core.models import Authority, Team
from pathways.people.models import Person


class Episode(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="episodes")
    episode_ref = models.CharField("reference", max_length=40)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="episodes")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="episodes")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="episodes",
    )
    referral = models.OneToOneField(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="episode",
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "episode_ref"], name="unique_episode_ref")
        ]
        indexes = [models.Index(fields=["worker", "ended_on"])]

    def __str__(self) -> str:
        return f"Episode {self.episode_ref}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.person_id}

    @property
    def is_open(self) -> bool:
        return self.ended_on is None
