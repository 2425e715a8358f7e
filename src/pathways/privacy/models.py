"""Data protection requests and the retention schedule."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from pathways.core.models import Authority
from pathways.people.models import Person

# --- Retention and erasure -----------------------------------------------------------


class RecordType(models.TextChoices):
    """What a retention rule keeps: a person's whole record (identity, contacts,
    referrals, episodes, plans, jobs), told apart by whether they were ever supported."""

    SUPPORTED = "supported", "Person who had an episode of support"
    REFERRAL_ONLY = "referral_only", "Person referred but never supported"


class StartsFrom(models.TextChoices):
    LAST_CLOSURE = "last_closure", "The last closure (episode ended, referral decided, job ended)"
    RECORD_CREATED = "record_created", "The day the record was created"


class RetentionRule(models.Model):
    """How long an authority keeps a kind of record, counted from when."""

    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, related_name="retention_rules"
    )
    record_type = models.CharField(max_length=20, choices=RecordType.choices)
    years = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    starts_from = models.CharField(
        max_length=20, choices=StartsFrom.choices, default=StartsFrom.LAST_CLOSURE
    )
    version = models.PositiveIntegerField(default=1, help_text="Guards against lost updates")

    class Meta:
        ordering = ["authority", "record_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "record_type"], name="unique_retention_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.years} years"


class ErasureReason(models.TextChoices):
    RETENTION_DUE = "retention_due", "Retention period over"
    SUBJECT_REQUEST = "subject_request", "The person asked (right to erasure)"


class ErasureStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    CARRIED_OUT = "carried_out", "Carried out"
    REFUSED = "refused", "Refused"


class ErasureRequest(models.Model):
    """Erasing one person's record: proposed, approved by a data protection officer,
    then carried out (or refused with a reason). It outlives the erasure: it is the
    record that it happened, never what was erased."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="erasure_requests")
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="erasure_requests"
    )
    reason = models.CharField(max_length=20, choices=ErasureReason.choices)
    status = models.CharField(
        max_length=20, choices=ErasureStatus.choices, default=ErasureStatus.PROPOSED
    )
    notes = models.TextField(blank=True)
    override_reason = models.TextField(
        blank=True,
        help_text="Why the record is erased although support is still open (lawful basis)",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refusal_reason = models.TextField(blank=True)
    carried_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    carried_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status__in=["proposed", "approved"]),
                name="one_open_erasure_request",
            )
        ]

    def __str__(self) -> str:
        return f"Erasure request {self.pk} ({self.get_status_display()})"

    def get_additional_data(self) -> dict:
        return {"person_id": self.person_id}

    @property
    def is_open(self) -> bool:
        return self.status in (ErasureStatus.PROPOSED, ErasureStatus.APPROVED)
