"""Who may see and change a person's record.

Staff see a person when their team has a live relationship with them, or when they
hold an authority-wide role (intake officer, data protection officer, admin) in the
person's home authority. The relationships belong to the apps that make them (a
referral to the team, an episode of support), so those apps add them here when Django
starts (``relate``): the person record knows nothing of referrals or episodes, yet
every check of it counts them. Commissioners see aggregates only.

A relationship that has ended (an episode closed, a referral decided) still counts for
``PATHWAYS_ACCESS_GRACE_DAYS`` (``ended_since``), and every row about a person is scoped
through this policy (``people_q``), so a team loses the person and their records at
the same moment. An emergency open (``BreakGlass``) is a read-only relationship: it
lets the user see the person, not change them (decision 0021).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from pathways.core.models import Role
from pathways.core.policies import Policy, Rule, Scope, anyone, remembered, scope_of
from pathways.people.models import BreakGlass, Person

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
        self.read_only: set[Relationship] = set()

    def relate(self, relationship: Relationship, *, read_only: bool = False) -> None:
        """Add a relationship that makes people visible (called from ``AppConfig.ready``).
        A ``read_only`` one lets the user see the person ("view") but do nothing else
        (an emergency open)."""
        if relationship not in self.relationships:
            self.relationships.append(relationship)
        if read_only:
            self.read_only.add(relationship)

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return self._scope_q(scope, user, read_only=True)

    def _scope_q(self, scope: Scope, user: Any, *, read_only: bool) -> Q:
        teams = scope.relationship_team_ids
        q = Q(authority_id__in=scope.personal_data_authorities)
        for relationship in self.relationships:
            if relationship in self.read_only and not read_only:
                continue
            related = relationship(scope, user, teams)
            if related is not None:
                q |= related
        return q

    def can(self, user: Any, action: str, obj: Any) -> bool:
        """As every policy, except that an action other than "view" needs a relationship
        that is not read-only."""
        if not super().can(user, action, obj):
            return False
        scope = scope_of(user)
        if action == "view" or scope.is_superuser:
            return True
        writable = self._scope_q(scope, user, read_only=False)
        return Person.objects.filter(writable, pk=obj.pk).exists()

    def people_q(self, scope: Scope, user: Any) -> Q:
        """The same scope for rows about a person (``person__in``). Its SQL is made once
        per request: a page asks it of several lists, and building it from the
        relationships costs more than the database takes to run it."""

        def people_sql() -> tuple[str, tuple[Any, ...]]:
            people = Person.objects.filter(self.scope_q(scope, user)).values("pk")
            return people.query.sql_with_params()

        sql, params = remembered(("people_q", getattr(user, "pk", None)), people_sql)
        return Q(person__in=RawSQL(sql, params))  # noqa: S611 - SQL Django compiled, values as parameters


def may_find_people(user: Any) -> bool:
    """Whether the user works with people's records at all: a casework role in a team,
    or an authority seen whole (the "People" menu entry). Commissioners see figures,
    never people, so a search would always come back empty for them."""
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.casework_team_ids or scope.personal_data_authorities)


def break_glass_open(_scope: Scope, user: Any, _teams: list[int]) -> Q:
    """A person whose record the user opened in an emergency, while that lasts
    (``BreakGlass``: read only, registered with ``read_only=True``)."""
    return Q(
        pk__any_of=BreakGlass.objects.filter(user=user, expires_at__gt=timezone.now()).values(
            "person_id"
        )
    )


def break_glass_authorities(user: Any) -> frozenset[int]:
    """Authorities whose residents the user may open in an emergency: those where they
    work in a team (commissioners, who see aggregates only, do not count)."""
    scope = scope_of(user)
    return frozenset(scope.authority_by_team[t] for t in scope.casework_team_ids)


person_policy = PersonPolicy()
person_policy.relate(break_glass_open, read_only=True)
