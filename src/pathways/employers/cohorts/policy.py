"""Who may see and run supported-internship cohorts."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from pathways.core.policies import CASEWORK_ROLES, Policy, Rule, Scope, anyone, team_roles
from pathways.employers.cohorts.models import InternshipCohort


class CohortPolicy(Policy):
    """Supported-internship cohorts belong to the team that runs them; the provider's
    other teams see them too (interns' details still follow the person rules)."""

    model = InternshipCohort
    noun = "cohort"
    actions: dict[str, Rule] = {"view": anyone, "change": team_roles(*CASEWORK_ROLES)}

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(team__organisation_id__in=scope.organisations_for())


cohort_policy = CohortPolicy()
