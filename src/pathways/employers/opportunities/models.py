"""Opportunities: jobs and work-like opportunities at an employer, offered to the people
of one authority. Matching, candidacies, cohorts and pledges all read them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from pathways.core.models import Authority, InterestTag, OpportunityKind
from pathways.employers.engagement.models import (
    Employer,
    EmployerSite,
    coordinates_together,
    latitude_field,
    longitude_field,
)


class Opportunity(models.Model):
    """A job or work-like opportunity offered to the people of one authority."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="opportunities")
    opportunity_ref = models.CharField("reference", max_length=40, unique=True)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="opportunities")
    site = models.ForeignKey(
        EmployerSite, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=OpportunityKind.choices)
    paid = models.BooleanField()
    hours_per_week = models.DecimalField(
        max_digits=4, decimal_places=1, validators=[MaxValueValidator(80)]
    )
    hourly_pay = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    latitude = latitude_field()
    longitude = longitude_field()
    places = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    tags = models.ManyToManyField(InterestTag, blank=True, related_name="opportunities")
    description = models.TextField(blank=True)
    accessibility_notes = models.TextField(blank=True)
    instead_of_interview = models.BooleanField(
        "work trial instead of an interview",
        default=False,
        help_text="The employer offers a work trial in place of a formal interview",
    )
    carved_tasks = models.JSONField(
        default=list,
        blank=True,
        help_text="For a carved job: the tasks the role is built from, one per entry",
    )
    opened_on = models.DateField()
    closes_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(
        null=True, blank=True, help_text="Set when filled or withdrawn early"
    )
    version = models.PositiveIntegerField(default=1, help_text="Guards against lost updates")

    class Meta:
        ordering = ["closes_on", "title", "opportunity_ref"]
        verbose_name_plural = "opportunities"
        constraints = [coordinates_together("opportunity")]
        indexes = [models.Index(fields=["authority", "closed_on"])]

    def __str__(self) -> str:
        return f"{self.title} at {self.employer}"

    def is_open(self, on: dt.date) -> bool:
        return (
            self.opened_on <= on
            and self.closed_on is None
            and (self.closes_on is None or self.closes_on >= on)
        )

    @property
    def weekly_pay(self) -> Decimal | None:
        if not self.paid or self.hourly_pay is None:
            return None
        return (self.hours_per_week * self.hourly_pay).quantize(self.hourly_pay)


def open_on(on: dt.date, via: str = "") -> models.Q:
    """Opportunities open on that date, to filter a queryset; ``via`` reaches them
    through a relation (``"opportunities__"`` from employers)."""
    return models.Q(**{f"{via}opened_on__lte": on, f"{via}closed_on__isnull": True}) & (
        models.Q(**{f"{via}closes_on__isnull": True}) | models.Q(**{f"{via}closes_on__gte": on})
    )
