"""The demo borough's appointments: coming up with the people each worker supports,
one of them today (so "My work" shows "Appointment today") and some tomorrow (so the
day-before reminder has something to send); the portal's demo people each have one
tomorrow and one next week, and the person looking for work (and her mother) asked for
reminders by email.

Rows are made directly, as the rest of the borough's history is: the demo's "today"
need not be the clock's, and booking refuses a time already past.
"""

from __future__ import annotations

import datetime as dt

from auditlog.context import set_actor
from django.utils import timezone

from pathways.casework.models import Appointment, Episode
from pathways.portal.models import PortalAccount

#: (days from today, hour, minutes, where, what for), given out in turn.
PLAN = (
    (0, 15, 45, "Riverside Library, Main Street", "Look at jobs you might like"),
    (1, 10, 60, "The café on Station Road", "Visit the café and meet the manager"),
    (1, 14, 30, "Phone call", "Check how the week went"),
    (3, 11, 60, "Riverside Library, Main Street", "Write your CV together"),
    (7, 10, 90, "Jobcentre Plus, High Street", "Talk about your benefits and work"),
    (9, 13, 45, "Your home", "Plan the bus journey to work"),
)
#: How many open episodes get appointments.
PEOPLE = 12


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _book(episode: Episode, today: dt.date, planned: tuple) -> None:
    days, hour, minutes, place, purpose = planned
    worker = episode.worker
    assert worker is not None
    Appointment.objects.create(
        episode=episode,
        starts_at=at(today + dt.timedelta(days=days), hour),
        minutes=minutes,
        place=place,
        purpose=purpose,
        with_whom=worker,
        created_by=worker,
    )


def load_appointments(today: dt.date, first: list[Episode] | None = None) -> int:
    """Two appointments each for the ``first`` episodes, then for the first ``PEOPLE``
    open demo episodes with a worker; how many were made."""
    chosen = list(first or [])
    more = (
        Episode.objects.filter(person__is_demo=True, ended_on__isnull=True, worker__isnull=False)
        .exclude(pk__in=[e.pk for e in chosen])
        .select_related("worker")
        .order_by("person__person_ref")[: max(0, PEOPLE - len(chosen))]
    )
    made = 0
    for n, episode in enumerate([*chosen, *more]):
        with set_actor(episode.worker):
            for planned in (PLAN[(n + 1) % len(PLAN)], PLAN[(n + 4) % len(PLAN)]):
                _book(episode, today, planned)
                made += 1
    return made


def load(accounts: dict[str, PortalAccount], today: dt.date) -> None:
    """The portal's part (``portal.demo.SLICES``): the demo people's appointments first,
    and reminders wanted by the person looking for work and her mother."""
    people = [accounts[k].person_id for k in ("looking", "in_work") if k in accounts]
    episodes = {
        e.person_id: e
        for e in Episode.objects.filter(
            person_id__in=people, ended_on__isnull=True, worker__isnull=False
        ).select_related("worker")
    }
    load_appointments(today, [episodes[p] for p in people if p in episodes])
    for key in ("looking", "supporter"):
        if key in accounts:
            accounts[key].appointment_reminders = True
            accounts[key].save(update_fields=["appointment_reminders"])
