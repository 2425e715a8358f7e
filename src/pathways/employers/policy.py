"""Who may see and change employers, opportunities, candidacies, cohorts and pledges.

Employers are shared across a provider: everyone in any of its teams sees the list
(decision 0012). A candidacy is part of the person's record and follows its access
rules; moving it on is for the people who work with the person.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q

from pathways.casework.policy import works_with_person
from pathways.core.models import Role, User
from pathways.core.policies import CASEWORK_ROLES, Policy, Rule, Scope, anyone, scope_of, team_roles
from pathways.employers.models import (
    Candidacy,
    Employer,
    InternshipCohort,
    Opportunity,
    SocialValuePledge,
)
from pathways.people.policy import person_policy


def _employer_keepers(organisation_of: Callable[[Any], int]) -> Rule:
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
        "change": _employer_keepers(lambda e: e.organisation_id),
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(organisation_id__in=scope.organisations_for())


class OpportunityPolicy(Policy):
    model = Opportunity
    noun = "opportunity"
    actions: dict[str, Rule] = {
        "view": anyone,
        "change": _employer_keepers(lambda o: o.employer.organisation_id),
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(employer__organisation_id__in=scope.organisations_for())


class CandidacyPolicy(Policy):
    """A candidacy is part of the person's record and follows its access rules; moving
    it on is for the people who work with the person."""

    model = Candidacy
    noun = "candidacy"
    person_field = "person"
    actions: dict[str, Rule] = {
        "view": anyone,
        "change": lambda scope, user, c: works_with_person(scope, user, c.person_id),
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return person_policy.people_q(scope, user)

    def may_put_forward(self, user: Any, person: Any, opportunity: Any) -> bool:
        scope = scope_of(user)
        if scope.is_superuser:
            return True
        return (
            opportunity_policy.can(user, "view", opportunity)
            and person_policy.can(user, "view", person)
            and works_with_person(scope, user, person.pk)
        )


class CohortPolicy(Policy):
    """Supported-internship cohorts belong to the team that runs them; the provider's
    other teams see them too (interns' details still follow the person rules)."""

    model = InternshipCohort
    noun = "cohort"
    actions: dict[str, Rule] = {"view": anyone, "change": team_roles(*CASEWORK_ROLES)}

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(team__organisation_id__in=scope.organisations_for())


class PledgePolicy(Policy):
    """Social-value pledges: the provider that keeps the employer, and the
    commissioners and managers of the authority the pledge was made to."""

    model = SocialValuePledge
    noun = "pledge"
    actions: dict[str, Rule] = {
        "view": anyone,
        "change": _employer_keepers(lambda p: p.employer.organisation_id),
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(employer__organisation_id__in=scope.organisations_for()) | Q(
            authority_id__in=scope.authorities_for(Role.COMMISSIONER, Role.TEAM_MANAGER)
        )


def may_see_employers(user: User) -> bool:
    """The employer and opportunity pages are for the staff of a provider."""
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.organisations_for())


def may_see_pledges(user: User) -> bool:
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.authorities_for(Role.COMMISSIONER, Role.TEAM_MANAGER))


employer_policy = EmployerPolicy()
opportunity_policy = OpportunityPolicy()
candidacy_policy = CandidacyPolicy()
cohort_policy = CohortPolicy()
pledge_policy = PledgePolicy()
