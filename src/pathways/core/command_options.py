"""Options that several ``pathways`` commands share, read the same way everywhere."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone

from pathways.core.models import User


def date_option(value: str | None, name: str = "--on") -> dt.date:
    """A ``YYYY-MM-DD`` option, today when not given."""
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{name} {value}: give a date as YYYY-MM-DD") from None


def staff_option(email: str | None) -> User | None:
    """The active staff member an ``--as EMAIL`` names (None when not given)."""
    if not email:
        return None
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise CommandError(f"No active staff member has the email {email}")
    return user
