"""Who may see and change opportunities: the employer's provider."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from pathways.core.policies import Policy, Rule, Scope, anyone
from pathways.employers.engagement.policy import employer_keepers
from pathways.employers.opportunities.models import Opportunity


class OpportunityPolicy(Policy):
    model = Opportunity
    noun = "opportunity"
    actions: dict[str, Rule] = {
        "view": anyone,
        "change": employer_keepers(lambda o: o.employer.organisation_id),
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(employer__organisation_id__in=scope.organisations_for())


opportunity_policy = OpportunityPolicy()
