"""Who may see and move on candidacies: part of the person's record."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from pathways.casework.policy import works_with_person
from pathways.core.policies import Policy, Rule, Scope, anyone, scope_of
from pathways.employers.candidacies.models import Candidacy
from pathways.employers.opportunities.policy import opportunity_policy
from pathways.people.policy import person_policy


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


candidacy_policy = CandidacyPolicy()
