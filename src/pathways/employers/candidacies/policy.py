"""Who may see and move on candidacies: part of the person's record."""

from __future__ import annotations

from typing import Any

from pathways.casework.policy import PersonsWorkPolicy, works_with_person
from pathways.core.policies import scope_of
from pathways.employers.candidacies.models import Candidacy
from pathways.employers.opportunities.policy import opportunity_policy
from pathways.people.policy import person_policy


class CandidacyPolicy(PersonsWorkPolicy):
    """A candidacy is part of the person's record and follows its access rules; moving
    it on is for the people who work with the person."""

    model = Candidacy
    noun = "candidacy"

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
