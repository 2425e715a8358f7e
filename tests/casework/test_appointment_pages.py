"""Appointments on the episode page, in "My work" and as a calendar file."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pathways.casework import appointments
from pathways.casework.models import Appointment
from pathways.core.audit import person_trail
from pathways.core.models import Role
from tests.factories import EpisodeFactory, PersonFactory, staff

pytestmark = pytest.mark.django_db


def day(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day(days), dt.time(hour, minute)))


@pytest.fixture
def episode(team, coach):
    person = PersonFactory(authority=team.authority, given_name="Sam", family_name="Patel")
    return EpisodeFactory(team=team, worker=coach, person=person, started_on=day(-40))


@pytest.fixture
def stranger(other_team):
    return staff(Role.EMPLOYMENT_SPECIALIST, other_team, email="stranger@example.org")


def book(coach, episode, days=3, hour=10) -> Appointment:
    return appointments.book_appointment(
        coach,
        episode,
        starts_at=at(days, hour),
        minutes=60,
        place="Riverside Library",
        purpose="Talk about your CV",
    )


def form_data(prefix: str, when: dt.date, **overrides: str) -> dict[str, str]:
    data = {
        "starts_at_0": str(when.day),
        "starts_at_1": str(when.month),
        "starts_at_2": str(when.year),
        "time": "2:30pm",
        "minutes": "45",
        "place": "Riverside Library, Main Street",
        "purpose": "Practise for the interview",
    }
    data |= overrides
    return {f"{prefix}-{k}": v for k, v in data.items()}


def episode_url(episode, action=""):
    return f"/episodes/{episode.pk}/{action}"


class TestBooking:
    def test_the_coach_books_one_with_themself_by_default(self, client, coach, episode):
        client.force_login(coach)
        data = form_data("appointment", day(5), with_whom=str(coach.pk))
        response = client.post(episode_url(episode, "appointments/new/"), data)
        assert response.status_code == 302
        assert response["Location"].endswith("#appointments")
        appointment = Appointment.objects.get()
        local = timezone.localtime(appointment.starts_at)
        assert (local.date(), local.hour, local.minute) == (day(5), 14, 30)
        assert appointment.with_whom == coach and appointment.minutes == 45
        html = client.get(response["Location"]).content.decode()
        assert "Appointment booked for" in html
        assert "Practise for the interview" in html

    def test_the_form_names_what_is_missing(self, client, coach, episode):
        client.force_login(coach)
        data = form_data("appointment", day(5), place="", time="25:00", with_whom=str(coach.pk))
        response = client.post(episode_url(episode, "appointments/new/"), data)
        assert response.status_code == 400
        html = response.content.decode()
        assert "Enter where the appointment is" in html
        assert "Enter the time like 14:30 or 2:30pm" in html
        assert not Appointment.objects.exists()

    def test_a_day_in_the_past_is_refused_on_the_date(self, client, coach, episode):
        client.force_login(coach)
        data = form_data("appointment", day(-1), with_whom=str(coach.pk))
        response = client.post(episode_url(episode, "appointments/new/"), data)
        assert response.status_code == 400
        assert "The appointment must be in the future" in response.content.decode()

    def test_someone_outside_the_team_is_not_offered(self, client, coach, stranger, episode):
        client.force_login(coach)
        data = form_data("appointment", day(5), with_whom=str(stranger.pk))
        response = client.post(episode_url(episode, "appointments/new/"), data)
        assert response.status_code == 400
        assert "worker or someone in their team" in response.content.decode()

    def test_a_reader_who_does_not_work_the_episode_is_refused(self, client, intake, episode):
        client.force_login(intake)
        data = form_data("appointment", day(5), with_whom="1")
        response = client.post(episode_url(episode, "appointments/new/"), data)
        assert response.status_code == 403
        assert not Appointment.objects.exists()
        html = client.get(episode_url(episode)).content.decode()
        assert "Book an appointment" not in html

    def test_another_teams_coach_gets_404(self, client, stranger, episode):
        client.force_login(stranger)
        data = form_data("appointment", day(5), with_whom=str(stranger.pk))
        assert client.post(episode_url(episode, "appointments/new/"), data).status_code == 404


class TestChangingAndCancelling:
    def test_change_moves_it(self, client, coach, episode):
        appointment = book(coach, episode)
        client.force_login(coach)
        data = form_data(
            f"appointment-{appointment.pk}", day(6), with_whom=str(coach.pk), version="1"
        )
        url = episode_url(episode, f"appointments/{appointment.pk}/change/")
        assert client.post(url, data).status_code == 302
        appointment.refresh_from_db()
        assert timezone.localtime(appointment.starts_at).date() == day(6)
        assert appointment.version == 2

    def test_a_change_made_meanwhile_is_not_overwritten(self, client, coach, manager, episode):
        appointment = book(coach, episode)
        appointments.change_appointment(manager, appointment, expected_version=1, minutes=30)
        client.force_login(coach)
        data = form_data(
            f"appointment-{appointment.pk}", day(6), with_whom=str(coach.pk), version="1"
        )
        url = episode_url(episode, f"appointments/{appointment.pk}/change/")
        response = client.post(url, data)
        assert response.status_code == 409
        assert "Someone else changed this appointment" in response.content.decode()
        appointment.refresh_from_db()
        assert appointment.minutes == 30

    def test_cancel_with_a_reason(self, client, coach, episode):
        appointment = book(coach, episode)
        client.force_login(coach)
        url = episode_url(episode, f"appointments/{appointment.pk}/cancel/")
        prefix = f"cancel-{appointment.pk}"
        response = client.post(url, {f"{prefix}-reason": "", f"{prefix}-version": "1"})
        assert response.status_code == 400
        assert "Enter why the appointment is cancelled" in response.content.decode()
        response = client.post(url, {f"{prefix}-reason": "Sam is ill", f"{prefix}-version": "1"})
        assert response.status_code == 302
        appointment.refresh_from_db()
        assert appointment.status == Appointment.Status.CANCELLED
        html = client.get(episode_url(episode)).content.decode()
        assert "No appointments booked." in html

    def test_an_appointment_of_another_episode_is_404(self, client, coach, team, episode):
        other = book(coach, EpisodeFactory(team=team, worker=coach, started_on=day(-5)))
        client.force_login(coach)
        url = episode_url(episode, f"appointments/{other.pk}/cancel/")
        prefix = f"cancel-{other.pk}"
        response = client.post(url, {f"{prefix}-reason": "x", f"{prefix}-version": "1"})
        assert response.status_code == 404


class TestCalendarFile:
    def test_the_coach_downloads_it_and_it_is_audited(self, client, coach, episode):
        appointment = book(coach, episode)
        client.force_login(coach)
        response = client.get(f"/appointments/{appointment.pk}/calendar.ics")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar"
        assert response["Content-Disposition"].startswith("attachment;")
        assert f"UID:{appointment.uid}@" in response.content.decode()
        entry = person_trail(episode.person).first()
        assert entry.actor == coach and entry.additional_data["outcome"] == "allowed"
        assert "appointment calendar file" in entry.additional_data["what"]

    def test_another_teams_coach_gets_404_and_it_is_audited(self, client, coach, stranger, episode):
        appointment = book(coach, episode)
        client.force_login(stranger)
        response = client.get(f"/appointments/{appointment.pk}/calendar.ics")
        assert response.status_code == 404
        assert b"VCALENDAR" not in response.content
        refused = person_trail(episode.person).first()
        assert refused.actor == stranger and refused.additional_data["outcome"] == "denied"


def count_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response.content.decode()


def test_the_episode_page_does_not_grow_with_appointments(client, coach, episode):
    client.force_login(coach)
    book(coach, episode, days=2)
    small, html = count_queries(client, episode_url(episode))
    assert html.count("Download calendar file") == 1
    for days in range(3, 9):
        book(coach, episode, days=days)
    large, html = count_queries(client, episode_url(episode))
    assert html.count("Download calendar file") == 7
    assert small == large, f"{small} queries for 1 appointment, {large} for 7"


def today_at(hour: int, episode, coach) -> Appointment:
    """An appointment today (made directly: the hour may already have passed)."""
    return Appointment.objects.create(
        episode=episode,
        starts_at=at(0, hour),
        minutes=30,
        place="Phone call",
        purpose="Check in",
        with_whom=coach,
        created_by=coach,
    )


def test_my_work_lists_todays_appointments_in_one_query(client, coach, team, episode):
    client.force_login(coach)
    today_at(11, episode, coach)
    book(coach, episode, days=1)  # tomorrow: not today's work
    small, html = count_queries(client, "/")
    assert html.count("Appointment today") == 1
    assert "11:00 at Phone call: Check in" in html
    for _ in range(4):
        today_at(15, EpisodeFactory(team=team, worker=coach, started_on=day(-5)), coach)
    large, html = count_queries(client, "/")
    assert html.count("Appointment today") == 5
    assert small == large, f"My work: {small} queries for 1 appointment, {large} for 5"


def test_marking_done_once_it_has_started(client, coach, episode):
    started = today_at(0, episode, coach)
    coming = book(coach, episode, days=2)
    client.force_login(coach)
    html = client.get(episode_url(episode)).content.decode()
    assert "Not marked as done" in html
    url = episode_url(episode, f"appointments/{coming.pk}/done/")
    response = client.post(url, {f"done-{coming.pk}-version": "1"})
    assert response.status_code == 400
    assert "This appointment has not started yet." in response.content.decode()
    url = episode_url(episode, f"appointments/{started.pk}/done/")
    assert client.post(url, {f"done-{started.pk}-version": "1"}).status_code == 302
    started.refresh_from_db()
    assert started.status == Appointment.Status.DONE
