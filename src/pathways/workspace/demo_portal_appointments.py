"""The demo borough's appointments: coming up with the people each worker supports,
one of them today (so "My work" shows "Appointment today") and some tomorrow (so the
day-before reminder has something to send).

Rows are made directly, as the rest of the borough's history is: the demo's "today"
need not be the clock's, and booking refuses a time already past.
"""

from __future__ import annotations

import datetime as dt

from auditlog.context import set_actor
from django.utils import timezone

from pathways.casework.models import Appointment, Episode

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


def load_appointments(today: dt.date) -> int:
    """Book appointments for the first ``PEOPLE`` open demo episodes with a worker; how
    many were made."""
    episodes = (
        Episode.objects.filter(person__is_demo=True, ended_on__isnull=True, worker__isnull=False)
        .select_related("worker")
        .order_by("person__person_ref")[:PEOPLE]
    )
    made = 0
    for n, episode in enumerate(episodes):
        worker = episode.worker
        assert worker is not None
        with set_actor(worker):
            for days, hour, minutes, place, purpose in (
                PLAN[n % len(PLAN)],
                PLAN[(n + 3) % len(PLAN)],
            ):
                Appointment.objects.create(
                    episode=episode,
                    starts_at=at(today + dt.timedelta(days=days), hour),
                    minutes=minutes,
                    place=place,
                    purpose=purpose,
                    with_whom=worker,
                    created_by=worker,
                )
                made += 1
    return made
