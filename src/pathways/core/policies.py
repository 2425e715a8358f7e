"""The permission mechanism every app builds its policy on, and the rules about
organisations (teams, roles, authorities) that need no domain record.

Each app keeps one policy per protected model in its own ``policy.py``, next to the
models it guards. A policy answers both questions from the same relationship
definitions: ``visible(user, queryset)`` scopes lists, and ``can(user, action, obj)``
checks one object by asking whether it is in that scope, then whether the user's role
allows the action. Pages, the API, the command line and exports all call the
policies, and ``add_perms`` registers them with django-rules so that
``user.has_perm`` agrees. The role groups are defined here, once.

``Policy.fetch_or_refuse`` is the one way a page or an API route gets a record a
policy guards: the record in the user's scope, or else the refused look is audited on
the person the record is about and the answer is ``Http404`` (a 404 page, a 404 JSON
answer), whether or not the record exists. ``Policy.require`` refuses an action on a
record the user may see (a 403), audited the same way. The command line names records
by reference and acts as the operator or as ``--as`` a staff member, through the same
policies.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Field, Model, Q, QuerySet
from django.db.models.lookups import In
from django.http import Http404

from pathways.core.audit import DENIED, record_access
from pathways.core.models import AUTHORITY_WIDE_ROLES, Membership, Role, Team, User

#: Who works with people's cases: allocated workers and those who may be allocated.
CASEWORK_ROLES = (Role.EMPLOYMENT_SPECIALIST, Role.TEAM_MANAGER)
#: Who decides on a package of support.
APPROVER_ROLES = (Role.PACKAGE_APPROVER, Role.TEAM_MANAGER)
#: Who triages and allocates referrals.
TRIAGE_ROLES = (Role.INTAKE_OFFICER, Role.TEAM_MANAGER)
#: Who may refer a person into their own team.
REFERRER_ROLES = (Role.INTAKE_OFFICER, Role.TEAM_MANAGER, Role.EMPLOYMENT_SPECIALIST)


@Field.register_lookup
class AnyOf(In):
    """``field__any_of=rows``: as ``__in``, written ``field = ANY(ARRAY(rows))`` on
    PostgreSQL. A relationship that makes people visible ORs a few such sets with the
    user's whole authorities; as ``IN (subquery)`` each is a filter PostgreSQL can only
    apply row by row (at a million people, a scan of them all), while an array it works
    out once is an index condition, so the sets and the authorities combine in one
    bitmap of index scans. (SQLite keeps ``IN``.)"""

    lookup_name = "any_of"

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]


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

    @property
    def relationship_team_ids(self) -> list[int]:
        """Casework teams whose relationships (referrals, episodes) make people visible:
        those in an authority the user already sees whole add nobody (an intake
        officer's own team), and leaving them out keeps the queries lean."""
        whole = self.personal_data_authorities
        return sorted(t for t in self.casework_team_ids if self.authority_by_team[t] not in whole)


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
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()


#: What policies learnt while serving one request (``request_memo``): None outside one,
#: so that commands and long-lived user objects always ask the database afresh.
_request_memo: ContextVar[dict[Any, Any] | None] = ContextVar("pathways_policy_memo", default=None)


@contextmanager
def request_memo() -> Iterator[None]:
    """Let policies remember, for the length of one request, the rows they showed the
    user and the SQL of the people the user may see (``PolicyMemoMiddleware``)."""
    token = _request_memo.set({})
    try:
        yield
    finally:
        _request_memo.reset(token)


def remembered(key: Any, make: Callable[[], Any]) -> Any:
    """``make()``, worked out once per request for ``key`` (every time outside one)."""
    memo = _request_memo.get()
    if memo is None:
        return make()
    if key not in memo:
        memo[key] = make()
    return memo[key]


def _seen(user: Any) -> set[tuple[str, str, Any]]:
    """Rows this request already showed the user through a policy (policy, model, pk):
    a page that fetched a row need not ask the database again whether the user may see
    it when it asks what they may do with it. Outside a request: an empty set each time."""
    return remembered(("seen", getattr(user, "pk", None)), set)


class Policy(ABC):
    """Base: ``can`` is ``visible`` on one row plus the action's role rule."""

    #: The rows this policy guards.
    model: type[Model]
    actions: dict[str, Rule] = {}
    #: The field naming the person a row is about, so that a refused look at the row
    #: is on that person's audit trail: ``"self"`` for the person record itself, a
    #: dotted path through a relation (``"episode.person"``), None for rows about
    #: nobody (employers, opportunities).
    person_field: str | None = None
    #: What a 404 says ("No such episode.").
    noun: str = "record"

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
        key = (type(self).__name__, type(obj)._meta.label, obj.pk)
        if key in _seen(user):
            return True
        if self.visible(user, type(obj)._default_manager.filter(pk=obj.pk)).exists():
            _seen(user).add(key)
            return True
        return False

    def fetch_or_refuse(
        self,
        user: Any,
        pk: Any = None,
        *,
        lookup: dict[str, Any] | None = None,
        channel: str,
        what: str | Callable[[Any], str] | None = None,
        request: Any = None,
        rows: QuerySet | None = None,
    ) -> Any:
        """The row ``pk`` from ``rows`` (unscoped, with the joins the caller needs;
        every row by default) if the user may see it. Otherwise the refused look is
        audited on the person the row is about, when the row exists and is about
        someone, and ``Http404`` is raised, the same whether or not the row exists:
        a refusal never tells what is there. ``lookup`` finds the row by other fields
        than ``pk`` (a reference within an authority). ``what`` names the look in the trail
        (the policy's noun by default), or makes the name from the row, which only the
        audit sees."""
        queryset = rows if rows is not None else self.model._default_manager.all()
        key = lookup if lookup is not None else ({"pk": pk} if pk is not None else None)
        if key is not None:
            found = self.visible(user, queryset).filter(**key).first()
            if found is not None:
                _seen(user).add((type(self).__name__, type(found)._meta.label, found.pk))
                return found
            self.audit_refused(user, key, channel=channel, what=what or self.noun, request=request)
        raise Http404(f"No such {self.noun}.")

    def require(
        self,
        user: Any,
        action: str,
        obj: Model,
        *,
        refusal: str,
        channel: str,
        what: str | None = None,
        request: Any = None,
    ) -> None:
        """Refuse (``PermissionDenied(refusal)``: a 403) a user who may not do
        ``action`` to ``obj``; the refusal is on the trail of the person it is about as
        "<what> (may read, not <action>)", or "<what> (not <action>)" when the user may
        not even see it (a service called without a page's ``fetch_or_refuse`` first)."""
        if self.can(user, action, obj):
            return
        person = self.person_of(obj)
        if person is not None:
            may_read = "view" in self.actions and self.can(user, "view", obj)
            record_access(
                user,
                person,
                channel=channel,
                outcome=DENIED,
                what=f"{what or self.noun} ({'may read, ' if may_read else ''}not {action})",
                request=request,
            )
        raise PermissionDenied(refusal)

    def person_of(self, row: Any) -> Any:
        """The person a row is about (None for rows about nobody)."""
        if self.person_field is None:
            return None
        if self.person_field == "self":
            return row
        return attrgetter(self.person_field)(row)

    def audit_refused(
        self,
        user: Any,
        key: dict[str, Any],
        *,
        channel: str,
        what: str | Callable[[Any], str],
        request: Any = None,
    ) -> None:
        """Put a refused look at the row ``key`` finds on its person's audit trail
        (nothing when the row does not exist or is about nobody)."""
        if self.person_field is None:
            return
        unscoped = self.model._default_manager.all()
        if self.person_field != "self":
            unscoped = unscoped.select_related(self.person_field.replace(".", "__"))
        row = unscoped.filter(**key).first()
        if row is None:
            return
        record_access(
            user,
            self.person_of(row),
            channel=channel,
            outcome=DENIED,
            what=what(row) if callable(what) else what,
            request=request,
        )


#: An action's role rule: may this user, with this scope, do it to this row?
Rule = Callable[[Scope, Any, Any], bool]


def anyone(_scope: Scope, _user: Any, _obj: Any) -> bool:
    """Anyone who may see the row (the ``view`` action)."""
    return True


def team_roles(*roles: str) -> Rule:
    """Holders of one of ``roles`` in the row's team."""

    def rule(scope: Scope, _user: Any, obj: Any) -> bool:
        return scope.has_role_in_team(obj.team_id, *roles)

    return rule


def add_perms(policy: Policy, app_label: str, model_name: str) -> None:
    """Register each of ``policy``'s actions with django-rules as
    ``app_label.action_model``, so ``user.has_perm`` agrees with the policy."""
    for action in policy.actions:
        rules.set_perm(f"{app_label}.{action}_{model_name}", _predicate(policy, action))


def _predicate(policy: Policy, action: str) -> rules.Predicate:
    def check(user: Any, obj: Any = None) -> bool:
        return obj is not None and policy.can(user, action, obj)

    return rules.predicate(check, name=f"{type(policy).__name__}.{action}")


# --- referring, teams and the audit trail --------------------------------------------------------


def can_refer_to(user: Any, team: Team) -> bool:
    """Intake officers refer to any team of their authority (they are the front
    door); managers and specialists refer into their own team."""
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    if team.authority_id in scope.authorities_for(Role.INTAKE_OFFICER):
        return True
    return scope.has_role_in_team(team.pk, *REFERRER_ROLES)


def teams_to_refer_to(user: Any) -> QuerySet[Team]:
    scope = scope_of(user)
    teams = Team.objects.select_related("authority")
    if scope.is_superuser:
        return teams
    own = [t for t, roles in scope.roles_by_team.items() if roles & set(REFERRER_ROLES)]
    return teams.filter(
        Q(authority_id__in=scope.authorities_for(Role.INTAKE_OFFICER)) | Q(pk__in=own)
    )


def may_refer(user: Any) -> bool:
    """Whether there is a team the user may refer into (``teams_to_refer_to`` is not
    empty): the "New referral" page and its menu entry. No query beyond the user's
    memberships."""
    scope = scope_of(user)
    return (
        scope.is_superuser
        or bool(scope.authorities_for(Role.INTAKE_OFFICER))
        or any(roles & set(REFERRER_ROLES) for roles in scope.roles_by_team.values())
    )


def dpo_authority_ids(user: Any) -> frozenset[int]:
    """The authorities in which ``user`` is the data protection officer: whose emergency
    opens they review and whose retention and erasure are theirs to decide."""
    return scope_of(user).authorities_for(Role.DATA_PROTECTION_OFFICER)


def may_view_audit(user: User) -> bool:
    """The audit pages are for data protection officers and admins."""
    scope = scope_of(user)
    return scope.is_superuser or bool(
        scope.authorities_for(Role.DATA_PROTECTION_OFFICER, Role.ADMIN)
    )


def may_import(user: User) -> bool:
    """Admins import for their authorities; commissioners too, but only the kinds that
    check a commissioner's remit row by row (the commissioning kinds): every other kind
    refuses their rows, since their import remit as an admin is empty."""
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.authorities_for(Role.ADMIN, Role.COMMISSIONER))


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


def managed_team_ids(user: User) -> frozenset[int]:
    scope = scope_of(user)
    return frozenset(t for t, roles in scope.roles_by_team.items() if Role.TEAM_MANAGER in roles)


# --- staff administration ----------------------------------------------------------------------


def staff_authority_ids(user: Any) -> frozenset[int] | None:
    """The authorities whose staff ``user`` administers: those where they are an
    Administrator. None means every authority (a superuser)."""
    scope = scope_of(user)
    if scope.is_superuser:
        return None
    return scope.authorities_for(Role.ADMIN)


def may_administer_staff(user: Any) -> bool:
    """The staff pages are for administrators (of their authorities' teams) and superusers."""
    authorities = staff_authority_ids(user)
    return authorities is None or bool(authorities)


def may_administer_team(user: Any, team: Team) -> bool:
    authorities = staff_authority_ids(user)
    return authorities is None or team.authority_id in authorities


def administered_teams(user: Any) -> QuerySet[Team]:
    """The teams an administrator may put staff in."""
    authorities = staff_authority_ids(user)
    teams = Team.objects.select_related("authority")
    return teams if authorities is None else teams.filter(authority_id__in=authorities)


class StaffPolicy(Policy):
    """Staff accounts: an administrator sees and acts on the accounts with a membership
    in a team of their authorities; a superuser on every account."""

    model = User
    noun = "staff member"
    actions = {"view": anyone, "administer": anyone}

    def scope_q(self, scope: Scope, user: Any) -> Q:
        authorities = scope.authorities_for(Role.ADMIN)
        return Q(
            pk__in=Membership.objects.filter(team__authority_id__in=authorities).values("user_id")
        )


staff_policy = StaffPolicy()
