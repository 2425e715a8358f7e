"""Portal accounts: inviting the person or a supporter, sign-in links, ending access.

Sign-in links are django-sesame tokens in the ``portal`` scope: they work once
(``SESAME_ONE_TIME``: signing in changes ``last_login``, which the token signs), expire
after ``SESAME_MAX_AGE``, die with the account, and a staff account can never use one
(the sign-in view refuses anyone without an active portal account).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from sesame.utils import get_query_string

from pathways.core.accounts import end_sessions
from pathways.core.audit import record_event
from pathways.core.errors import ActionRefused
from pathways.core.models import User, normalise_email
from pathways.people.models import Consent, Contact, Person
from pathways.portal.models import LinkRequest, PortalAccount, Section
from pathways.portal.policy import may_invite

SCOPE = "portal"

LINK_SUBJECT = "Your link to {service}"
LINK_BODY = """Hello {name},

{opening}

Open this link on your phone or computer to sign in:

{link}

The link works once. It stops working after {days} days.
You can ask for a new link at any time.

You stay signed in on that phone or computer until you sign out.

If you did not expect this email, you can ignore it.
"""


def sign_in_link(user: User, base_url: str) -> str:
    """A one-time link that signs ``user`` in to their portal."""
    return base_url.rstrip("/") + reverse("portal:sign-in") + get_query_string(user, scope=SCOPE)


def send_sign_in_link(account: PortalAccount, base_url: str, *, opening: str = "") -> None:
    service = settings.PATHWAYS_SERVICE_NAME
    send_mail(
        LINK_SUBJECT.format(service=service),
        LINK_BODY.format(
            name=account.display_name,
            opening=opening or f"Here is your link to {service}.",
            link=sign_in_link(account.user, base_url),
            days=max(1, settings.SESAME_MAX_AGE // 86400),
        ),
        None,
        [account.user.email],
    )


def _require_inviter(actor: User, person: Person) -> None:
    if not may_invite(actor, person):
        raise PermissionDenied(
            "Only staff who work with this person can invite them to the portal."
        )


def _new_person_user(email: str, first_name: str, last_name: str) -> User:
    email = normalise_email(email)
    if not email:
        raise ValidationError({"email": "Enter an email address to send the link to"})
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        if existing.is_person:
            raise ValidationError(
                {
                    "email": "This email address already has a portal account. "
                    "Each account needs its own address"
                }
            )
        raise ValidationError(
            {
                "email": "A staff account has this email address. Staff and portal accounts "
                "cannot share an address: use another one"
            }
        )
    return User.objects.create_user(
        email, first_name=first_name, last_name=last_name, is_person=True
    )


@transaction.atomic
def invite_person(actor: User, person: Person, *, email: str, base_url: str) -> PortalAccount:
    """Give the person their own portal account and email them a sign-in link."""
    _require_inviter(actor, person)
    if PortalAccount.objects.filter(
        person=person, supporter__isnull=True, ended_at__isnull=True
    ).exists():
        raise ActionRefused(
            f"{person.given_name} already has a portal account. Send a new link from it instead."
        )
    user = _new_person_user(email, person.given_name, person.family_name)
    account = PortalAccount.objects.create(user=user, person=person, invited_by=actor)
    record_event(actor, person, channel="web", what="invited to the portal")
    transaction.on_commit(
        lambda: send_sign_in_link(
            account,
            base_url,
            opening=f"{actor.get_full_name() or 'Your coach'} has "
            f"set up your own pages on {settings.PATHWAYS_SERVICE_NAME}.",
        )
    )
    return account


@transaction.atomic
def invite_supporter(
    actor: User,
    person: Person,
    *,
    contact: Contact,
    sections: list[str],
    agreed_on: dt.date,
    base_url: str,
) -> PortalAccount:
    """With the person's recorded consent, give someone in their circle of support a
    portal account that shows only the sections the person agreed to."""
    _require_inviter(actor, person)
    if contact.person_id != person.pk:
        raise ValidationError({"contact": "Choose someone from this person's circle of support"})
    chosen = [s for s in Section.values if s in set(sections)]
    if not chosen or len(chosen) != len(set(sections)):
        raise ValidationError({"sections": "Choose what the person agreed this supporter may see"})
    if agreed_on > timezone.localdate():
        raise ValidationError(
            {"agreed_on": "The date the person agreed must be today or in the past"}
        )
    if PortalAccount.objects.filter(supporter=contact, ended_at__isnull=True).exists():
        raise ActionRefused(f"{contact.name} already has a portal account for this person.")
    labels = dict(Section.choices)
    consent = Consent.objects.create(
        person=person,
        scope=Consent.Scope.SUPPORTER_PORTAL,
        given=True,
        given_on=agreed_on,
        recorded_by=actor,
        notes=f"{contact.name} ({contact.relationship}) may see: "
        + ", ".join(labels[s] for s in chosen),
    )
    first, _, last = contact.name.strip().partition(" ")
    user = _new_person_user(contact.email, first, last)
    account = PortalAccount.objects.create(
        user=user,
        person=person,
        supporter=contact,
        sections=chosen,
        consent=consent,
        invited_by=actor,
    )
    record_event(
        actor, person, channel="web", what="supporter invited to the portal", supporter=contact.name
    )
    transaction.on_commit(
        lambda: send_sign_in_link(
            account,
            base_url,
            opening=f"{person.given_name} has agreed that you can see "
            f"some of their pages on {settings.PATHWAYS_SERVICE_NAME}.",
        )
    )
    return account


@transaction.atomic
def end_portal_access(actor: User, account: PortalAccount, *, reason: str) -> PortalAccount:
    """Close an account: it can no longer sign in and is signed out everywhere. Ending
    a supporter's access records the person's withdrawn consent."""
    _require_inviter(actor, account.person)
    account = PortalAccount.objects.select_for_update().get(pk=account.pk)
    if account.ended_at:
        raise ActionRefused("This portal account has already ended.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the access is ending"})
    account.ended_at = timezone.now()
    account.ended_reason = reason[:200]
    account.save(update_fields=["ended_at", "ended_reason"])
    User.objects.filter(pk=account.user_id).update(is_active=False)
    end_sessions(account.user)
    if account.is_supporter:
        Consent.objects.create(
            person_id=account.person_id,
            scope=Consent.Scope.SUPPORTER_PORTAL,
            given=False,
            given_on=timezone.localdate(),
            recorded_by=actor,
            notes=f"Access for {account.supporter} ended: {reason}",
        )
    record_event(actor, account.person, channel="web", what="portal access ended", reason=reason)
    return account


def resend_link(actor: User, account: PortalAccount, *, base_url: str) -> None:
    _require_inviter(actor, account.person)
    if account.ended_at:
        raise ActionRefused("This portal account has ended. Invite them again instead.")
    send_sign_in_link(account, base_url)
    record_event(actor, account.person, channel="web", what="portal link sent again")


def _digest(email: str) -> str:
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()


@transaction.atomic
def ask_for_new_link(email: str, *, remote_addr: str, base_url: str) -> None:
    """Someone asks for a new sign-in link. The answer never says whether the address
    is known; past the hourly limit for the address or the network address, nothing is
    sent. Requests are counted in the database so the limit holds across processes."""
    digest = _digest(email)
    since = timezone.now() - dt.timedelta(hours=1)
    limit = settings.PATHWAYS_PORTAL_LINK_LIMIT
    recent = LinkRequest.objects.filter(requested_at__gte=since)
    over = (
        recent.filter(email_digest=digest).count() >= limit
        or recent.filter(remote_addr=remote_addr).count() >= limit * 5
    )
    LinkRequest.objects.create(email_digest=digest, remote_addr=remote_addr)
    LinkRequest.objects.filter(requested_at__lt=timezone.now() - dt.timedelta(days=1)).delete()
    if over:
        return
    account = (
        PortalAccount.objects.select_related("user", "person", "supporter")
        .filter(
            user__email__iexact=normalise_email(email),
            user__is_person=True,
            user__is_active=True,
            ended_at__isnull=True,
        )
        .first()
    )
    if account is not None:
        transaction.on_commit(lambda: send_sign_in_link(account, base_url))


def set_appointment_reminders(account: PortalAccount, *, wanted: bool) -> PortalAccount:
    account.appointment_reminders = wanted
    account.save(update_fields=["appointment_reminders"])
    return account


def close_for_erasure(person: Person) -> None:
    """At an erasure of the person's record: every portal account for them (their own
    and their supporters') is deleted, and its login is closed and stripped of the
    address and names (the account rows' history on the audit trail is scrubbed with
    the rest of the person's trail)."""
    accounts = list(PortalAccount.objects.filter(person=person).select_related("user"))
    for account in accounts:
        end_sessions(account.user)
    PortalAccount.objects.filter(pk__in=[a.pk for a in accounts]).delete()
    for account in accounts:
        user = account.user
        user.email = f"erased-{user.pk}@erased.invalid"
        user.first_name = user.last_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["email", "first_name", "last_name", "is_active", "password"])


def identifiers_for_erasure(person: Person) -> list[str]:
    """The addresses and names on the person's portal logins."""
    return [
        value
        for row in User.objects.filter(portal_account__person=person).values_list(
            "email", "first_name", "last_name"
        )
        for value in row
        if value
    ]
