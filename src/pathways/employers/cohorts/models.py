"""Supported-internship cohorts (e.g. Project SEARCH): the interns, and the rotations
through the host employer's departments (its opportunities)."""

from __future__ import annotations

from django.db import models

from pathways.core.models import Authority, Team
from pathways.employers.engagement.models import Employer
from pathways.employers.opportunities.models import Opportunity
from pathways.people.models import Person


class InternshipCohort(models.Model):
    """A year's supported internship (e.g. Project SEARCH) at one host employer: the
    interns, and rotations of 10 to 12 weeks through the host's departments."""

    class Programme(models.TextChoices):
        PROJECT_SEARCH = "project_search", "Project SEARCH"
        SUPPORTED_INTERNSHIP = "supported_internship", "Supported internship"

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="cohorts")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cohorts")
    host = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=200)
    programme = models.CharField(max_length=30, choices=Programme.choices)
    academic_year = models.CharField(max_length=7, help_text="e.g. 2026-27")
    interns = models.ManyToManyField(Person, blank=True, related_name="cohorts")

    class Meta:
        ordering = ["-academic_year", "name"]

    def __str__(self) -> str:
        return f"{self.name} {self.academic_year}"


ROTATION_MIN_DAYS = 70
ROTATION_MAX_DAYS = 84


class Rotation(models.Model):
    """One rotation of a cohort: the departments (opportunities) that take interns."""

    cohort = models.ForeignKey(InternshipCohort, on_delete=models.CASCADE, related_name="rotations")
    number = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    opportunities = models.ManyToManyField(Opportunity, blank=True, related_name="rotations")

    class Meta:
        ordering = ["cohort", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "number"], name="unique_rotation_number"),
            models.CheckConstraint(
                condition=models.Q(starts_on__lt=models.F("ends_on")), name="rotation_order"
            ),
        ]

    def __str__(self) -> str:
        return f"Rotation {self.number}"

    @property
    def weeks(self) -> float:
        return ((self.ends_on - self.starts_on).days + 1) / 7


class RotationPlacement(models.Model):
    """An intern's department in a rotation."""

    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="placements")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["rotation", "opportunity__title", "person__family_name"]
        constraints = [
            models.UniqueConstraint(fields=["rotation", "person"], name="one_department_a_rotation")
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.opportunity.title}, rotation {self.rotation.number}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.person_id}
