"""Commissioning: the provider directory (the market map), contracts with an outcome
tariff, payment-by-results claims, purchases with a personal budget, and each
authority's targets and published comparators (contract: spec/commissioning.md).

Money is ``Decimal`` pounds with two decimals throughout.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from pathways.core.models import Authority, Organisation
from pathways.people.models import Person, SupportReason


class Service(models.TextChoices):
    SUPPORTED_EMPLOYMENT = "supported_employment", "Supported employment"
    IPS = "ips", "Individual Placement and Support (IPS)"
    SUPPORTED_INTERNSHIP = "supported_internship", "Supported internship"
    WORK_EXPERIENCE = "work_experience", "Work experience"
    SELF_EMPLOYMENT = "self_employment", "Self-employment support"
    JOB_RETENTION = "job_retention", "Job retention"
    TRAVEL_TRAINING = "travel_training", "Travel training"
    EMPLOYMENT_CLUB = "employment_club", "Employment club"


class Provider(models.Model):
    """An organisation's entry in the directory: what it offers, to whom, where, and
    how many people it can take. A council's own in-house service is a provider too."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="provider"
    )
    #: Codes from ``Service``, in the order given.
    services = models.JSONField(default=list)
    #: Primary support reasons served (``SupportReason`` codes); empty means all.
    need_groups = models.JSONField(default=list, blank=True)
    authorities = models.ManyToManyField(Authority, related_name="providers")
    places = models.PositiveIntegerField(null=True, blank=True)
    accreditation = models.CharField(
        max_length=300, blank=True, help_text="Framework or accreditation, in words"
    )
    version = models.PositiveIntegerField(default=1, help_text="Guards against lost updates")

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return str(self.organisation)


class Contract(models.Model):
    """One authority buys one service from one provider, from ``start_date`` to
    ``end_date`` inclusive."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="contracts")
    contract_ref = models.CharField("reference", max_length=40)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="contracts")
    service = models.CharField(max_length=30, choices=Service.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    places = models.PositiveIntegerField()
    fixed_fee = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Pounds per quarter, paid whatever the outcomes",
    )
    budget_cap = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Most the contract pays for outcomes, over its whole life",
    )
    target_job_starts = models.PositiveIntegerField(null=True, blank=True)
    target_sustained_26 = models.PositiveIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Guards against lost updates")

    class Meta:
        ordering = ["authority", "start_date", "contract_ref"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "contract_ref"], name="unique_contract_ref"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="contract_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Contract {self.contract_ref}"


class Outcome(models.TextChoices):
    JOB_START = "job_start", "Job start"
    SUSTAINED_13 = "sustained_13", "In work 13 weeks"
    SUSTAINED_26 = "sustained_26", "In work 26 weeks"
    SUSTAINED_52 = "sustained_52", "In work 52 weeks"
    PROGRESSION = "progression", "Progressed to work without support"


class Tariff(models.Model):
    """The price of one outcome under a contract, for one need group or (blank) for
    every group without its own row."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="tariffs")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    need_group = models.CharField(
        max_length=30, choices=SupportReason.choices, blank=True, help_text="Blank: the rest"
    )
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["contract", "outcome", "need_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "outcome", "need_group"], name="one_price_per_outcome_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: £{self.price}"


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    DECIDED = "decided", "Decided"


class Claim(models.Model):
    """A provider's claim for the outcomes its contract achieved in a period."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="claims")
    period_from = models.DateField()
    period_to = models.DateField()
    status = models.CharField(max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Guards against lost updates")

    class Meta:
        ordering = ["contract", "-period_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_to__gte=models.F("period_from")),
                name="claim_period_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"Claim for {self.period_from:%d %b %Y} to {self.period_to:%d %b %Y}"


class LineStatus(models.TextChoices):
    PENDING = "pending", "Awaiting decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ClaimLine(models.Model):
    """One outcome claimed: achieved by one person's episode, priced by the tariff.

    An outcome is claimed at most once per episode; a rejected line frees it to be
    evidenced and claimed again (the partial unique constraint)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="claim_lines")
    episode = models.ForeignKey(
        "casework.Episode", on_delete=models.PROTECT, related_name="claim_lines"
    )
    placement = models.ForeignKey(
        "employment.Placement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claim_lines",
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    achieved_on = models.DateField()
    need_group = models.CharField(max_length=30, choices=SupportReason.choices, blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    over_cap = models.BooleanField(
        default=False, help_text="Past the contract's budget cap: counts 0 in the total"
    )
    evidence = models.TextField(blank=True, help_text="What shows the outcome was achieved")
    status = models.CharField(max_length=20, choices=LineStatus.choices, default=LineStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why the line was rejected")

    class Meta:
        ordering = ["claim", "achieved_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "outcome"],
                condition=~models.Q(status="rejected"),
                name="one_live_claim_per_outcome",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(reason=""),
                name="rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on {self.achieved_on:%d %b %Y}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.person_id}


class Route(models.TextChoices):
    DIRECT_PAYMENT = "direct_payment", "Direct payment"
    INDIVIDUAL_SERVICE_FUND = "individual_service_fund", "Individual service fund"
    SPOT_PURCHASE = "spot_purchase", "Spot purchase"


class Buys(models.TextChoices):
    JOB_FINDING = "job_finding", "Job finding"
    IN_WORK_SUPPORT = "in_work_support", "In-work support"
    TRAINING = "training", "Training"
    TRAVEL_TRAINING = "travel_training", "Travel training"
    OTHER = "other", "Other"


class Purchase(models.Model):
    """Employment support bought for one person outside a contract, with a personal
    budget or a spot purchase."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="purchases")
    purchase_ref = models.CharField("reference", max_length=40)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="purchases")
    route = models.CharField(max_length=30, choices=Route.choices)
    supplier = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="purchases"
    )
    supplier_name = models.CharField(
        max_length=200, blank=True, help_text="When the supplier is not in the directory"
    )
    buys = models.CharField(max_length=20, choices=Buys.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    weekly_hours = models.DecimalField(
        max_digits=4, decimal_places=1, validators=[MinValueValidator(0)]
    )
    weekly_cost = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, help_text="Guards against lost updates")

    class Meta:
        ordering = ["authority", "-start_date", "purchase_ref"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "purchase_ref"], name="unique_purchase_ref"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="purchase_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(supplier__isnull=False) | ~models.Q(supplier_name=""),
                name="purchase_names_its_supplier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_buys_display()} ({self.get_route_display()})"

    def get_additional_data(self) -> dict:
        return {"person_id": self.person_id}

    @property
    def supplier_label(self) -> str:
        return str(self.supplier) if self.supplier_id else self.supplier_name


class Measure(models.TextChoices):
    """What an authority's target or comparator is a figure of."""

    EMPLOYMENT_RATE_LD = "employment_rate_ld", "Employment rate, learning disability (%)"
    EMPLOYMENT_RATE_MH = "employment_rate_mh", "Employment rate, secondary mental health (%)"
    JOB_STARTS = "job_starts", "Paid job starts"


class TargetKind(models.TextChoices):
    TARGET = "target", "Our target"
    COMPARATOR = "comparator", "Published comparator"


class AuthorityTarget(models.Model):
    """A target the authority set itself, or a published figure it wants beside its own
    (England's ASCOF value for a year, entered as data), for one financial year."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="targets")
    measure = models.CharField(max_length=30, choices=Measure.choices)
    kind = models.CharField(max_length=20, choices=TargetKind.choices)
    #: The financial year by its last day (31 March), as the employment rate is asked.
    year_ending = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    label = models.CharField(
        max_length=200, help_text="What the figure is, e.g. 'England (ASCOF 1E)'"
    )

    class Meta:
        ordering = ["authority", "measure", "year_ending", "kind", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "measure", "kind", "year_ending", "label"],
                name="one_figure_per_year_and_label",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"


class OnwardReferral(models.Model):
    """A referral one provider's team made to another provider in the directory, with
    the person's consent to share with providers. The receiving team triages the
    referral like any other; the sending team may read what it sent (this row and the
    referral), not the rest of the person's record."""

    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.PROTECT, related_name="onward"
    )
    from_team = models.ForeignKey(
        "core.Team", on_delete=models.PROTECT, related_name="onward_referrals_sent"
    )
    to_provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="onward_referrals_received"
    )
    consent = models.ForeignKey("people.Consent", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(help_text="Why this provider, in the sending team's words")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Onward referral to {self.to_provider}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.referral.person_id}
