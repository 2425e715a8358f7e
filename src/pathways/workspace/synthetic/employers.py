"""The world of work: employers on the providers' lists, their sites, and opportunities.

Employers come in sectors whose interest tags their opportunities draw from first;
opportunities come in every kind, with the terms (paid, hours) and titles of their kind,
which job starts use too. They draw from the world-of-work random stream, after the
casework step has chosen who has a profile and before it makes the profiles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from pathways.core.models import OpportunityKind
from pathways.employers.engagement.models import DisabilityConfident
from pathways.employers.models import (
    Employer,
    EmployerSite,
    Opportunity,
)
from pathways.workspace.synthetic.base import (
    Builder,
    Dice,
    Generated,
    interest_vocabulary,
    postcode,
    weighted,
)
from pathways.workspace.synthetic.bulk import insert_rows, next_id, reset_sequences

#: Sectors of employers, with the interest tags their opportunities draw from first.
_SECTORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Retail", ("retail", "customer_service", "warehouse")),
    ("Hospitality", ("hospitality", "catering", "customer_service", "cleaning")),
    ("Health", ("health", "care", "admin", "cleaning")),
    ("Public sector", ("admin", "libraries", "gardening", "outdoors", "recycling")),
    ("Logistics", ("warehouse", "driving", "recycling")),
    ("Charity", ("retail", "recycling", "care", "customer_service")),
    ("Leisure", ("leisure", "customer_service", "music", "arts")),
    ("Manufacturing", ("manufacturing", "warehouse", "construction")),
    ("Digital and office", ("digital", "admin", "customer_service")),
    ("Animal care", ("animals", "outdoors", "cleaning")),
)
_WORDS = (
    "Riverside Thames Quayside Fairfield Greenway Harbour Northbank Southbank Meridian "
    "Wharf Bridge Marsh Beacon Lantern Orchard Willow Heron Kingfisher Docklands Barrier"
)
_EMPLOYER_WORDS = tuple(_WORDS.split())
_KINDS_OF_PLACE = (
    "Foods Café Stores Services Trust Logistics Workshop Kitchen Studios Hotel Nurseries "
    "Depot Supplies Works Bakery"
)
_EMPLOYER_KINDS = tuple(_KINDS_OF_PLACE.split())
_SIZES = (("micro", 25), ("small", 30), ("medium", 25), ("large", 20))
_CONFIDENT = (
    ("", 40),
    (DisabilityConfident.COMMITTED, 30),
    (DisabilityConfident.EMPLOYER, 22),
    (DisabilityConfident.LEADER, 8),
)

#: Kinds of opportunity in rough proportion, with (paid, hours low, hours high).
_KIND_SHARES = (
    (OpportunityKind.EMPLOYED, 40),
    (OpportunityKind.WORK_EXPERIENCE, 14),
    (OpportunityKind.VOLUNTEERING, 14),
    (OpportunityKind.WORK_TRIAL, 12),
    (OpportunityKind.APPRENTICESHIP, 8),
    (OpportunityKind.SUPPORTED_INTERNSHIP, 7),
    (OpportunityKind.SELF_EMPLOYED, 5),
)
KIND_TERMS: dict[str, tuple[bool, int, int]] = {
    OpportunityKind.EMPLOYED: (True, 8, 37),
    OpportunityKind.APPRENTICESHIP: (True, 30, 37),
    OpportunityKind.SELF_EMPLOYED: (True, 4, 20),
    OpportunityKind.SUPPORTED_INTERNSHIP: (False, 20, 30),
    OpportunityKind.WORK_TRIAL: (False, 8, 30),
    OpportunityKind.WORK_EXPERIENCE: (False, 4, 20),
    OpportunityKind.VOLUNTEERING: (False, 2, 12),
}
KIND_TITLES: dict[str, str] = {
    OpportunityKind.EMPLOYED: "{} assistant",
    OpportunityKind.APPRENTICESHIP: "Apprentice: {}",
    OpportunityKind.SELF_EMPLOYED: "Self-employment: {}",
    OpportunityKind.SUPPORTED_INTERNSHIP: "Supported internship: {}",
    OpportunityKind.WORK_TRIAL: "Work trial: {}",
    OpportunityKind.WORK_EXPERIENCE: "Work experience: {}",
    OpportunityKind.VOLUNTEERING: "Volunteer: {}",
}
_CARVED_TASKS = (
    "Unpack deliveries and check them against the list",
    "Sort returns into bays by label",
    "Fill shelves from the back store",
    "Wipe down and set tables between sittings",
    "Scan items back into stock",
    "Flatten and bale cardboard",
)


class EmployerSteps(Builder):
    """Making the employers, their sites and their opportunities."""

    def employers(self, world: Generated) -> None:
        """Employers on the providers' lists, their sites, and the opportunities they
        offer the authorities' residents, tagged from the interest vocabulary."""
        scale, rng, today, tag = self.scale, self.work_rng, self.today, self.tag
        if not scale.employers:
            return
        vocabulary = interest_vocabulary()
        organisations = sorted({t.organisation_id for t in world.teams if t.caseload_cap})
        owners: dict[int, list[int]] = {}
        for team in world.teams:
            owners.setdefault(team.organisation_id, []).extend(
                u.pk for u in world.workers.get(team.pk, [])
            )
        first_employer, first_site = next_id(Employer), next_id(EmployerSite)
        employers: list[dict[str, Any]] = []
        sites: list[dict[str, Any]] = []
        sector_tags: list[tuple[str, ...]] = []
        sites_of: list[list[int]] = []
        for n in range(scale.employers):
            organisation = organisations[n % len(organisations)]
            sector, fits = rng.pick(_SECTORS)
            level = weighted(rng, _CONFIDENT)
            employers.append(
                {
                    "id": first_employer + n,
                    "organisation_id": organisation,
                    "name": f"{rng.pick(_EMPLOYER_WORDS)} {rng.pick(_EMPLOYER_KINDS)} "
                    f"({tag}-{n + 1})",
                    "sector": sector,
                    "size": weighted(rng, _SIZES),
                    "disability_confident": level,
                    "disability_confident_on": (
                        today - dt.timedelta(days=rng.between(30, 1200)) if level else None
                    ),
                    "relationship_owner_id": (
                        rng.pick(owners[organisation]) if owners.get(organisation) else None
                    ),
                }
            )
            sector_tags.append(tuple(t for t in fits if t in vocabulary))
            own = []
            for k in range(1 if rng.random() < 0.7 else 2):
                own.append(first_site + len(sites))
                sites.append(
                    {
                        "id": own[-1],
                        "employer_id": first_employer + n,
                        "name": "Main site" if k == 0 else f"Site {k + 1}",
                        "postcode": postcode(rng),
                        **_coordinates(rng),
                    }
                )
            sites_of.append(own)
        insert_rows(Employer, employers)
        insert_rows(EmployerSite, sites)
        self.employer_ids = [e["id"] for e in employers]

        tags_through = Opportunity.tags.through
        first_opportunity, first_tag = next_id(Opportunity), next_id(tags_through)
        codes = list(vocabulary)
        opportunities: list[dict[str, Any]] = []
        tag_rows: list[dict[str, Any]] = []
        open_count = 0
        for n in range(scale.opportunities):
            e = int(rng.random() * len(employers))
            kind = weighted(rng, _KIND_SHARES)
            paid, low, high = KIND_TERMS[kind]
            if kind == OpportunityKind.WORK_TRIAL and rng.random() < 0.3:
                paid = True
            pay = None
            if paid and kind == OpportunityKind.APPRENTICESHIP:
                pay = Decimal(f"{7.55 + rng.random():.2f}")
            elif paid and kind != OpportunityKind.SELF_EMPLOYED:
                pay = Decimal(f"{12.21 + rng.random() * 4:.2f}")
            picked = _tags_for(rng, sector_tags[e], codes)
            opened = today - dt.timedelta(days=rng.between(0, 300))
            closes = (
                opened + dt.timedelta(days=rng.between(14, 150)) if rng.random() < 0.6 else None
            )
            closed = (
                min(today, opened + dt.timedelta(days=rng.between(1, 60)))
                if rng.random() < 0.1
                else None
            )
            carved = kind == OpportunityKind.EMPLOYED and rng.random() < 0.1
            label = vocabulary[picked[0]][1] if picked else "general duties"
            opportunities.append(
                {
                    "id": first_opportunity + n,
                    "authority_id": world.authorities[n % len(world.authorities)].pk,
                    "opportunity_ref": f"{tag}-O{n + 1:07d}",
                    "employer_id": employers[e]["id"],
                    "site_id": rng.pick(sites_of[e]),
                    "title": KIND_TITLES[kind].format(label.lower()).capitalize(),
                    "kind": kind,
                    "paid": paid,
                    "hours_per_week": Decimal(rng.between(low * 2, high * 2)) / 2,
                    "hourly_pay": pay,
                    "places": 1 if rng.random() < 0.7 else rng.between(2, 3),
                    "instead_of_interview": kind == OpportunityKind.WORK_TRIAL
                    and rng.random() < 0.4,
                    "carved_tasks": rng.sample(_CARVED_TASKS, 3) if carved else [],
                    "opened_on": opened,
                    "closes_on": closes,
                    "closed_on": closed,
                }
            )
            base = first_tag + len(tag_rows)
            tag_rows.extend(
                {
                    "id": base + i,
                    "opportunity_id": first_opportunity + n,
                    "interesttag_id": vocabulary[code][0],
                }
                for i, code in enumerate(picked)
            )
            if closed is None and (closes is None or closes >= today):
                open_count += 1
        insert_rows(Opportunity, opportunities)
        insert_rows(tags_through, tag_rows)
        reset_sequences(Employer, EmployerSite, Opportunity, tags_through)
        world.counts.update(
            {
                "employers": len(employers),
                "sites": len(sites),
                "opportunities": len(opportunities),
                "opportunities.open": open_count,
            }
        )


def _coordinates(rng: Dice) -> dict[str, Decimal]:
    """A point among the generated people (they live in the same box)."""
    return {
        "latitude": Decimal(f"{51.48 + rng.random() * 0.1:.6f}"),
        "longitude": Decimal(f"{-0.02 + rng.random() * 0.12:.6f}"),
    }


def _tags_for(rng: Dice, fits: Sequence[str], codes: Sequence[str]) -> list[str]:
    """One to four tags: mostly the employer's sector's, sometimes any other."""
    picked = {rng.pick(fits)} if fits else set()
    for _ in range(rng.between(0, 3)):
        picked.add(rng.pick(fits) if fits and rng.random() < 0.6 else rng.pick(codes))
    return sorted(picked) if picked else [rng.pick(codes)]
