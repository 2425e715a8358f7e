"""Data protection requests and the retention schedule."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from pathways.core.models import Authority
from pathways.people.models import Person

# --- subject access --------------------------------------------------------------------------


def one_calendar_month_after(day: dt.date) -> dt.date:
    """The day a subject access request must be answered by (UK GDPR Art. 12(3)): the
    same day of the next month, or that month's last day when it is shorter (a request
    received on 31 January is due on 28 or 29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class SubjectAccessRequest(models.Model):
    """A person's (or their representative's) request for everything held about them,
    in the data protection officer's queue until it is answered."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Completed"

    class ReceivedHow(models.TextChoices):
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        PHONE = "phone", "Telephone"
        IN_PERSON = "in_person", "In person"
        OTHER = "other", "Another way"

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    received_on = models.DateField()
    due_on = models.DateField(help_text="One calendar month after it was received")
    requested_by = models.CharField(
        max_length=200, help_text="The person, or who asked for them (an advocate, a solicitor)"
    )
    received_how = models.CharField(max_length=20, choices=ReceivedHow.choices)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["authority", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("received_on")),
                name="subject_access_due_after_received",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="open", completed_on__isnull=True)
                    | models.Q(status="completed", completed_on__isnull=False)
                ),
                name="subject_access_completed_on_when_completed",
            ),
        ]

    def __str__(self) -> str:
        return f"Subject access request {self.reference}"

    @property
    def reference(self) -> str:
        return f"SAR-{self.pk}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.person_id}

    def days_left(self, today: dt.date) -> int:
        """Days until it is due (negative when overdue)."""
        return (self.due_on - today).days

    def is_overdue(self, today: dt.date) -> bool:
        return self.status == self.Status.OPEN and self.due_on < today


class SubjectAccessProduction(models.Model):
    """Each time everything held about the person was produced for a request: the
    archive or the readable document, by whom, how (page or command). The read itself
    is also on the person's audit trail."""

    class Form(models.TextChoices):
        ARCHIVE = "archive", "Archive (ZIP of JSON files)"
        DOCUMENT = "document", "Readable document"

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.PROTECT, related_name="productions"
    )
    form = models.CharField(max_length=20, choices=Form.choices)
    channel = models.CharField(max_length=10)
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    produced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-produced_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_form_display()} for {self.request.reference}"


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
