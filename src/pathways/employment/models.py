"""Work itself: placements (job starts, whether found with the service or not) with
their hours and pay over time, and how they end.

A placement's hours and pay are kept as dated terms, so a report on any date uses the
hours in force that day (a change of hours moves a person between bands). The
placement row carries the latest terms for lists and imports.
"""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from pathways.core.models import Authority, OpportunityKind
from pathways.people.models import Person


class PlacementEndReason(models.TextChoices):
    RESIGNED = "resigned", "Resigned"
    DISMISSED = "dismissed", "Dismissed"
    CONTRACT_ENDED = "contract_ended", "Contract ended"
    MOVED_JOB = "moved_job", "Moved to another job"
    HEALTH = "health", "Health"
    OTHER = "other", "Other"


class Placement(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="placements")
    placement_ref = models.CharField("reference", max_length=40)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="placements")
    episode = models.ForeignKey(
        "casework.Episode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
        help_text="The episode of support in which the job started, if any",
    )
    candidacy = models.OneToOneField(
        "employers.Candidacy",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placement",
    )
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, related_name="placements"
    )
    job_title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=OpportunityKind.choices)
    paid = models.BooleanField()
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    hours_per_week = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(80)],
        help_text="Contracted or usual hours (the latest terms)",
    )
    hourly_pay = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    supported = models.BooleanField(
        null=True, blank=True, help_text="Receives in-work support from a provider"
    )
    end_reason = models.CharField(max_length=20, choices=PlacementEndReason.choices, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Guards against lost updates")

    class Meta:
        ordering = ["-start_date", "placement_ref"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "placement_ref"], name="unique_placement_ref"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="placement_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["authority", "paid", "start_date"])]

    def __str__(self) -> str:
        return f"{self.job_title} at {self.employer}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.person_id}

    def is_current(self, on: dt.date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class PlacementTerms(models.Model):
    """Hours and pay from a date until the next terms."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="terms")
    effective_from = models.DateField()
    hours_per_week = models.DecimalField(
        max_digits=4, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(80)]
    )
    hourly_pay = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["placement", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "effective_from"], name="one_change_of_terms_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hours_per_week} hours a week from {self.effective_from:%d %B %Y}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.placement.person_id}
