"""The front door: referrals, their triage and the waiting list."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from pathways.core.models import Authority, Team
from pathways.people.models import Person


class Source(models.TextChoices):
    SOCIAL_CARE_ASSESSMENT = "social_care_assessment", "New social-care assessment"
    ANNUAL_REVIEW = "annual_review", "Annual review"
    DWP = "dwp", "DWP adviser"
    SELF = "self", "Self-referral"
    EDUCATION_TRANSITION = "education_transition", "School, college or transition team"
    SECONDARY_MENTAL_HEALTH = "secondary_mental_health", "Secondary mental-health team"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse service"
    PRIMARY_CARE = "primary_care", "Primary care / talking therapies"
    OTHER_PROVIDER = "other_provider", "Another provider"
    OTHER = "other", "Other"


#: Sources that make up the employment-first "front door" of adult social care.
FRONT_DOOR_SOURCES = frozenset({Source.SOCIAL_CARE_ASSESSMENT, Source.ANNUAL_REVIEW})


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    ACCEPTED = "accepted", "Accepted"
    WAITING = "waiting", "Waiting"
    ALLOCATED = "allocated", "Allocated"
    DECLINED = "declined", "Declined"
    REDIRECTED = "redirected", "Redirected"
    CLOSED = "closed", "Closed"


#: Statuses in which the receiving team has a live relationship with the person.
LIVE_STATUSES = (Status.RECEIVED, Status.ACCEPTED, Status.WAITING)
#: Accepted referrals wait, oldest first, until a worker is allocated.
WAITING_STATUSES = (Status.ACCEPTED, Status.WAITING)


class Referral(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="referrals")
    referral_ref = models.CharField("reference", max_length=40)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="referrals")
    source = models.CharField(max_length=30, choices=Source.choices)
    received_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    notes = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    redirected_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="redirected_from"
    )
    urgent = models.BooleanField(default=False)
    urgent_reason = models.TextField(blank=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocated_referrals",
    )
    allocated_on = models.DateField(null=True, blank=True)
    override_reason = models.TextField(
        blank=True, help_text="Why a manager allocated over the worker's caseload cap"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, help_text="Guards against lost updates")

    class Meta:
        ordering = ["received_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "referral_ref"], name="unique_referral_ref"
            )
        ]
        indexes = [models.Index(fields=["team", "status", "received_on"])]

    def __str__(self) -> str:
        return f"Referral {self.referral_ref}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.person_id}

    @property
    def is_front_door(self) -> bool:
        return self.source in FRONT_DOOR_SOURCES

    def days_waited(self, today: dt.date | None = None) -> int:
        today = today or timezone.localdate()
        return (today - self.received_on).days


class CareAndSupport(models.TextChoices):
    """Whether someone asking for help gets care and support from the council, in
    their own words."""

    YES = "yes", "Yes"
    NO = "no", "No"
    DONT_KNOW = "dont_know", "I don't know"


class HelpStatus(models.TextChoices):
    NEW = "new", "New"
    REFERRED = "referred", "Referred"
    NOT_REAL = "not_real", "Not a real request"


class HelpRequest(models.Model):
    """Someone asked for help to find work on the public form, with no account: what
    they told us, until an intake officer refers them (or finds it was not a real
    request). It is not a person record yet: it becomes one, or joins one, when it is
    referred."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="help_requests")
    given_name = models.CharField("first name", max_length=100)
    family_name = models.CharField("last name", max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    wants = models.TextField("what kind of work or help")
    care_and_support = models.CharField(
        "gets care and support from the council", max_length=10, choices=CareAndSupport.choices
    )
    received_at = models.DateTimeField(default=timezone.now)
    #: A keyed digest of the sender's address: enough to count requests from one place
    #: for the rate limit, without keeping the address on the request.
    client_key = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=HelpStatus.choices, default=HelpStatus.NEW)
    referral = models.OneToOneField(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="help_request"
    )
    dealt_with_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dealt_with_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was not a real request")
    version = models.PositiveIntegerField(default=1, help_text="Guards against lost updates")

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [
            models.Index(fields=["authority", "status", "received_at"]),
            models.Index(fields=["authority", "received_at"]),
            models.Index(fields=["client_key", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"Help request {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"
