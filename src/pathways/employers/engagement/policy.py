"""Who may see and keep a provider's employers: everyone in any of the provider's
teams sees its list (decision 0012); its specialists and managers keep it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q

from pathways.core.models import User
from pathways.core.policies import CASEWORK_ROLES, Policy, Rule, Scope, anyone, scope_of
from pathways.employers.engagement.models import Employer


def employer_keepers(organisation_of: Callable[[Any], int]) -> Rule:
    """Specialists and managers of any team of the provider keep its employer list."""

    def rule(scope: Scope, _user: Any, obj: Any) -> bool:
        return organisation_of(obj) in scope.organisations_for(*CASEWORK_ROLES)

    return rule


class EmployerPolicy(Policy):
    """Employers are shared across a provider: everyone in any of its teams sees the
    list (commissioners excepted: they see pledges, through ``pledge_policy``)."""

    model = Employer
    noun = "employer"
    actions: dict[str, Rule] = {
        "view": anyone,
        "change": employer_keepers(lambda e: e.organisation_id),
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(organisation_id__in=scope.organisations_for())


def may_see_employers(user: User) -> bool:
    """The employer and opportunity pages are for the staff of a provider."""
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.organisations_for())


employer_policy = EmployerPolicy()
