"""Putting a person forward for an opportunity and moving the candidacy on. A step
that sends the person's details to the employer needs their consent to share with
employers, checked here and kept with the step."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pathways.core.errors import ActionRefused, IllegalTransition
from pathways.core.models import User
from pathways.employers.candidacies.models import (
    EMPLOYER_FACING,
    ENDED,
    PIPELINE,
    Candidacy,
    CandidacyStatus,
    CandidacyStep,
)
from pathways.employers.candidacies.policy import candidacy_policy
from pathways.employers.engagement.services import locked, require
from pathways.employers.opportunities.models import Opportunity
from pathways.people.models import Consent, Person


def employer_consent(person: Person, on: dt.date) -> Consent | None:
    """The person's consent to share their details with employers in force on ``on``:
    the latest record for that purpose, if it says yes."""
    latest = (
        Consent.objects.filter(
            person=person, scope=Consent.Scope.SHARE_WITH_EMPLOYERS, given_on__lte=on
        )
        .order_by("-given_on", "-id")
        .first()
    )
    return latest if latest is not None and latest.given else None


@transaction.atomic
def put_forward(
    actor: User,
    person: Person,
    opportunity: Opportunity,
    *,
    on: dt.date | None = None,
    score: int | None = None,
    reason: str = "",
) -> Candidacy:
    """Start a candidacy at "suggested" (the person has not been asked yet)."""
    require(
        candidacy_policy.may_put_forward(actor, person, opportunity),
        "Only the person's worker or their team can put them forward.",
    )
    if opportunity.authority_id != person.authority_id:
        raise ActionRefused("This opportunity is offered to another authority's residents.")
    day = on or timezone.localdate()
    if not opportunity.is_open(day):
        raise ActionRefused("This opportunity is not open.")
    # The unique constraint decides, so two coaches at once cannot both succeed.
    try:
        with transaction.atomic():
            candidacy = Candidacy.objects.create(
                person=person, opportunity=opportunity, status_on=day, score=score
            )
    except IntegrityError:
        raise ActionRefused(
            f"{person} has already been put forward for this opportunity."
        ) from None
    CandidacyStep.objects.create(
        candidacy=candidacy,
        status=CandidacyStatus.SUGGESTED,
        on=day,
        reason=reason.strip(),
        recorded_by=actor,
    )
    return candidacy


def next_statuses(candidacy: Candidacy) -> list[str]:
    """Where a candidacy may go from here: any later step of the pipeline, or an end."""
    if candidacy.status in ENDED:
        return []
    later = PIPELINE[PIPELINE.index(CandidacyStatus(candidacy.status)) + 1 :]
    return [*later, CandidacyStatus.UNSUCCESSFUL, CandidacyStatus.WITHDRAWN]


@transaction.atomic
def move_candidacy(
    actor: User,
    candidacy: Candidacy,
    *,
    status: str,
    on: dt.date | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Candidacy:
    """Move a candidacy on. A step that sends the person's details to the employer
    needs their consent to share with employers, which is checked and recorded."""
    require(
        candidacy_policy.can(actor, "change", candidacy),
        "Only the person's worker or their team can move this candidacy on.",
    )
    candidacy = locked(Candidacy, candidacy, expected_version)
    person = Person.objects.get(pk=candidacy.person_id)
    day = on or timezone.localdate()
    if status not in CandidacyStatus.values:
        raise ValidationError({"status": "Choose what happened."})
    if status not in next_statuses(candidacy):
        current = candidacy.get_status_display()
        if candidacy.status in ENDED:
            raise IllegalTransition(f"This candidacy has ended ({current.lower()}).")
        raise IllegalTransition(
            f"A candidacy at “{current}” cannot go back to “{CandidacyStatus(status).label}”."
        )
    if day > timezone.localdate():
        raise ValidationError({"on": "The date cannot be in the future."})
    if day < candidacy.status_on:
        raise ValidationError(
            {"on": f"The date cannot be before the last step ({candidacy.status_on:%d %B %Y})."}
        )
    reason = reason.strip()
    if status in (CandidacyStatus.UNSUCCESSFUL, CandidacyStatus.WITHDRAWN) and not reason:
        raise ValidationError({"reason": "Say why, so that the next match learns from it."})
    consent = None
    if status in EMPLOYER_FACING:
        consent = employer_consent(person, day)
        if consent is None:
            raise ActionRefused(
                f"{person.given_name} has not agreed to their details being shared with "
                "employers. Record their consent on their record first; nothing was sent."
            )
    CandidacyStep.objects.create(
        candidacy=candidacy,
        status=status,
        on=day,
        reason=reason,
        consent=consent,
        recorded_by=actor,
    )
    candidacy.status = status
    candidacy.status_on = day
    fields = ["status", "status_on", "version"]
    if consent is not None and candidacy.consent_id is None:
        candidacy.consent = consent
        fields.append("consent")
    candidacy.version += 1
    candidacy.save(update_fields=fields)
    return candidacy
