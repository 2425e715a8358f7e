"""Employers and what the service does with them: sites, contacts, the engagement log,
social-value pledges, opportunities of every kind, supported-internship cohorts, and
candidacies (a person put forward for an opportunity).

An employer is on one provider organisation's list and is shared by all its teams;
an opportunity is offered to the people of one authority. A candidacy holds personal
data and follows the person's access rules.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from pathways.core.models import Authority, InterestTag, OpportunityKind, Organisation, Team
from pathways.people.models import Consent, Person


def _latitude() -> models.DecimalField:
    return models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )


def _longitude() -> models.DecimalField:
    return models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )


def _coordinates_together(prefix: str) -> models.CheckConstraint:
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
    latitude = _latitude()
    longitude = _longitude()

    class Meta:
        ordering = ["name"]
        constraints = [_coordinates_together("site")]

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


class SocialValuePledge(models.Model):
    """A promise of supported opportunities, e.g. "4 this municipal year" from a council
    contract or a planning agreement. Progress counts the places of the employer's
    opportunities for the authority's people opened within the period."""

    class Source(models.TextChoices):
        CONTRACT = "contract", "Council contract"
        PLANNING = "planning", "Planning agreement"
        CHARTER = "charter", "Employment charter"
        OTHER = "other", "Other"

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="pledges")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="pledges")
    description = models.CharField(max_length=300)
    source = models.CharField(max_length=20, choices=Source.choices)
    source_reference = models.CharField(max_length=100, blank=True)
    target = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], help_text="Supported opportunities promised"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["-ends_on", "employer__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")), name="pledge_period_order"
            )
        ]

    def __str__(self) -> str:
        return self.description


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
    latitude = _latitude()
    longitude = _longitude()
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
        constraints = [_coordinates_together("opportunity")]
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


class CandidacyStatus(models.TextChoices):
    """A person's way through one opportunity, in order. The employer-facing steps
    send the person's details to the employer and need their consent."""

    SUGGESTED = "suggested", "Suggested"
    DISCUSSED = "discussed", "Discussed with the person"
    APPLIED = "applied", "Applied"
    INTERVIEW = "interview", "Interview or trial"
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    UNSUCCESSFUL = "unsuccessful", "Not successful"
    WITHDRAWN = "withdrawn", "Withdrawn"


PIPELINE = [
    CandidacyStatus.SUGGESTED,
    CandidacyStatus.DISCUSSED,
    CandidacyStatus.APPLIED,
    CandidacyStatus.INTERVIEW,
    CandidacyStatus.OFFERED,
    CandidacyStatus.ACCEPTED,
]
EMPLOYER_FACING = frozenset(
    {
        CandidacyStatus.APPLIED,
        CandidacyStatus.INTERVIEW,
        CandidacyStatus.OFFERED,
        CandidacyStatus.ACCEPTED,
    }
)
ENDED = frozenset(
    {CandidacyStatus.ACCEPTED, CandidacyStatus.UNSUCCESSFUL, CandidacyStatus.WITHDRAWN}
)


class Candidacy(models.Model):
    """A person × opportunity: where they are in the pipeline and how they got there."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="candidacies")
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, related_name="candidacies"
    )
    status = models.CharField(
        max_length=20, choices=CandidacyStatus.choices, default=CandidacyStatus.SUGGESTED
    )
    status_on = models.DateField()
    score = models.PositiveIntegerField(
        null=True, blank=True, help_text="The match score when it was suggested"
    )
    consent = models.ForeignKey(
        Consent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The consent relied on when the person's details first went to the employer",
    )
    version = models.PositiveIntegerField(default=1, help_text="Guards against lost updates")

    class Meta:
        ordering = ["-status_on", "-id"]
        verbose_name_plural = "candidacies"
        constraints = [
            models.UniqueConstraint(fields=["person", "opportunity"], name="unique_candidacy")
        ]

    def __str__(self) -> str:
        return f"{self.person} for {self.opportunity}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.person_id}

    @property
    def is_ended(self) -> bool:
        return self.status in ENDED


class CandidacyStep(models.Model):
    """The history of a candidacy: each move with its date, reason and who made it."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=20, choices=CandidacyStatus.choices)
    on = models.DateField()
    reason = models.TextField(blank=True)
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} on {self.on:%d %B %Y}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.candidacy.person_id, "candidacy_id": self.candidacy_id}


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
