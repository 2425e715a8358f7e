"""People: who is referred, with needs, ages and flags in realistic proportions.

Each person gets a primary support reason and conditions, an age to go with them, and
the kind of team (``SE``, ``IPS``, ``YPT``) their referrals go to first.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pathways.people.models import Condition, Person, SupportReason
from pathways.workspace.synthetic.base import (
    FAMILY_NAMES,
    GIVEN_NAMES,
    Builder,
    Dice,
    Generated,
    birth_date,
    postcode,
)
from pathways.workspace.synthetic.bulk import insert_rows, next_id

_COMMUNICATION_NEEDS = (
    "",
    "",
    "",
    "Easy read",
    "Short sentences",
    "BSL interpreter",
    "Large print",
)

#: How long ago the people's records were made (before the oldest referral).
_LOADED_DAYS_AGO = 1_600


def _profile(rng: Dice, today: dt.date) -> dict:
    """Needs, age and preferred team kind for one person, in realistic proportions."""
    roll = rng.random()
    if roll < 0.35:
        reason, conditions, kind = (
            SupportReason.LEARNING_DISABILITY,
            [Condition.LEARNING_DISABILITY],
            "SE",
        )
        if rng.random() < 0.3:
            conditions.append(Condition.AUTISM)
    elif roll < 0.65:
        reason, conditions, kind = SupportReason.MENTAL_HEALTH, [Condition.MENTAL_HEALTH], "IPS"
        if rng.random() < 0.15:
            conditions.append(Condition.SUBSTANCE_MISUSE)
    elif roll < 0.75:
        reason, conditions, kind = SupportReason.PHYSICAL, [Condition.PHYSICAL], "SE"
    elif roll < 0.82:
        reason, conditions, kind = SupportReason.SENSORY, [Condition.SENSORY], "SE"
    elif roll < 0.88:
        reason, conditions, kind = (
            SupportReason.MEMORY_COGNITION,
            [Condition.ACQUIRED_BRAIN_INJURY],
            "SE",
        )
    elif roll < 0.93:
        reason, conditions, kind = (
            SupportReason.SUBSTANCE_MISUSE,
            [Condition.SUBSTANCE_MISUSE],
            "SE",
        )
    else:
        reason, conditions, kind = SupportReason.SOCIAL_OTHER, [Condition.AUTISM], "SE"
    young = kind == "SE" and reason in (
        SupportReason.LEARNING_DISABILITY,
        SupportReason.SOCIAL_OTHER,
    )
    if young and rng.random() < 0.3:
        age, kind = rng.between(16, 24), "YPT"
    else:
        age = rng.between(18, 66)
    return {
        "primary_support_reason": reason,
        "conditions": conditions,
        "date_of_birth": birth_date(rng, today, age),
        "long_term_support": reason == SupportReason.LEARNING_DISABILITY or rng.random() < 0.4,
        "secondary_mental_health": reason == SupportReason.MENTAL_HEALTH and rng.random() < 0.8,
        "ehc_plan": True if kind == "YPT" else None,
        "kind": kind,
    }


class PeopleSteps(Builder):
    """Making the people."""

    def people(self, world: Generated) -> list[dict[str, Any]]:
        rng, today = self.rng, self.today
        first_id = next_id(Person)
        # Every record was brought over from the old system on one day, before the
        # oldest referral: a date from the seed's clock, so the same seed makes it again.
        loaded = dt.datetime.combine(
            today - dt.timedelta(days=_LOADED_DAYS_AGO), dt.time(9), tzinfo=dt.UTC
        )
        rows: list[dict[str, Any]] = []
        for n in range(self.scale.people):
            profile = _profile(rng, today)
            rows.append(
                {
                    "id": first_id + n,
                    "authority_id": world.authorities[n % len(world.authorities)].pk,
                    "person_ref": f"{self.tag}-{n + 1:07d}",
                    "given_name": rng.pick(GIVEN_NAMES),
                    "family_name": rng.pick(FAMILY_NAMES),
                    "postcode": postcode(rng),
                    "latitude": Decimal(f"{51.48 + rng.random() * 0.1:.6f}"),
                    "longitude": Decimal(f"{-0.02 + rng.random() * 0.12:.6f}"),
                    "phone": f"07700 900{rng.between(0, 999):03d}",
                    "communication_needs": rng.pick(_COMMUNICATION_NEEDS),
                    "created_at": loaded,
                    **profile,
                }
            )
        insert_rows(Person, rows)
        world.counts["people"] = len(rows)
        return rows
