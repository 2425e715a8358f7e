"""Feedback from the person ("How is it going?"): giving it and answering it
(decision 0048).

A person (or their supporter) gives feedback from the portal; the portal decides who
may act for whom, so ``give_feedback`` takes the person as given. Feedback that is not
happy, or that has words, needs a reply: it goes into the work queue (``queue``,
kind ``feedback``) and the worker is told, until staff mark it answered.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pathways.casework import notices
from pathways.casework.models import Episode, Feedback, Feeling
from pathways.casework.policy import feedback_policy
from pathways.casework.prompts import known_prompt
from pathways.casework.queue import FEEDBACK_REPLY_DAYS
from pathways.core.errors import ActionRefused, IllegalTransition
from pathways.core.models import User
from pathways.people.models import Person

#: The most a person may write (about a page of text).
MAX_WORDS_LENGTH = 2000
#: How many days the team has to reply; the thank-you page tells the person.
REPLY_DAYS = FEEDBACK_REPLY_DAYS


def episode_for_feedback(person: Person) -> Episode | None:
    """The person's open episode, or else their latest one."""
    return (
        Episode.objects.filter(person=person)
        .select_related("worker")
        .order_by(F("ended_on").desc(nulls_first=True), "-started_on", "-id")
        .first()
    )


def needs_reply(feeling: str, words: str) -> bool:
    """Not happy, or anything written: someone from the team answers."""
    return feeling == Feeling.NOT_HAPPY or bool(words.strip())


def give_feedback(
    person: Person,
    *,
    by: User | None,
    feeling: str,
    words: str = "",
    prompted_by: str = "",
    at: dt.datetime | None = None,
) -> Feedback:
    """Record how it is going for ``person`` (``by``: their account or their
    supporter's), with the team of their current or latest episode."""
    words = words.strip()
    if feeling not in Feeling.values:
        raise ValidationError({"feeling": "Choose how it is going: happy, okay or not happy"})
    if len(words) > MAX_WORDS_LENGTH:
        raise ValidationError(
            {"words": f"Write {MAX_WORDS_LENGTH} letters or fewer. You wrote {len(words)}"}
        )
    if prompted_by and not known_prompt(prompted_by):
        raise ValidationError({"prompted_by": f"No milestone is called {prompted_by!r}"})
    with transaction.atomic():
        episode = episode_for_feedback(person)
        if episode is None:
            raise ActionRefused(
                "There is no support to give feedback about yet: support has not started"
            )
        feedback = Feedback.objects.create(
            person=person,
            episode=episode,
            team_id=episode.team_id,
            given_at=at or timezone.now(),
            given_by=by,
            feeling=feeling,
            words=words,
            prompted_by=prompted_by,
            needs_reply=needs_reply(feeling, words),
        )
        if feedback.needs_reply:
            notices.feedback_needs_reply(feedback)
    return feedback


def mark_feedback_answered(user: User, feedback: Feedback) -> Feedback:
    """Staff say the person has had their reply: it leaves the work queue."""
    feedback_policy.require(
        user,
        "answer",
        feedback,
        refusal="Only the person's worker or their team can answer this feedback.",
        channel="web",
    )
    with transaction.atomic():
        locked = (
            Feedback.objects.select_for_update(of=("self",))
            .select_related("replied_by")
            .get(pk=feedback.pk)
        )
        if not locked.needs_reply:
            raise IllegalTransition("This feedback does not need a reply.")
        if locked.replied_at is not None:
            who = locked.replied_by.get_full_name() if locked.replied_by else "someone"
            raise IllegalTransition(
                f"This feedback was already marked as answered by {who} on "
                f"{timezone.localtime(locked.replied_at):%-d %B %Y}."
            )
        locked.replied_at = timezone.now()
        locked.replied_by = user
        locked.save(update_fields=["replied_at", "replied_by"])
    return locked
