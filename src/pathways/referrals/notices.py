"""Who the front door tells, and what (``core.notifications``): the worker a case is
allocated to, and the triage staff of a team a referral is redirected to. The texts
name nobody; the link leads to the page, which decides who may see it."""

from __future__ import annotations

from django.urls import reverse

from pathways.casework.models import Episode
from pathways.core.models import User
from pathways.core.notifications import notification_kind, notify, notify_each
from pathways.core.policies import TRIAGE_ROLES
from pathways.referrals.models import Referral

ALLOCATED = notification_kind("allocated", "A case is allocated to you").name
REDIRECTED = notification_kind("referral_redirected", "A referral is redirected to your team").name


def case_allocated(actor: User, episode: Episode) -> None:
    """Tell the worker (not a manager who allocated the case to themself)."""
    worker = episode.worker
    if worker is not None and worker.pk != actor.pk:
        notify(
            worker,
            ALLOCATED,
            "You have a new case allocated.",
            reverse("casework:episode", args=[episode.pk]),
        )


def referral_redirected(actor: User, onward: Referral) -> None:
    """Tell the receiving team's intake officers and managers."""
    triage = User.objects.filter(
        is_active=True, memberships__team_id=onward.team_id, memberships__role__in=TRIAGE_ROLES
    ).distinct()
    notify_each(
        triage,
        REDIRECTED,
        "A referral has been redirected to your team.",
        reverse("referrals:detail", args=[onward.pk]),
        besides=actor,
    )
