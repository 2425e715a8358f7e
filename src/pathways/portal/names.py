"""How a person's portal accounts are named when the person reads who has looked at
their record (``privacy.who_looked``, which cannot see the portal's accounts: the
portal registers this with it when Django starts)."""

from __future__ import annotations

from typing import Any

from pathways.people.models import Person
from pathways.portal.models import PortalAccount


def portal_names(person: Person, user_ids: Any) -> dict[int, str | None]:
    """Of these accounts, the person's portal accounts (ended ones too: they looked
    then): None for the person's own, the supporter's name for a supporter's. One query."""
    accounts = PortalAccount.objects.filter(person=person, user_id__in=user_ids).select_related(
        "supporter"
    )
    return {
        account.user_id: account.supporter.name if account.supporter is not None else None
        for account in accounts
    }
