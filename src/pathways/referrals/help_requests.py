"""Asking for help to find work, with no account: receiving a request from the public
form (with a guard against programs that fill forms in, and no picture puzzle), and an
intake officer dealing with it: referring the person as someone new, referring someone
already on record, or setting it aside as not a real request.

The spam guard (decision 0044): a field people never see (``HONEYPOT``) that programs
fill in; a signed time the form was shown (``form_started``), so that a form sent back
sooner than ``PATHWAYS_HELP_REQUEST_MIN_SECONDS`` is refused; and hourly limits per
address and per authority, counted in the database so every process agrees. The first
two are answered exactly as if the request had been received (a program learns
nothing), and dropped; each refusal is on the audit trail of the authority.

A request set aside as not real is kept ``PATHWAYS_HELP_REQUEST_SET_ASIDE_KEEP_DAYS``
days after it was set aside, then ``pathways daily`` deletes it (:func:`purge_set_aside`,
decision 0058).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import time
from typing import Any

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pathways.core.audit import DENIED, record_event, record_events, scrub_values
from pathways.core.errors import ActionRefused, ConcurrentEdit, IllegalTransition, PermissionDenied
from pathways.core.importing.planning import in_chunks
from pathways.core.models import Authority, Team, User
from pathways.core.unusual import Confirmed
from pathways.people.models import Person
from pathways.people.postcodes import normalise_postcode
from pathways.referrals import notices, services
from pathways.referrals.models import (
    CareAndSupport,
    HelpRequest,
    HelpStatus,
    Referral,
    Source,
)
from pathways.referrals.policy import help_request_policy
from pathways.referrals.selectors import phone_digits, possible_matches

#: The name of the field people never see; programs that fill in every field fill it.
HONEYPOT = "website"
#: The name of the hidden field carrying the signed time the form was shown.
STARTED = "form_started"
_SALT = "pathways.referrals.help-request"
#: The longest answer to "what kind of work or help": a few paragraphs.
MAX_WANTS = 2000
_PHONE = re.compile(r"^\+?[0-9 ()\-]{7,20}$")


class TooManyRequests(ActionRefused):
    """An hourly limit is reached: the person is told to try later or phone."""


def form_started_token(now: float | None = None) -> str:
    """The signed time a form is shown, for its hidden ``form_started`` field."""
    return signing.Signer(salt=_SALT).sign(f"{now if now is not None else time.time():.3f}")


def _seconds_since(token: str) -> float | None:
    """Seconds since the form was shown, or None for a token we did not sign."""
    try:
        started = float(signing.Signer(salt=_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return time.time() - started


def client_key(remote_addr: str | None) -> str:
    """A keyed digest of the sender's address: the same address gives the same key,
    and the key does not give the address back."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"help-request:{remote_addr or ''}".encode(), hashlib.sha256).hexdigest()


def clean_help_request(fields: dict[str, Any]) -> dict[str, Any]:
    """The request's answers, trimmed and checked, every problem at once, each message
    saying what to do in plain words."""
    text = {
        name: str(fields.get(name) or "").strip()
        for name in ("given_name", "family_name", "email", "phone", "postcode", "wants")
    }
    errors: dict[str, str] = {}
    if not text["given_name"]:
        errors["given_name"] = "Write your first name."
    elif len(text["given_name"]) > 100:
        errors["given_name"] = "Write a shorter first name. Use 100 letters or fewer."
    if not text["family_name"]:
        errors["family_name"] = "Write your last name."
    elif len(text["family_name"]) > 100:
        errors["family_name"] = "Write a shorter last name. Use 100 letters or fewer."
    if not text["email"] and not text["phone"]:
        errors["email"] = (
            "Write your email address or your phone number. We need one to contact you."
        )
    if text["email"]:
        try:
            validate_email(text["email"])
        except ValidationError:
            errors["email"] = "Write your email address like name@example.com."
    if text["phone"] and not (
        _PHONE.match(text["phone"]) and len(phone_digits(text["phone"])) >= 10
    ):
        errors["phone"] = "Write your phone number using numbers, like 07700 900 982."
    born = fields.get("date_of_birth")
    if born is not None and not isinstance(born, dt.date):
        errors["date_of_birth"] = "Write your date of birth using numbers, like 27 3 1990."
    elif born is not None and born >= timezone.localdate():
        errors["date_of_birth"] = "Your date of birth must be in the past."
    elif born is not None and born.year < timezone.localdate().year - 120:
        errors["date_of_birth"] = "Check the year you were born."
    try:
        text["postcode"] = normalise_postcode(text["postcode"])
    except ValueError:
        errors["postcode"] = "Write your postcode like E15 1AB, or leave it empty."
    if not text["wants"]:
        errors["wants"] = "Tell us what kind of work or help you want."
    elif len(text["wants"]) > MAX_WANTS:
        errors["wants"] = f"Write less. Use {MAX_WANTS:,} letters or fewer."
    care = str(fields.get("care_and_support") or "")
    if care not in CareAndSupport.values:
        errors["care_and_support"] = "Choose yes, no or I don't know."
    if errors:
        raise ValidationError(errors)
    return {**text, "date_of_birth": born, "care_and_support": care}


def _refuse_quietly(authority: Authority, why: str) -> None:
    """A program's request, dropped: on the authority's trail, and nothing more."""
    record_event(
        None, authority, channel="web", what=f"help request refused: {why}", outcome=DENIED
    )


def receive_help_request(
    authority: Authority, fields: dict[str, Any], *, remote_addr: str | None
) -> HelpRequest | None:
    """Receive a request for help sent to ``authority``: the request, or None when it
    was a program's and is dropped (the page answers both the same). Refuses answers
    that need correcting (``ValidationError``, per field) and a sender over an hourly
    limit (``TooManyRequests``, its refusal kept on the trail). The authority's intake
    officers are told."""
    if str(fields.get(HONEYPOT) or "").strip():
        _refuse_quietly(authority, "the hidden field was filled in")
        return None
    waited = _seconds_since(str(fields.get(STARTED) or ""))
    if waited is None or waited < settings.PATHWAYS_HELP_REQUEST_MIN_SECONDS:
        _refuse_quietly(authority, "sent too fast to be typed")
        return None
    cleaned = clean_help_request(fields)
    key = client_key(remote_addr)
    with transaction.atomic():
        # One request at a time per authority, so two cannot both slip under a limit.
        Authority.objects.select_for_update().filter(pk=authority.pk).first()
        refusal = _over_a_limit(authority, key)
        if refusal is None:
            help_request = HelpRequest.objects.create(
                authority=authority, client_key=key, **cleaned
            )
            notices.help_requested(help_request)
            return help_request
        _refuse_quietly(authority, refusal[0])
    # Raised once the refusal's entry on the trail is committed.
    raise TooManyRequests(refusal[1])


def _over_a_limit(authority: Authority, key: str) -> tuple[str, str] | None:
    """Which hourly limit a new request from ``key`` would pass: what the trail says
    and what the sender is told, or None."""
    recent = HelpRequest.objects.filter(received_at__gte=timezone.now() - dt.timedelta(hours=1))
    if recent.filter(client_key=key).count() >= settings.PATHWAYS_HELP_REQUEST_LIMIT_PER_ADDRESS:
        return (
            "too many from one address in an hour",
            "We have had a lot of requests from this computer or phone. "
            "Please try again in an hour, or phone the council.",
        )
    limit = settings.PATHWAYS_HELP_REQUEST_LIMIT_PER_AUTHORITY
    if recent.filter(authority=authority).count() >= limit:
        return (
            "too many for the authority in an hour",
            "We have had a lot of requests in the last hour. "
            "Please try again in an hour, or phone the council.",
        )
    return None


# --- Dealing with a request --------------------------------------------------------


def _lock(actor: User, help_request: HelpRequest, expected_version: int) -> HelpRequest:
    """The request re-read under lock: still new, and as the officer saw it."""
    if not help_request_policy.can(actor, "deal", help_request):
        raise PermissionDenied("Only intake officers and team managers can deal with requests.")
    fresh = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
    if fresh.status != HelpStatus.NEW:
        raise IllegalTransition(
            f"This request has been dealt with already: {fresh.get_status_display().lower()}."
        )
    if fresh.version != expected_version:
        raise ConcurrentEdit(
            "Someone else changed this request while you were looking at it. "
            "Check it again, then choose what to do."
        )
    return fresh


def _done(help_request: HelpRequest, actor: User, fields: list[str]) -> None:
    help_request.dealt_with_by = actor
    help_request.dealt_with_at = timezone.now()
    help_request.version += 1
    help_request.save(update_fields=[*fields, "dealt_with_by", "dealt_with_at", "version"])


def referral_notes(help_request: HelpRequest) -> str:
    """What the person told us, as the self-referral's notes."""
    return (
        f"Asked for help to find work on the website on {help_request.received_at:%-d %B %Y}.\n"
        f"What kind of work or help: {help_request.wants}\n"
        "Gets care and support from the council: "
        f"{help_request.get_care_and_support_display()}"
    )


def _same_authority(help_request: HelpRequest, team: Team) -> None:
    if team.authority_id != help_request.authority_id:
        raise ValidationError({"team": f"Choose a team of {help_request.authority.name}."})


@transaction.atomic
def refer_as_new_person(
    actor: User,
    help_request: HelpRequest,
    *,
    team: Team,
    person_ref: str,
    date_of_birth: dt.date | None,
    expected_version: int,
    confirmed: Confirmed = False,
) -> Referral:
    """Add the person who asked and refer them to ``team`` as a self-referral received
    the day they asked; the request is then referred. Both or neither. The officer
    gives the client reference, and the date of birth when the person did not."""
    help_request = _lock(actor, help_request, expected_version)
    _same_authority(help_request, team)
    if not person_ref.strip():
        raise ValidationError({"person_ref": "Enter the client reference"})
    born = date_of_birth or help_request.date_of_birth
    if born is None:
        raise ValidationError(
            {"date_of_birth": "Enter the person's date of birth (ask them: they did not give it)"}
        )
    referral = services.refer_new_person(
        actor,
        team=team,
        person_fields={
            "person_ref": person_ref.strip(),
            "given_name": help_request.given_name,
            "family_name": help_request.family_name,
            "date_of_birth": born,
            "postcode": help_request.postcode,
            "email": help_request.email,
            "phone": help_request.phone,
        },
        source=Source.SELF,
        received_on=timezone.localdate(help_request.received_at),
        notes=referral_notes(help_request),
        confirmed=confirmed,
    )
    help_request.status = HelpStatus.REFERRED
    help_request.referral = referral
    _done(help_request, actor, ["status", "referral"])
    return referral


@transaction.atomic
def refer_existing_person(
    actor: User,
    help_request: HelpRequest,
    *,
    person: Person,
    team: Team,
    expected_version: int,
    confirmed: Confirmed = False,
) -> Referral:
    """Refer someone already on record, one of the request's possible matches, to
    ``team`` as a self-referral; the request is then referred. Both or neither."""
    help_request = _lock(actor, help_request, expected_version)
    _same_authority(help_request, team)
    matches = possible_matches(actor, [help_request]).get(help_request.pk, [])
    if person.pk not in {m.pk for m in matches}:
        raise ValidationError(
            {"person": "Choose one of the people who may be the one asking for help"}
        )
    referral = services.create_referral(
        actor,
        person=person,
        team=team,
        source=Source.SELF,
        received_on=timezone.localdate(help_request.received_at),
        notes=referral_notes(help_request),
        confirmed=confirmed,
    )
    help_request.status = HelpStatus.REFERRED
    help_request.referral = referral
    _done(help_request, actor, ["status", "referral"])
    return referral


@transaction.atomic
def set_aside(
    actor: User, help_request: HelpRequest, *, reason: str, expected_version: int
) -> HelpRequest:
    """Not a real request (a test, a joke, an advert): kept with the reason."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why this is not a real request"})
    help_request = _lock(actor, help_request, expected_version)
    help_request.status = HelpStatus.NOT_REAL
    help_request.reason = reason.strip()
    _done(help_request, actor, ["status", "reason"])
    return help_request


# --- Keeping them no longer than needed (decision 0058) ----------------------------


def purge_set_aside(on: dt.date) -> int:
    """Delete the requests set aside as not real before the first of the last
    ``PATHWAYS_HELP_REQUEST_SET_ASIDE_KEEP_DAYS`` days up to ``on`` (never counting
    from a day still to come): how many were deleted. Nothing points at a request
    (it points at its referral, and one set aside has none), so it is deleted, not
    anonymised.

    As an erasure does (decision 0023), in one transaction: the values on the
    request's audit entries (what the person wrote, the reason it was set aside) are
    blanked and the entries kept; one entry on each records the deletion; the rows go
    with auditlog switched off, so their values are not copied into a new entry."""
    keep = max(0, settings.PATHWAYS_HELP_REQUEST_SET_ASIDE_KEEP_DAYS)  # negative counts as 0
    day = min(on, timezone.localdate()) - dt.timedelta(days=keep)
    cutoff = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    old = Q(dealt_with_at__lt=cutoff) | Q(dealt_with_at__isnull=True, received_at__lt=cutoff)
    with transaction.atomic():
        rows = list(
            HelpRequest.objects.select_for_update()
            .filter(old, status=HelpStatus.NOT_REAL, referral__isnull=True)
            .order_by("pk")
        )
        if not rows:
            return 0
        content_type = ContentType.objects.get_for_model(HelpRequest)
        # No identifiers to replace: a request's entries carry its values only in the
        # fields scrub_values blanks (what changed, the row as text), and replacing
        # every purged name inside the rest would garble what stays ("e" in "help").
        for chunk in in_chunks([str(r.pk) for r in rows]):
            scrub_values(LogEntry.objects.filter(content_type=content_type, object_pk__in=chunk))
        record_events(
            None,
            rows,
            channel="cli",
            what="help request deleted: set aside as not real",
            data=lambda r: {
                "authority_id": r.authority_id,
                "received_on": timezone.localdate(r.received_at).isoformat(),
                "set_aside_on": timezone.localdate(r.dealt_with_at or r.received_at).isoformat(),
                "kept_days": keep,
            },
        )
        with disable_auditlog():
            for ids in in_chunks([r.pk for r in rows]):
                HelpRequest.objects.filter(pk__in=ids).delete()
    return len(rows)
