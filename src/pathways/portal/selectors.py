from __future__ import annotations

from django.db.models import QuerySet

from pathways.people.models import Person
from pathways.portal.models import PortalAccount


def accounts_of(person: Person) -> QuerySet[PortalAccount]:
    """A person's portal accounts, open ones first, for the staff page."""
    return (
        PortalAccount.objects.filter(person=person)
        .select_related("user", "supporter", "invited_by")
        .order_by("ended_at", "supporter_id", "id")
    )
