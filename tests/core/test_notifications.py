"""Notifications: the list and the header count (each user's own only), opening and
clearing them, the email opt-outs, and email through the database task queue with its
worker, tried again when the mail server fails."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pathways.core import notifications
from pathways.core.models import EmailOptOut, Notification, Role
from pathways.core.notifications import notify
from tests.factories import staff

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
AT_ONCE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def sam(team):
    return staff(
        Role.EMPLOYMENT_SPECIALIST, team, email="sam@example.org", first_name="Sam", last_name="Ng"
    )


def make(user, n=1, **extra):
    return [
        Notification.objects.create(
            recipient=user, kind="allocated", text=f"Notice {i}", link="/", **extra
        )
        for i in range(n)
    ]


class TestNotify:
    pytestmark = pytest.mark.django_db

    def test_unknown_kinds_and_outside_links_are_refused(self, sam):
        with pytest.raises(ValueError, match="Unknown notification kind"):
            notify(sam, "surprise", "Hello.", "/")
        with pytest.raises(ValueError, match="path in the service"):
            notify(sam, "allocated", "Hello.", "https://elsewhere.example/")
        with pytest.raises(ValueError, match="path in the service"):
            notify(sam, "allocated", "Hello.", "//elsewhere.example/")
        with pytest.raises(ValueError, match="one short sentence"):
            notify(sam, "allocated", "x" * 201, "/")

    def test_an_inactive_account_is_not_told(self, sam):
        sam.is_active = False
        sam.save()
        assert notify(sam, "allocated", "You have a new case allocated.", "/") is None
        assert not Notification.objects.exists()

    def test_opting_out_stops_the_email_not_the_notice(
        self, sam, settings, django_capture_on_commit_callbacks
    ):
        settings.TASKS = AT_ONCE
        notifications.set_email_opt_outs(sam, {"allocated"})
        with django_capture_on_commit_callbacks(execute=True):
            notify(sam, "allocated", "You have a new case allocated.", "/episodes/1/")
            notify(sam, "digest", "Your work queue has 1 thing to do today.", "/")
        assert sam.notifications.count() == 2
        assert [m.subject for m in mail.outbox] == [
            "Employment support: Your work queue has 1 thing to do today."
        ]
        assert sam.notifications.get(kind="allocated").emailed_at is None

    def test_a_key_makes_a_notice_once_only(self, sam):
        assert notify(sam, "digest", "Today.", "/", key="digest:2026-01-05")
        assert notify(sam, "digest", "Today.", "/", key="digest:2026-01-05") is None
        assert notify(sam, "digest", "Today.", "/", key="digest:2026-01-06")
        assert sam.notifications.count() == 2

    def test_quietly_stores_notices_read_and_emails_nobody(
        self, sam, settings, django_capture_on_commit_callbacks
    ):
        settings.TASKS = AT_ONCE
        with django_capture_on_commit_callbacks(execute=True), notifications.quietly():
            notify(sam, "allocated", "You have a new case allocated.", "/")
        assert sam.notifications.get().read_at is not None
        assert mail.outbox == []


class TestPages:
    pytestmark = pytest.mark.django_db

    def test_the_header_counts_unread_for_the_signed_in_user(self, client, sam, coach):
        make(sam, 3)
        make(sam, 2, read_at=timezone.now())
        make(coach, 4)
        client.force_login(sam)
        page = client.get("/").content.decode()
        assert 'Notifications (3<span class="govuk-visually-hidden"> unread</span>)' in page
        client.logout()
        assert "Notifications (" not in client.get("/sign-in/").content.decode()

    def test_the_header_count_is_one_query(self, rf, sam):
        make(sam, 30)
        request = rf.get("/")
        request.user = sam
        with CaptureQueriesContext(connection) as queries:
            assert notifications.header(request) == {"unread_notifications": 30}
        assert len(queries) == 1

    def test_the_list_is_newest_first_25_a_page_in_the_same_number_of_queries(self, client, sam):
        client.force_login(sam)
        make(sam, 3)

        def count(page):
            with CaptureQueriesContext(connection) as queries:
                response = client.get("/notifications/", {"page": page})
            assert response.status_code == 200
            return len(queries), response.content.decode()

        few, _ = count(1)
        make(sam, 60)
        first, page = count(1)
        last, last_page = count(3)
        assert few == first == last
        assert page.index("Notice 59") < page.index("Notice 35")
        assert "Notice 34" not in page
        assert "Notice 0" in last_page and "Notice 2" in last_page
        assert "GOV.UK pagination for" not in page  # the include's comment stays a comment

    def test_nobody_sees_anothers_notifications(self, client, sam, coach):
        [theirs] = make(coach)
        theirs.text = "Coach's own notice"
        theirs.save()
        client.force_login(sam)
        assert "Coach&#x27;s own notice" not in client.get("/notifications/").content.decode()
        assert client.get(f"/notifications/{theirs.pk}/").status_code == 404
        assert client.get("/notifications/999999/").status_code == 404
        theirs.refresh_from_db()
        assert theirs.read_at is None

    def test_signed_out_visitors_are_sent_to_sign_in(self, client, sam):
        [notice] = make(sam)
        for url in ("/notifications/", f"/notifications/{notice.pk}/", "/notifications/settings/"):
            response = client.get(url)
            assert response.status_code == 302 and "/sign-in/" in response["Location"]

    def test_opening_one_marks_it_read_and_goes_to_its_page(self, client, sam):
        notice = Notification.objects.create(
            recipient=sam, kind="allocated", text="You have a new case allocated.", link="/people/"
        )
        client.force_login(sam)
        response = client.get(f"/notifications/{notice.pk}/")
        assert response.status_code == 302 and response["Location"] == "/people/"
        notice.refresh_from_db()
        assert notice.read_at is not None
        assert LogEntry.objects.filter(
            content_type__model="notification", object_pk=str(notice.pk), action=1
        ).exists()

    def test_mark_all_as_read(self, client, sam, coach):
        make(sam, 3)
        [theirs] = make(coach)
        client.force_login(sam)
        assert client.get("/notifications/read/").status_code == 405
        response = client.post("/notifications/read/", follow=True)
        assert "Your notifications are all marked as read." in response.content.decode()
        assert not sam.notifications.filter(read_at__isnull=True).exists()
        theirs.refresh_from_db()
        assert theirs.read_at is None
        assert LogEntry.objects.filter(
            actor=sam, additional_data__what="3 notifications marked as read"
        ).exists()

    def test_email_settings_opt_out_per_kind(self, client, sam):
        client.force_login(sam)
        page = client.get("/notifications/settings/").content.decode()
        assert "A case is allocated to you" in page and "Daily summary" in page
        every = [k.name for k in notifications.kinds()]
        # Every app's kinds are offered, once each (the count grows with the apps).
        assert {"allocated", "digest", "check_due"} <= set(every) and len(set(every)) == len(every)
        keep = [k for k in every if k != "digest"]
        response = client.post("/notifications/settings/", {"emails": keep}, follow=True)
        assert "Your email choices are saved." in response.content.decode()
        assert list(EmailOptOut.objects.filter(user=sam).values_list("kind", flat=True)) == [
            "digest"
        ]
        client.post("/notifications/settings/", {"emails": every})
        assert not EmailOptOut.objects.filter(user=sam).exists()
        assert LogEntry.objects.filter(content_type__model="emailoptout").count() == 2

    def test_an_unknown_kind_is_refused_on_the_field(self, client, sam):
        client.force_login(sam)
        response = client.post("/notifications/settings/", {"emails": ["surprise"]})
        assert response.status_code == 400
        assert "Select one of the options shown." in response.content.decode()


class FailingSMTP(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db(transaction=True)
class TestDatabaseQueue:
    """The production path: the email is a row in the task table when the action
    commits, and the worker (`pathways db_worker`) sends it."""

    @pytest.fixture(autouse=True)
    def _database_queue(self, settings):
        settings.TASKS = DATABASE_QUEUE

    def test_the_worker_sends_the_email_queued_on_commit(self, sam):
        with transaction.atomic():
            notice = notify(sam, "allocated", "You have a new case allocated.", "/episodes/7/")
            assert not DBTaskResult.objects.exists()  # nothing until the action commits
        [queued] = DBTaskResult.objects.all()
        assert queued.status == TaskResultStatus.READY
        assert mail.outbox == []
        run_worker()
        [email] = mail.outbox
        assert email.to == ["sam@example.org"]
        assert email.body.startswith("Hello Sam,\n\nYou have a new case allocated.")
        assert "Ng" not in email.body
        notice.refresh_from_db()
        assert notice.emailed_at is not None and notice.email_attempts == 1
        queued.refresh_from_db()
        assert queued.status == TaskResultStatus.SUCCESSFUL
        run_worker()  # nothing left to do
        assert len(mail.outbox) == 1

    def test_a_failing_mail_server_is_tried_again_later_and_recorded(self, sam, settings):
        settings.EMAIL_BACKEND = "tests.core.test_notifications.FailingSMTP"
        notice = notify(sam, "allocated", "You have a new case allocated.", "/episodes/7/")
        run_worker()
        notice.refresh_from_db()
        assert notice.emailed_at is None and notice.email_attempts == 1
        assert notice.email_error == "SMTPServerDisconnected: Connection unexpectedly closed"
        failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
        assert failed.exception_class_path == "pathways.core.notifications.EmailNotSent"
        retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
        wait = retry.run_after - timezone.now()
        assert dt.timedelta(seconds=30) < wait <= dt.timedelta(minutes=1)
        run_worker()  # too soon: the retry waits
        assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
        # The server is back; the time comes.
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        run_worker()
        notice.refresh_from_db()
        assert notice.emailed_at is not None and notice.email_attempts == 2
        assert notice.email_error == ""
        assert [m.to for m in mail.outbox] == [["sam@example.org"]]

    def test_the_email_is_given_up_after_the_last_attempt(self, sam, settings):
        settings.EMAIL_BACKEND = "tests.core.test_notifications.FailingSMTP"
        settings.PATHWAYS_NOTIFY_EMAIL_ATTEMPTS = 2
        notice = notify(sam, "allocated", "You have a new case allocated.", "/episodes/7/")
        for _ in range(3):
            DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
                run_after=timezone.now()
            )
            run_worker()
        notice.refresh_from_db()
        assert notice.email_attempts == 2 and notice.emailed_at is None
        assert "SMTPServerDisconnected" in notice.email_error
        assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 2
        assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()

    def test_opting_out_after_the_notice_stops_the_queued_email(self, sam):
        notice = notify(sam, "allocated", "You have a new case allocated.", "/episodes/7/")
        notifications.set_email_opt_outs(sam, {"allocated"})
        run_worker()
        assert mail.outbox == []
        notice.refresh_from_db()
        assert notice.emailed_at is None and notice.email_attempts == 0
