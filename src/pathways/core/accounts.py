"""Staff administration: inviting staff, their teams and roles, two-step sign-in resets
and deactivation. The writes behind the staff pages and ``pathways invite``.

Every action is refused unless the actor administers the member (``staff_policy``: an
Administrator of a team's authority, or a superuser), and every action is on the trail
(``record_staff_event``), which the staff activity page lists.

An invitation is a one-time link to choose a password (``invitation_link``). Its token
is Django's password-reset token with a salt of its own (``invitation_tokens``), so a
link from "Forgotten your password?" cannot be used in its place: only an invitation or
an administrator's reset lets the next sign-in set up two-step sign-in.

Core knows nothing of cases, so the apps that hold cases register how many open cases a
member holds in a team (``count_open_cases_with``): removing the last role that lets a
member hold cases in a team, or deactivating them, is refused while they hold some.
Handing the cases over is the casework app's (``workspace.staff`` does both at once).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from pathways.core.audit import record_staff_event
from pathways.core.errors import ActionRefused
from pathways.core.models import Membership, Role, Team, User, normalise_email
from pathways.core.policies import CASEWORK_ROLES, may_administer_team, staff_policy
from pathways.core.tokens import end_tokens


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Invitation links: like a password reset's (they stop working once a password is
    set or the member signs in), but a reset's token does not pass for one."""

    key_salt = "pathways.core.accounts.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()

#: Counts a member's open cases in a team (registered by the apps that hold cases).
OpenCases = Callable[[User, Team | None], int]
_open_case_counters: list[OpenCases] = []


def count_open_cases_with(counter: OpenCases) -> None:
    """Register how to count a member's open cases (called from ``AppConfig.ready``);
    ``team`` None means in every team."""
    if counter not in _open_case_counters:
        _open_case_counters.append(counter)


def open_cases(member: User, team: Team | None = None) -> int:
    return sum(counter(member, team) for counter in _open_case_counters)


# --- the link -------------------------------------------------------------------------------


def invitation_link(member: User, base_url: str) -> str:
    """The one-time link to choose a password (and then set up two-step sign-in)."""
    path = reverse(
        "set-password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(member.pk)),
            "token": invitation_tokens.make_token(member),
        },
    )
    return base_url.rstrip("/") + path


INVITATION_SUBJECT = "Your sign-in link for {service}"
INVITATION_BODY = """Hello,

{opening}

Use this link to choose your password:

{link}

The link works once and stops working after {days} days. After you choose your password,
sign in and set up two-step sign-in with an authenticator app on your phone.

If you did not expect this email, you can ignore it.
"""


def send_invitation(member: User, base_url: str, *, reset: bool = False) -> None:
    """Email the member their one-time link. The email names no one but the service."""
    service = settings.PATHWAYS_SERVICE_NAME
    opening = (
        f"Your administrator has reset your two-step sign-in for {service}."
        if reset
        else f"You have been given an account on {service}."
    )
    send_mail(
        INVITATION_SUBJECT.format(service=service),
        INVITATION_BODY.format(
            opening=opening,
            link=invitation_link(member, base_url),
            days=max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        ),
        None,
        [member.email],
    )


# --- the rules ------------------------------------------------------------------------------


def _require_team(actor: User, team: Team) -> None:
    if not may_administer_team(actor, team):
        raise PermissionDenied(f"You do not administer staff in {team.name}.")


def _require_member(actor: User, member: User) -> None:
    if not staff_policy.can(actor, "administer", member):
        raise PermissionDenied("You do not administer this staff member.")


def _require_active(member: User) -> None:
    if not member.is_active:
        raise ActionRefused(f"{member} has left (the account is deactivated).")


@transaction.atomic
def invite_staff(
    actor: User,
    *,
    email: str,
    first_name: str,
    last_name: str,
    team: Team,
    role: str,
    base_url: str,
) -> User:
    """Create an account with no password in ``team`` as ``role``, and email its
    one-time link."""
    _require_team(actor, team)
    email = normalise_email(email)
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role from the list"})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": "A staff account already has this email address. Find it in the staff list"}
        )
    member = User.objects.create_user(
        email, first_name=first_name.strip(), last_name=last_name.strip()
    )
    Membership.objects.create(user=member, team=team, role=role)
    record_staff_event(
        actor, member, channel="web", what="invited", team=team.name, role=Role(role).label
    )
    send_invitation(member, base_url)
    return member


def resend_invitation(actor: User, member: User, *, base_url: str) -> None:
    """A new one-time link for someone who has not chosen a password yet."""
    _require_member(actor, member)
    _require_active(member)
    if member.has_usable_password():
        raise ActionRefused(
            f"{member} has already chosen a password. If they cannot sign in, they can use "
            "“Forgotten your password?”, or you can reset their two-step sign-in."
        )
    record_staff_event(actor, member, channel="web", what="invitation sent again")
    send_invitation(member, base_url)


@transaction.atomic
def add_membership(actor: User, member: User, *, team: Team, role: str) -> Membership:
    _require_member(actor, member)
    _require_team(actor, team)
    _require_active(member)
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role from the list"})
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=member, team=team, role=role)
    except IntegrityError as exc:
        raise ValidationError(
            {"role": f"{member} is already {Role(role).label.lower()} in {team.name}"}
        ) from exc
    record_staff_event(
        actor, member, channel="web", what="role added", team=team.name, role=Role(role).label
    )
    return membership


@transaction.atomic
def remove_membership(actor: User, membership: Membership) -> None:
    """Take a role away. Refused for the member's only role (deactivate a leaver
    instead) and for their last role that holds cases in a team while they hold open
    cases there (hand over their cases first)."""
    member = membership.user
    _require_member(actor, member)
    _require_team(actor, membership.team)
    others = Membership.objects.filter(user=member).exclude(pk=membership.pk)
    if not others.exists():
        raise ActionRefused(
            f"This is {member}’s only team and role. Add the new one first, or deactivate "
            "their account if they have left."
        )
    if membership.role in CASEWORK_ROLES:
        still_holds = others.filter(team=membership.team, role__in=CASEWORK_ROLES).exists()
        held = open_cases(member, membership.team)
        if held and not still_holds:
            raise ActionRefused(
                f"{member} holds {held} open case{'s' if held != 1 else ''} in "
                f"{membership.team.name}: hand over their cases first."
            )
    team_name, role_label = membership.team.name, membership.get_role_display()
    membership.delete()
    record_staff_event(
        actor, member, channel="web", what="role removed", team=team_name, role=role_label
    )


@transaction.atomic
def reset_two_factor(
    actor: User | None, member: User, *, base_url: str, channel: str = "web"
) -> int:
    """Remove the member's authenticator app and recovery codes (a lost phone); email a
    one-time link with which they set up another. How many devices went."""
    if actor is not None:
        _require_member(actor, member)
    _require_active(member)
    removed = remove_two_factor_devices(member)
    record_staff_event(
        actor, member, channel=channel, what="two-step sign-in reset", devices_removed=removed
    )
    if channel == "web":
        send_invitation(member, base_url, reset=True)
    return removed


def remove_two_factor_devices(member: User) -> int:
    totp, _ = TOTPDevice.objects.filter(user=member).delete()
    static = StaticDevice.objects.filter(user=member)
    count = static.count()
    static.delete()  # its tokens go with it
    return int(totp) + count


def end_sessions(member: User) -> int:
    """Sign the member out everywhere (sessions in the database)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(member.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def deactivate(actor: User, member: User) -> None:
    """A leaver: the account can no longer sign in, its API tokens and sessions end.
    Refused while they hold open cases (hand them over: ``workspace.staff``)."""
    _require_member(actor, member)
    _require_active(member)
    if member.pk == actor.pk:
        raise ActionRefused("You cannot deactivate your own account. Ask another administrator.")
    held = open_cases(member)
    if held:
        raise ActionRefused(
            f"{member} holds {held} open case{'s' if held != 1 else ''}: hand over their "
            "cases first."
        )
    member.is_active = False
    member.save(update_fields=["is_active"])
    end_tokens(member, "account deactivated", actor=actor, channel="web")
    sessions = end_sessions(member)
    record_staff_event(actor, member, channel="web", what="deactivated", sessions_ended=sessions)
