"""The day-before reminder: sent to whoever wants one, once, and never for an
appointment cancelled, moved or in a closed episode."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from pathways.casework import appointments, reminders, services
from pathways.casework.models import Appointment
from pathways.casework.selectors import appointments_needing_reminder
from tests.factories import EpisodeFactory

pytestmark = pytest.mark.django_db

AT_ONCE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _tasks_at_once(settings):
    settings.TASKS = AT_ONCE


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """``send_appointment_reminders``, its emails sent as its transactions commit."""

    def run(on: dt.date, recipients_for) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.send_appointment_reminders(on, recipients_for)

    return run


def today() -> dt.date:
    return timezone.localdate()


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = today() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def book(coach, episode, starts_at, purpose="Talk about your CV") -> Appointment:
    return appointments.book_appointment(
        coach,
        episode,
        starts_at=starts_at,
        minutes=60,
        place="Riverside Library",
        purpose=purpose,
    )


def to_sam(_appointment: Appointment) -> list[str]:
    return ["sam@example.org"]


@pytest.fixture
def tomorrow(coach, episode):
    return book(coach, episode, at(1, 9, 30))


def test_only_tomorrows_booked_appointments_need_a_reminder(coach, episode, tomorrow):
    book(coach, episode, at(2, 9))  # the day after: not yet
    cancelled = book(coach, episode, at(1, 15))
    appointments.cancel_appointment(coach, cancelled, expected_version=1, reason="Ill")
    late = book(coach, episode, at(1, 23, 59))
    assert list(appointments_needing_reminder(today())) == [tomorrow, late]


def test_a_reminder_is_sent_once(tomorrow, mailoutbox, remind):
    assert remind(today(), to_sam) == 1
    assert remind(today(), to_sam) == 0
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["sam@example.org"]
    assert "tomorrow at 9:30am" in message.subject
    assert "Where: Riverside Library" in message.body
    assert "What for: Talk about your CV" in message.body
    tomorrow.refresh_from_db()
    assert tomorrow.reminded_at is not None


def test_nobody_wanting_one_sends_none_and_records_none(tomorrow, mailoutbox, remind):
    assert remind(today(), lambda a: []) == 0
    tomorrow.refresh_from_db()
    assert tomorrow.reminded_at is None and mailoutbox == []
    # Someone who says yes later that day still gets it.
    assert remind(today(), to_sam) == 1


def test_a_moved_appointment_is_reminded_again_for_its_new_day(coach, tomorrow, mailoutbox, remind):
    remind(today(), to_sam)
    tomorrow.refresh_from_db()
    appointments.change_appointment(coach, tomorrow, expected_version=1, starts_at=at(3, 11))
    assert remind(today(), to_sam) == 0
    assert remind(today() + dt.timedelta(days=2), to_sam) == 1
    assert len(mailoutbox) == 2


def test_a_closed_episode_has_no_reminders(manager, episode, tomorrow, mailoutbox, remind):
    services.close_episode(manager, episode, reason="withdrew", on=today())
    assert remind(today(), to_sam) == 0
    assert mailoutbox == []


def test_a_reminder_cancelled_before_the_email_goes_is_not_sent(coach, tomorrow, settings, remind):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    remind(today(), to_sam)
    tomorrow.refresh_from_db()
    appointments.cancel_appointment(coach, tomorrow, expected_version=1, reason="Ill")
    assert reminders.send_reminder_email.call(tomorrow.pk, ["sam@example.org"]) == "not booked"
    assert mail.outbox == []


def test_finding_them_is_one_query_with_what_the_recipients_read(
    coach, team, django_assert_num_queries, remind
):
    for _ in range(3):
        book(coach, EpisodeFactory(team=team, worker=coach, started_on=today()), at(1, 10))
    seen = []

    def recipients(appointment: Appointment) -> list[str]:
        seen.append((appointment.episode.person.person_ref, appointment.with_whom.email))
        return []

    with django_assert_num_queries(1):
        assert remind(today(), recipients) == 0
    assert len(seen) == 3


def test_the_daily_run_sends_to_whoever_is_registered(
    tomorrow, mailoutbox, django_capture_on_commit_callbacks
):
    previous = reminders.registered_recipients()
    reminders.reminder_recipients(to_sam)
    try:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("daily", "--format", "json", stdout=out)
        assert json.loads(out.getvalue())["appointment_reminders"] == 1
    finally:
        reminders.reminder_recipients(previous)
    reminded = [m for m in mailoutbox if "sam@example.org" in m.to]
    assert len(reminded) == 1 and "Reminder" in reminded[0].subject


def test_nobody_who_asked_for_reminders_means_none_sent(tomorrow, mailoutbox):
    assert reminders.send_due_reminders(today()) == 0
    assert mailoutbox == []
