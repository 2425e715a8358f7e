"""Social-value pledges: what an employer promised a council in supported
opportunities. Their progress is counted from opportunities and candidacies
(``pledges.selectors``), so this sub-domain sits above both."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models

from pathways.core.models import Authority
from pathways.employers.engagement.models import Employer


class SocialValuePledge(models.Model):
    """A promise of supported opportunities, e.g. "4 this municipal year" from a council
    contract or a planning agreement. Progress counts the places of the employer's
    opportunities for the authority's people opened within the period."""

    class Source(models.TextChoices):
        CONTRACT = "contract", "Council contract"
        PLANNING = "planning", "Planning agreement"
        CHARTER = "charter", "Employment charter"
        OTHER = "other", "Other"

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="pledges")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="pledges")
    description = models.CharField(max_length=300)
    source = models.CharField(max_length=20, choices=Source.choices)
    source_reference = models.CharField(max_length=100, blank=True)
    target = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], help_text="Supported opportunities promised"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["-ends_on", "employer__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")), name="pledge_period_order"
            )
        ]

    def __str__(self) -> str:
        return self.description
