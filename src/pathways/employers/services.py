"""Every change to employers, opportunities, candidacies and internship cohorts.

Each checks ``core.policies``, runs in one transaction, and raises ``ValidationError``
(naming the field) for bad input, ``ActionRefused`` when a rule says no, and
``ConcurrentEdit`` when the record moved on since the user read it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pathways.core import policies
from pathways.core.errors import ActionRefused, ConcurrentEdit, IllegalTransition, PermissionDenied
from pathways.core.models import InterestTag, Organisation, Team, User
from pathways.employers.candidacies.models import (
    EMPLOYER_FACING,
    ENDED,
    PIPELINE,
    Candidacy,
    CandidacyStatus,
    CandidacyStep,
)
from pathways.employers.cohorts.models import (
    ROTATION_MAX_DAYS,
    ROTATION_MIN_DAYS,
    InternshipCohort,
    Rotation,
    RotationPlacement,
)
from pathways.employers.engagement.models import Employer, EmployerContact, EmployerSite, Engagement
from pathways.employers.opportunities.models import Opportunity
from pathways.employers.pledges.models import SocialValuePledge
from pathways.people.models import Consent, Person


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _locked(model: Any, obj: Any, expected_version: int | None) -> Any:
    fresh = model.objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ConcurrentEdit(
            f"Someone else changed this {model._meta.verbose_name} while you were editing "
            "it. Your changes were not saved: open it again to see theirs."
        )
    return fresh


def _apply(obj: Any, fields: dict[str, Any], exclude: Sequence[str] = ()) -> list[str]:
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, fields[name])
    obj.full_clean(exclude=list(exclude))
    return changed


# --- employers ------------------------------------------------------------------------

EMPLOYER_FIELDS = (
    "name",
    "sector",
    "size",
    "website",
    "disability_confident",
    "disability_confident_on",
    "relationship_owner",
    "notes",
)


def organisations_keeping_employers(user: User) -> list[Organisation]:
    """The providers on whose employer list this user may add employers."""
    scope = policies.scope_of(user)
    orgs = Organisation.objects.order_by("name")
    if scope.is_superuser:
        return list(orgs)
    return list(orgs.filter(pk__in=scope.organisations_for(*policies.CASEWORK_ROLES)))


def _check_employer_name(organisation_id: int, name: str, exclude_pk: int | None = None) -> None:
    clash = Employer.objects.filter(organisation_id=organisation_id, name__iexact=name.strip())
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": f"{name.strip()} is already on your employer list."})


def _check_disability_confident(fields: dict[str, Any]) -> None:
    level, since = fields.get("disability_confident"), fields.get("disability_confident_on")
    if level and not since:
        raise ValidationError(
            {"disability_confident_on": "Enter the date the employer reached this level."}
        )
    if since and not level:
        raise ValidationError({"disability_confident": "Choose the Disability Confident level."})
    if since and since > timezone.localdate():
        raise ValidationError({"disability_confident_on": "The date cannot be in the future."})


@transaction.atomic
def create_employer(actor: User, organisation: Organisation, **fields: Any) -> Employer:
    _require(
        organisation in organisations_keeping_employers(actor),
        "Only specialists and managers of the provider can add to its employer list.",
    )
    fields = {k: v for k, v in fields.items() if k in EMPLOYER_FIELDS}
    fields["name"] = (fields.get("name") or "").strip()
    _check_disability_confident(fields)
    _check_employer_name(organisation.pk, fields["name"])
    employer = Employer(organisation=organisation, **fields)
    employer.full_clean()
    employer.save()
    return employer


@transaction.atomic
def update_employer(
    actor: User, employer: Employer, *, expected_version: int | None = None, **fields: Any
) -> Employer:
    _require(policies.employers.can(actor, "change", employer), "You cannot change this employer.")
    employer = _locked(Employer, employer, expected_version)
    fields = {k: v for k, v in fields.items() if k in EMPLOYER_FIELDS}
    if "name" in fields:
        fields["name"] = fields["name"].strip()
        _check_employer_name(employer.organisation_id, fields["name"], employer.pk)
    _check_disability_confident(
        {
            "disability_confident": fields.get(
                "disability_confident", employer.disability_confident
            ),
            "disability_confident_on": fields.get(
                "disability_confident_on", employer.disability_confident_on
            ),
        }
    )
    if _apply(employer, fields):
        employer.version += 1
        employer.save()
    return employer


def _employer_change(actor: User, employer: Employer) -> None:
    _require(
        policies.employers.can(actor, "change", employer),
        "Only specialists and managers of the provider can change this employer's records.",
    )


@transaction.atomic
def add_site(actor: User, employer: Employer, **fields: Any) -> EmployerSite:
    _employer_change(actor, employer)
    site = EmployerSite(employer=employer, **fields)
    site.full_clean()
    if (site.latitude is None) != (site.longitude is None):
        raise ValidationError({"longitude": "Give both latitude and longitude, or neither."})
    site.save()
    return site


@transaction.atomic
def add_contact(actor: User, employer: Employer, **fields: Any) -> EmployerContact:
    _employer_change(actor, employer)
    contact = EmployerContact(employer=employer, **fields)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def record_engagement(
    actor: User,
    employer: Employer,
    *,
    kind: str,
    occurred_on: dt.date,
    notes: str = "",
    attendees: int | None = None,
) -> Engagement:
    """Add to the employer engagement log (meetings, job carving, training)."""
    _employer_change(actor, employer)
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "The date cannot be in the future."})
    entry = Engagement(
        employer=employer,
        kind=kind,
        occurred_on=occurred_on,
        notes=notes.strip(),
        attendees=attendees,
        recorded_by=actor,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def add_pledge(actor: User, employer: Employer, **fields: Any) -> SocialValuePledge:
    _employer_change(actor, employer)
    pledge = SocialValuePledge(employer=employer, **fields)
    pledge.full_clean()
    if pledge.starts_on > pledge.ends_on:
        raise ValidationError({"ends_on": "The pledge must end after it starts."})
    pledge.save()
    return pledge


# --- opportunities --------------------------------------------------------------------

OPPORTUNITY_FIELDS = (
    "opportunity_ref",
    "authority",
    "site",
    "title",
    "kind",
    "paid",
    "hours_per_week",
    "hourly_pay",
    "latitude",
    "longitude",
    "places",
    "description",
    "accessibility_notes",
    "instead_of_interview",
    "carved_tasks",
    "opened_on",
    "closes_on",
)


def _tags(codes: Iterable[str] | None) -> list[InterestTag] | None:
    if codes is None:
        return None
    codes = sorted(set(codes))
    found = list(InterestTag.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {t.code for t in found})
    if unknown:
        raise ValidationError({"tags": f"Unknown interest tags: {', '.join(unknown)}."})
    return found


def _check_opportunity(opportunity: Opportunity) -> None:
    errors: dict[str, str] = {}
    if opportunity.site is not None and opportunity.site.employer_id != opportunity.employer_id:
        errors["site"] = "Choose one of this employer's sites."
    if (opportunity.latitude is None) != (opportunity.longitude is None):
        errors["longitude"] = "Give both latitude and longitude, or neither."
    if opportunity.hourly_pay is not None and not opportunity.paid:
        errors["hourly_pay"] = "Unpaid opportunities have no hourly pay."
    if opportunity.closes_on and opportunity.closes_on < opportunity.opened_on:
        errors["closes_on"] = "The closing date cannot be before the opportunity opened."
    if opportunity.instead_of_interview and opportunity.kind != "work_trial":
        errors["instead_of_interview"] = "Only a work trial can replace an interview."
    tasks = opportunity.carved_tasks
    if not isinstance(tasks, list) or not all(isinstance(t, str) and t.strip() for t in tasks):
        errors["carved_tasks"] = "List each task of the carved job on its own line."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_opportunity(
    actor: User, employer: Employer, *, tags: Iterable[str] = (), **fields: Any
) -> Opportunity:
    _employer_change(actor, employer)
    fields = {k: v for k, v in fields.items() if k in OPPORTUNITY_FIELDS}
    fields.setdefault("opened_on", timezone.localdate())
    if Opportunity.objects.filter(opportunity_ref=fields.get("opportunity_ref")).exists():
        raise ValidationError(
            {
                "opportunity_ref": f"An opportunity already has the reference "
                f"{fields.get('opportunity_ref')}."
            }
        )
    opportunity = Opportunity(employer=employer, **fields)
    opportunity.full_clean()
    _check_opportunity(opportunity)
    found = _tags(tags) or []
    opportunity.save()
    opportunity.tags.set(found)
    return opportunity


@transaction.atomic
def update_opportunity(
    actor: User,
    opportunity: Opportunity,
    *,
    expected_version: int | None = None,
    tags: Iterable[str] | None = None,
    **fields: Any,
) -> Opportunity:
    _require(
        policies.opportunities.can(actor, "change", opportunity),
        "You cannot change this opportunity.",
    )
    opportunity = _locked(Opportunity, opportunity, expected_version)
    fields = {k: v for k, v in fields.items() if k in OPPORTUNITY_FIELDS and k != "opportunity_ref"}
    changed = _apply(opportunity, fields)
    _check_opportunity(opportunity)
    found = _tags(tags)
    tags_changed = found is not None and {t.pk for t in found} != set(
        opportunity.tags.values_list("pk", flat=True)
    )
    if changed or tags_changed:
        opportunity.version += 1
        opportunity.save()
    if tags_changed:
        opportunity.tags.set(found or [])
    return opportunity


@transaction.atomic
def close_opportunity(
    actor: User, opportunity: Opportunity, *, on: dt.date | None = None
) -> Opportunity:
    """Close an opportunity early (filled or withdrawn): it leaves the matching lists."""
    _require(
        policies.opportunities.can(actor, "change", opportunity),
        "You cannot change this opportunity.",
    )
    opportunity = _locked(Opportunity, opportunity, None)
    if opportunity.closed_on is not None:
        raise IllegalTransition("This opportunity is already closed.")
    opportunity.closed_on = on or timezone.localdate()
    opportunity.version += 1
    opportunity.save(update_fields=["closed_on", "version"])
    return opportunity


# --- candidacies ----------------------------------------------------------------------


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
    _require(
        policies.candidacies.may_put_forward(actor, person, opportunity),
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
    _require(
        policies.candidacies.can(actor, "change", candidacy),
        "Only the person's worker or their team can move this candidacy on.",
    )
    candidacy = _locked(Candidacy, candidacy, expected_version)
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


# --- supported internship cohorts -----------------------------------------------------


@transaction.atomic
def create_cohort(
    actor: User,
    team: Team,
    host: Employer,
    *,
    name: str,
    programme: str,
    academic_year: str,
    interns: Iterable[Person] = (),
) -> InternshipCohort:
    scope = policies.scope_of(actor)
    _require(
        scope.is_superuser or scope.has_role_in_team(team.pk, *policies.CASEWORK_ROLES),
        "Only specialists and managers of the team can set up its cohorts.",
    )
    _require(policies.employers.can(actor, "view", host), "Choose an employer on your list.")
    cohort = InternshipCohort(
        authority_id=team.authority_id,
        team=team,
        host=host,
        name=name.strip(),
        programme=programme,
        academic_year=academic_year.strip(),
    )
    cohort.full_clean()
    _check_academic_year(cohort.academic_year)
    cohort.save()
    set_interns(actor, cohort, interns)
    return cohort


def _check_academic_year(value: str) -> None:
    parts = value.split("-")
    if (
        len(parts) != 2
        or not (parts[0].isdigit() and len(parts[0]) == 4)
        or not (parts[1].isdigit() and len(parts[1]) == 2)
        or (int(parts[0]) + 1) % 100 != int(parts[1])
    ):
        raise ValidationError({"academic_year": "Enter the academic year like 2026-27."})


def set_interns(actor: User, cohort: InternshipCohort, interns: Iterable[Person]) -> None:
    _require(policies.cohorts.can(actor, "change", cohort), "You cannot change this cohort.")
    interns = list(interns)
    others = [p for p in interns if p.authority_id != cohort.authority_id]
    if others:
        raise ValidationError(
            {"interns": f"{others[0]} lives in another authority than this cohort's."}
        )
    cohort.interns.set(interns)


@transaction.atomic
def add_rotation(
    actor: User,
    cohort: InternshipCohort,
    *,
    starts_on: dt.date,
    ends_on: dt.date,
    opportunities: Iterable[Opportunity],
) -> Rotation:
    """A rotation of 10 to 12 weeks through the host's departments."""
    _require(policies.cohorts.can(actor, "change", cohort), "You cannot change this cohort.")
    days = (ends_on - starts_on).days + 1
    if not ROTATION_MIN_DAYS <= days <= ROTATION_MAX_DAYS:
        raise ValidationError(
            {"ends_on": f"A rotation lasts 10 to 12 weeks; this one is {days / 7:.1f} weeks."}
        )
    earlier = cohort.rotations.order_by("-number").first()
    if earlier is not None and starts_on <= earlier.ends_on:
        raise ValidationError(
            {"starts_on": f"Rotation {earlier.number} runs until {earlier.ends_on:%d %B %Y}."}
        )
    departments = list(opportunities)
    wrong = [o for o in departments if o.employer_id != cohort.host_id]
    if wrong:
        raise ValidationError({"opportunities": f"{wrong[0].title} is not at {cohort.host}."})
    rotation = Rotation.objects.create(
        cohort=cohort,
        number=(earlier.number + 1) if earlier else 1,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    rotation.opportunities.set(departments)
    return rotation


@transaction.atomic
def place_interns(
    actor: User, rotation: Rotation, placements: Sequence[tuple[Person, Opportunity, int | None]]
) -> list[RotationPlacement]:
    """Record the departments for a rotation, replacing any earlier plan: all or
    nothing. Each intern once; no department over its places."""
    cohort = rotation.cohort
    _require(policies.cohorts.can(actor, "change", cohort), "You cannot change this cohort.")
    Rotation.objects.select_for_update().filter(pk=rotation.pk).first()
    interns = set(cohort.interns.values_list("pk", flat=True))
    departments = {o.pk: o for o in rotation.opportunities.all()}
    seen: set[int] = set()
    used: dict[int, int] = {}
    for person, opportunity, _score in placements:
        if person.pk not in interns:
            raise ActionRefused(f"{person} is not an intern in this cohort.")
        if person.pk in seen:
            raise ActionRefused(f"{person} is placed twice in this rotation.")
        if opportunity.pk not in departments:
            raise ActionRefused(f"{opportunity.title} is not part of this rotation.")
        seen.add(person.pk)
        used[opportunity.pk] = used.get(opportunity.pk, 0) + 1
        places = departments[opportunity.pk].places
        if used[opportunity.pk] > places:
            raise ActionRefused(
                f"{opportunity.title} has only {places} place{'' if places == 1 else 's'}."
            )
    rotation.placements.all().delete()
    return [
        RotationPlacement.objects.create(
            rotation=rotation, person=person, opportunity=opportunity, score=score
        )
        for person, opportunity, score in placements
    ]
