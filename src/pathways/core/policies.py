"""Every permission rule in Pathways, in one place.

One policy per protected model answers both questions from the same relationship
definitions: ``visible(user, queryset)`` scopes lists, and ``can(user, action, obj)``
checks one object by asking whether it is in that scope, then whether the user's
role allows the action. Pages, the API, the command line and exports all call these,
and ``core/rules.py`` registers them with django-rules so that ``user.has_perm`` agrees.

Relationships (DESIGN.md, "Access"): staff see a person when their team has a live
relationship with them — a referral to the team that is still open, or an open
episode of the team or allocated to them — or when they hold an authority-wide role
(intake officer, data protection officer, admin) in the person's home authority.
Commissioners see aggregates only: no personal details by default.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q, QuerySet

from pathways.core.models import AUTHORITY_WIDE_ROLES, Role, Team, User


@dataclass(frozen=True)
class Scope:
    """What a user's memberships give them, computed once per user object."""

    team_ids: frozenset[int] = frozenset()
    roles_by_team: dict[int, frozenset[str]] = field(default_factory=dict)
    authority_ids_by_role: dict[str, frozenset[int]] = field(default_factory=dict)
    authority_by_team: dict[int, int] = field(default_factory=dict)
    organisation_by_team: dict[int, int] = field(default_factory=dict)
    is_superuser: bool = False

    @property
    def casework_team_ids(self) -> frozenset[int]:
        """Teams whose people this user works with: any role but commissioner, who sees
        aggregates only even when a member of a service team."""
        return frozenset(
            t for t, roles in self.roles_by_team.items() if roles - {Role.COMMISSIONER}
        )

    def organisations_for(self, *roles: str) -> frozenset[int]:
        """Organisations in which the user holds one of ``roles`` in some team (any
        casework role when none are given)."""
        wanted = set(roles) if roles else None
        return frozenset(
            self.organisation_by_team[t]
            for t, held in self.roles_by_team.items()
            if (held & wanted if wanted is not None else held - {Role.COMMISSIONER})
        )

    def has_role_in_team(self, team_id: int, *roles: str) -> bool:
        return bool(self.roles_by_team.get(team_id, frozenset()) & set(roles))

    def authorities_for(self, *roles: str) -> frozenset[int]:
        out: set[int] = set()
        for role in roles:
            out |= self.authority_ids_by_role.get(role, frozenset())
        return frozenset(out)

    @property
    def personal_data_authorities(self) -> frozenset[int]:
        """Authorities whose residents' records this user may read in full."""
        return self.authorities_for(*(AUTHORITY_WIDE_ROLES - {Role.COMMISSIONER}))


def scope_of(user: Any) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, "_pathways_scope", None)
    if cached is not None:
        return cached
    roles_by_team: dict[int, set[str]] = {}
    by_role: dict[str, set[int]] = {}
    authority_by_team: dict[int, int] = {}
    organisation_by_team: dict[int, int] = {}
    for team_id, authority_id, organisation_id, role in user.memberships.values_list(
        "team_id", "team__authority_id", "team__organisation_id", "role"
    ):
        roles_by_team.setdefault(team_id, set()).add(role)
        by_role.setdefault(role, set()).add(authority_id)
        authority_by_team[team_id] = authority_id
        organisation_by_team[team_id] = organisation_id
    scope = Scope(
        team_ids=frozenset(roles_by_team),
        roles_by_team={k: frozenset(v) for k, v in roles_by_team.items()},
        authority_ids_by_role={k: frozenset(v) for k, v in by_role.items()},
        authority_by_team=authority_by_team,
        organisation_by_team=organisation_by_team,
        is_superuser=user.is_superuser,
    )
    user._pathways_scope = scope
    return scope


def forget_scope(user: Any) -> None:
    """Call after changing a user's memberships in the same request."""
    if hasattr(user, "_pathways_scope"):
        del user._pathways_scope


class Policy(ABC):
    """Base: ``can`` is ``visible`` on one row plus the action's role rule."""

    actions: dict[str, Any] = {}

    @abstractmethod
    def scope_q(self, scope: Scope, user: Any) -> Q:
        """The relationships that make a row visible to the user."""

    def visible(self, user: Any, queryset: QuerySet) -> QuerySet:
        scope = scope_of(user)
        if scope.is_superuser:
            return queryset
        if not scope.team_ids:
            return queryset.none()
        return queryset.filter(self.scope_q(scope, user))

    def can(self, user: Any, action: str, obj: Model) -> bool:
        scope = scope_of(user)
        if not (scope.team_ids or scope.is_superuser):
            return False
        rule = self.actions.get(action)
        if rule is None:
            raise ValueError(f"{type(self).__name__} has no action {action!r}")
        if not scope.is_superuser and not rule(scope, user, obj):
            return False
        return self.visible(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def _any(_scope: Scope, _user: Any, _obj: Any) -> bool:
    return True


def _team_roles(*roles: str) -> Callable[[Scope, Any, Any], bool]:
    def rule(scope: Scope, _user: Any, obj: Any) -> bool:
        return scope.has_role_in_team(obj.team_id, *roles)

    return rule


# --- people ---------------------------------------------------------------------------


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
    actions = {"view": _any, "change": _person_writers, "view_audit": _person_auditors}

    def scope_q(self, scope: Scope, user: Any) -> Q:
        from pathways.casework.models import Episode
        from pathways.referrals.models import LIVE_STATUSES, Referral

        whole = scope.personal_data_authorities
        # A team's relationships add nobody when its authority is already seen whole
        # (an intake officer's own team): leaving them out keeps the query lean.
        teams = [t for t in scope.casework_team_ids if scope.authority_by_team[t] not in whole]
        q = Q(authority_id__in=whole) | Q(
            pk__in=Episode.objects.filter(worker=user, ended_on__isnull=True).values("person_id")
        )
        if teams:
            q |= Q(
                pk__in=Referral.objects.filter(team_id__in=teams, status__in=LIVE_STATUSES).values(
                    "person_id"
                )
            ) | Q(
                pk__in=Episode.objects.filter(team_id__in=teams, ended_on__isnull=True).values(
                    "person_id"
                )
            )
        return q


# --- referrals ------------------------------------------------------------------------

TRIAGE_ROLES = (Role.INTAKE_OFFICER, Role.TEAM_MANAGER)
REFERRER_ROLES = (Role.INTAKE_OFFICER, Role.TEAM_MANAGER, Role.EMPLOYMENT_SPECIALIST)


class ReferralPolicy(Policy):
    actions = {
        "view": _any,
        "triage": _team_roles(*TRIAGE_ROLES),
        "allocate": _team_roles(*TRIAGE_ROLES),
        "override_cap": _team_roles(Role.TEAM_MANAGER),
        "set_urgent": _team_roles(Role.TEAM_MANAGER),
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(team_id__in=scope.casework_team_ids) | Q(
            authority_id__in=scope.personal_data_authorities
        )

    def can_refer_to(self, user: Any, team: Team) -> bool:
        """Intake officers refer to any team of their authority (they are the front
        door); managers and specialists refer into their own team."""
        scope = scope_of(user)
        if scope.is_superuser:
            return True
        if team.authority_id in scope.authorities_for(Role.INTAKE_OFFICER):
            return True
        return scope.has_role_in_team(team.pk, *REFERRER_ROLES)

    def teams_to_refer_to(self, user: Any) -> QuerySet[Team]:
        scope = scope_of(user)
        teams = Team.objects.select_related("authority")
        if scope.is_superuser:
            return teams
        own = [t for t, roles in scope.roles_by_team.items() if roles & set(REFERRER_ROLES)]
        return teams.filter(
            Q(authority_id__in=scope.authorities_for(Role.INTAKE_OFFICER)) | Q(pk__in=own)
        )


# --- casework -------------------------------------------------------------------------


CASEWORK_ROLES = (Role.EMPLOYMENT_SPECIALIST, Role.TEAM_MANAGER)
APPROVER_ROLES = (Role.PACKAGE_APPROVER, Role.TEAM_MANAGER)


def _caseworker(scope: Scope, user: Any, episode: Any) -> bool:
    """The allocated worker, or a specialist or manager of the episode's team."""
    return episode.worker_id == user.pk or scope.has_role_in_team(episode.team_id, *CASEWORK_ROLES)


class EpisodePolicy(Policy):
    actions = {
        "view": _any,
        "work": _caseworker,
        "approve_package": _team_roles(*APPROVER_ROLES),
        "close": _caseworker,
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return (
            Q(team_id__in=scope.casework_team_ids)
            | Q(worker=user)
            | Q(authority_id__in=scope.personal_data_authorities)
        )


# --- employers, opportunities, candidacies and cohorts ---------------------------------


def _employer_keepers(organisation_of: Callable[[Any], int]) -> Callable[[Scope, Any, Any], bool]:
    """Specialists and managers of any team of the provider keep its employer list."""

    def rule(scope: Scope, _user: Any, obj: Any) -> bool:
        return organisation_of(obj) in scope.organisations_for(*CASEWORK_ROLES)

    return rule


class EmployerPolicy(Policy):
    """Employers are shared across a provider: everyone in any of its teams sees the
    list (commissioners excepted: they see pledges, through ``pledges``)."""

    actions = {"view": _any, "change": _employer_keepers(lambda e: e.organisation_id)}

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(organisation_id__in=scope.organisations_for())


class OpportunityPolicy(Policy):
    actions = {"view": _any, "change": _employer_keepers(lambda o: o.employer.organisation_id)}

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(employer__organisation_id__in=scope.organisations_for())


def works_with_person(scope: Scope, user: Any, person_id: int) -> bool:
    """The person's allocated worker, or a specialist or manager of a team with an open
    episode of theirs: who may put them forward for work."""
    from pathways.casework.models import Episode

    teams = [t for t, roles in scope.roles_by_team.items() if roles & set(CASEWORK_ROLES)]
    return Episode.objects.filter(
        Q(worker=user) | Q(team_id__in=teams), person_id=person_id, ended_on__isnull=True
    ).exists()


class CandidacyPolicy(Policy):
    """A candidacy is part of the person's record and follows its access rules; moving
    it on is for the people who work with the person."""

    actions = {
        "view": _any,
        "change": lambda scope, user, c: works_with_person(scope, user, c.person_id),
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        from pathways.people.models import Person

        return Q(person__in=Person.objects.filter(people.scope_q(scope, user)).values("pk"))

    def may_put_forward(self, user: Any, person: Any, opportunity: Any) -> bool:
        scope = scope_of(user)
        if scope.is_superuser:
            return True
        return (
            opportunities.can(user, "view", opportunity)
            and people.can(user, "view", person)
            and works_with_person(scope, user, person.pk)
        )


class PlacementPolicy(Policy):
    """A placement is part of the person's record: seen with the person (a coach sees
    the placements of the people their team works with), changed by those who work
    with them."""

    actions = {
        "view": _any,
        "change": lambda scope, user, p: works_with_person(scope, user, p.person_id),
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        from pathways.people.models import Person

        return Q(person__in=Person.objects.filter(people.scope_q(scope, user)).values("pk"))


class CohortPolicy(Policy):
    """Supported-internship cohorts belong to the team that runs them; the provider's
    other teams see them too (interns' details still follow the person rules)."""

    actions = {"view": _any, "change": _team_roles(*CASEWORK_ROLES)}

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(team__organisation_id__in=scope.organisations_for())


class PledgePolicy(Policy):
    """Social-value pledges: the provider that keeps the employer, and the
    commissioners and managers of the authority the pledge was made to."""

    actions = {"view": _any, "change": _employer_keepers(lambda p: p.employer.organisation_id)}

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(employer__organisation_id__in=scope.organisations_for()) | Q(
            authority_id__in=scope.authorities_for(Role.COMMISSIONER, Role.TEAM_MANAGER)
        )


# --- teams and the audit trail --------------------------------------------------------


def may_view_audit(user: User) -> bool:
    """The audit pages are for data protection officers and admins."""
    scope = scope_of(user)
    return scope.is_superuser or bool(
        scope.authorities_for(Role.DATA_PROTECTION_OFFICER, Role.ADMIN)
    )


def may_import(user: User) -> bool:
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.authorities_for(Role.ADMIN))


def report_team_ids(user: User) -> frozenset[int] | None:
    """Teams whose figures (counts, not people) a user may see: their own teams, and
    every team of an authority where they hold an authority-wide role (commissioners
    included). None means every team (a superuser)."""
    scope = scope_of(user)
    if scope.is_superuser:
        return None
    authorities = scope.authorities_for(*AUTHORITY_WIDE_ROLES)
    in_authorities = Team.objects.filter(authority_id__in=authorities).values_list("pk", flat=True)
    return scope.team_ids | frozenset(in_authorities)


def may_see_caseloads(user: User) -> bool:
    """The caseload pages are for team managers and commissioners (figures only)."""
    scope = scope_of(user)
    return scope.is_superuser or bool(
        managed_team_ids(user) or scope.authorities_for(Role.COMMISSIONER)
    )


def may_see_employers(user: User) -> bool:
    """The employer and opportunity pages are for the staff of a provider."""
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.organisations_for())


def may_see_pledges(user: User) -> bool:
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.authorities_for(Role.COMMISSIONER, Role.TEAM_MANAGER))


def managed_team_ids(user: User) -> frozenset[int]:
    scope = scope_of(user)
    return frozenset(t for t, roles in scope.roles_by_team.items() if Role.TEAM_MANAGER in roles)


people = PersonPolicy()
referrals = ReferralPolicy()
episodes = EpisodePolicy()
employers = EmployerPolicy()
opportunities = OpportunityPolicy()
candidacies = CandidacyPolicy()
cohorts = CohortPolicy()
placements = PlacementPolicy()
pledges = PledgePolicy()
