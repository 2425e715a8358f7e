"""The provider's employer list: employers, their sites and contacts, and the log of
what the service did with them (decision 0012: one list per provider organisation,
shared by all its teams).

The lowest of the employer sub-domains: every other one hangs off an ``Employer``, so
the coordinate fields they share are defined here too.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from pathways.core.models import Organisation


def latitude_field() -> models.DecimalField:
    return models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )


def longitude_field() -> models.DecimalField:
    return models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )


def coordinates_together(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(latitude__isnull=True, longitude__isnull=True)
        | models.Q(latitude__isnull=False, longitude__isnull=False),
        name=f"{prefix}_coordinates_together",
    )


class DisabilityConfident(models.TextChoices):
    """The DWP scheme's levels; each is valid for three years."""

    COMMITTED = "committed", "Level 1: Disability Confident Committed"
    EMPLOYER = "employer", "Level 2: Disability Confident Employer"
    LEADER = "leader", "Level 3: Disability Confident Leader"


DISABILITY_CONFIDENT_YEARS = 3


class Employer(models.Model):
    class Size(models.TextChoices):
        MICRO = "micro", "Micro (fewer than 10 staff)"
        SMALL = "small", "Small (10 to 49 staff)"
        MEDIUM = "medium", "Medium (50 to 249 staff)"
        LARGE = "large", "Large (250 staff or more)"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="employers",
        help_text="The provider whose employer list this is on; all its teams share it",
    )
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=100, blank=True)
    size = models.CharField(max_length=10, choices=Size.choices, blank=True)
    website = models.URLField(blank=True)
    disability_confident = models.CharField(
        "Disability Confident level", max_length=20, choices=DisabilityConfident.choices, blank=True
    )
    disability_confident_on = models.DateField("Disability Confident since", null=True, blank=True)
    relationship_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employers_owned",
    )
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Guards against lost updates")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "organisation", name="unique_employer_name_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def disability_confident_until(self) -> dt.date | None:
        if not self.disability_confident_on:
            return None
        start = self.disability_confident_on
        try:
            return start.replace(year=start.year + DISABILITY_CONFIDENT_YEARS)
        except ValueError:
            return start.replace(year=start.year + DISABILITY_CONFIDENT_YEARS, day=28)


class EmployerSite(models.Model):
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    latitude = latitude_field()
    longitude = longitude_field()

    class Meta:
        ordering = ["name"]
        constraints = [coordinates_together("site")]

    def __str__(self) -> str:
        return f"{self.employer}, {self.name}"


class EmployerContact(models.Model):
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Engagement(models.Model):
    """One entry in the employer engagement log."""

    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        JOB_CARVING = "job_carving", "Job carving visit"
        AWARENESS_TRAINING = "awareness_training", "Disability-awareness training delivered"
        VACANCY = "vacancy", "Vacancy discussed"
        ADJUSTMENTS = "adjustments", "Adjustments or Access to Work advice"
        OTHER = "other", "Other"

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="engagements")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    occurred_on = models.DateField()
    attendees = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many of the employer's staff took part"
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on:%d %B %Y}"
