"""Who the front door tells, and what (``core.notifications``): the worker a case is
allocated to, the triage staff of a team a referral is redirected to, the triage staff
of an authority someone asked for help (the public form), and of the team a person
whose support ended asks to come back to. The texts
name nobody; the link leads to the page, which decides who may see it."""

from __future__ import annotations

from django.urls import reverse

from pathways.casework.models import Episode
from pathways.core.models import User
from pathways.core.notifications import notification_kind, notify, notify_each
from pathways.core.policies import TRIAGE_ROLES
from pathways.referrals.models import HelpRequest, Referral

ALLOCATED = notification_kind("allocated", "A case is allocated to you").name
REDIRECTED = notification_kind("referral_redirected", "A referral is redirected to your team").name
HELP_REQUESTED = notification_kind(
    "help_requested", "Someone asks for help to find work (the public form)"
).name
COME_BACK = notification_kind(
    "come_back_asked", "Someone whose support ended asks to come back to your team"
).name


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


def _triage_staff(**where: object) -> list[User]:
    return list(
        User.objects.filter(is_active=True, memberships__role__in=TRIAGE_ROLES, **where).distinct()
    )


def help_requested(help_request: HelpRequest) -> None:
    """Tell the intake officers and managers of every team of the authority."""
    notify_each(
        _triage_staff(memberships__team__authority_id=help_request.authority_id),
        HELP_REQUESTED,
        "Someone has asked for help to find work.",
        reverse("referrals:help-request", args=[help_request.pk]),
    )


def come_back_asked(actor: User, referral: Referral) -> None:
    """Tell the intake officers and managers of the team the person asks to come back
    to."""
    notify_each(
        _triage_staff(memberships__team_id=referral.team_id),
        COME_BACK,
        "Someone whose support ended has asked to come back.",
        reverse("referrals:detail", args=[referral.pk]),
        besides=actor,
    )
