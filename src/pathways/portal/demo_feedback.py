"""The demo portal people's "How is it going?": the person looking for work told us
last week from their own pages (so the page shows "Last time you said"); the person in
work is asked after their latest milestone when one is recent. The year of feedback
behind the user voice report is ``workspace.demo_portal_feedback``."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pathways.casework.feedback import give_feedback
from pathways.portal.models import PortalAccount


def load(accounts: dict[str, PortalAccount], today: dt.date) -> None:
    looking = accounts.get("looking")
    if looking is not None:
        give_feedback(
            looking.person,
            by=looking.user,
            feeling="happy",
            words="I like my coach. I want to work in a café.",
            at=timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=6), dt.time(11))),
        )
