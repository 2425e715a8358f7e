"""My information in the demo: a few weeks of staff looking at each demo person's
record (their coach, a manager, the front door), so "who looked" has lines on several
days from the first sign-in. The demo's own loading made the rest of the trail."""

from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.utils import timezone

from pathways.casework.models import Episode
from pathways.core import audit
from pathways.core.models import User
from pathways.portal.models import PortalAccount
from pathways.workspace import demo

#: Days ago, which member of staff (a demo.STAFF key, or "worker"), what they read.
LOOKS = (
    (1, "worker", "episode: action plan"),
    (3, "worker", "person record"),
    (8, "manager", "episode"),
    (20, "intake", "referral"),
)


def load(accounts: dict[str, PortalAccount], today: dt.date) -> None:
    staff = {
        key: User.objects.get(email=f"{demo.STAFF[key][0]}@{demo.EMAIL_DOMAIN}")
        for key in ("manager", "intake")
    }
    for account in accounts.values():
        if account.is_supporter:
            continue
        person = account.person
        episode = Episode.objects.filter(person=person).order_by("-started_on").first()
        worker = episode.worker if episode is not None else None
        for days_ago, who, what in LOOKS:
            actor = worker if who == "worker" else staff[who]
            if actor is None:
                continue
            moment = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(10, 30))
            LogEntry.objects.log_create(
                person,
                force_log=True,
                action=LogEntry.Action.ACCESS,
                actor=actor,
                actor_email=actor.email,
                timestamp=timezone.make_aware(moment),
                changes=None,
                additional_data={
                    "person_id": person.pk,
                    "channel": "web",
                    "outcome": audit.ALLOWED,
                    "what": what,
                },
            )
