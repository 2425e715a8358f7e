"""The "send me a reminder by email" choice on a portal account, and who casework's
day-before reminder goes to (registered with ``casework.reminders`` when the portal
starts): each open account of the person that may see their appointments and said yes.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from pathways.casework.models import Appointment
from pathways.core.models import User
from pathways.portal.models import PortalAccount, Section
from pathways.portal.policy import consent_stands


@transaction.atomic
def set_appointment_reminders(by: User, account: PortalAccount, *, wanted: bool) -> bool:
    """Say yes or no to the reminder emails, for this account only (a supporter's choice
    is their own). auditlog records the change; ``by`` must be the account's user."""
    if by.pk != account.user_id:
        raise PermissionError("set_appointment_reminders: `by` must be the account's user")
    fresh = PortalAccount.objects.select_for_update().select_related("person").get(pk=account.pk)
    if fresh.appointment_reminders != wanted:
        fresh.appointment_reminders = wanted
        fresh.save(update_fields=["appointment_reminders"])
    account.appointment_reminders = wanted
    return wanted


def recipients_for(appointment: Appointment) -> Sequence[str]:
    """The email addresses of the person's open accounts that asked for reminders and
    may see the appointments (a supporter: while the person's agreement stands)."""
    accounts = PortalAccount.objects.filter(
        person_id=appointment.episode.person_id,
        ended_at__isnull=True,
        appointment_reminders=True,
        user__is_active=True,
    ).select_related("user", "consent")
    return [
        account.user.email
        for account in accounts
        if account.user.email and account.may_see(Section.APPOINTMENTS) and consent_stands(account)
    ]
