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
        "employers.Employer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
        help_text="The employer on a provider's list; blank when it is on no list",
    )
    unlisted_employer = models.CharField(
        "employer (on no provider's list)",
        max_length=200,
        blank=True,
        help_text="The employer's name as the council's records give it, for a job no "
        "provider's employer list holds (one a person found themself)",
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
    support_ended_on = models.DateField(
        null=True,
        blank=True,
        help_text="In-work support ended while the person stayed in this job: progression "
        "to unsupported employment",
    )
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
            models.CheckConstraint(
                condition=models.Q(employer__isnull=False, unlisted_employer="")
                | (models.Q(employer__isnull=True) & ~models.Q(unlisted_employer="")),
                name="placement_employer_listed_or_named",
            ),
        ]
        indexes = [models.Index(fields=["authority", "paid", "start_date"])]

    def __str__(self) -> str:
        return f"{self.job_title} at {self.employer_name}"

    @property
    def employer_name(self) -> str:
        """Who the person works for, whether on a provider's list or not."""
        return self.employer.name if self.employer is not None else self.unlisted_employer

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


class CheckKind(models.TextChoices):
    """The six checks after a job start (docs/decisions/0014-in-work-support.md)."""

    SETTLED_IN = "settled_in", "Settled in"
    TRANSPORT = "transport", "Transport to work is working"
    BENEFITS = "benefits", "Benefits advice and a better-off calculation"
    SUPPORT_PLAN = "support_plan", "Support plan agreed with the person and the employer"
    ADJUSTMENTS = "adjustments", "Employer helped with adjustments (and Access to Work)"
    NAMED_CONTACT = "named_contact", "A named contact for unexpected issues"


class PostStartCheck(models.Model):
    """One of the six checks, due a team-set number of days after the start."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=20, choices=CheckKind.choices)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["placement", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "kind"], name="one_check_of_each_kind")
        ]
        indexes = [models.Index(fields=["done_on", "due_on"])]

    def __str__(self) -> str:
        return self.get_kind_display()

    def get_additional_data(self) -> dict:
        return {"person_id": self.placement.person_id}


class FadingStep(models.Model):
    """Planned job-coach hours a week from a date until the next step: the fading plan
    agreed with the person and the employer."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="fading_steps")
    starts_on = models.DateField()
    planned_hours = models.DecimalField(
        max_digits=4, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(40)]
    )

    class Meta:
        ordering = ["placement", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "starts_on"], name="one_fading_step_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.planned_hours} hours a week from {self.starts_on:%d %B %Y}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.placement.person_id}


class AccessToWorkStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", "Not needed"
    TO_APPLY = "to_apply", "To apply"
    APPLIED = "applied", "Applied"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class AccessToWork(models.Model):
    """The person's Access to Work application for this job (DWP grant for support and
    adjustments beyond what the employer must make)."""

    placement = models.OneToOneField(
        Placement, on_delete=models.CASCADE, related_name="access_to_work"
    )
    status = models.CharField(
        max_length=20, choices=AccessToWorkStatus.choices, default=AccessToWorkStatus.TO_APPLY
    )
    funds = models.TextField(
        "what it funds",
        blank=True,
        help_text="For example a job coach, taxis to work, specialist equipment",
    )
    applied_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    award_ends_on = models.DateField("award ends on", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Guards against lost updates")

    class Meta:
        verbose_name = "Access to Work"
        verbose_name_plural = "Access to Work"

    def __str__(self) -> str:
        return f"Access to Work: {self.get_status_display()}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.placement.person_id}


class MilestoneEvidence(models.TextChoices):
    PAYSLIP = "payslip", "Seen a payslip"
    EMPLOYER = "employer", "Employer confirmed"
    PERSON = "person", "Person confirmed"


#: Weeks in work that count as outcomes, and their days after the start.
MILESTONE_WEEKS = (13, 26, 52)


class Milestone(models.Model):
    """13, 26 or 52 weeks in work, found by ``pathways daily`` and confirmed by the
    coach with evidence."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="milestones")
    weeks = models.PositiveSmallIntegerField(choices=[(w, f"{w} weeks") for w in MILESTONE_WEEKS])
    reached_on = models.DateField()
    found_on = models.DateField(help_text="The day the daily run found it")
    confirmed_on = models.DateField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evidence = models.CharField(max_length=20, choices=MilestoneEvidence.choices, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["placement", "weeks"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "weeks"], name="one_milestone_each")
        ]
        indexes = [models.Index(fields=["confirmed_on", "reached_on"])]

    def __str__(self) -> str:
        return f"{self.weeks} weeks in work"

    def get_additional_data(self) -> dict:
        return {"person_id": self.placement.person_id}
