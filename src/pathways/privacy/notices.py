"""Who privacy tells, and what (``core.notifications``): the person's worker when their
information is downloaded from the portal, so that a download nobody expected (a lost
phone) is noticed by someone who can ask. The text names nobody; the link is the
person's page, where the trail shows who downloaded it."""

from __future__ import annotations

from django.urls import reverse

from pathways.casework.models import Episode
from pathways.core.models import User
from pathways.core.notifications import notification_kind, notify_each
from pathways.people.models import Person

INFORMATION_DOWNLOADED = notification_kind(
    "information_downloaded", "Someone you support downloaded their information"
).name


def workers_of(person: Person) -> list[User]:
    """The workers of the person's open episodes; when none is open, of the latest."""
    episodes = list(
        Episode.objects.filter(person=person, worker__isnull=False)
        .select_related("worker")
        .order_by("-ended_on", "-started_on", "-id")
    )
    open_ = [e.worker for e in episodes if e.ended_on is None]
    workers = open_ or [e.worker for e in episodes[:1]]
    return list({w.pk: w for w in workers if w is not None}.values())


def information_downloaded(by: User, person: Person) -> None:
    notify_each(
        workers_of(person),
        INFORMATION_DOWNLOADED,
        "Someone you support downloaded their information from the portal.",
        reverse("person", args=[person.pk]),
        besides=by,
    )
