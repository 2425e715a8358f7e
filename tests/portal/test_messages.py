"""Messages in the person's portal: reading the conversation, writing to the coach,
the words when something is wrong, support that has ended, and the refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.utils import timezone

from pathways.casework import conversation
from pathways.casework.models import Message
from pathways.casework.selectors import work_queue
from pathways.core.models import Notification
from pathways.portal.models import Section
from tests.factories import EpisodeFactory, portal_account
from tests.portal.conftest import signed_in

pytestmark = pytest.mark.django_db
URL = "/my/messages/"


def close(episode):
    episode.ended_on = timezone.localdate()
    episode.end_reason = "in_work_without_support"
    episode.save()


def test_the_person_writes_to_their_coach(person_client, person_account, episode, coach):
    response = person_client.post(URL, {"text": "Can we meet on Friday?"})
    assert response.status_code == 302 and response["Location"] == URL + "#conversation"
    message = Message.objects.get()
    assert message.from_person and message.author == person_account.user
    assert message.episode == episode
    html = person_client.get(URL).content.decode()
    assert "Your message is sent." in html
    assert "You wrote on" in html and "Can we meet on Friday?" in html
    # The coach hears of it and it waits in their work queue.
    assert Notification.objects.filter(recipient=coach, kind="message_from_person").exists()
    assert [i.kind for i in work_queue(coach, timezone.localdate())].count("message") == 1


def test_the_person_reads_the_coachs_answer_marked_new_once(person_client, episode, coach):
    coach.first_name = "Amy"
    coach.save()
    conversation.reply_to_person(episode, by=coach, text="See you at 10.")
    html = person_client.get(URL).content.decode()
    assert "Amy wrote on" in html and "See you at 10." in html
    assert ">New</strong>" in html
    assert Message.objects.get().read_at is not None
    assert ">New</strong>" not in person_client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("text", "says"),
    [("", "Type your message."), ("x" * (Message.MAX_LENGTH + 1), "Make it shorter.")],
)
def test_a_message_that_cannot_be_sent_says_what_to_do_and_keeps_the_words(
    person_client, text, says
):
    response = person_client.post(URL, {"text": text})
    assert response.status_code == 400
    html = response.content.decode()
    assert says in html and 'href="#id_text"' in html
    if text:
        assert text in html  # nothing the person typed is lost
    assert not Message.objects.exists()


def test_after_support_ends_the_person_reads_but_is_pointed_to_help_again(
    person_client, episode, coach
):
    conversation.reply_to_person(episode, by=coach, text="Good luck in your job.")
    close(episode)
    html = person_client.get(URL).content.decode()
    assert "Good luck in your job." in html
    assert "Your support has ended" in html and "I want help again" in html
    assert "Write to your coach" not in html
    response = person_client.post(URL, {"text": "Hello?"})
    assert response.status_code == 400
    assert "Your support has ended. You cannot send a message now." in response.content.decode()
    assert Message.objects.count() == 1


def test_a_supporter_with_messages_writes_for_the_person(person, coach, mother, episode):
    account = portal_account(
        person, invited_by=coach, supporter=mother, sections=[Section.MESSAGES]
    )
    client = signed_in(account)
    assert client.post(URL, {"text": "This is Maria. Please call me."}).status_code == 302
    message = Message.objects.get()
    assert message.from_person and message.author == account.user
    assert "You wrote on" in client.get(URL).content.decode()


def test_a_supporter_without_messages_is_refused(supporter_client, episode, coach):
    conversation.reply_to_person(episode, by=coach, text="Private answer")
    response = supporter_client.get(URL)
    assert response.status_code == 403
    assert "Private answer" not in response.content.decode()
    assert supporter_client.post(URL, {"text": "Hello"}).status_code == 403
    assert Message.objects.count() == 1


def test_another_persons_messages_are_never_shown(person_client, team, coach, episode):
    other = EpisodeFactory(team=team, worker=coach)
    conversation.reply_to_person(other, by=coach, text="Your forklift test is on Monday.")
    conversation.reply_to_person(episode, by=coach, text="See you at the café.")
    html = person_client.get(URL).content.decode()
    assert "forklift" not in html and "See you at the café." in html
    person_client.post(URL, {"text": "Mine"})
    assert Message.objects.get(text="Mine").episode == episode  # never the other's


def test_signed_out_and_staff_are_kept_out(client, coach):
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/my/sign-in/")
    client.force_login(coach)
    assert client.get(URL).status_code == 403


def test_the_look_is_on_the_persons_trail_on_the_portal_channel(person_client, person):
    person_client.get(URL)
    assert LogEntry.objects.filter(
        object_pk=str(person.pk),
        additional_data__channel="portal",
        additional_data__what="portal: Messages",
    ).exists()


def test_the_page_does_not_grow_with_the_conversation(
    person_client, person_account, episode, coach
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def grow(n):
        for i in range(n):
            conversation.send_message_from_person(episode, by=person_account.user, text=f"Q{i}")
            conversation.reply_to_person(episode, by=coach, text=f"A{i}")
        Message.objects.update(read_at=timezone.now())

    grow(2)
    with CaptureQueriesContext(connection) as small:
        person_client.get(URL)
    grow(20)
    with CaptureQueriesContext(connection) as large:
        html = person_client.get(URL).content.decode()
    assert html.count('id="message-') == 44
    assert len(small.captured_queries) == len(large.captured_queries)


def test_someone_never_supported_has_no_coach_yet(team, coach):
    from tests.factories import PersonFactory

    account = portal_account(PersonFactory(authority=team.authority), invited_by=coach)
    client = signed_in(account)
    assert "You do not have a coach yet." in client.get(URL).content.decode()
    assert client.post(URL, {"text": "Hello"}).status_code == 400
    assert not Message.objects.exists()


def test_the_oldest_message_is_first(person_client, person_account, episode, coach):
    first = conversation.send_message_from_person(episode, by=person_account.user, text="First")
    Message.objects.filter(pk=first.pk).update(sent_at=timezone.now() - dt.timedelta(days=1))
    conversation.reply_to_person(episode, by=coach, text="Second")
    html = person_client.get(URL).content.decode()
    assert html.index("First") < html.index("Second")
