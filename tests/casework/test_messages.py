"""Messages between the person and the staff who support them: writing, replying,
reading, the refusals, the episode page, the timeline, the work queue and the notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pathways.casework import conversation, selectors
from pathways.casework.models import Message
from pathways.casework.queue import add_working_days
from pathways.casework.selectors import work_queue
from pathways.core.errors import IllegalTransition
from pathways.core.models import Notification, Role
from tests.factories import EpisodeFactory, UserFactory, staff

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def episode(team, coach):
    return EpisodeFactory(team=team, worker=coach, started_on=today() - dt.timedelta(days=120))


@pytest.fixture
def account():
    """The person's own account (a portal account once the portal signs people in)."""
    return UserFactory(first_name="Ada", last_name="Lovelace", email="ada@example.org")


def close(episode):
    episode.ended_on = today()
    episode.end_reason = "withdrew"
    episode.save()


def sent_on(message: Message, day: dt.date) -> Message:
    """Move a message to noon on ``day`` (as if it was sent then)."""
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    Message.objects.filter(pk=message.pk).update(sent_at=at)
    message.refresh_from_db()
    return message


class TestTheServices:
    def test_the_person_writes_and_their_worker_is_told(self, episode, account, coach):
        message = conversation.send_message_from_person(
            episode, by=account, text="  Can we meet on Friday?  "
        )
        assert message.from_person and message.text == "Can we meet on Friday?"
        assert message.author == account and message.read_at is None
        notice = Notification.objects.get(recipient=coach, kind="message_from_person")
        assert notice.link == f"/episodes/{episode.pk}/#messages"
        assert "Lovelace" not in notice.text  # notices name nobody

    def test_with_no_worker_the_team_is_told(self, team, manager, coach, account, intake):
        episode = EpisodeFactory(team=team, worker=None)
        conversation.send_message_from_person(episode, by=account, text="Hello")
        told = set(
            Notification.objects.filter(kind="message_from_person").values_list(
                "recipient__email", flat=True
            )
        )
        assert told == {manager.email, coach.email}  # those who hold cases, not intake

    def test_the_person_cannot_write_once_support_has_ended(self, episode, account):
        close(episode)
        with pytest.raises(IllegalTransition, match="Your support has ended.*ask for help again"):
            conversation.send_message_from_person(episode, by=account, text="Hello")
        assert not Message.objects.exists()

    @pytest.mark.parametrize(
        ("text", "says"),
        [
            ("", "Write your message"),
            ("   \n ", "Write your message"),
            ("x" * (Message.MAX_LENGTH + 1), "2001 characters long: make it 2000"),
        ],
    )
    def test_an_empty_or_too_long_message_is_refused_on_its_field(
        self, episode, account, coach, text, says
    ):
        with pytest.raises(ValidationError) as refused:
            conversation.send_message_from_person(episode, by=account, text=text)
        assert says in refused.value.message_dict["text"][0]
        with pytest.raises(ValidationError) as refused:
            conversation.reply_to_person(episode, by=coach, text=text)
        assert "text" in refused.value.message_dict
        assert not Message.objects.exists()

    def test_the_longest_message_allowed_is_sent(self, episode, account):
        text = "x" * Message.MAX_LENGTH
        assert conversation.send_message_from_person(episode, by=account, text=text).text == text

    def test_the_worker_replies(self, episode, coach):
        reply = conversation.reply_to_person(episode, by=coach, text="Yes, 10 o'clock.")
        assert not reply.from_person and reply.author == coach

    @pytest.mark.parametrize("role", [Role.PACKAGE_APPROVER, Role.INTAKE_OFFICER])
    def test_a_role_that_does_not_work_the_case_cannot_reply(self, episode, team, role):
        other = staff(role, team)
        with pytest.raises(PermissionDenied, match="Only the person's worker or their team"):
            conversation.reply_to_person(episode, by=other, text="Hello")
        assert not Message.objects.exists()

    def test_staff_of_another_team_cannot_reply(self, episode, other_team):
        with pytest.raises(PermissionDenied):
            conversation.reply_to_person(
                episode, by=staff(Role.EMPLOYMENT_SPECIALIST, other_team), text="Hello"
            )

    def test_no_reply_on_a_closed_episode(self, episode, coach):
        close(episode)
        with pytest.raises(IllegalTransition, match="This episode is closed"):
            conversation.reply_to_person(episode, by=coach, text="Hello")

    def test_staff_of_the_team_read_the_persons_messages_and_the_person_reads_theirs(
        self, episode, account, coach, manager
    ):
        asked = conversation.send_message_from_person(episode, by=account, text="Hello")
        answer = conversation.reply_to_person(episode, by=coach, text="Hello Ada")
        assert conversation.mark_read(episode, by=manager) == 1
        asked.refresh_from_db()
        answer.refresh_from_db()
        assert asked.read_by == manager and asked.read_at is not None
        assert answer.read_at is None  # staff opening the page do not read their own
        assert conversation.mark_read(episode, by=account, as_person=True) == 1
        answer.refresh_from_db()
        assert answer.read_by == account

    def test_someone_who_only_sees_the_record_does_not_read_it_for_the_team(
        self, episode, account, authority, other_team
    ):
        dpo = staff(Role.DATA_PROTECTION_OFFICER, other_team)
        asked = conversation.send_message_from_person(episode, by=account, text="Hello")
        assert conversation.mark_read(episode, by=dpo) == 0
        asked.refresh_from_db()
        assert asked.read_at is None


class TestTheWorkQueue:
    def items(self, user, on):
        return [i for i in work_queue(user, on) if i.kind == "message"]

    def test_working_days_skip_the_weekend(self):
        monday = today() - dt.timedelta(days=today().weekday() + 7)
        friday = monday + dt.timedelta(days=4)
        assert add_working_days(monday, 2) == monday + dt.timedelta(days=2)
        assert add_working_days(friday, 2) == friday + dt.timedelta(days=4)  # Tuesday

    def test_due_the_day_it_was_sent_and_overdue_after_two_working_days(
        self, episode, account, coach
    ):
        friday = today() - dt.timedelta(days=today().weekday() + 3)
        sent_on(conversation.send_message_from_person(episode, by=account, text="Hi"), friday)
        [item] = self.items(coach, friday)
        assert item.label == "Message from the person"
        assert item.due_on == friday and not item.overdue
        assert item.url == f"/episodes/{episode.pk}/#messages"
        tuesday = friday + dt.timedelta(days=4)
        assert [i.overdue for i in self.items(coach, tuesday)] == [False]
        assert [i.overdue for i in self.items(coach, tuesday + dt.timedelta(days=1))] == [True]

    def test_a_reply_clears_it_and_a_new_message_brings_it_back(self, episode, account, coach):
        first = sent_on(
            conversation.send_message_from_person(episode, by=account, text="One"),
            today() - dt.timedelta(days=3),
        )
        sent_on(
            conversation.send_message_from_person(episode, by=account, text="Two"),
            today() - dt.timedelta(days=2),
        )
        [item] = self.items(coach, today())
        assert item.due_on == timezone.localdate(first.sent_at)  # the oldest unanswered
        conversation.reply_to_person(episode, by=coach, text="Answered")
        assert self.items(coach, today()) == []
        conversation.send_message_from_person(episode, by=account, text="Three")
        [item] = self.items(coach, today())
        assert item.due_on == today()

    def test_reading_it_is_not_answering_it(self, episode, account, coach):
        conversation.send_message_from_person(episode, by=account, text="Hi")
        conversation.mark_read(episode, by=coach)
        assert len(self.items(coach, today())) == 1

    def test_it_is_on_my_work(self, client, episode, account, coach):
        conversation.send_message_from_person(episode, by=account, text="Hi")
        client.force_login(coach)
        html = client.get("/").content.decode()
        assert "Message from the person" in html
        assert f'href="/episodes/{episode.pk}/#messages"' in html


class TestTheEpisodePage:
    def url(self, episode, tail=""):
        return f"/episodes/{episode.pk}/{tail}"

    def test_the_conversation_is_shown_newest_last_and_new_ones_are_marked_once(
        self, client, episode, account, coach
    ):
        old = sent_on(
            conversation.send_message_from_person(episode, by=account, text="First question"),
            today() - dt.timedelta(days=2),
        )
        sent_on(
            conversation.reply_to_person(episode, by=coach, text="First answer"),
            today() - dt.timedelta(days=1),
        )
        conversation.send_message_from_person(episode, by=account, text="Second question")
        Message.objects.filter(pk=old.pk).update(read_at=timezone.now())
        client.force_login(coach)
        html = client.get(self.url(episode)).content.decode()
        section = html[html.index('id="messages"') : html.index('id="timeline"')]
        assert (
            section.index("First question")
            < section.index("First answer")
            < section.index("Second question")
        )
        assert section.count(">New</strong>") == 1
        assert "not read by the person yet" in section
        assert not Message.objects.filter(from_person=True, read_at__isnull=True).exists()
        again = client.get(self.url(episode)).content.decode()
        assert ">New</strong>" not in again

    def test_the_coach_replies_from_the_page(self, client, episode, account, coach):
        conversation.send_message_from_person(episode, by=account, text="Are you there?")
        client.force_login(coach)
        response = client.post(self.url(episode, "messages/"), {"reply-text": "Yes, I am."})
        assert response.status_code == 302
        assert response["Location"] == self.url(episode) + "#messages"
        html = client.get(self.url(episode)).content.decode()
        assert "Reply sent." in html and "Yes, I am." in html
        assert Message.objects.get(from_person=False).author == coach

    def test_an_empty_reply_is_refused_on_its_field(self, client, episode, coach):
        client.force_login(coach)
        response = client.post(self.url(episode, "messages/"), {"reply-text": "  "})
        assert response.status_code == 400
        assert "Write your reply" in response.content.decode()
        assert 'href="#id_reply-text"' in response.content.decode()
        assert not Message.objects.exists()

    def test_a_reply_on_a_closed_episode_is_refused_and_the_form_is_gone(
        self, client, episode, coach
    ):
        close(episode)
        client.force_login(coach)
        response = client.post(self.url(episode, "messages/"), {"reply-text": "Hi"})
        assert response.status_code == 400
        assert "This episode is closed, so no reply can be sent" in response.content.decode()
        assert "Send reply" not in client.get(self.url(episode)).content.decode()
        assert not Message.objects.exists()

    def test_someone_who_may_not_work_the_case_cannot_reply(self, client, episode, approver):
        client.force_login(approver)
        html = client.get(self.url(episode)).content.decode()
        assert "Send reply" not in html
        assert client.post(self.url(episode, "messages/"), {"reply-text": "Hi"}).status_code == 403
        assert not Message.objects.exists()

    def test_staff_of_another_team_get_no_such_page(self, client, episode, other_team):
        client.force_login(staff(Role.EMPLOYMENT_SPECIALIST, other_team))
        assert client.post(self.url(episode, "messages/"), {"reply-text": "Hi"}).status_code == 404

    def test_messages_are_on_the_timeline_among_the_activities(
        self, client, episode, account, coach
    ):
        from pathways.casework import services

        services.record_activity(
            coach,
            episode,
            kind="meeting",
            occurred_on=today() - dt.timedelta(days=3),
            with_whom="person",
            notes="Met at the library",
        )
        sent_on(
            conversation.send_message_from_person(episode, by=account, text="Thanks for today"),
            today() - dt.timedelta(days=2),
        )
        client.force_login(coach)
        html = client.get(self.url(episode)).content.decode()
        timeline = html[html.index('id="timeline"') :]
        assert "Message from the person" in timeline
        assert timeline.index("Thanks for today") < timeline.index("Met at the library")

    def test_the_timeline_selector_merges_newest_first(self, episode, account, coach):
        from pathways.casework import services

        services.record_activity(
            coach, episode, kind="phone", occurred_on=today(), with_whom="person"
        )
        sent_on(
            conversation.send_message_from_person(episode, by=account, text="Earlier"),
            today() - dt.timedelta(days=1),
        )
        conversation.reply_to_person(episode, by=coach, text="Later")
        entries = selectors.timeline_of(episode)
        assert [e.message.text if e.message else e.activity.kind for e in entries] == [
            "Later",
            "phone",
            "Earlier",
        ]
