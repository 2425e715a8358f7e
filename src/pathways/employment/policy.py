"""Who may see and change a person's jobs."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from pathways.casework.policy import works_with_person
from pathways.core.policies import Policy, Rule, Scope, anyone
from pathways.employment.models import Placement
from pathways.people.policy import person_policy


class PlacementPolicy(Policy):
    """A placement is part of the person's record: seen with the person (a coach sees
    the placements of the people their team works with), changed by those who work
    with them."""

    model = Placement
    noun = "placement"
    person_field = "person"
    actions: dict[str, Rule] = {
        "view": anyone,
        "change": lambda scope, user, p: works_with_person(scope, user, p.person_id),
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return person_policy.people_q(scope, user)


placement_policy = PlacementPolicy()
