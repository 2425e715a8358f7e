"""Who may see and change the retention schedule and erase a person's record.

Only the data protection officer (DPO) of the authority: the schedule of their
authority, and the erasure requests about its residents (the person's home
authority). Everyone else is refused, superusers included: erasing a record is the
DPO's decision alone, and a refusal is on the person's audit trail like any other.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from pathways.core.models import Role
from pathways.core.policies import Policy, Rule, Scope, anyone, dpo_authority_ids, scope_of
from pathways.privacy.models import ErasureRequest, RetentionRule


def is_dpo_of(user: Any, authority_id: int) -> bool:
    return authority_id in dpo_authority_ids(user)


class _DpoOnly(Policy):
    """Rows of the authorities where the user is the DPO, for nobody else."""

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(authority_id__in=scope.authorities_for(Role.DATA_PROTECTION_OFFICER))

    def visible(self, user: Any, queryset: QuerySet) -> QuerySet:
        scope = scope_of(user)
        if not scope.team_ids:
            return queryset.none()
        return queryset.filter(self.scope_q(scope, user))

    def can(self, user: Any, action: str, obj: Any) -> bool:
        if action not in self.actions:
            raise ValueError(f"{type(self).__name__} has no action {action!r}")
        return is_dpo_of(user, obj.authority_id)


class RetentionRulePolicy(_DpoOnly):
    model = RetentionRule
    noun = "retention rule"
    person_field = None
    actions: dict[str, Rule] = {"view": anyone, "change": anyone}


class ErasureRequestPolicy(_DpoOnly):
    model = ErasureRequest
    noun = "erasure request"
    person_field = "person"
    actions: dict[str, Rule] = {
        "view": anyone,
        "propose": anyone,
        "approve": anyone,
        "refuse": anyone,
        "carry_out": anyone,
    }


retention_rule_policy = RetentionRulePolicy()
erasure_request_policy = ErasureRequestPolicy()
