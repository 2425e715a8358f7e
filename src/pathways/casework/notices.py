"""Who casework tells, and what (``core.notifications``): the approvers of a team
when a package change waits for them, the proposer when it is decided, and each
worker once a day when their work queue has something due. The texts name nobody."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse

from pathways.casework.models import Feedback, Package
from pathways.casework.queue import QueueItem
from pathways.casework.selectors import work_queue
from pathways.core.models import User
from pathways.core.notifications import notification_kind, notify, notify_each
from pathways.core.policies import APPROVER_ROLES, CASEWORK_ROLES

APPROVAL_WAITING = notification_kind(
    "approval_waiting", "A package change waits for your approval"
).name
PROPOSAL_DECIDED = notification_kind("proposal_decided", "Your package proposal is decided").name
DIGEST = notification_kind("digest", "Daily summary of what is due in your work queue").name
FEEDBACK = notification_kind(
    "feedback", "Someone you support gave feedback that needs a reply"
).name


def package_proposed(actor: User, package: Package) -> None:
    """Tell whoever may decide it: the package approvers and managers of the episode's
    team (casework.policy's ``approve_package`` rule), never the proposer."""
    approvers = User.objects.filter(
        is_active=True,
        memberships__team_id=package.episode.team_id,
        memberships__role__in=APPROVER_ROLES,
    ).distinct()
    notify_each(
        approvers,
        APPROVAL_WAITING,
        "A package change is waiting for your approval.",
        reverse("casework:episode", args=[package.episode_id]),
        besides=actor,
    )


def package_decided(actor: User, package: Package) -> None:
    proposer = package.proposed_by
    if proposer is None or proposer.pk == actor.pk:
        return
    outcome = "approved" if package.status == Package.Status.APPROVED else "rejected"
    notify(
        proposer,
        PROPOSAL_DECIDED,
        f"Your package proposal was {outcome}.",
        reverse("casework:episode", args=[package.episode_id]),
    )


def feedback_needs_reply(feedback: Feedback) -> None:
    """Tell the worker of the episode it was given in; with no worker, the specialists
    and managers of the team (whoever may answer it, ``feedback_policy``)."""
    worker = feedback.episode.worker
    if worker is not None and worker.is_active:
        told = [worker]
    else:
        told = list(
            User.objects.filter(
                is_active=True,
                memberships__team_id=feedback.team_id,
                memberships__role__in=CASEWORK_ROLES,
            ).distinct()
        )
    notify_each(
        told,
        FEEDBACK,
        "Someone you support said how it is going. They need a reply.",
        reverse("casework:feedback", args=[feedback.pk]),
    )


def send_digests(on: dt.date, items: list[QueueItem] | None = None) -> int:
    """Tell each worker how much their work queue holds on ``on`` (only those with
    something due); once a day however often it runs. How many were told. ``items``:
    the whole queue for ``on``, when the caller has it already."""
    due: dict[int, int] = defaultdict(int)
    overdue: dict[int, int] = defaultdict(int)
    workers: dict[int, User] = {}
    for item in work_queue(None, on) if items is None else items:
        worker = item.episode.worker
        if worker is None:
            continue
        workers[worker.pk] = worker
        due[worker.pk] += 1
        overdue[worker.pk] += item.overdue
    told = 0
    for pk, worker in workers.items():
        things = "1 thing" if due[pk] == 1 else f"{due[pk]} things"
        late = f", {overdue[pk]} of them overdue" if overdue[pk] else ""
        text = f"Your work queue has {things} to do today{late}."
        if notify(worker, DIGEST, text, reverse("my-work"), key=f"digest:{on.isoformat()}"):
            told += 1
    return told
