"""Demo data for Jobs for me and My job: the person looking for work has three jobs
shared by their coach (one they said yes to, which waits in the coach's work queue,
one they will think about later, one not answered yet); the person in work has their
named contact agreed and, if their job had none, a fading plan that steps down from
now on, so My job says who to call and how their support will fade."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from auditlog.context import set_actor

from pathways.casework.models import Episode
from pathways.employers.candidacies import services as candidacies
from pathways.employers.candidacies.models import EMPLOYER_FACING, ENDED, Candidacy
from pathways.employers.opportunities.models import Opportunity, open_on
from pathways.employment import services as employment
from pathways.employment.models import CheckKind, PostStartCheck
from pathways.employment.selectors import current_placements, fading_of
from pathways.matching import selectors as matching
from pathways.portal.models import PortalAccount

#: The answers the looking person gave, in the order the jobs were shared.
ANSWERS = ("yes", "later", "")
NAMED_CONTACT = "Your supervisor at work. Ask for them at the front desk."


def load(accounts: dict[str, PortalAccount], today: dt.date) -> None:
    if "looking" in accounts:
        share_jobs(accounts["looking"], today)
    if "in_work" in accounts:
        support_in_work(accounts["in_work"], today)


def share_jobs(account: PortalAccount, today: dt.date) -> None:
    person = account.person
    episode = (
        Episode.objects.filter(person=person, ended_on__isnull=True, worker__isnull=False)
        .select_related("worker", "team")
        .first()
    )
    if episode is None or episode.worker is None:
        return
    coach = episode.worker
    # Their own suggestions first, then open jobs on their team's employer list.
    waiting = list(
        Candidacy.objects.filter(person=person)
        .exclude(status__in=ENDED | EMPLOYER_FACING)
        .filter(open_on(today, "opportunity__"))
        .order_by("pk")
    )
    taken = Candidacy.objects.filter(person=person).values("opportunity_id")
    more = (
        Opportunity.objects.filter(open_on(today))
        .filter(authority=person.authority, employer__organisation=episode.team.organisation)
        .exclude(pk__in=taken)
    )
    # The best matches, with their match scores, as the coach would find them.
    wanted = len(ANSWERS) - len(waiting)
    matches = matching.opportunities_for(person, more, top=wanted) if wanted > 0 else []
    with set_actor(coach):
        for match in matches:
            opportunity = Opportunity.objects.get(pk=match.opportunity_id)
            waiting.append(
                candidacies.put_forward(coach, person, opportunity, on=today, score=match.score)
            )
        shared = [
            candidacies.share_with_person(c, by=coach, expected_version=c.version)
            for c in waiting[: len(ANSWERS)]
        ]
    with set_actor(account.user):
        for candidacy, said in zip(shared, ANSWERS, strict=False):
            if said:
                candidacies.answer_shared_job(candidacy, by=account.user, answer=said)


def support_in_work(account: PortalAccount, today: dt.date) -> None:
    placement = (
        current_placements([account.person_id], today)
        .filter(support_ended_on__isnull=True)
        .select_related("episode__worker")
        .order_by("-start_date")
        .first()
    )
    if placement is None or placement.episode is None or placement.episode.worker is None:
        return
    worker = placement.episode.worker
    check = PostStartCheck.objects.filter(
        placement=placement, kind=CheckKind.NAMED_CONTACT, done_on__isnull=True
    ).first()
    with set_actor(worker):
        if check is not None:
            employment.complete_check(worker, check, done_on=today, notes=NAMED_CONTACT)
        if not placement.fading_steps.exists():
            # Planned at or above the coaching given lately, so the plan is on track
            # (the demo's one stalled plan stays the only one).
            given = fading_of(placement, today)[-4:]
            now = Decimal(math.ceil(max([Decimal("4"), *(w.actual_hours for w in given)])))
            plan = {placement.start_date: now + 4}
            plan[max(placement.start_date, today - dt.timedelta(days=70))] = now
            plan[today + dt.timedelta(days=14)] = max(now - 2, Decimal("1"))
            plan[today + dt.timedelta(days=56)] = Decimal("1")
            employment.set_fading_plan(worker, placement, list(plan.items()))
