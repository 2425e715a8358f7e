"""Data protection requests and the retention schedule."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
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
