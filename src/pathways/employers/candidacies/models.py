"""Candidacies: a person put forward for an opportunity, and each step after. They hold
personal data and follow the person's access rules; the steps that send the person's
details to an employer rely on their consent, which is kept with the step."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from pathways.employers.opportunities.models import Opportunity
from pathways.people.models import Consent, Person


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


class PersonAnswer(models.TextChoices):
    """What the person said in their portal about a job their coach shared with them."""

    NONE = "", "Not answered yet"
    YES = "yes", "Yes, interested"
    NO = "no", "No thanks"
    LATER = "later", "Ask me later"


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
    shared_with_person_on = models.DateField(
        null=True, blank=True, help_text="When the coach shared the job with the person's portal"
    )
    person_answer = models.CharField(
        max_length=10, choices=PersonAnswer.choices, blank=True, default=PersonAnswer.NONE
    )
    person_answer_on = models.DateField(null=True, blank=True)
    person_consent = models.ForeignKey(
        Consent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The person's own yes to this job, given in their portal: their consent "
        "to share their details with this employer",
    )
    answered_at_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The version the person's answer made; a later version means the coach "
        "has acted since",
    )
    version = models.PositiveIntegerField(default=1, help_text="Guards against lost updates")

    class Meta:
        ordering = ["-status_on", "-id"]
        verbose_name_plural = "candidacies"
        constraints = [
            models.UniqueConstraint(fields=["person", "opportunity"], name="unique_candidacy"),
            models.CheckConstraint(
                condition=models.Q(person_answer="")
                | models.Q(shared_with_person_on__isnull=False, person_answer_on__isnull=False),
                name="candidacy_answered_only_when_shared",
            ),
            models.CheckConstraint(
                condition=models.Q(person_consent__isnull=True) | models.Q(person_answer="yes"),
                name="candidacy_person_consent_is_a_yes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} for {self.opportunity}"

    def get_additional_data(self) -> dict:
        return {"person_id": self.person_id}

    @property
    def is_ended(self) -> bool:
        return self.status in ENDED

    @property
    def is_shared(self) -> bool:
        return self.shared_with_person_on is not None


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
