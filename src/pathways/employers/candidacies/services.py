"""Putting a person forward for an opportunity, sharing it with the person and
hearing their answer, and moving the candidacy on. A step that sends the person's
details to the employer needs their consent to share with employers, checked here and
kept with the step: for a job shared with the person, their own yes to that job."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
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
    PersonAnswer,
)
from pathways.employers.candidacies.notices import job_answered
from pathways.employers.candidacies.policy import candidacy_policy
from pathways.employers.engagement.services import locked, require
from pathways.employers.opportunities.models import Opportunity
from pathways.people.models import Consent, Person


def _person_wide(person: Person, on: dt.date) -> QuerySet[Consent]:
    """The person's records about sharing with employers up to ``on``, newest first,
    leaving out the yeses to one shared job (they cover that job only)."""
    return (
        Consent.objects.filter(
            person=person, scope=Consent.Scope.SHARE_WITH_EMPLOYERS, given_on__lte=on
        )
        .exclude(Exists(Candidacy.objects.filter(person_consent=OuterRef("pk"))))
        .order_by("-given_on", "-id")
    )


def employer_consent(person: Person, on: dt.date) -> Consent | None:
    """The person's consent to share their details with any employer in force on
    ``on``: the latest person-wide record for that purpose, if it says yes."""
    latest = _person_wide(person, on).first()
    return latest if latest is not None and latest.given else None


def _withdrawn_since(person: Person, own: Consent, on: dt.date) -> Consent | None:
    """A person-wide "no" to sharing with employers recorded after their yes to one
    job, which takes that yes back too."""
    latest = _person_wide(person, on).first()
    if latest is None or latest.given or (latest.given_on, latest.pk) < (own.given_on, own.pk):
        return None
    return latest


def consent_for_employer(candidacy: Candidacy, person: Person, day: dt.date) -> Consent:
    """The consent that lets this candidacy's step on ``day`` send the person's details
    to the employer, or ActionRefused saying why there is none. A job shared with the
    person needs their own yes to it: older person-wide consent is not enough."""
    name = person.given_name
    if candidacy.is_shared:
        if candidacy.person_answer == PersonAnswer.NO:
            raise ActionRefused(
                f"{name} said no to this job in their portal on "
                f"{candidacy.person_answer_on:%-d %B %Y}. Nothing was sent: withdraw it, "
                "or talk to them about it."
            )
        own = candidacy.person_consent
        if candidacy.person_answer != PersonAnswer.YES or own is None:
            raise ActionRefused(
                f"{name} has not said yes to this job in their portal yet. Nothing was "
                "sent: wait for their answer, or talk to them about it."
            )
        if day < own.given_on:
            raise ValidationError(
                {"on": f"The date cannot be before {name} said yes ({own.given_on:%-d %B %Y})."}
            )
        withdrawn = _withdrawn_since(person, own, day)
        if withdrawn is not None:
            raise ActionRefused(
                f"{name} withdrew their consent to share details with employers on "
                f"{withdrawn.given_on:%-d %B %Y}, after saying yes to this job. Nothing "
                "was sent."
            )
        return own
    consent = employer_consent(person, day)
    if consent is None:
        raise ActionRefused(
            f"{name} has not agreed to their details being shared with "
            "employers. Record their consent on their record first; nothing was sent."
        )
    return consent


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
        consent = consent_for_employer(candidacy, person, day)
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


# --- Sharing a job with the person ---------------------------------------------------


def may_share(candidacy: Candidacy) -> bool:
    """Whether the job may be shared with the person now (the page shows the button):
    not yet shared, not ended, before their details go to the employer, still open."""
    return (
        not candidacy.is_shared
        and not candidacy.is_ended
        and candidacy.status not in EMPLOYER_FACING
        and candidacy.opportunity.is_open(timezone.localdate())
    )


@transaction.atomic
def share_with_person(candidacy: Candidacy, *, by: User, expected_version: int | None) -> Candidacy:
    """Show the job in the person's portal ("Jobs for me") so that they can say yes,
    no or later themselves. Only before their details go to the employer."""
    require(
        candidacy_policy.can(by, "change", candidacy),
        "Only the person's worker or their team can share this job with them.",
    )
    candidacy = locked(Candidacy, candidacy, expected_version)
    person = Person.objects.get(pk=candidacy.person_id)
    opportunity = Opportunity.objects.get(pk=candidacy.opportunity_id)
    day = timezone.localdate()
    if candidacy.is_ended:
        raise IllegalTransition(
            f"This candidacy has ended ({candidacy.get_status_display().lower()}): "
            "there is nothing to share."
        )
    if candidacy.status in EMPLOYER_FACING:
        raise ActionRefused(
            f"{person.given_name}'s details have already gone to the employer: "
            "there is nothing to ask them."
        )
    if candidacy.is_shared:
        raise ActionRefused(
            f"This job was shared with {person.given_name} on "
            f"{candidacy.shared_with_person_on:%-d %B %Y}."
        )
    if not opportunity.is_open(day):
        raise ActionRefused("This opportunity is not open, so it cannot be shared.")
    candidacy.shared_with_person_on = day
    candidacy.version += 1
    candidacy.save(update_fields=["shared_with_person_on", "version"])
    return candidacy


@transaction.atomic
def answer_shared_job(candidacy: Candidacy, *, by: User, answer: str) -> Candidacy:
    """The person's answer, from their portal (the portal decides who may answer for
    whom). A yes is their consent to share their details with this employer, kept as a
    consent record on the candidacy; a no sends nothing and moves nothing (their coach
    withdraws it); "later" keeps it waiting. Their worker is told of a yes or a no."""
    if answer not in (PersonAnswer.YES, PersonAnswer.NO, PersonAnswer.LATER):
        raise ValidationError({"answer": "Choose yes, no, or ask me later."})
    candidacy = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
    if not candidacy.is_shared:
        raise ActionRefused("Your coach has not shared this job with you.")
    if candidacy.is_ended:
        raise ActionRefused("This job is closed now. Your coach can tell you more.")
    if candidacy.person_answer == PersonAnswer.YES:
        raise ActionRefused(
            "You said yes to this job already. To change your mind, tell your coach."
        )
    if candidacy.status in EMPLOYER_FACING:
        raise ActionRefused("This job has moved on. Talk to your coach about it.")
    if candidacy.person_answer == answer:
        return candidacy
    day = timezone.localdate()
    fields = ["person_answer", "person_answer_on", "answered_at_version", "version"]
    if answer == PersonAnswer.YES:
        opportunity = Opportunity.objects.select_related("employer").get(
            pk=candidacy.opportunity_id
        )
        candidacy.person_consent = Consent.objects.create(
            person_id=candidacy.person_id,
            scope=Consent.Scope.SHARE_WITH_EMPLOYERS,
            given=True,
            given_on=day,
            recorded_by=by,
            notes=(
                f"Said yes in their portal to {opportunity.title} at "
                f"{opportunity.employer.name} ({opportunity.opportunity_ref}): for this "
                "job only."
            ),
        )
        fields.append("person_consent")
    candidacy.person_answer = answer
    candidacy.person_answer_on = day
    candidacy.version += 1
    told = answer in (PersonAnswer.YES, PersonAnswer.NO)
    candidacy.answered_at_version = candidacy.version if told else None
    candidacy.save(update_fields=fields)
    if told:
        job_answered(candidacy)
    return candidacy
