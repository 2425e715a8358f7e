"""The demo borough's user voice: a year of "How is it going?" feedback from the demo
people, so the user voice report has figures in every quarter and the coaches' work
queues hold a little feedback that needs a reply (decision 0048)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pathways.casework.feedback import give_feedback
from pathways.casework.models import Episode, Feedback

#: Feelings in turn: mostly happy, some okay, a few not happy.
FEELINGS = ("happy", "happy", "okay", "happy", "not_happy", "happy", "okay", "happy")
#: What some people wrote, in turn.
WORDS = (
    "My coach helps me a lot.",
    "",
    "The bus to work is often late.",
    "",
    "I want more hours. Can we talk?",
    "",
)
#: How far back each person's feedback goes, in days, in turn.
AGES = (10, 40, 95, 130, 190, 230, 280, 330)
#: Feedback that needs a reply and is younger than this stays unanswered (the queue).
WAITING_DAYS = 14


def load_feedback(authority_code: str, today: dt.date) -> int:
    """Two or three pieces of feedback from each demo person with an episode; older ones
    that needed a reply are answered by the person's worker. How many were given."""
    episodes = (
        Episode.objects.filter(authority__code=authority_code, person__is_demo=True)
        .select_related("person", "worker")
        .order_by("person_id", "-started_on")
    )
    people: dict[int, Episode] = {}
    for episode in episodes:
        people.setdefault(episode.person_id, episode)
    given = 0
    for n, episode in enumerate(people.values()):
        for k in range(2 + n % 2):
            age = AGES[(n + 3 * k) % len(AGES)]
            day = today - dt.timedelta(days=age)
            if day < episode.started_on:
                continue
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + n % 8)))
            feedback = give_feedback(
                episode.person,
                by=None,
                feeling=FEELINGS[(n + k) % len(FEELINGS)],
                words=WORDS[(n + 2 * k) % len(WORDS)],
                at=at,
            )
            given += 1
            if feedback.needs_reply and age > WAITING_DAYS and episode.worker is not None:
                Feedback.objects.filter(pk=feedback.pk).update(
                    replied_at=at + dt.timedelta(days=2), replied_by=episode.worker
                )
    return given
