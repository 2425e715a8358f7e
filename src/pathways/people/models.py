"""The person record: identity, needs, consent, circle of support and care costs."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from pathways.core.models import Authority


class SupportReason(models.TextChoices):
    LEARNING_DISABILITY = "learning_disability", "Learning disability"
    MENTAL_HEALTH = "mental_health", "Mental health"
    PHYSICAL = "physical", "Physical support"
    SENSORY = "sensory", "Sensory support"
    MEMORY_COGNITION = "memory_cognition", "Memory and cognition"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    SOCIAL_OTHER = "social_other", "Social support (other)"


class Condition(models.TextChoices):
    LEARNING_DISABILITY = "learning_disability", "Learning disability"
    AUTISM = "autism", "Autism"
    MENTAL_HEALTH = "mental_health", "Mental health"
    PHYSICAL = "physical", "Physical impairment"
    SENSORY = "sensory", "Sensory impairment"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    ACQUIRED_BRAIN_INJURY = "acquired_brain_injury", "Acquired brain injury"
    EARLY_ONSET_DEMENTIA = "early_onset_dementia", "Early-onset dementia"


def age_on(born: dt.date, day: dt.date) -> int:
    """Whole years from ``born`` to ``day`` (29 February birthdays count from 1 March in
    other years)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Person(models.Model):
    """Someone the service supports, keyed by their council's client reference."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="people")
    person_ref = models.CharField("reference", max_length=40)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    postcode = models.CharField(max_length=8, blank=True)
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    primary_support_reason = models.CharField(
        max_length=30, choices=SupportReason.choices, blank=True
    )
    conditions = models.JSONField(default=list, blank=True)
    long_term_support = models.BooleanField(null=True, blank=True)
    secondary_mental_health = models.BooleanField(null=True, blank=True)
    ehc_plan = models.BooleanField("EHC plan", null=True, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    communication_needs = models.TextField(
        blank=True, help_text="How to communicate well with this person (easy read, BSL, …)"
    )
    reasonable_adjustments = models.TextField(blank=True)
    is_demo = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1, help_text="Guards against lost updates")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["family_name", "given_name", "person_ref"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "person_ref"], name="unique_person_ref"),
            models.CheckConstraint(
                condition=(
                    models.Q(latitude__isnull=True, longitude__isnull=True)
                    | models.Q(latitude__isnull=False, longitude__isnull=False)
                ),
                name="person_coordinates_both_or_neither",
            ),
        ]
        indexes = [models.Index(fields=["family_name", "given_name"])]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.pk}

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day: dt.date) -> int:
        return age_on(self.date_of_birth, day)

    def get_conditions_display(self) -> list[str]:
        labels = dict(Condition.choices)
        return [labels.get(c, c) for c in self.conditions]


class Contact(models.Model):
    """Someone in the person's circle of support."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(
        max_length=100, help_text="e.g. mother, advocate, social worker"
    )
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    notes = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"

    def get_additional_data(self) -> dict:
        return {"person_id": self.person_id}


class Consent(models.Model):
    """What may be shared with whom, when the person agreed, and who recorded it."""

    class Scope(models.TextChoices):
        SHARE_WITH_EMPLOYERS = "employers", "Share details with employers"
        SHARE_WITH_PROVIDERS = "providers", "Share with other support providers"
        SHARE_WITH_DWP = "dwp", "Share with DWP / Jobcentre Plus"
        SHARE_WITH_HEALTH = "health", "Share with health services"
        CONTACT_FAMILY = "family", "Speak to family or carers"
        SUPPORTER_PORTAL = "supporter_portal", "Let a supporter see their portal"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(max_length=20, choices=Scope.choices)
    given = models.BooleanField(help_text="Yes: consent given; no: refused or withdrawn")
    given_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_scope_display()}: {'yes' if self.given else 'no'}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.person_id}


class CareCost(models.Model):
    """The weekly cost of the person's care package from a date until the next row, or
    until ``ended_on`` when the care stopped (so the savings can count 0.00 after it)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="care_costs")
    effective_from = models.DateField()
    weekly_cost = models.DecimalField(max_digits=10, decimal_places=2)
    #: The last day this cost was paid, when the package ended with no cost after it.
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["person", "effective_from"], name="unique_care_cost")
        ]

    def __str__(self) -> str:
        return f"£{self.weekly_cost}/week from {self.effective_from:%d %b %Y}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.person_id}


class BreakGlass(models.Model):
    """A staff member opened a person's record in an emergency (a safeguarding call)
    outside their relationships with the person, giving a reason. While it lasts it lets
    them read the record (not change it); every read is flagged on the person's trail,
    and the data protection officer of the person's home authority reviews it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_opens"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="break_glass_opens")
    reason = models.TextField()
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="break_glass_reviews",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["opened_at", "id"]
        indexes = [models.Index(fields=["user", "expires_at"])]
        verbose_name = "emergency open"

    def __str__(self) -> str:
        return f"Emergency open {self.pk} of {self.person_id} by {self.user_id}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.person_id}

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()
