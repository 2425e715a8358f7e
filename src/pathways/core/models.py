"""Who works where: authorities, organisations, teams, staff and their roles.

Every table that holds a person's data carries the authority, so that access
rules and a sharded deployment can both partition on it.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone


class Authority(models.Model):
    """A local authority (council area) whose residents the service supports."""

    code = models.CharField(max_length=20, unique=True, help_text="ONS code, e.g. E09000025")
    name = models.CharField(max_length=200)
    portal_shows_staff_names = models.BooleanField(
        default=False,
        help_text="Whether a person's portal names the staff who looked at their record "
        "(otherwise it says their role and team only)",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "authorities"

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        NHS = "nhs", "NHS"
        CHARITY = "charity", "Charity"
        SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise"
        PRIVATE = "private", "Private provider"
        COLLEGE = "college", "College"
        DWP = "dwp", "DWP"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team working for one authority. Its caseload cap limits open cases per worker."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="teams")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    caseload_cap = models.PositiveIntegerField(
        null=True, blank=True, help_text="Maximum open cases per worker; blank means no cap"
    )
    no_contact_days = models.PositiveIntegerField(
        default=30, help_text="Days without contact before a case is flagged"
    )
    review_interval_days = models.PositiveIntegerField(
        default=182, help_text="Days between quality reviews of long-term support"
    )
    post_start_check_days = models.PositiveIntegerField(
        default=14, help_text="Days after a job start by which the six post-start checks are due"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    INTAKE_OFFICER = "intake_officer", "Intake officer"
    EMPLOYMENT_SPECIALIST = "employment_specialist", "Employment specialist"
    TEAM_MANAGER = "team_manager", "Team manager"
    PACKAGE_APPROVER = "package_approver", "Package approver"
    COMMISSIONER = "commissioner", "Commissioner"
    DATA_PROTECTION_OFFICER = "data_protection_officer", "Data protection officer"
    ADMIN = "admin", "Administrator"


#: Roles whose remit is every resident of their team's authority, not just the
#: people their team works with.
AUTHORITY_WIDE_ROLES = frozenset(
    {Role.INTAKE_OFFICER, Role.COMMISSIONER, Role.DATA_PROTECTION_OFFICER, Role.ADMIN}
)


def normalise_email(email: str) -> str:
    """Staff email addresses as stored and compared: trimmed, in lower case."""
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Staff accounts need an email address")
        user = self.model(email=normalise_email(email), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        """Sign-in finds the account whatever the case of the address typed
        (``Approver@Riverside.example`` is ``approver@riverside.example``)."""
        return self.get(email=normalise_email(username or ""))

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A staff account. The email address is the login."""

    username = None  # type: ignore[assignment,misc]
    email = models.EmailField("email address", unique=True)
    is_demo = models.BooleanField(default=False, help_text="Created by `pathways demo`")
    is_person = models.BooleanField(
        default=False,
        help_text="A person's own portal account (or their supporter's), never a staff "
        "account: it signs in by emailed link, holds no memberships and reaches only "
        "the portal",
    )
    enrol_two_factor_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when the user proves control of their mailbox (the one-time link "
        "from `pathways invite`): until then their next sign-in may set up two-step "
        "sign-in, once.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Membership(models.Model):
    """A staff member's role in a team."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=40, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team", "role"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.team}"


class OpportunityKind(models.TextChoices):
    """Kinds of work and work-like opportunity, shared by profiles, opportunities and
    placements (docs/imports.md)."""

    EMPLOYED = "employed", "Paid job"
    SELF_EMPLOYED = "self_employed", "Self-employment"
    APPRENTICESHIP = "apprenticeship", "Apprenticeship"
    SUPPORTED_INTERNSHIP = "supported_internship", "Supported internship"
    WORK_TRIAL = "work_trial", "Work trial"
    WORK_EXPERIENCE = "work_experience", "Work experience"
    VOLUNTEERING = "volunteering", "Volunteering"


class InterestTag(models.Model):
    """The controlled vocabulary of interests and sectors that profiles and
    opportunities share, so that matching compares like with like."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=80)

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_expiry() -> datetime.datetime:
    """When a token issued now stops working (``PATHWAYS_API_TOKEN_DAYS``, 90 by
    default): a token left in a script or a leaked file does not work for ever."""
    return timezone.now() + datetime.timedelta(days=settings.PATHWAYS_API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; it acts as its owner
    until it expires or is revoked (by hand, or when the owner's password or teams
    change)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="First characters, to tell tokens apart")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=token_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def generate() -> str:
        return "pw_" + secrets.token_urlsafe(32)


class Notification(models.Model):
    """A message to one staff member: shown in the app (a count in the header, a list to
    clear) and, unless they opted out of its kind, sent by email through the task queue.

    The text names no one but, at most, the recipient's first name: the link leads to
    the page, which checks who may see it and audits the read (``core.notifications``).
    """

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    text = models.CharField(max_length=200)
    link = models.CharField(
        max_length=300, help_text="A path in this service, such as /episodes/7/"
    )
    #: Set for notices sent by a daily run, so that running it twice tells nobody twice.
    key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"],
                condition=~models.Q(key=""),
                name="notification_once_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.text}"


class EmailOptOut(models.Model):
    """A staff member does not want email for one kind of notification (they still see
    it in the app)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="email_opt_outs")
    kind = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="unique_email_opt_out")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} opts out of {self.kind} email"


class ScheduledRun(models.Model):
    """A scheduled job put on the task queue for a day (``core.scheduler``): one row per
    job and day, so two schedulers, or one restarted, never queue the same day twice."""

    job = models.CharField(max_length=40)
    on = models.DateField()
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "on"], name="one_run_a_day")]

    def __str__(self) -> str:
        return f"{self.job} for {self.on}"


class ImportRun(models.Model):
    """An import the upload page runs on the task queue (issue 15, decision 0056): the
    file while it waits, how far the import has got, and how it ended.

    ``rows_checked`` is written while the import runs, from outside its transaction
    (``core.import_tasks``), so the page can show it; the file is emptied when the
    import ends.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Nothing imported"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField(blank=True)
    actor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    #: The authorities the import may touch (None: every one, for a superuser).
    authority_ids = models.JSONField(null=True, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_checked = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    summary = models.TextField(blank=True)
    #: The first problems, as ``FILE:LINE: column: message``, and how many there were.
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0)
    stopped = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import of {self.kind} from {self.file_name} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
