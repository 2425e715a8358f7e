"""Casework: episodes of support, their packages and approvals, stages, long-term
reviews and the timeline of activities.

A person may have many episodes over the years; a returner's new episode links to the
one before. A closed episode is read-only: services refuse to change it.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from pathways.core.files import BY_CONTENT_TYPE, FileType, PrivateStorage
from pathways.core.models import Authority, InterestTag, OpportunityKind, Team
from pathways.people.models import Person


class EndReason(models.TextChoices):
    IN_WORK_WITHOUT_SUPPORT = "in_work_without_support", "In work without support"
    MOVED_AWAY = "moved_away", "Moved away"
    WITHDREW = "withdrew", "Withdrew"
    TRANSFERRED = "transferred", "Transferred to another provider (with consent)"
    NO_LONGER_ELIGIBLE = "no_longer_eligible", "No longer eligible"
    DIED = "died", "Died"


class Stage(models.TextChoices):
    """The five stages of the supported employment model (BASE)."""

    ENGAGEMENT = "engagement", "Engagement"
    VOCATIONAL_PROFILING = "vocational_profiling", "Vocational profiling"
    JOB_FINDING = "job_finding", "Job finding"
    EMPLOYER_ENGAGEMENT = "employer_engagement", "Employer engagement"
    IN_WORK_SUPPORT = "in_work_support", "On- and off-the-job support"


class Episode(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="episodes")
    episode_ref = models.CharField("reference", max_length=40)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="episodes")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="episodes")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="episodes",
    )
    referral = models.OneToOneField(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="episode",
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=30, choices=EndReason.choices, blank=True)
    end_notes = models.TextField(blank=True)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_episodes",
        help_text="The person's episode before this one: set for returners",
    )
    stage = models.CharField(max_length=30, choices=Stage.choices, default=Stage.ENGAGEMENT)
    last_contact_on = models.DateField(
        null=True, blank=True, help_text="Latest contact with the person (from the timeline)"
    )
    version = models.PositiveIntegerField(default=1, help_text="Guards against lost updates")

    class Meta:
        ordering = ["-started_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "episode_ref"], name="unique_episode_ref")
        ]
        indexes = [models.Index(fields=["worker", "ended_on"])]

    def __str__(self) -> str:
        return f"Episode {self.episode_ref}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.person_id}

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    @property
    def is_returner(self) -> bool:
        return self.previous_id is not None


class StageEntry(models.Model):
    """When the episode entered each stage, for "days from referral to first employer
    contact" and "days to job start"."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="stage_entries")
    stage = models.CharField(max_length=30, choices=Stage.choices)
    entered_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["entered_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} from {self.entered_on}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.episode.person_id}


class SupportedElement(models.TextChoices):
    NONE = "", "None"
    TRANSITIONAL = "transitional", "Transitional supported employment"
    LONG_TERM = "long_term", "Long-term supported employment"


class Package(models.Model):
    """One version of an episode's package of support, from proposal to decision.

    A package is work entry, a supported-employment element (transitional or long-term,
    never both), or work entry with one of them. Every change is a new row that needs an
    approver; the approved row with the latest decision is the current package.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Awaiting approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="packages")
    work_entry = models.BooleanField(default=False)
    supported_element = models.CharField(
        max_length=20, choices=SupportedElement.choices, blank=True
    )
    element_started_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the current supported-employment element began (the clock's start)",
    )
    transitional_ends_on = models.DateField(
        null=True,
        blank=True,
        help_text="End of transitional support: two years from its start unless extended",
    )
    reason = models.TextField(help_text="Why this package, or why it changes")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_on = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(work_entry=True) | ~models.Q(supported_element=""),
                name="package_has_an_element",
            ),
        ]

    def __str__(self) -> str:
        return self.describe()

    def get_additional_data(self) -> dict:
        return {"person_id": self.episode.person_id}

    def describe(self) -> str:
        parts = []
        if self.work_entry:
            parts.append("Work entry")
        if self.supported_element:
            parts.append(self.get_supported_element_display())
        return " and ".join(parts)

    @property
    def is_transitional(self) -> bool:
        return self.supported_element == SupportedElement.TRANSITIONAL

    @property
    def is_long_term(self) -> bool:
        return self.supported_element == SupportedElement.LONG_TERM


class LongTermReview(models.Model):
    """A quality review of long-term support: is the support still right?"""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Blank for a review brought in by import, whose reviewer is not known",
    )
    support_still_right = models.BooleanField(null=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"Review on {self.reviewed_on}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.episode.person_id}


class ActivityKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    PHONE = "phone", "Phone call"
    VIDEO = "video", "Video call"
    HOME_VISIT = "home_visit", "Home visit"
    JOB_SEARCH = "job_search", "Job search"
    APPLICATION_SUPPORT = "application_support", "Application support"
    INTERVIEW_PREPARATION = "interview_preparation", "Interview preparation"
    TRAVEL_TRAINING = "travel_training", "Travel training"
    BENEFITS_ADVICE = "benefits_advice", "Benefits advice"
    EMPLOYER_CONTACT = "employer_contact", "Employer contact"
    IN_WORK_COACHING = "in_work_coaching", "In-work coaching"
    REVIEW = "review", "Review"
    OTHER = "other", "Other"


class Activity(models.Model):
    """One entry in the episode's timeline. Notes are sensitive: shown only to those who
    may see the episode, and every read is audited like the person record."""

    class With(models.TextChoices):
        PERSON = "person", "The person"
        PERSON_AND_FAMILY = "person_and_family", "The person and family or carers"
        FAMILY = "family", "Family or carers"
        EMPLOYER = "employer", "An employer"
        PROFESSIONAL = "professional", "Another professional"
        NOBODY = "nobody", "Nobody (work done for the person)"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=30, choices=ActivityKind.choices)
    occurred_on = models.DateField()
    minutes = models.PositiveIntegerField(default=0)
    with_whom = models.CharField(max_length=30, choices=With.choices)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    shared_with_person = models.BooleanField(
        "share this note with the person",
        default=False,
        help_text="Only notes the coach shares are ever shown to the person",
    )
    version = models.PositiveIntegerField(default=1, help_text="Guards against lost updates")

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["episode", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.episode.person_id}

    @property
    def is_contact_with_person(self) -> bool:
        """Contact with the person themself counts towards "last contact"."""
        return self.with_whom in (self.With.PERSON, self.With.PERSON_AND_FAMILY)


class Message(models.Model):
    """One message in the conversation between the person (or their supporter, writing
    for them) and the staff who support them, kept on the episode it was written in.

    ``read_at`` is when the other side first opened it: the person for a staff message,
    any staff member of the episode's team (or its worker) for the person's."""

    #: The longest message either side may send: a letter, not a document.
    MAX_LENGTH = 2000

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The person's own account, their supporter's, or the staff member's",
    )
    from_person = models.BooleanField(
        help_text="Written by the person or their supporter (not by staff)"
    )
    text = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["episode", "sent_at"])]

    def __str__(self) -> str:
        side = "the person" if self.from_person else "staff"
        return f"Message from {side} at {self.sent_at:%Y-%m-%d %H:%M}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.episode.person_id}


class TravelMode(models.TextChoices):
    WALK = "walk", "Walking"
    CYCLE = "cycle", "Cycling"
    BUS = "bus", "Bus"
    TRAIN = "train", "Train, tube or tram"
    DRIVES = "drives", "Drives"
    LIFT = "lift", "Lift from family or friends"
    DIAL_A_RIDE = "dial_a_ride", "Dial-a-ride or community transport"


class VocationalProfile(models.Model):
    """What the person wants from work and what helps them: the "discovery" stage.

    It belongs to the person, not an episode, so it carries over when they come back.
    """

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="vocational_profile"
    )
    interests = models.ManyToManyField(InterestTag, blank=True, related_name="profiles")
    interests_notes = models.TextField(blank=True, help_text="Interests in the person's own words")
    skills = models.TextField(blank=True)
    work_history = models.TextField(blank=True)
    min_hours = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    max_hours = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    max_travel_km = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    travel_modes = models.JSONField(default=list, blank=True)
    travel_training_needed = models.BooleanField(null=True, blank=True)
    kinds = models.JSONField(
        default=list, blank=True, help_text="Kinds of opportunity wanted (OpportunityKind)"
    )
    wants_paid_only = models.BooleanField(null=True, blank=True)
    disclosure = models.TextField(
        blank=True, help_text="What the person agrees may be told to employers"
    )
    support_needs = models.TextField(blank=True, help_text="Support needs and adjustments")
    benefits_situation = models.TextField(blank=True)
    better_off_calculation_on = models.DateField(
        null=True, blank=True, help_text="When a better-off calculation was done"
    )
    updated_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Guards against lost updates")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_hours__isnull=True)
                | models.Q(max_hours__isnull=True)
                | models.Q(min_hours__lte=models.F("max_hours")),
                name="profile_hours_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"Vocational profile of {self.person}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.person_id}

    def get_kinds_display(self) -> list[str]:
        labels = dict(OpportunityKind.choices)
        return [labels.get(k, k) for k in self.kinds]

    def get_travel_modes_display(self) -> list[str]:
        labels = dict(TravelMode.choices)
        return [labels.get(m, m) for m in self.travel_modes]


class Goal(models.Model):
    """A goal in the episode's action plan, agreed with the person."""

    class Owner(models.TextChoices):
        PERSON = "person", "The person"
        WORKER = "worker", "The job coach"
        TOGETHER = "together", "The person and the job coach"
        FAMILY = "family", "Family or carers"
        EMPLOYER = "employer", "The employer"
        OTHER = "other", "Someone else"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        ACHIEVED = "achieved", "Achieved"
        DROPPED = "dropped", "No longer wanted"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="goals")
    description = models.TextField()
    owner = models.CharField(max_length=20, choices=Owner.choices)
    target_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    agreed_with_person_on = models.DateField(
        null=True, blank=True, help_text="When the person agreed this goal"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["target_on", "id"]

    def __str__(self) -> str:
        return self.description[:60]

    def get_additional_data(self) -> dict:
        return {"person_id": self.episode.person_id}


class Step(models.Model):
    """A small step towards a goal."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    description = models.CharField(max_length=300)
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description

    def get_additional_data(self) -> dict:
        return {"person_id": self.goal.episode.person_id}


class DocumentKind(models.TextChoices):
    CONSENT_FORM = "consent_form", "Signed consent form"
    CV = "cv", "CV"
    BETTER_OFF = "better_off", "Better-off calculation"
    LETTER = "letter", "Letter"
    OTHER = "other", "Other"


def document_file_name(_document: Document, _filename: str) -> str:
    """A random name: the uploaded name is never used on disk."""
    return uuid.uuid4().hex


class Document(models.Model):
    """A file attached to a person's record, or to one of their episodes: a signed
    consent form, a CV, a better-off calculation, a letter.

    Its type is what its bytes are (``core.files.detect``), not what it was called; the
    file is kept outside the web root under a random name (``core.files.PrivateStorage``)
    and served only through ``casework.policy.document_policy``, every download audited.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="documents")
    episode = models.ForeignKey(
        Episode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        help_text="The episode it belongs to; blank for the person's record as a whole",
    )
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    original_name = models.CharField(
        "name of the file uploaded",
        max_length=120,
        help_text="Made safe, and used only as the name of the file downloaded",
    )
    content_type = models.CharField("type of file", max_length=100)
    size = models.PositiveBigIntegerField("size in bytes")
    sha256 = models.CharField("SHA-256 checksum", max_length=64)
    file = models.FileField(storage=PrivateStorage(), upload_to=document_file_name, max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["person", "uploaded_at"])]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        data: dict = {"person_id": self.person_id}
        reason = getattr(self, "deletion_reason", "")
        if reason:
            data["reason"] = reason
        return data

    @property
    def file_type(self) -> FileType | None:
        return BY_CONTENT_TYPE.get(self.content_type)

    @property
    def type_label(self) -> str:
        found = self.file_type
        return found.label if found else self.content_type


class Appointment(models.Model):
    """A meeting booked with the person in an episode: when, how long, where, what for
    and with whom (the worker by default).

    ``uid`` names it in calendar files (``casework.ics``) for good, so a changed or
    cancelled appointment replaces the one already in the person's calendar; ``version``
    guards against lost updates and is the calendar's SEQUENCE. ``reminded_at`` is set
    when the day-before reminder is queued, so it is sent once (``casework.reminders``);
    the worker records each try of its email (``reminder_attempts``), the mail server's
    last error (``reminder_error``, blank once sent) and when it tries again
    (``reminder_retry_at``, none once it has given up).
    """

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        DONE = "done", "Done"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="appointments")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    starts_at = models.DateTimeField("date and time")
    minutes = models.PositiveIntegerField("how long (minutes)")
    place = models.CharField(
        "where", max_length=200, help_text='For example, "Riverside Library, Main Street"'
    )
    purpose = models.CharField("what it is for", max_length=200)
    with_whom = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="with whom",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    cancelled_reason = models.TextField(blank=True)
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the day-before reminder was queued"
    )
    reminder_attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Tries of the reminder's email"
    )
    reminder_error = models.CharField(
        max_length=500, blank=True, help_text="Why the last try of the reminder's email failed"
    )
    reminder_retry_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reminder's email is tried again"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, help_text="Guards against lost updates")

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["episode", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} on {self.starts_at:%Y-%m-%d %H:%M}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.episode.person_id}

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.minutes)

    @property
    def is_booked(self) -> bool:
        return self.status == self.Status.BOOKED

    @property
    def reminder_failed(self) -> bool:
        """The reminder's email could not be delivered and will not be tried again."""
        return bool(self.reminder_error) and self.reminder_retry_at is None

    @property
    def reminder_retrying(self) -> bool:
        """The reminder's email failed and is tried again at ``reminder_retry_at``."""
        return bool(self.reminder_error) and self.reminder_retry_at is not None


class Feeling(models.TextChoices):
    """How it is going, in the person's own choice of three pictures."""

    HAPPY = "happy", "Happy"
    OKAY = "okay", "Okay"
    NOT_HAPPY = "not_happy", "Not happy"


class Feedback(models.Model):
    """What a person said about how their support is going ("How is it going?"), at
    any time or when a milestone prompted them (decision 0048).

    The team is copied from the episode when it is given, so the user voice report
    counts it for the team that supported the person then, even if the case moves.
    Feedback that is not happy, or that has words, needs a reply from the team.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="feedback")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="feedback")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="feedback")
    given_at = models.DateTimeField()
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The person's own account or their supporter's",
    )
    feeling = models.CharField("how it is going", max_length=20, choices=Feeling.choices)
    words = models.TextField(blank=True)
    prompted_by = models.CharField(
        max_length=60,
        blank=True,
        help_text="The milestone that prompted it (casework.prompts), blank for any time",
    )
    needs_reply = models.BooleanField(default=False)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name_plural = "feedback"
        indexes = [
            models.Index(fields=["team", "given_at"]),
            models.Index(fields=["person", "prompted_by"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_feeling_display()} on {self.given_at:%Y-%m-%d}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.person_id}

    @property
    def awaits_reply(self) -> bool:
        return self.needs_reply and self.replied_at is None
