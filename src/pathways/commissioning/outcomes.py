"""Which outcomes each contract achieved, when, and at what price
(spec/commissioning.md, "Outcomes that a contract can pay for").

One pass over the episodes of the contracts' providers, in a fixed number of queries
whatever the number of contracts or people: the contracts of each provider and
authority (to decide which contract takes an outcome), their tariffs, the episodes,
the qualifying jobs and their confirmed milestones. Claims (``claims``) and the
providers report (``performance``) both read these outcomes, so a figure on the
report and a line on a claim never disagree.

A job that went on without support after progression has ``supported`` false and a
``support_ended_on`` date (``employment.services.record_progression``); it was a
supported job, so it still qualifies.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q

from pathways.casework.models import Episode
from pathways.commissioning.models import (
    ClaimLine,
    Contract,
    LineStatus,
    Outcome,
    Tariff,
)
from pathways.core.models import OpportunityKind
from pathways.employment.models import Milestone, MilestoneEvidence, Placement

#: Kinds of paid work a contract pays for.
QUALIFYING_KINDS = (
    OpportunityKind.EMPLOYED,
    OpportunityKind.SELF_EMPLOYED,
    OpportunityKind.APPRENTICESHIP,
)
#: Sustained outcomes: the milestone's weeks and the days after the start.
SUSTAINED = (
    (Outcome.SUSTAINED_13, 13, 91),
    (Outcome.SUSTAINED_26, 26, 182),
    (Outcome.SUSTAINED_52, 52, 364),
)
#: A contract takes outcomes for this long after it ends (for jobs started by its end).
TAIL_DAYS = 365
ZERO = Decimal("0.00")


class _Milestone(NamedTuple):
    confirmed_on: dt.date | None
    evidence: str


@dataclass(frozen=True)
class Achieved:
    """One outcome of one episode, under the contract that takes it."""

    contract_id: int
    episode_id: int
    person_id: int
    person_ref: str
    placement_id: int | None
    placement_ref: str
    outcome: str
    achieved_on: dt.date
    need_group: str
    #: None when the contract's tariff has no price for it: not claimable.
    price: Decimal | None
    job_title: str
    #: The confirmed milestone of a sustained outcome.
    milestone: _Milestone | None = None

    @property
    def key(self) -> tuple[int, str]:
        """An outcome is paid at most once per episode."""
        return (self.episode_id, self.outcome)

    @property
    def evidence(self) -> str:
        """The outcome's evidence in a sentence, for the claim line: written only when
        asked, since the providers report counts thousands of outcomes and reads none."""
        if self.outcome == Outcome.JOB_START:
            return (
                f"Started as {self.job_title} on {self.achieved_on:%d %B %Y} ({self.placement_ref})"
            )
        if self.outcome == Outcome.PROGRESSION:
            return f"Support ended on {self.achieved_on:%d %B %Y} with the person still in work"
        assert self.milestone is not None and self.milestone.confirmed_on is not None
        weeks = next(w for o, w, _days in SUSTAINED if o == self.outcome)
        return (
            f"{weeks} weeks in work: {MilestoneEvidence(self.milestone.evidence).label}"
            f" on {self.milestone.confirmed_on:%d %B %Y}"
        )


@dataclass(frozen=True)
class _Terms:
    pk: int
    ref: str
    start: dt.date
    end: dt.date

    def takes(self, achieved_on: dt.date, job_start: dt.date) -> bool:
        return (
            self.start <= achieved_on <= self.end + dt.timedelta(days=TAIL_DAYS)
            and job_start <= self.end
        )

    def covers(self, episode_start: dt.date, episode_end: dt.date | None) -> bool:
        """The episode was open on some day of the contract."""
        return episode_start <= self.end and (episode_end is None or episode_end >= self.start)


class _Job(NamedTuple):
    """The fields of a job that outcomes read: rows, not model objects, because the
    providers report reads every job of a borough and building models was most of its
    time (bench/providers.py)."""

    pk: int
    person_id: int
    placement_ref: str
    job_title: str
    kind: str
    paid: bool
    supported: bool | None
    support_ended_on: dt.date | None
    start_date: dt.date
    end_date: dt.date | None


class _Episode(NamedTuple):
    pk: int
    person_id: int
    started_on: dt.date
    ended_on: dt.date | None
    person_ref: str
    need: str
    authority_id: int
    organisation_id: int


def _qualifying(placement: _Job) -> bool:
    return (
        placement.paid
        and (placement.supported is True or placement.support_ended_on is not None)
        and placement.kind in QUALIFYING_KINDS
    )


def _episode_outcomes(
    episode: _Episode, jobs: Sequence[_Job], milestones: dict[tuple[int, int], _Milestone]
) -> Iterable[tuple[str, dt.date, _Job, _Milestone | None]]:
    """(outcome, achieved on, the job, the milestone that evidences it) for one episode,
    before any contract."""
    inside = [
        job
        for job in jobs
        if job.start_date >= episode.started_on
        and (episode.ended_on is None or job.start_date <= episode.ended_on)
    ]
    if not inside:
        return
    job = min(inside, key=lambda j: (j.start_date, j.pk))
    yield (Outcome.JOB_START, job.start_date, job, None)
    for outcome, weeks, days in SUSTAINED:
        on = job.start_date + dt.timedelta(days=days)
        if job.end_date is not None and job.end_date < on:
            continue
        milestone = milestones.get((job.pk, weeks))
        if milestone is None or milestone.confirmed_on is None or not milestone.evidence:
            continue
        yield (outcome, on, job, milestone)
    ended = job.support_ended_on
    if ended is not None and (job.end_date is None or job.end_date >= ended):
        yield (Outcome.PROGRESSION, ended, job, None)


def achieved_outcomes(
    contracts: Iterable[Contract], start: dt.date, end: dt.date
) -> list[Achieved]:
    """The outcomes achieved from ``start`` to ``end`` (both included) that these
    contracts take, in (achieved on, person reference, outcome) order."""
    wanted = {c.pk for c in contracts}
    if not wanted:
        return []
    # Every contract of the same providers and authorities decides which one takes an
    # outcome, not only those asked about: read in one query with the contracts asked
    # about (a pair of provider and authority not asked about is never looked up).
    asked = Contract.objects.filter(pk__in=wanted)
    terms: dict[tuple[int, int], list[_Terms]] = defaultdict(list)
    pairs: set[tuple[int, int]] = set()
    for pk, ref, c_start, c_end, organisation_id, authority_id in (
        Contract.objects.filter(
            provider__organisation__in=asked.values("provider__organisation"),
            authority__in=asked.values("authority"),
        )
        .order_by("start_date", "contract_ref")
        .values_list(
            "pk",
            "contract_ref",
            "start_date",
            "end_date",
            "provider__organisation_id",
            "authority_id",
        )
    ):
        terms[(organisation_id, authority_id)].append(_Terms(pk, ref, c_start, c_end))
        if pk in wanted:
            pairs.add((organisation_id, authority_id))
    if not pairs:
        return []
    earliest = min(t.start for pair in pairs for t in terms[pair])
    prices: dict[tuple[int, str, str], Decimal] = {
        (contract_id, outcome, need): price
        for contract_id, outcome, need, price in Tariff.objects.filter(
            contract_id__in=wanted
        ).values_list("contract_id", "outcome", "need_group", "price")
    }

    # Plain IN lists of the providers' organisations and authorities (a pair not asked
    # about finds no contract below): an OR of pairs, or IN lists of every person and
    # job, cost more to build than to run. An episode or a job that starts after the
    # period has no outcome in it (every outcome falls on or after its job's start),
    # and no order is asked of the database (sorting a borough's jobs spilled to disk).
    wanted_episodes = (
        Episode.objects.filter(
            team__organisation_id__in={o for o, _ in pairs},
            person__authority_id__in={a for _, a in pairs},
            started_on__lte=end,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=earliest))
        .order_by()
    )
    episodes = [
        _Episode(*row)
        for row in wanted_episodes.values_list(
            "pk",
            "person_id",
            "started_on",
            "ended_on",
            "person__person_ref",
            "person__primary_support_reason",
            "person__authority_id",
            "team__organisation_id",
        )
    ]
    if not episodes:
        return []
    job_rows = (
        Placement.objects.filter(
            person_id__in=wanted_episodes.values("person_id"),
            paid=True,
            kind__in=QUALIFYING_KINDS,
            start_date__lte=end,
        )
        .filter(Q(supported=True) | Q(support_ended_on__isnull=False))
        .order_by()
    )
    jobs_of: dict[int, list[_Job]] = defaultdict(list)
    for row in job_rows.values_list(*_Job._fields):
        job = _Job(*row)
        if _qualifying(job):
            jobs_of[job.person_id].append(job)
    milestones = {
        (placement_id, weeks): _Milestone(confirmed_on, evidence)
        for placement_id, weeks, confirmed_on, evidence in Milestone.objects.filter(
            placement__in=job_rows.values("pk"), confirmed_on__isnull=False
        )
        .exclude(evidence="")
        .order_by()
        .values_list("placement_id", "weeks", "confirmed_on", "evidence")
    }

    out: list[Achieved] = []
    for episode in episodes:
        jobs = jobs_of.get(episode.person_id)
        if not jobs:
            continue
        candidates = [
            t
            for t in terms[(episode.organisation_id, episode.authority_id)]
            if t.covers(episode.started_on, episode.ended_on)
        ]
        if not candidates:
            continue
        need = episode.need or ""
        for outcome, on, job, milestone in _episode_outcomes(episode, jobs, milestones):
            if not start <= on <= end:
                continue
            taker = next((t for t in candidates if t.takes(on, job.start_date)), None)
            if taker is None or taker.pk not in wanted:
                continue
            price = prices.get((taker.pk, outcome, need), prices.get((taker.pk, outcome, "")))
            out.append(
                Achieved(
                    contract_id=taker.pk,
                    episode_id=episode.pk,
                    person_id=episode.person_id,
                    person_ref=episode.person_ref,
                    placement_id=job.pk,
                    placement_ref=job.placement_ref,
                    outcome=outcome,
                    achieved_on=on,
                    need_group=need,
                    price=price,
                    job_title=job.job_title,
                    milestone=milestone,
                )
            )
    out.sort(key=lambda a: (a.achieved_on, a.person_ref, a.outcome))
    return out


# --- what may be claimed -----------------------------------------------------------------


@dataclass(frozen=True)
class ClaimableLine:
    outcome: Achieved
    price: Decimal
    over_cap: bool

    @property
    def counted(self) -> Decimal:
        return ZERO if self.over_cap else self.price


@dataclass(frozen=True)
class Claimable:
    lines: list[ClaimableLine]

    @property
    def total(self) -> Decimal:
        return sum((line.counted for line in self.lines), ZERO)

    @property
    def over_cap(self) -> int:
        return sum(1 for line in self.lines if line.over_cap)


def live_claims(episode_ids: Collection[int]) -> set[tuple[int, str]]:
    """(episode, outcome) already on a claim line that was not rejected, under any
    contract: the database allows one live line per outcome of an episode, so an
    outcome claimed under another contract (before an earlier one was recorded and
    took it) is not offered again."""
    return set(
        ClaimLine.objects.filter(episode_id__in=episode_ids)
        .exclude(status=LineStatus.REJECTED)
        .values_list("episode_id", "outcome")
    )


def committed(contract: Contract) -> Decimal:
    """Outcome payments the contract has already taken on: lines on claims that are
    not rejected and not over the cap."""
    return sum(
        ClaimLine.objects.filter(claim__contract=contract, over_cap=False)
        .exclude(status=LineStatus.REJECTED)
        .values_list("price", flat=True),
        ZERO,
    )


def claimable(contract: Contract, start: dt.date, end: dt.date) -> Claimable:
    """The outcomes achieved in the period that are not already on a claim (a rejected
    line frees its outcome), priced by the tariff (an outcome with no price is not
    claimable). Once the budget cap would be passed, that line and every one after it
    (achieved on, then person reference) is over the cap and counts 0."""
    achieved = achieved_outcomes([contract], start, end)
    taken = live_claims({a.episode_id for a in achieved})
    outcomes = [a for a in achieved if a.price is not None and a.key not in taken]
    outcomes.sort(key=lambda a: (a.achieved_on, a.person_ref, a.outcome))
    room = None if contract.budget_cap is None else contract.budget_cap - committed(contract)
    lines: list[ClaimableLine] = []
    capped = False
    for a in outcomes:
        assert a.price is not None
        if room is not None and not capped:
            if a.price > room:
                capped = True
            else:
                room -= a.price
        lines.append(ClaimableLine(a, a.price, over_cap=capped))
    return Claimable(lines)
