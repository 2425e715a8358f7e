"""Portal accounts: who may sign in to a person's portal, and what they may see there.

A person account is a ``core.User`` with ``is_person`` set: it has no password, no
memberships and no two-step sign-in, and the boundary middleware keeps it on the
portal's paths. Its ``PortalAccount`` says whose portal it is and, for a supporter
(someone in the person's circle of support), which sections the person agreed to show.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from pathways.people.models import Consent, Contact, Person


class Section(models.TextChoices):
    """The parts of a portal, as a supporter's consent names them."""

    PLAN = "plan", "My plan"
    APPOINTMENTS = "appointments", "My appointments"
    JOBS = "jobs", "Jobs for me"
    JOB = "job", "My job"
    MESSAGES = "messages", "Messages"
    FEEDBACK = "feedback", "How is it going?"
    HELP_AGAIN = "help_again", "I want help again"
    INFORMATION = "information", "My information"


class PortalAccount(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="portal_account"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="portal_accounts")
    supporter = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_accounts",
        help_text="Empty for the person's own account",
    )
    sections = models.JSONField(
        default=list,
        blank=True,
        help_text="For a supporter: the sections the person agreed they may see",
    )
    consent = models.ForeignKey(
        Consent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For a supporter: the person's consent that lets them see the portal",
    )
    appointment_reminders = models.BooleanField(
        default=False, help_text="Email a reminder the day before each appointment"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["person", "supporter", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(supporter__isnull=True) | models.Q(consent__isnull=False),
                name="supporter_account_needs_consent",
            )
        ]

    def __str__(self) -> str:
        if self.supporter_id:
            return f"{self.supporter} for {self.person}"
        return f"{self.person}'s own account"

    def get_additional_data(self) -> dict:
        return {"person_id": self.person_id}

    @property
    def is_supporter(self) -> bool:
        return self.supporter_id is not None

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    def may_see(self, section: str) -> bool:
        """The person sees every section of their own portal; a supporter only those
        the person agreed to."""
        return not self.is_supporter or section in self.sections

    @property
    def display_name(self) -> str:
        """How the portal names whoever is signed in."""
        if self.supporter_id:
            return self.supporter.name  # type: ignore[union-attr]
        return self.person.preferred_name or self.person.given_name


class LinkRequest(models.Model):
    """A request for a new sign-in link, kept a day so the hourly limits hold across
    processes. The address asked for is kept only as a digest."""

    email_digest = models.CharField(max_length=64)
    remote_addr = models.CharField(max_length=45, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["requested_at"])]

    def __str__(self) -> str:
        return f"Link asked for at {self.requested_at:%Y-%m-%d %H:%M}"
