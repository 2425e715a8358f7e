"""My appointments: the person's coming appointments in plain words, "Add to my
calendar", and the reminder email they can say yes or no to."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pathways.casework import appointments, reminders
from pathways.casework.models import Appointment
from pathways.people.models import Consent
from pathways.portal.models import Section
from tests.factories import EpisodeFactory, portal_account
from tests.portal.conftest import signed_in

pytestmark = pytest.mark.django_db

URL = "/my/appointments/"


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def book(coach, episode, days=3, hour=14, minute=30, **fields) -> Appointment:
    values = {
        "starts_at": at(days, hour, minute),
        "minutes": 45,
        "place": "Riverside Library, Main Street",
        "purpose": "Talk about your CV",
    } | fields
    return appointments.book_appointment(coach, episode, **values)


def calendar_url(appointment) -> str:
    return f"/my/appointments/{appointment.pk}/calendar.ics"


def portal_reads(person, outcome="allowed"):
    return LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        additional_data__person_id=person.pk,
        additional_data__channel="portal",
        additional_data__outcome=outcome,
    )


@pytest.fixture
def coach(team):
    from pathways.core.models import Role
    from tests.factories import staff

    return staff(
        Role.EMPLOYMENT_SPECIALIST,
        team,
        email="coach@example.org",
        first_name="Cara",
        last_name="Coach",
    )


class TestThePage:
    def test_the_person_sees_what_is_coming_in_plain_words(
        self, person_client, person, coach, episode
    ):
        appointment = book(coach, episode)
        html = person_client.get(URL).content.decode()
        day = timezone.localtime(appointment.starts_at)
        assert f"{day:%A} {day.day} {day:%B}" in html
        assert "At 2:30pm. It takes 45 minutes." in html
        assert "Where: Riverside Library, Main Street" in html
        assert "With: Cara Coach" in html
        assert "What for: Talk about your CV" in html
        assert calendar_url(appointment) in html
        assert portal_reads(person).filter(additional_data__what="portal: My appointments").exists()

    def test_tomorrow_is_called_tomorrow_and_a_cancelled_one_says_so(
        self, person_client, coach, episode
    ):
        book(coach, episode, days=1, hour=10, minute=0)
        cancelled = book(coach, episode, days=4)
        appointments.cancel_appointment(coach, cancelled, expected_version=1, reason="Ill")
        html = person_client.get(URL).content.decode()
        assert "Tomorrow" in html and "At 10am." in html
        assert "This is cancelled." in html

    def test_past_and_other_peoples_appointments_are_not_shown(
        self, person_client, coach, team, episode
    ):
        Appointment.objects.create(
            episode=episode,
            starts_at=at(-2, 10),
            minutes=30,
            place="Old place",
            purpose="Last week",
            with_whom=coach,
            created_by=coach,
        )
        other = EpisodeFactory(team=team, worker=coach)
        book(coach, other, purpose="Someone else's meeting")
        html = person_client.get(URL).content.decode()
        assert "Last week" not in html and "Someone else" not in html
        assert "You have no appointments yet." in html

    def test_once_support_ends_its_appointments_are_not_shown(self, person_client, coach, episode):
        from pathways.casework import services
        from pathways.core.models import Role
        from tests.factories import staff

        book(coach, episode)
        manager = staff(Role.TEAM_MANAGER, episode.team, email="boss@example.org")
        services.close_episode(manager, episode, reason="withdrew", on=timezone.localdate())
        html = person_client.get(URL).content.decode()
        assert "Talk about your CV" not in html
        assert "You have no appointments yet." in html

    def test_a_supporter_with_the_section_sees_the_persons_appointments(
        self, supporter_client, person, coach, episode
    ):
        book(coach, episode)
        html = supporter_client.get(URL).content.decode()
        assert f"{person.given_name}'s appointments" in html
        assert "Talk about your CV" in html

    def test_a_supporter_without_the_section_is_refused_and_it_is_audited(
        self, person, coach, mother, episode
    ):
        plan_only = portal_account(
            person, invited_by=coach, supporter=mother, sections=[Section.PLAN]
        )
        appointment = book(coach, episode)
        client = signed_in(plan_only)
        assert client.get(URL).status_code == 403
        assert client.get(calendar_url(appointment)).status_code == 403
        assert portal_reads(person, "denied").count() == 2

    def test_signed_out_is_sent_to_sign_in_and_staff_are_refused(self, coach):
        response = Client().get(URL)
        assert response.status_code == 302 and "/my/sign-in/" in response["Location"]
        staff_client = Client()
        staff_client.force_login(coach)
        assert staff_client.get(URL).status_code == 403

    def test_the_queries_do_not_grow_with_the_appointments(self, person_client, coach, episode):
        book(coach, episode, days=2)
        with CaptureQueriesContext(connection) as small:
            assert person_client.get(URL).status_code == 200
        for days in range(3, 9):
            book(coach, episode, days=days)
        with CaptureQueriesContext(connection) as large:
            html = person_client.get(URL).content.decode()
        assert html.count("Add to my calendar") == 7
        assert len(small.captured_queries) == len(large.captured_queries)


class TestCalendarFile:
    def test_the_person_downloads_their_own_and_it_is_audited(
        self, person_client, person, coach, episode
    ):
        appointment = book(coach, episode)
        response = person_client.get(calendar_url(appointment))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar"
        assert response["Content-Disposition"].startswith('attachment; filename="appointment-')
        body = response.content.decode()
        assert f"UID:{appointment.uid}@" in body
        assert "SUMMARY:Talk about your CV with Cara Coach" in body
        assert (
            portal_reads(person)
            .filter(additional_data__what="portal: My appointments: calendar file")
            .exists()
        )

    def test_another_persons_appointment_is_404(self, person_client, coach, team):
        other = book(coach, EpisodeFactory(team=team, worker=coach))
        response = person_client.get(calendar_url(other))
        assert response.status_code == 404
        assert b"VCALENDAR" not in response.content


class TestReminders:
    def test_saying_yes_then_no(self, person_client, person_account):
        response = person_client.post("/my/appointments/reminders/", {"wanted": "yes"})
        assert response.status_code == 302
        person_account.refresh_from_db()
        assert person_account.appointment_reminders is True
        html = person_client.get(response["Location"]).content.decode()
        assert "We will send you an email the day before." in html
        person_client.post("/my/appointments/reminders/", {"wanted": "no"})
        person_account.refresh_from_db()
        assert person_account.appointment_reminders is False

    def test_choosing_nothing_says_what_to_do(self, person_client, person_account):
        response = person_client.post("/my/appointments/reminders/", {})
        assert response.status_code == 400
        html = response.content.decode()
        assert "Choose yes or no" in html and 'href="#id_wanted_0"' in html

    def test_a_supporters_choice_is_their_own(
        self, supporter_client, supporter_account, person_account
    ):
        supporter_client.post("/my/appointments/reminders/", {"wanted": "yes"})
        supporter_account.refresh_from_db()
        person_account.refresh_from_db()
        assert supporter_account.appointment_reminders is True
        assert person_account.appointment_reminders is False


class TestRemindersGoToWhoSaidYes:
    @pytest.fixture
    def tomorrow(self, coach, episode):
        return book(coach, episode, days=1, hour=9, minute=30)

    def send(self, capture) -> int:
        with capture(execute=True):
            return reminders.send_due_reminders(timezone.localdate())

    @pytest.fixture(autouse=True)
    def _at_once(self, settings):
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }

    def test_the_person_and_a_supporter_who_said_yes_get_one_each(
        self,
        tomorrow,
        person_account,
        supporter_account,
        mailoutbox,
        django_capture_on_commit_callbacks,
    ):
        for account in (person_account, supporter_account):
            account.appointment_reminders = True
            account.save()
        assert self.send(django_capture_on_commit_callbacks) == 1
        [message] = mailoutbox
        assert sorted(message.to) == sorted(
            [person_account.user.email, supporter_account.user.email]
        )
        assert self.send(django_capture_on_commit_callbacks) == 0

    def test_nobody_who_said_no_ended_or_lost_consent_gets_one(
        self,
        tomorrow,
        person,
        coach,
        person_account,
        supporter_account,
        mailoutbox,
        django_capture_on_commit_callbacks,
    ):
        supporter_account.appointment_reminders = True
        supporter_account.save()
        Consent.objects.create(
            person=person,
            scope=Consent.Scope.SUPPORTER_PORTAL,
            given=False,
            given_on=timezone.localdate(),
            recorded_by=coach,
        )
        assert self.send(django_capture_on_commit_callbacks) == 0
        assert mailoutbox == []
        tomorrow.refresh_from_db()
        assert tomorrow.reminded_at is None


def test_the_home_page_says_when_the_next_appointment_is(person_client, coach, episode):
    book(coach, episode, days=1, hour=10, minute=0)
    html = person_client.get("/my/").content.decode()
    assert "Tomorrow at 10am: you see Cara Coach." in html
    assert "My appointments" in html


def test_only_the_accounts_own_user_changes_its_choice(person_account, supporter_account):
    from pathways.portal.reminders import set_appointment_reminders

    with pytest.raises(PermissionError):
        set_appointment_reminders(supporter_account.user, person_account, wanted=True)
    person_account.refresh_from_db()
    assert person_account.appointment_reminders is False
