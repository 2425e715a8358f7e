"""The demo's messages and shared notes (issue 14, slice B): the person looking for
work has a conversation with their coach, with a message from their mother still
waiting for an answer (so the coach's work queue shows one); the person in work has a
short one; the person whose support ended can read their old messages. Each of the
open ones has a note the coach shared, so "My plan" shows what they did last."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pathways.casework import conversation, services
from pathways.casework.models import Episode, Message
from pathways.casework.selectors import current_or_latest_episode
from pathways.core.models import User
from pathways.portal.models import PortalAccount


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _dated(message: Message, day: dt.date, hour: int) -> None:
    Message.objects.filter(pk=message.pk).update(sent_at=_at(day, hour))


def _share(episode: Episode, worker: User, day: dt.date, kind: str, note: str) -> None:
    services.record_activity(
        worker,
        episode,
        kind=kind,
        occurred_on=max(day, episode.started_on),
        with_whom="person",
        minutes=60,
        notes=note,
        shared_with_person=True,
    )


def load(accounts: dict[str, PortalAccount], today: dt.date) -> None:
    looking = accounts.get("looking")
    if looking is not None:
        episode = current_or_latest_episode(looking.person)
        if episode is not None and episode.is_open and episode.worker is not None:
            coach = episode.worker
            _share(
                episode,
                coach,
                today - dt.timedelta(days=5),
                "travel_training",
                "We took the bus to the café together. You found the right stop on your "
                "own. Well done!",
            )
            asked = conversation.send_message_from_person(
                episode, by=looking.user, text="Hello. Can we practise the bus again next week?"
            )
            _dated(asked, today - dt.timedelta(days=4), 10)
            answer = conversation.reply_to_person(
                episode, by=coach, text="Yes. I can meet you at the bus stop on Tuesday at 10."
            )
            _dated(answer, today - dt.timedelta(days=4), 15)
            Message.objects.filter(pk__in=[asked.pk, answer.pk]).update(
                read_at=_at(today - dt.timedelta(days=3), 9)
            )
            supporter = accounts.get("supporter")
            if supporter is not None:
                conversation.send_message_from_person(
                    episode,
                    by=supporter.user,
                    text=f"This is Maria, {looking.person.given_name}'s mum. "
                    f"{looking.person.given_name} is not well today. Can you call me, please?",
                )
    in_work = accounts.get("in_work")
    if in_work is not None:
        episode = current_or_latest_episode(in_work.person)
        if episode is not None and episode.is_open and episode.worker is not None:
            coach = episode.worker
            _share(
                episode,
                coach,
                today - dt.timedelta(days=8),
                "in_work_coaching",
                "We went over the till at work. You can now do it on your own.",
            )
            said = conversation.send_message_from_person(
                episode, by=in_work.user, text="I like my job. I am tired after work."
            )
            _dated(said, today - dt.timedelta(days=2), 18)
            answer = conversation.reply_to_person(
                episode,
                by=coach,
                text="That is normal in the first weeks. We can talk about it on Friday.",
            )
            _dated(answer, today - dt.timedelta(days=1), 9)
    ended = accounts.get("ended")
    if ended is not None:
        episode = current_or_latest_episode(ended.person)
        if episode is not None and episode.ended_on is not None and episode.worker is not None:
            # History from before support ended (the services refuse a closed episode).
            day = max(episode.ended_on - dt.timedelta(days=7), episode.started_on)
            Message.objects.create(
                episode=episode,
                author=ended.user,
                from_person=True,
                text="Thank you for your help. I can do it on my own now.",
                sent_at=_at(day, 11),
                read_at=_at(day, 14),
                read_by=episode.worker,
            )
            Message.objects.create(
                episode=episode,
                author=episode.worker,
                from_person=False,
                text="Well done. You can ask for help again at any time.",
                sent_at=_at(day, 15),
                read_at=_at(day + dt.timedelta(days=1), 9),
                read_by=ended.user,
            )
