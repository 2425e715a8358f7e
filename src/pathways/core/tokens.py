"""Issuing, listing and revoking API tokens: the writes behind ``pathways token`` and
the staff pages (core, so that both the API and the pages may use them).

A token is shown once and stored only as its SHA-256, with a short prefix so that an
operator can tell tokens apart and revoke one without ever seeing it again. It expires
(``PATHWAYS_API_TOKEN_DAYS``), and it ends when its owner's password or teams change
(``end_tokens_on_password_change``, ``end_tokens_on_membership_change``, connected in
``ApiConfig.ready``): what the token could do was decided for the person as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from pathways.core.audit import record_staff_event
from pathways.core.models import ApiToken, Membership, User, hash_token

PREFIX_LENGTH = 8


class TokenRefused(Exception):
    """The token cannot be issued or revoked; the message says why, in one line."""


@dataclass(frozen=True)
class IssuedToken:
    raw: str
    prefix: str
    user: User


def _active_staff(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise TokenRefused(f"No staff account has the email address {email}.")
    if not user.is_active:
        raise TokenRefused(f"The account {user.email} is inactive; it cannot have API tokens.")
    return user


@transaction.atomic
def issue_token(email: str) -> IssuedToken:
    """Create a token acting as the staff member with that email."""
    user = _active_staff(email)
    raw = ApiToken.generate()
    token = ApiToken.objects.create(user=user, key_hash=hash_token(raw), prefix=raw[:PREFIX_LENGTH])
    record_staff_event(None, user, channel="cli", what="api token created", prefix=token.prefix)
    return IssuedToken(raw=raw, prefix=token.prefix, user=user)


@transaction.atomic
def revoke_tokens(prefix_or_email: str) -> list[ApiToken]:
    """Revoke one token by its prefix, or every live token of the staff member by email.

    Returns the tokens revoked now; an empty list when they were already revoked.
    """
    target = prefix_or_email.strip()
    if "@" in target:
        user = User.objects.filter(email__iexact=target).first()
        if user is None:
            raise TokenRefused(f"No staff account has the email address {target}.")
        tokens = ApiToken.objects.filter(user=user)
    else:
        tokens = ApiToken.objects.filter(prefix=target)
        if not tokens.exists():
            raise TokenRefused(f"No API token starts with {target}.")
    live = list(tokens.filter(revoked_at__isnull=True).select_related("user").select_for_update())
    if "@" not in target and len(live) > 1:
        raise TokenRefused(
            f"{len(live)} live tokens start with {target}; revoke by the owner's email instead."
        )
    now = timezone.now()
    for token in live:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        record_staff_event(
            None, token.user, channel="cli", what="api token revoked", prefix=token.prefix
        )
    return live


def tokens_of(email: str | None = None) -> list[ApiToken]:
    """Every token (of one staff member), newest first, for ``pathways token list``."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-pk")
    if email is not None:
        tokens = tokens.filter(user__email__iexact=email.strip())
    return list(tokens)


def end_tokens(user: User, why: str, *, actor: Any = None, channel: str = "system") -> int:
    """End every live token of ``user`` (``why`` says why, on the trail); how many."""
    now = timezone.now()
    ended = 0
    for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        record_staff_event(
            actor, user, channel=channel, what=f"api token revoked: {why}", prefix=token.prefix
        )
        ended += 1
    return ended


@transaction.atomic
def revoke_token(actor: Any, token: ApiToken, *, channel: str = "web") -> bool:
    """Revoke one token (a staff page's button); False when it had already ended."""
    locked = ApiToken.objects.select_for_update().filter(pk=token.pk).first()
    if locked is None or locked.revoked_at is not None:
        return False
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    record_staff_event(
        actor, token.user, channel=channel, what="api token revoked", prefix=token.prefix
    )
    return True


def end_tokens_on_password_change(sender: Any, instance: User, **kwargs: Any) -> None:
    """``pre_save`` of a user: a new password ends their tokens."""
    if instance.pk is None or kwargs.get("raw"):
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "password" not in update_fields:
        return  # signing in saves last_login alone: no query on that path
    before = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if before is not None and before != instance.password:
        end_tokens(instance, "password changed")


def end_tokens_on_membership_change(sender: Any, instance: Membership, **kwargs: Any) -> None:
    """``post_save`` / ``post_delete`` of a membership: a role or team gained or lost
    ends the member's tokens."""
    if kwargs.get("raw"):
        return
    end_tokens(instance.user, "teams or roles changed")
