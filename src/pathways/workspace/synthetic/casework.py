"""Support under way: the vocational profiles of people in an open episode.

Profiles come from the world-of-work random stream: the people chosen have their open
episodes moved on to a stage a profile belongs to (before the episodes are written),
then get what they want from work, in the shapes real profiles take.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pathways.casework.models import Stage, TravelMode, VocationalProfile
from pathways.core.models import OpportunityKind
from pathways.workspace.synthetic.base import (
    Builder,
    Generated,
    day_between,
    interest_vocabulary,
    weighted,
)
from pathways.workspace.synthetic.bulk import insert_rows, next_id, reset_sequences

#: The stages an open episode has reached once the person has a profile.
_PROFILED_STAGES = (
    (Stage.VOCATIONAL_PROFILING, 30),
    (Stage.JOB_FINDING, 35),
    (Stage.EMPLOYER_ENGAGEMENT, 25),
    (Stage.IN_WORK_SUPPORT, 10),
)
_PROFILE_KINDS = (
    (OpportunityKind.EMPLOYED, 45),
    (OpportunityKind.WORK_EXPERIENCE, 12),
    (OpportunityKind.VOLUNTEERING, 12),
    (OpportunityKind.WORK_TRIAL, 10),
    (OpportunityKind.APPRENTICESHIP, 9),
    (OpportunityKind.SUPPORTED_INTERNSHIP, 7),
    (OpportunityKind.SELF_EMPLOYED, 5),
)
_TRAVEL_MODES = tuple(TravelMode.values)


class CaseworkSteps(Builder):
    """Choosing who has a profile, and making the profiles."""

    def choose_profiled(self, episodes: list[dict[str, Any]]) -> None:
        """Pick the people in support who have a vocational profile and move their open
        episodes on to a stage a profile belongs to (before the episodes are written)."""
        if not self.scale.profiles:
            return
        rng = self.work_rng
        current = [e for e in episodes if e["ended_on"] is None]
        chosen = rng.sample(range(len(current)), min(self.scale.profiles, len(current)))
        for i in sorted(chosen):
            episode = current[i]
            episode["stage"] = weighted(rng, _PROFILED_STAGES)
            self.profiled.append(episode)

    def profiles(self, world: Generated) -> None:
        """Vocational profiles for the people chosen by ``choose_profiled``: what they
        want from work, in the shapes real profiles take (some not said yet)."""
        if not self.profiled:
            return
        rng, today = self.work_rng, self.today
        vocabulary = interest_vocabulary()
        codes = list(vocabulary)
        kinds = [k for k, _ in _PROFILE_KINDS]
        weights = [w for _, w in _PROFILE_KINDS]
        through = VocationalProfile.interests.through
        first_profile, first_interest = next_id(VocationalProfile), next_id(through)
        profiles: list[dict[str, Any]] = []
        interests: list[dict[str, Any]] = []
        for n, episode in enumerate(self.profiled):
            roll = rng.random()
            fewest = most = None
            if roll < 0.75:  # both ends said
                fewest = Decimal(rng.between(2, 20))
                most = min(Decimal(48), fewest + rng.between(0, 24))
            elif roll < 0.88:  # "no more than"
                most = Decimal(rng.between(8, 30))
            profile_id = first_profile + n
            started = episode["started_on"]
            # Kinds in the vocabulary's order, as the profile form keeps them; a fifth
            # of people have not said yet.
            wanted = (
                set(rng.choices(kinds, weights, k=rng.between(1, 3)))
                if rng.random() < 0.8
                else set()
            )
            profiles.append(
                {
                    "id": profile_id,
                    "person_id": episode["person_id"],
                    "min_hours": fewest,
                    "max_hours": most,
                    "max_travel_km": (
                        Decimal(rng.between(10, 250)) / 10 if rng.random() < 0.9 else None
                    ),
                    "travel_modes": sorted(
                        {rng.pick(_TRAVEL_MODES) for _ in range(rng.between(1, 2))}
                    ),
                    "travel_training_needed": rng.pick((True, False, None)),
                    "kinds": [k for k in OpportunityKind.values if k in wanted],
                    "wants_paid_only": rng.pick((True, True, False, False, None)),
                    "better_off_calculation_on": (
                        day_between(rng, started, today) if rng.random() < 0.3 else None
                    ),
                    "updated_on": day_between(rng, started, today),
                }
            )
            picked = (
                rng.sample(codes, min(len(codes), rng.between(1, 4))) if rng.random() < 0.95 else []
            )
            base = first_interest + len(interests)
            interests.extend(
                {
                    "id": base + i,
                    "vocationalprofile_id": profile_id,
                    "interesttag_id": vocabulary[code][0],
                }
                for i, code in enumerate(sorted(picked))
            )
        insert_rows(VocationalProfile, profiles)
        insert_rows(through, interests)
        reset_sequences(VocationalProfile, through)
        world.counts["profiles"] = len(profiles)
