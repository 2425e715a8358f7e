"""Who may see and change social-value pledges."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from pathways.core.models import Role, User
from pathways.core.policies import Policy, Rule, Scope, anyone, scope_of
from pathways.employers.engagement.policy import employer_keepers
from pathways.employers.pledges.models import SocialValuePledge


class PledgePolicy(Policy):
    """Social-value pledges: the provider that keeps the employer, and the
    commissioners and managers of the authority the pledge was made to."""

    model = SocialValuePledge
    noun = "pledge"
    actions: dict[str, Rule] = {
        "view": anyone,
        "change": employer_keepers(lambda p: p.employer.organisation_id),
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(employer__organisation_id__in=scope.organisations_for()) | Q(
            authority_id__in=scope.authorities_for(Role.COMMISSIONER, Role.TEAM_MANAGER)
        )


def may_see_pledges(user: User) -> bool:
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.authorities_for(Role.COMMISSIONER, Role.TEAM_MANAGER))


pledge_policy = PledgePolicy()
