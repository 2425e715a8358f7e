"""Jobs: job starts over the last three years, their terms, checks and milestones.

Most start in an episode of support (supported, with the six post-start checks and the
13/26/52-week milestones they reached); the rest are found without support. Jobs draw
from a random stream of their own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Model

from pathways.core.models import OpportunityKind
from pathways.employment.models import (
    MILESTONE_WEEKS,
    CheckKind,
    Milestone,
    MilestoneEvidence,
    Placement,
    PlacementEndReason,
    PlacementTerms,
    PostStartCheck,
)
from pathways.workspace.synthetic.base import Builder, Generated, day_between, weighted
from pathways.workspace.synthetic.bulk import insert_rows, next_id, reset_sequences
from pathways.workspace.synthetic.employers import KIND_TERMS, KIND_TITLES

#: Kinds of job people start, in rough proportion (paid and hours from ``KIND_TERMS``).
_PLACEMENT_KINDS = (
    (OpportunityKind.EMPLOYED, 58),
    (OpportunityKind.VOLUNTEERING, 15),
    (OpportunityKind.WORK_EXPERIENCE, 8),
    (OpportunityKind.APPRENTICESHIP, 6),
    (OpportunityKind.SELF_EMPLOYED, 5),
    (OpportunityKind.WORK_TRIAL, 4),
    (OpportunityKind.SUPPORTED_INTERNSHIP, 4),
)
_JOB_WORDS = (
    "retail",
    "kitchen",
    "warehouse",
    "cleaning",
    "office",
    "garden",
    "care",
    "customer service",
    "library",
    "recycling",
)
_END_REASONS = (
    (PlacementEndReason.RESIGNED, 30),
    (PlacementEndReason.CONTRACT_ENDED, 25),
    (PlacementEndReason.MOVED_JOB, 20),
    (PlacementEndReason.DISMISSED, 10),
    (PlacementEndReason.HEALTH, 10),
    (PlacementEndReason.OTHER, 5),
)
#: How far back job starts go.
_JOB_YEARS = 3


class EmploymentSteps(Builder):
    """Making the job starts."""

    def placements(self, world: Generated, people: list[dict[str, Any]]) -> None:
        """Job starts over the last three years, with their dated terms; for jobs started
        in an episode of support, the six post-start checks and the milestones reached."""
        scale, rng, today, tag = self.scale, self.job_rng, self.today, self.tag
        if not scale.placements or not self.employer_ids or not people:
            return
        horizon = today - dt.timedelta(days=365 * _JOB_YEARS)
        # Episodes with some of their time in the window: a job starts during one.
        episodes = [e for e in self.episodes if (e["ended_on"] or today) >= horizon]
        models_: tuple[type[Model], ...] = (Placement, PlacementTerms, PostStartCheck, Milestone)
        first = {model: next_id(model) for model in models_}
        placements: list[dict[str, Any]] = []
        terms: list[dict[str, Any]] = []
        checks: list[dict[str, Any]] = []
        milestones: list[dict[str, Any]] = []
        evidence = MilestoneEvidence.values
        for n in range(scale.placements):
            placement_id = first[Placement] + n
            if episodes and rng.random() < 0.8:
                episode = rng.pick(episodes)
                low = max(episode["started_on"], horizon)
                start = day_between(rng, low, episode["ended_on"] or today)
                person_id, authority_id = episode["person_id"], episode["authority_id"]
                episode_id, worker_id = episode["id"], episode["worker_id"]
            else:  # found without support
                person = rng.pick(people)
                start = day_between(rng, horizon, today)
                person_id, authority_id = person["id"], person["authority_id"]
                episode_id = worker_id = None
            kind = weighted(rng, _PLACEMENT_KINDS)
            paid, fewest, most = KIND_TERMS[kind]
            hours = Decimal(rng.between(fewest * 2, most * 2)) / 2
            pay = None
            if paid and kind == OpportunityKind.APPRENTICESHIP:
                pay = Decimal(f"{7.55 + rng.random():.2f}")
            elif paid and kind != OpportunityKind.SELF_EMPLOYED:
                pay = Decimal(f"{11.44 + rng.random() * 4:.2f}")
            end = None
            if rng.random() < 0.35:
                end = start + dt.timedelta(days=rng.between(14, 730))
                end = end if end <= today else None
            base = first[PlacementTerms] + len(terms)
            terms.append(
                {
                    "id": base,
                    "placement_id": placement_id,
                    "effective_from": start,
                    "hours_per_week": hours,
                    "hourly_pay": pay,
                }
            )
            last_day = end or today
            if rng.random() < 0.2 and (last_day - start).days > 30:
                hours = min(Decimal(48), max(Decimal(2), hours + rng.between(-16, 16)))
                terms.append(
                    {
                        "id": base + 1,
                        "placement_id": placement_id,
                        "effective_from": day_between(rng, start + dt.timedelta(days=30), last_day),
                        "hours_per_week": hours,
                        "hourly_pay": pay,
                    }
                )
            placements.append(
                {
                    "id": placement_id,
                    "authority_id": authority_id,
                    "placement_ref": f"{tag}-P{n + 1:07d}",
                    "person_id": person_id,
                    "episode_id": episode_id,
                    "employer_id": rng.pick(self.employer_ids),
                    "job_title": KIND_TITLES[kind].format(rng.pick(_JOB_WORDS)).capitalize(),
                    "kind": kind,
                    "paid": paid,
                    "start_date": start,
                    "end_date": end,
                    "hours_per_week": hours,
                    "hourly_pay": pay,
                    "supported": episode_id is not None,
                    "end_reason": weighted(rng, _END_REASONS) if end else "",
                }
            )
            if episode_id is None:
                continue
            settled = (today - start).days > 28  # older jobs have every check done
            for kind_of_check in CheckKind.values:
                done = rng.random() < (0.97 if settled else 0.4)
                checks.append(
                    {
                        "id": first[PostStartCheck] + len(checks),
                        "placement_id": placement_id,
                        "kind": kind_of_check,
                        "due_on": start + dt.timedelta(days=14),
                        "done_on": (
                            min(today, start + dt.timedelta(days=rng.between(1, 20)))
                            if done
                            else None
                        ),
                        "done_by_id": worker_id if done else None,
                    }
                )
            for weeks in MILESTONE_WEEKS:
                reached = start + dt.timedelta(weeks=weeks)
                if reached > today or (end is not None and end < reached):
                    break
                found = min(today, reached + dt.timedelta(days=rng.between(0, 6)))
                confirmed = (today - reached).days > 28 and rng.random() < 0.85
                milestones.append(
                    {
                        "id": first[Milestone] + len(milestones),
                        "placement_id": placement_id,
                        "weeks": weeks,
                        "reached_on": reached,
                        "found_on": found,
                        "confirmed_on": (
                            min(today, found + dt.timedelta(days=rng.between(1, 21)))
                            if confirmed
                            else None
                        ),
                        "confirmed_by_id": worker_id if confirmed else None,
                        "evidence": rng.pick(evidence) if confirmed else "",
                    }
                )
        insert_rows(Placement, placements)
        insert_rows(PlacementTerms, terms)
        insert_rows(PostStartCheck, checks)
        insert_rows(Milestone, milestones)
        reset_sequences(Placement, PlacementTerms, PostStartCheck, Milestone)
        world.counts.update(
            {
                "placements": len(placements),
                "placements.paid": sum(1 for p in placements if p["paid"]),
                "placements.ended": sum(1 for p in placements if p["end_date"]),
                "placements.supported": sum(1 for p in placements if p["supported"]),
                "placement_terms": len(terms),
                "post_start_checks": len(checks),
                "milestones": len(milestones),
                "milestones.confirmed": sum(1 for m in milestones if m["confirmed_on"]),
            }
        )
