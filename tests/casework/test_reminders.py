"""The day-before reminder: sent to whoever wants one, once, and never for an
appointment cancelled, moved or in a closed episode; tried again when the mail server
fails, and shown to staff when it could not be sent."""

from __future__ import annotations

import datetime as dt
import json
import smtplib
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

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


def made_directly(coach, episode, starts_at: dt.datetime, **fields) -> Appointment:
    """An appointment written straight to the table (booking refuses a time already
    past or too soon), with the reminder fields given."""
    return Appointment.objects.create(
        episode=episode,
        starts_at=starts_at,
        minutes=30,
        place="Phone call",
        purpose="Check in",
        with_whom=coach,
        created_by=coach,
        **fields,
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


# --- When the mail server fails --------------------------------------------------------

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
FAILING = "tests.casework.test_reminders.FailingSMTP"
WORKING = "django.core.mail.backends.locmem.EmailBackend"


class FailingSMTP(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def waiting() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(status=TaskResultStatus.READY))


def run_retries_now() -> None:
    """The retries' time comes, and the worker runs them."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
    run_worker()


def reminded_by_worker(on: dt.date | None = None) -> None:
    """The daily run queues the reminders (on commit); the worker picks them up."""
    reminders.send_appointment_reminders(on or today(), to_sam)
    run_worker()


@pytest.mark.django_db(transaction=True)
class TestRetries:
    """The production path: the reminder is a row in the task table and the worker
    (`pathways db_worker`) sends it, or tries again."""

    @pytest.fixture(autouse=True)
    def _database_queue_and_a_failing_server(self, settings):
        settings.TASKS = DATABASE_QUEUE
        settings.EMAIL_BACKEND = FAILING
        settings.PATHWAYS_NOTIFY_EMAIL_ATTEMPTS = 3

    def test_a_failure_is_recorded_and_tried_again_later(self, tomorrow):
        reminded_by_worker()
        tomorrow.refresh_from_db()
        assert tomorrow.reminded_at is not None and tomorrow.reminder_attempts == 1
        assert tomorrow.reminder_error == "SMTPServerDisconnected: Connection unexpectedly closed"
        assert tomorrow.reminder_retrying and not tomorrow.reminder_failed
        failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
        assert failed.exception_class_path == "pathways.core.notifications.EmailNotSent"
        [retry] = waiting()
        wait = retry.run_after - timezone.now()
        assert dt.timedelta(seconds=30) < wait <= dt.timedelta(minutes=1)
        assert abs(retry.run_after - tomorrow.reminder_retry_at) < dt.timedelta(seconds=5)
        run_worker()  # too soon: the retry waits
        assert len(waiting()) == 1 and mail.outbox == []
        # The daily job run again queues nothing more: the reminder is on its way.
        assert reminders.send_appointment_reminders(today(), to_sam) == 0
        assert len(waiting()) == 1

    def test_a_success_after_a_failure_sends_exactly_one(self, tomorrow, settings):
        reminded_by_worker()
        settings.EMAIL_BACKEND = WORKING  # the server is back
        run_retries_now()
        run_retries_now()  # nothing left to do
        assert [m.to for m in mail.outbox] == [["sam@example.org"]]
        assert "tomorrow at 9:30am" in mail.outbox[0].subject
        tomorrow.refresh_from_db()
        assert tomorrow.reminder_attempts == 2 and tomorrow.reminder_error == ""
        assert tomorrow.reminder_retry_at is None
        assert not tomorrow.reminder_failed and not tomorrow.reminder_retrying
        assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1
        # The same try queued twice (two workers, a duplicate row) sends no second one.
        claimed = tomorrow.reminded_at.isoformat()
        assert (
            reminders.send_reminder_email.call(tomorrow.pk, ["sam@example.org"], claimed)
            == "already sent"
        )
        assert len(mail.outbox) == 1

    def test_the_tries_stop_at_the_limit(self, tomorrow):
        reminded_by_worker()
        for _ in range(4):
            run_retries_now()
        tomorrow.refresh_from_db()
        assert tomorrow.reminder_attempts == 3 and tomorrow.reminded_at is not None
        assert "SMTPServerDisconnected" in tomorrow.reminder_error
        assert tomorrow.reminder_failed and tomorrow.reminder_retry_at is None
        assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 3
        assert waiting() == [] and mail.outbox == []

    def test_no_retry_once_it_is_cancelled(self, coach, tomorrow, settings):
        reminded_by_worker()
        tomorrow.refresh_from_db()
        appointments.cancel_appointment(coach, tomorrow, expected_version=1, reason="Ill")
        settings.EMAIL_BACKEND = WORKING
        run_retries_now()
        assert mail.outbox == [] and waiting() == []
        tomorrow.refresh_from_db()
        assert tomorrow.reminder_attempts == 1
        assert DBTaskResult.objects.get(status=TaskResultStatus.SUCCESSFUL).return_value == (
            "not booked"
        )

    def test_no_retry_of_the_old_day_once_it_is_moved(self, coach, tomorrow, settings):
        reminded_by_worker()
        tomorrow.refresh_from_db()
        moved = appointments.change_appointment(
            coach, tomorrow, expected_version=1, starts_at=at(1, 15)
        )
        moved.refresh_from_db()
        # Moving starts its reminder afresh, with every try.
        assert moved.reminded_at is None and moved.reminder_attempts == 0
        assert moved.reminder_error == "" and moved.reminder_retry_at is None
        settings.EMAIL_BACKEND = WORKING
        # The new time's reminder is queued and sent before the old try comes round.
        reminded_by_worker()
        assert len(mail.outbox) == 1 and "tomorrow at 3:00pm" in mail.outbox[0].subject
        run_retries_now()  # the old try: the appointment moved since it was queued
        assert len(mail.outbox) == 1 and waiting() == []
        moved.refresh_from_db()
        assert moved.reminder_attempts == 1 and moved.reminder_error == ""
        returned = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL)
        assert sorted(r.return_value for r in returned) == ["moved", "sent"]

    def test_no_retry_once_it_has_started(self, tomorrow, settings):
        reminded_by_worker()
        # The worker was held up until after the start (made directly: it is a test).
        Appointment.objects.filter(pk=tomorrow.pk).update(
            starts_at=timezone.now() - dt.timedelta(minutes=5)
        )
        settings.EMAIL_BACKEND = WORKING
        run_retries_now()
        assert mail.outbox == [] and waiting() == []
        tomorrow.refresh_from_db()
        assert tomorrow.reminder_attempts == 1 and tomorrow.reminder_failed

    def test_no_retry_is_queued_for_after_the_start(self, coach, episode):
        soon = made_directly(
            coach, episode, timezone.now() + dt.timedelta(seconds=30), reminded_at=timezone.now()
        )
        reminders.send_reminder_email.enqueue(
            soon.pk, ["sam@example.org"], soon.reminded_at.isoformat()
        )
        run_worker()
        soon.refresh_from_db()
        assert soon.reminder_attempts == 1 and soon.reminder_failed
        assert waiting() == []


class TestEpisodePage:
    """Staff see, on the appointment, that its reminder could not be sent."""

    def reminder_of(self, client, coach, episode) -> str:
        client.force_login(coach)
        html = client.get(f"/episodes/{episode.pk}/").content.decode()
        start = html.index('<dt class="govuk-summary-list__key">Reminder</dt>')
        return html[start : html.index("</dd>", start)]

    def test_a_reminder_tried_again_says_so(self, client, coach, episode, tomorrow):
        retry_at = timezone.now() + dt.timedelta(minutes=4)
        Appointment.objects.filter(pk=tomorrow.pk).update(
            reminded_at=timezone.now(),
            reminder_attempts=2,
            reminder_error="SMTPServerDisconnected: Connection unexpectedly closed",
            reminder_retry_at=retry_at,
        )
        shown = self.reminder_of(client, coach, episode)
        assert '<strong class="govuk-tag govuk-tag--yellow">Reminder will be tried again' in shown
        assert f"tried again at {timezone.localtime(retry_at):%H:%M}" in shown
        assert "SMTP" not in shown  # the server's words are for the administrator

    def test_a_reminder_given_up_says_it_was_not_sent(self, client, coach, episode, tomorrow):
        Appointment.objects.filter(pk=tomorrow.pk).update(
            reminded_at=timezone.now(),
            reminder_attempts=5,
            reminder_error="SMTPServerDisconnected: Connection unexpectedly closed",
        )
        shown = self.reminder_of(client, coach, episode)
        assert '<strong class="govuk-tag govuk-tag--red">Reminder not sent</strong>' in shown
        assert "The email could not be delivered (5 tries)" in shown
        assert "Sent" not in shown

    def test_a_retry_the_start_overtook_says_it_was_not_sent(self, client, coach, episode):
        started = made_directly(  # it started an hour ago
            coach,
            episode,
            timezone.now() - dt.timedelta(hours=1),
            reminded_at=timezone.now() - dt.timedelta(days=1),
            reminder_attempts=1,
            reminder_error="SMTPServerDisconnected: Connection unexpectedly closed",
            reminder_retry_at=timezone.now() - dt.timedelta(hours=2),  # the worker was down
        )
        assert started.reminder_retrying
        shown = self.reminder_of(client, coach, episode)
        assert "Reminder not sent" in shown and "tried again" not in shown

    def test_a_reminder_sent_says_when(self, client, coach, episode, tomorrow):
        Appointment.objects.filter(pk=tomorrow.pk).update(
            reminded_at=timezone.now(), reminder_attempts=2
        )
        shown = self.reminder_of(client, coach, episode)
        assert f"Sent {timezone.localdate():%-d %B %Y}" in shown
        assert "not sent" not in shown.lower()


@pytest.mark.django_db(transaction=True)
class TestHeldUp:
    """The worker comes to a reminder late, or twice."""

    @pytest.fixture(autouse=True)
    def _database_queue(self, settings):
        settings.TASKS = DATABASE_QUEUE
        settings.EMAIL_BACKEND = WORKING
        settings.PATHWAYS_NOTIFY_EMAIL_ATTEMPTS = 3

    def test_a_first_try_after_the_start_is_not_sent_and_says_so(self, client, coach, tomorrow):
        reminders.send_appointment_reminders(today(), to_sam)  # queued; the worker is down
        Appointment.objects.filter(pk=tomorrow.pk).update(
            starts_at=timezone.now() - dt.timedelta(minutes=5)
        )
        run_worker()
        assert mail.outbox == []
        tomorrow.refresh_from_db()
        assert tomorrow.reminder_attempts == 0 and tomorrow.reminder_failed
        shown = TestEpisodePage().reminder_of(client, coach, tomorrow.episode)
        assert "Reminder not sent" in shown
        assert "It could not go before the appointment started." in shown
        assert "Sent" not in shown

    def test_a_second_copy_of_a_task_makes_no_try_beyond_the_limit(self, tomorrow, settings):
        Appointment.objects.filter(pk=tomorrow.pk).update(
            reminded_at=timezone.now(),
            reminder_attempts=3,
            reminder_error="SMTPServerDisconnected: Connection unexpectedly closed",
        )
        tomorrow.refresh_from_db()
        reminders.send_reminder_email.enqueue(
            tomorrow.pk, ["sam@example.org"], tomorrow.reminded_at.isoformat()
        )
        run_worker()
        assert mail.outbox == []
        tomorrow.refresh_from_db()
        assert tomorrow.reminder_attempts == 3


def test_a_reminder_queued_but_not_yet_tried_says_queued(client, coach, episode, tomorrow):
    Appointment.objects.filter(pk=tomorrow.pk).update(reminded_at=timezone.now())
    shown = TestEpisodePage().reminder_of(client, coach, episode)
    assert f"Queued {timezone.localdate():%-d %B %Y}: the email goes shortly" in shown
    assert "Sent" not in shown


def test_reminders_sent_before_tries_were_counted_show_as_sent_once_started(coach, episode):
    """Migration 0012: a past appointment's reminder, queued before 0011, counts as sent;
    one still to come is left for the worker (its email may still be on the queue)."""
    from importlib import import_module

    from django.apps import apps

    past = made_directly(
        coach,
        episode,
        timezone.now() - dt.timedelta(days=3),
        reminded_at=timezone.now() - dt.timedelta(days=4),
    )
    coming = book(coach, episode, at(2, 10))
    Appointment.objects.filter(pk=coming.pk).update(reminded_at=timezone.now())
    import_module("pathways.casework.migrations.0012_reminders_sent_before_retries").mark_sent(
        apps, None
    )
    past.refresh_from_db()
    coming.refresh_from_db()
    assert past.reminder_attempts == 1
    assert coming.reminder_attempts == 0
