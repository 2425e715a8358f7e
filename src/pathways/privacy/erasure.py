"""Erasing a person's record: a request, a data protection officer's approval, then
one transaction that anonymises the person across every app (services and selectors).

The path is the same for a retention period that ran out (``retention_due``) and for
the person asking (``subject_request``, the right to erasure): the DPO of the person's
home authority proposes, a DPO approves (someone other than the proposer when the
authority has a second DPO), and a DPO carries it out after confirming. A request can
be refused at any point before it is carried out, with a reason.

**Lawful-basis exceptions** (``blockers``): while support is still being given (an
open episode, a live referral, a job whose in-work support has not ended) the record
is needed to give it, so a request is refused unless the DPO records an override
reason (for instance the person withdrew from the service in writing). A retention
request needs the person to be due on the schedule (``retention.is_due``).

**Payment evidence** (``payment_evidence``): an outcome claimed for the person on a
payment-by-results claim the provider submitted (a line awaiting the commissioner's
decision, or approved) is what the council paid, or may pay, on; it must keep the
evidence for audit. No override lifts it, whatever the reason for erasure: finance
audit is not the person's choice or the DPO's. A line on a draft (nobody relies on it
yet) or a rejected line does not hold the record back; erasure blanks their evidence
and puts ``(erased)`` for a rejection's reason. Pathways holds no legal-hold or
safeguarding flag yet; when it does, it belongs here too.

**What erasure keeps** so that past figures keep their counts: the rows themselves
(episodes, stages, packages, jobs, hours, milestones, care costs), the support
reasons and flags the ASCOF cohorts need, and the date of birth moved to the first
day of its calendar quarter, which gives the same age at every quarter end (the
reporting dates). **What it removes**: names, contact details, exact date of birth,
coordinates and the inward part of the postcode; the council's client reference,
replaced by a random token; the circle of support (contacts deleted); every document
(rows deleted, files removed from the disk once the erasure is committed); every free-text
note (activities, reviews, packages, referrals, the profile, the plan, consents,
candidacy steps, job checks, Access to Work, milestones, claim lines). The
anonymising writes are made with auditlog switched off, the person's earlier audit
entries keep their action, time and actor but lose their values (``_scrub_trail``,
decision 0023), and one entry records that the erasure happened.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, F, Model, Q, QuerySet, Value, When
from django.utils import timezone

from pathways.casework.documents import remove_files
from pathways.casework.models import (
    Activity,
    Appointment,
    Document,
    Episode,
    Feedback,
    Goal,
    LongTermReview,
    Message,
    Package,
    StageEntry,
    Step,
    VocationalProfile,
)
from pathways.commissioning.models import (
    ClaimLine,
    ClaimStatus,
    LineStatus,
    OnwardReferral,
    Purchase,
)
from pathways.core.audit import ERASED, record_event, scrub_values
from pathways.core.errors import ActionRefused, IllegalTransition
from pathways.core.models import Membership, Role
from pathways.employers.models import Candidacy, CandidacyStep, RotationPlacement
from pathways.employment.models import (
    AccessToWork,
    FadingStep,
    Milestone,
    Placement,
    PlacementTerms,
    PostStartCheck,
)
from pathways.matching.services import columns_changed
from pathways.people.models import BreakGlass, CareCost, Consent, Contact, Person
from pathways.privacy import retention
from pathways.privacy.models import (
    ErasureReason,
    ErasureRequest,
    ErasureStatus,
    SubjectAccessProduction,
    SubjectAccessRequest,
)
from pathways.privacy.retention_policy import erasure_request_policy
from pathways.referrals.models import LIVE_STATUSES, HelpRequest, Referral

DPO_ONLY = "Only the data protection officer of the person's authority can do this."


@dataclass(frozen=True)
class PersonRows:
    """A kind of row about a person: the path from it to the person and the free-text
    columns that erasure blanks (``replace``: columns that are set to a fixed stand-in
    where they hold text, for columns that must not be blank once written)."""

    model: type[Model]
    to_person: str
    blank: tuple[str, ...] = ()
    replace: tuple[tuple[str, str], ...] = ()


#: Every kind of row about a person, outside the person row itself.
PERSON_ROWS: tuple[PersonRows, ...] = (
    PersonRows(Contact, "person"),  # deleted
    PersonRows(Consent, "person", ("notes",)),
    PersonRows(CareCost, "person"),
    PersonRows(
        Referral, "person", ("notes", "decision_reason", "urgent_reason", "override_reason")
    ),
    PersonRows(Episode, "person", ("end_notes",)),
    PersonRows(StageEntry, "episode__person"),
    PersonRows(Package, "episode__person", ("reason", "decision_reason")),
    PersonRows(LongTermReview, "episode__person", ("notes",)),
    PersonRows(Activity, "episode__person", ("notes",)),
    PersonRows(Message, "episode__person", ("text",)),
    PersonRows(Document, "person"),  # deleted, and their files
    PersonRows(Feedback, "person", ("words",)),
    PersonRows(
        VocationalProfile,
        "person",
        (
            "interests_notes",
            "skills",
            "work_history",
            "disclosure",
            "support_needs",
            "benefits_situation",
        ),
    ),
    PersonRows(Goal, "episode__person", ("description",)),
    PersonRows(Step, "goal__episode__person", ("description",)),
    PersonRows(Appointment, "episode__person", ("place", "purpose", "cancelled_reason")),
    PersonRows(Candidacy, "person"),
    PersonRows(CandidacyStep, "candidacy__person", ("reason",)),
    PersonRows(RotationPlacement, "person"),
    PersonRows(Placement, "person", replace=(("job_title", ERASED),)),
    PersonRows(PlacementTerms, "placement__person"),
    PersonRows(PostStartCheck, "placement__person", ("notes",)),
    PersonRows(FadingStep, "placement__person"),
    PersonRows(AccessToWork, "placement__person", ("funds",)),
    PersonRows(Milestone, "placement__person", ("notes",)),
    PersonRows(ErasureRequest, "person", ("notes",)),
    PersonRows(SubjectAccessRequest, "person", ("note",), replace=(("requested_by", ERASED),)),
    PersonRows(SubjectAccessProduction, "request__person"),
    PersonRows(BreakGlass, "person", ("reason", "review_note")),
    PersonRows(ClaimLine, "person", ("evidence",), replace=(("reason", ERASED),)),
    PersonRows(Purchase, "person"),
    PersonRows(OnwardReferral, "referral__person", ("reason",)),
    PersonRows(
        HelpRequest,
        "referral__person",
        ("email", "phone", "postcode", "wants", "reason"),
        replace=(("given_name", ERASED), ("family_name", ERASED)),
    ),
)


@dataclass(frozen=True)
class Registered:
    """Rows about a person kept by an app above privacy (the portal's accounts), which
    it registers from its ``ready``: the rows, what to do first at an erasure (say, sign
    their accounts out and take the addresses off them), and the values in them that
    identify the person, to take out of the audit trail."""

    kind: PersonRows
    before: Callable[[Person], None] | None = None
    identifiers: Callable[[Person], list[str]] | None = None


_REGISTERED: list[Registered] = []


def register(
    kind: PersonRows,
    *,
    before: Callable[[Person], None] | None = None,
    identifiers: Callable[[Person], list[str]] | None = None,
) -> None:
    if all(r.kind.model is not kind.model for r in _REGISTERED):
        _REGISTERED.append(Registered(kind, before, identifiers))


def person_rows() -> tuple[PersonRows, ...]:
    """Every kind of row about a person: privacy's own list and those registered."""
    return PERSON_ROWS + tuple(r.kind for r in _REGISTERED)


def rows_of(person: Person, kind: PersonRows) -> QuerySet:
    return kind.model._default_manager.filter(**{kind.to_person: person})


# --- selectors -----------------------------------------------------------------------


def blockers(person: Person) -> list[str]:
    """Why the record is still needed to support the person (the lawful-basis
    exceptions to erasure), in plain words; empty when nothing is open."""
    out = [
        f"Episode {ref} is open: support is still being given."
        for ref in Episode.objects.filter(person=person, ended_on__isnull=True).values_list(
            "episode_ref", flat=True
        )
    ]
    out += [
        f"Referral {ref} is still live ({status}): a team may still take the person on."
        for ref, status in Referral.objects.filter(
            person=person, status__in=LIVE_STATUSES
        ).values_list("referral_ref", "status")
    ]
    out += [
        f"Job {ref} ({title}) still has in-work support."
        for ref, title in Placement.objects.filter(
            person=person, end_date__isnull=True, support_ended_on__isnull=True
        ).values_list("placement_ref", "job_title")
    ]
    return out


def payment_evidence(person: Person) -> list[str]:
    """The claimed outcomes the council must keep as payment evidence for audit, in
    plain words: lines of submitted or decided claims that were not rejected. No
    override lifts these."""
    lines = (
        ClaimLine.objects.filter(person=person)
        .exclude(status=LineStatus.REJECTED)
        .exclude(claim__status=ClaimStatus.DRAFT)
        .select_related("claim__contract__authority")
        .order_by("achieved_on", "pk")
    )
    return [
        f"{line.get_outcome_display()} on {line.achieved_on.day} {line.achieved_on:%B %Y} "
        f"was claimed on contract {line.claim.contract.contract_ref} "
        f"({line.claim.contract.authority.name}) "
        f"and is {'approved' if line.status == LineStatus.APPROVED else 'awaiting decision'}: "
        "the council must keep payment evidence for audit."
        for line in lines
    ]


def requests_for(user: Any) -> QuerySet[ErasureRequest]:
    """The erasure requests of the authorities where the user is the DPO, newest first."""
    return erasure_request_policy.visible(
        user,
        ErasureRequest.objects.select_related(
            "person", "authority", "requested_by", "approved_by", "refused_by", "carried_out_by"
        ),
    )


def dpo_count(authority_id: int) -> int:
    return (
        Membership.objects.filter(
            role=Role.DATA_PROTECTION_OFFICER,
            team__authority_id=authority_id,
            user__is_active=True,
        )
        .values("user_id")
        .distinct()
        .count()
    )


# --- services ------------------------------------------------------------------------


def _require_dpo(
    user: Any, action: str, erasure: ErasureRequest, channel: str, request: Any
) -> None:
    """The DPO of the person's authority only; a refusal is on the person's trail."""
    erasure_request_policy.require(
        user, action, erasure, refusal=DPO_ONLY, channel=channel, request=request
    )


def propose_erasure(
    user: Any,
    person: Person,
    *,
    reason: str,
    notes: str = "",
    override_reason: str = "",
    today: dt.date | None = None,
    channel: str = "web",
    request: Any = None,
) -> ErasureRequest:
    """Log a request to erase ``person`` (the DPO of their home authority only)."""
    proposed = ErasureRequest(person=person, authority_id=person.authority_id)
    _require_dpo(user, "propose", proposed, channel, request)
    today = today or timezone.localdate()
    if reason not in ErasureReason.values:
        raise ActionRefused(f"'{reason}' is not a reason for erasure.")
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if ErasureRequest.objects.filter(person=person, status=ErasureStatus.CARRIED_OUT).exists():
            raise ActionRefused("This person's record has already been erased.")
        open_request = ErasureRequest.objects.filter(
            person=person, status__in=[ErasureStatus.PROPOSED, ErasureStatus.APPROVED]
        ).first()
        if open_request is not None:
            raise ActionRefused(
                f"Erasure request {open_request.pk} for this person is already "
                f"{open_request.get_status_display().lower()}."
            )
        if reason == ErasureReason.RETENTION_DUE and retention.is_due(person, today) is None:
            raise ActionRefused(
                "This person is not due for erasure on the retention schedule: something "
                "is still open or the retention period has not ended. If the person asked "
                "to be erased, log it as their request instead."
            )
        _check_blockers(person, override_reason)
        return ErasureRequest.objects.create(
            person=person,
            authority_id=person.authority_id,
            reason=reason,
            notes=notes.strip(),
            override_reason=override_reason.strip(),
            requested_by=user,
        )


def _check_blockers(person: Person, override_reason: str) -> None:
    held = payment_evidence(person)
    if held:
        raise ActionRefused(
            "The record is payment evidence, so it cannot be erased, and no override "
            "lifts this: " + " ".join(held)
        )
    found = blockers(person)
    if found and not override_reason.strip():
        raise ActionRefused(
            "The record is still needed to support the person, so it cannot be erased: "
            + " ".join(found)
            + " Close these first, or record why erasure overrides them."
        )


def _locked(erasure: ErasureRequest) -> ErasureRequest:
    return ErasureRequest.objects.select_for_update().select_related("person").get(pk=erasure.pk)


def approve_erasure(
    user: Any, erasure: ErasureRequest, *, channel: str = "web", request: Any = None
) -> ErasureRequest:
    """A DPO agrees the person may be erased. When the authority has a second DPO,
    the one who proposed may not approve their own request."""
    _require_dpo(user, "approve", erasure, channel, request)
    with transaction.atomic():
        current = _locked(erasure)
        if current.status != ErasureStatus.PROPOSED:
            raise IllegalTransition(
                f"This request is {current.get_status_display().lower()}: only a proposed "
                "request can be approved."
            )
        if current.requested_by_id == user.pk and dpo_count(current.authority_id) > 1:
            raise ActionRefused(
                "You proposed this erasure: another data protection officer of the "
                "authority must approve it."
            )
        _check_blockers(current.person, current.override_reason)
        current.status = ErasureStatus.APPROVED
        current.approved_by = user
        current.approved_at = timezone.now()
        current.save()
    return current


def refuse_erasure(
    user: Any,
    erasure: ErasureRequest,
    *,
    reason: str,
    channel: str = "web",
    request: Any = None,
) -> ErasureRequest:
    """Refuse a request that has not been carried out, saying why."""
    _require_dpo(user, "refuse", erasure, channel, request)
    if not reason.strip():
        raise ActionRefused("Say why the request is refused: the person may be told.")
    with transaction.atomic():
        current = _locked(erasure)
        if not current.is_open:
            raise IllegalTransition(
                f"This request is {current.get_status_display().lower()}: it can no longer "
                "be refused."
            )
        current.status = ErasureStatus.REFUSED
        current.refused_by = user
        current.refusal_reason = reason.strip()
        current.save()
    return current


def carry_out_erasure(
    user: Any,
    erasure: ErasureRequest,
    *,
    confirmed: bool,
    channel: str = "web",
    request: Any = None,
) -> ErasureRequest:
    """Erase the person of an approved request, in one transaction, once confirmed."""
    _require_dpo(user, "carry_out", erasure, channel, request)
    if not confirmed:
        raise ActionRefused("Confirm that you understand the erasure cannot be undone.")
    with transaction.atomic():
        current = _locked(erasure)
        if current.status != ErasureStatus.APPROVED:
            raise IllegalTransition(
                f"This request is {current.get_status_display().lower()}: only an approved "
                "request can be carried out."
            )
        person = Person.objects.select_for_update().get(pk=current.person_id)
        _check_blockers(person, current.override_reason)
        identifiers = _identifiers(person)
        with disable_auditlog():
            _anonymise(person)
            ErasureRequest.objects.filter(pk=current.pk).update(
                status=ErasureStatus.CARRIED_OUT,
                carried_out_by=user,
                carried_out_at=timezone.now(),
                notes="",
            )
        _scrub_trail(person, identifiers)
        current.refresh_from_db()
        person.refresh_from_db()
        record_event(
            user,
            person,
            channel=channel,
            what="erased",
            person_id=person.pk,
            reason=current.reason,
            request_id=current.pk,
            approved_by=current.approved_by.email if current.approved_by else "",
        )
    return current


# --- anonymising ---------------------------------------------------------------------


def quarter_start(day: dt.date) -> dt.date:
    """The first day of the calendar quarter: the same age on every quarter end."""
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def postcode_district(postcode: str) -> str:
    """The outward code (district) of a full postcode; nothing for anything else."""
    compact = postcode.replace(" ", "").upper()
    return compact[:-3] if 5 <= len(compact) <= 7 else ""


def _identifiers(person: Person) -> list[str]:
    """The values that would identify the person, to take out of the audit trail."""
    values = [
        person.person_ref,
        person.given_name,
        person.family_name,
        person.preferred_name,
        person.full_name,
        person.email,
        person.phone,
        person.postcode,
        person.date_of_birth.isoformat(),
        str(person),
    ]
    values += [v for row in person.contacts.values_list("name", "phone", "email") for v in row if v]
    for registered in _REGISTERED:
        if registered.identifiers is not None:
            values += registered.identifiers(person)
    return sorted({v for v in values if v and len(v) >= 3}, key=len, reverse=True)


def _anonymise(person: Person) -> None:
    columns_changed(person.authority_id)  # no cached matching column keeps the old name
    Person.objects.filter(pk=person.pk).update(
        person_ref=f"ERASED-{secrets.token_hex(6).upper()}",
        given_name="Erased",
        family_name="record",
        preferred_name="",
        date_of_birth=quarter_start(person.date_of_birth),
        postcode=postcode_district(person.postcode),
        latitude=None,
        longitude=None,
        email="",
        phone="",
        communication_needs="",
        reasonable_adjustments="",
        version=F("version") + 1,
    )
    for registered in _REGISTERED:
        if registered.before is not None:
            registered.before(person)
    person.contacts.all().delete()
    _delete_documents(person)
    HelpRequest.objects.filter(referral__person=person).update(date_of_birth=None)
    for kind in person_rows():
        values: dict[str, Any] = {name: "" for name in kind.blank}
        values |= {
            name: Case(When(**{name: ""}, then=Value("")), default=Value(stand_in))
            for name, stand_in in kind.replace
        }
        if values:
            rows_of(person, kind).update(**values)


def _delete_documents(person: Person) -> None:
    """Delete the person's documents; their files go once the erasure is committed (a
    rolled-back erasure leaves every file in place)."""
    documents = Document.objects.filter(person=person)
    names = list(documents.values_list("file", flat=True))
    documents.delete()
    transaction.on_commit(lambda: remove_files(names))


def _trail_q(person: Person) -> Q:
    """Every audit entry about the person or one of their rows."""
    types = ContentType.objects.get_for_models(Person, *(kind.model for kind in person_rows()))
    q = Q(additional_data__person_id=person.pk) | Q(
        content_type=types[Person], object_pk=str(person.pk)
    )
    for kind in person_rows():
        pks = [str(pk) for pk in rows_of(person, kind).values_list("pk", flat=True)]
        if pks:
            q |= Q(content_type=types[kind.model], object_pk__in=pks)
    return q


def _scrub_trail(person: Person, identifiers: list[str]) -> int:
    """Keep each of the person's audit entries (what was done, when, by whom, from
    where) but remove the values: which fields changed stays, not from what to what.

    The trail is append-only through ``pre_save``/``pre_delete`` signals on LogEntry
    (``core.audit``); ``audit.scrub_values`` is a bulk update that sends neither,
    here inside the erasure's transaction (decision 0023)."""
    return scrub_values(LogEntry.objects.filter(_trail_q(person)), identifiers)
