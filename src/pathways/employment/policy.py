"""Who may see and change a person's jobs."""

from __future__ import annotations

from pathways.casework.policy import PersonsWorkPolicy
from pathways.employment.models import Placement


class PlacementPolicy(PersonsWorkPolicy):
    """A placement is part of the person's record: seen with the person (a coach sees
    the placements of the people their team works with), changed by those who work
    with them."""

    model = Placement
    noun = "placement"


placement_policy = PlacementPolicy()
