"""The front door: each person's referrals over the years, and the episodes they opened.

Referrals arrive and are decided, redirected onward or allocated; allocating one opens
an episode of support with a worker under their team's cap, so this step makes both.
It builds on the casework step (as the referrals app builds on casework) to choose,
before the episodes are written, which open episodes have a vocational profile.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from pathways.casework.models import Episode
from pathways.core.models import Team, User
from pathways.people.models import Person
from pathways.referrals.models import WAITING_STATUSES, Referral, Source, Status
from pathways.workspace.synthetic.base import Dice, Generated, weighted
from pathways.workspace.synthetic.bulk import insert_rows, next_id, reset_sequences
from pathways.workspace.synthetic.casework import CaseworkSteps
from pathways.workspace.synthetic.staff import TEAM_KINDS

#: When the day's referrals are written up (``created_at``, the same for every seed run).
_OPENING = dt.time(10)
_FRONT_DOOR = (Source.SOCIAL_CARE_ASSESSMENT, Source.ANNUAL_REVIEW)
_OTHER_SOURCES = tuple(s for s in Source if s not in _FRONT_DOOR)

#: How the latest referral of a person ends up (the weights are shares of people).
_LATEST_STATES = (
    (Status.RECEIVED, 8),
    (Status.ACCEPTED, 12),
    (Status.WAITING, 4),
    (Status.ALLOCATED, 56),
    (Status.DECLINED, 8),
    (Status.CLOSED, 12),
)
#: Earlier referrals are history: decided, redirected onward, or support that ended.
_EARLIER_STATES = (
    (Status.CLOSED, 30),
    (Status.DECLINED, 15),
    (Status.REDIRECTED, 20),
    (Status.ALLOCATED, 35),
)

_REASONS: dict[str, tuple[str, ...]] = {
    Status.DECLINED: (
        "Not looking for work at present; revisit at the next annual review",
        "Lives outside the borough; referred to their home council",
        "Already supported by another employment programme",
    ),
    Status.CLOSED: (
        "Withdrew before allocation",
        "Moved out of the borough",
        "Found work without support",
        "No reply to three contact attempts",
    ),
    Status.REDIRECTED: (
        "Better met by a specialist team",
        "Needs and age fit the other team's offer",
    ),
}


def _source(rng: Dice, kind: str) -> str:
    if rng.random() < 0.65:
        return rng.pick(_FRONT_DOOR)
    if kind == "IPS" and rng.random() < 0.6:
        return Source.SECONDARY_MENTAL_HEALTH
    if kind == "YPT" and rng.random() < 0.6:
        return Source.EDUCATION_TRANSITION
    return rng.pick(_OTHER_SOURCES)


class ReferralSteps(CaseworkSteps):
    """Making the referrals and their episodes."""

    def referrals(self, world: Generated, people: list[dict[str, Any]]) -> None:
        rng, today, scale = self.rng, self.today, self.scale
        per_person = [0] * len(people)
        for k in range(scale.referrals):
            per_person[k if k < len(people) else int(rng.random() * len(people))] += 1

        by_kind: dict[tuple[int, str], list[Team]] = {}
        service: dict[int, list[Team]] = {}
        for t in world.teams:
            if t.caseload_cap is not None:
                by_kind.setdefault((t.authority_id, world.team_kinds[t.pk]), []).append(t)
                service.setdefault(t.authority_id, []).append(t)
        open_cases: Counter[int] = Counter()

        def pick_team(authority_id: int, kind: str, not_team: Team | None = None) -> Team | None:
            own = [t for t in service.get(authority_id, []) if t is not not_team]
            fitting = [t for t in by_kind.get((authority_id, kind), []) if t is not not_team]
            return rng.pick(fitting or own) if (fitting or own) else None

        # Workers still under their team's cap, kept up to date as cases are opened.
        available = {team_id: list(workers) for team_id, workers in world.workers.items()}

        def worker_for(team: Team, latest: bool) -> User | None:
            """Past cases went to anyone in the team; a new one only to a worker under cap."""
            if not latest:
                workers = world.workers.get(team.pk)
                return rng.pick(workers) if workers else None
            free = available.get(team.pk)
            if not free:
                return None
            worker = rng.pick(free)
            open_cases[worker.pk] += 1
            if team.caseload_cap is not None and open_cases[worker.pk] >= team.caseload_cap:
                free.remove(worker)
            return worker

        def later(day: dt.date, most: int, limit: dt.date) -> dt.date:
            return min(limit, day + dt.timedelta(days=rng.between(0, most)))

        referrals: list[dict[str, Any]] = []
        episodes: list[dict[str, Any]] = []
        for person, count in zip(people, per_person, strict=True):
            kind, authority_id = person["kind"], person["authority_id"]
            team = pick_team(authority_id, kind)
            if not count or team is None:
                continue
            intake_id = world.intake_officers[authority_id].pk
            latest_state = weighted(rng, _LATEST_STATES)
            live_ago: dict[str, int] = {
                Status.RECEIVED: rng.between(0, 21),
                Status.ACCEPTED: rng.between(1, 200),
                Status.WAITING: rng.between(1, 200),
            }
            latest_ago = live_ago.get(latest_state, rng.between(0, 400))
            # Earlier referrals are older, oldest first; the latest comes last.
            agos = sorted(
                (latest_ago + rng.between(30, 1100) for _ in range(count - 1)), reverse=True
            )
            days = [today - dt.timedelta(days=a) for a in [*agos, latest_ago]]
            redirecting: dict[str, Any] | None = None
            for i, received in enumerate(days):
                latest = i == count - 1
                limit = today if latest else days[i + 1]
                if latest:
                    state = latest_state
                elif redirecting is not None:  # an onward referral is not itself redirected
                    state = weighted(rng, _EARLIER_STATES[:2] + _EARLIER_STATES[3:])
                else:
                    state = weighted(rng, _EARLIER_STATES)
                referral: dict[str, Any] = {
                    "authority_id": authority_id,
                    "person_id": person["id"],
                    "team_id": team.pk,
                    "source": _source(rng, kind),
                    "received_on": received,
                    "created_at": dt.datetime.combine(received, _OPENING, tzinfo=dt.UTC),
                    "status": state,
                    "created_by_id": intake_id,
                    "sort": (received, person["person_ref"]),
                }
                if state != Status.RECEIVED:
                    referral["decided_on"] = later(received, 14, limit)
                    referral["decided_by_id"] = intake_id
                if state == Status.REDIRECTED and i + 1 == count - 1:
                    referral["decided_on"] = limit  # the live onward referral keeps its date
                if state in _REASONS:
                    referral["decision_reason"] = rng.pick(_REASONS[state])
                if state == Status.ALLOCATED:
                    worker = worker_for(team, latest)
                    if worker is None:
                        referral["status"] = Status.WAITING if latest else Status.CLOSED
                        if not latest:
                            referral["decision_reason"] = rng.pick(_REASONS[Status.CLOSED])
                    else:
                        started = later(referral["decided_on"], 90, limit)
                        referral["worker_id"] = worker.pk
                        referral["allocated_on"] = started
                        episodes.append(
                            {
                                "authority_id": authority_id,
                                "person_id": person["id"],
                                "team_id": team.pk,
                                "worker_id": worker.pk,
                                "referral": referral,
                                "started_on": started,
                                "ended_on": None if latest else later(started, 700, limit),
                            }
                        )
                if referral["status"] in WAITING_STATUSES and rng.random() < 0.03:
                    referral["urgent"] = True
                    referral["urgent_reason"] = "An employer is holding a job offer open"
                if redirecting is not None:
                    redirecting["redirected_to"] = referral
                    redirecting = None
                referrals.append(referral)
                if state == Status.REDIRECTED:
                    # The onward referral arrives at the other team on the day of the decision.
                    redirecting = referral
                    days[i + 1] = referral["decided_on"]
                    onward_kind = rng.pick([k for k, *_ in TEAM_KINDS if k != "FD"])
                    team = pick_team(authority_id, onward_kind, team) or team
                elif not latest and rng.random() < 0.3:
                    team = pick_team(authority_id, kind) or team

        # Identifiers and references follow the order referrals arrived in.
        referrals.sort(key=lambda r: r.pop("sort"))
        first_id = next_id(Referral)
        numbers: Counter[int] = Counter()
        for n, referral in enumerate(referrals):
            numbers[referral["authority_id"]] += 1
            referral["id"] = first_id + n
            referral["referral_ref"] = f"R{numbers[referral['authority_id']]:07d}"
        for referral in referrals:
            onward = referral.pop("redirected_to", None)
            if onward is not None:
                referral["redirected_to_id"] = onward["id"]
        insert_rows(Referral, referrals)

        episodes.sort(key=lambda e: (e["started_on"], e["referral"]["id"]))
        first_id = next_id(Episode)
        numbers.clear()
        for n, episode in enumerate(episodes):
            numbers[episode["authority_id"]] += 1
            episode["id"] = first_id + n
            episode["episode_ref"] = f"E{numbers[episode['authority_id']]:07d}"
            episode["referral_id"] = episode.pop("referral")["id"]
        self.choose_profiled(episodes)
        self.activities(world, episodes)  # sets each episode's last contact
        insert_rows(Episode, episodes)
        self.episodes = episodes
        reset_sequences(Person, Referral, Episode)

        counts = world.counts
        counts["referrals"] = len(referrals)
        counts.update(f"referrals.{r['status']}" for r in referrals)
        counts["episodes"] = len(episodes)
        counts["episodes.open"] = sum(1 for e in episodes if e["ended_on"] is None)
