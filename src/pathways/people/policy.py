"""Who may see and change a person's record.

Staff see a person when their team has a live relationship with them, or when they
hold an authority-wide role (intake officer, data protection officer, admin) in the
person's home authority. The relationships belong to the apps that make them (a
referral to the team, an episode of support), so those apps add them here when Django
starts (``relate``): the person record knows nothing of referrals or episodes, yet
every check of it counts them. Commissioners see aggregates only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from pathways.core.models import Role
from pathways.core.policies import Policy, Rule, Scope, anyone
from pathways.people.models import Person

#: A relationship between staff and people: given the user's scope, the user, and the
#: user's casework teams whose authority they do not already see whole, the ``Q`` on
#: ``Person`` it makes visible (None when it adds nobody).
Relationship = Callable[[Scope, Any, list[int]], Q | None]


def ended_since() -> dt.date | None:
    """Relationships that ended after this day still count (the grace period,
    ``PATHWAYS_ACCESS_GRACE_DAYS``: closing letters, end-of-support notes, a quick
    return); None when access ends at once (a grace of 0). An episode closed or a
    referral decided on day D is related until the end of day D + grace - 1."""
    days = int(settings.PATHWAYS_ACCESS_GRACE_DAYS)
    if days <= 0:
        return None
    return timezone.localdate() - dt.timedelta(days=days)


def ended_recently(field: str) -> Q:
    """Rows whose relationship ended (``field``, a date) within the grace period."""
    since = ended_since()
    if since is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__gt": since})


def _person_writers(scope: Scope, _user: Any, person: Any) -> bool:
    """Casework roles change records; the DPO and admins read them."""
    writers = {
        Role.INTAKE_OFFICER,
        Role.EMPLOYMENT_SPECIALIST,
        Role.TEAM_MANAGER,
        Role.PACKAGE_APPROVER,
    }
    return any(roles & writers for roles in scope.roles_by_team.values())


def _person_auditors(scope: Scope, _user: Any, person: Any) -> bool:
    return person.authority_id in scope.authorities_for(Role.DATA_PROTECTION_OFFICER, Role.ADMIN)


class PersonPolicy(Policy):
    model = Person
    noun = "person"
    person_field = "self"
    actions: dict[str, Rule] = {
        "view": anyone,
        "change": _person_writers,
        "view_audit": _person_auditors,
    }

    def __init__(self) -> None:
        self.relationships: list[Relationship] = []

    def relate(self, relationship: Relationship) -> None:
        """Add a relationship that makes people visible (called from ``AppConfig.ready``)."""
        if relationship not in self.relationships:
            self.relationships.append(relationship)

    def scope_q(self, scope: Scope, user: Any) -> Q:
        whole = scope.personal_data_authorities
        # A team's relationships add nobody when its authority is already seen whole
        # (an intake officer's own team): leaving them out keeps the query lean.
        teams = [t for t in scope.casework_team_ids if scope.authority_by_team[t] not in whole]
        q = Q(authority_id__in=whole)
        for relationship in self.relationships:
            related = relationship(scope, user, teams)
            if related is not None:
                q |= related
        return q

    def people_q(self, scope: Scope, user: Any) -> Q:
        """The same scope for rows about a person (``person__in``)."""
        return Q(person__in=Person.objects.filter(self.scope_q(scope, user)).values("pk"))


person_policy = PersonPolicy()
