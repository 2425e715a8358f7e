"""The demo's appointments: today's shows in "My work", tomorrow's can be reminded, and
the portal's demo people see theirs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pathways.casework.models import Appointment
from pathways.casework.selectors import appointments_needing_reminder
from pathways.portal import demo_appointments
from tests.factories import EpisodeFactory, PersonFactory

pytestmark = pytest.mark.django_db


def demo_episode(team, coach, days_ago: int):
    return EpisodeFactory(
        team=team,
        worker=coach,
        person=PersonFactory(authority=team.authority, is_demo=True),
        started_on=timezone.localdate() - dt.timedelta(days=days_ago),
    )


def test_open_demo_episodes_get_appointments_today_and_tomorrow(client, team, coach):
    today = timezone.localdate()
    for n in range(3):
        demo_episode(team, coach, 30 + n)
    EpisodeFactory(team=team, worker=coach, started_on=today)  # not a demo person
    assert demo_appointments.load_appointments(today) == 6
    assert not Appointment.objects.filter(episode__person__is_demo=False).exists()
    assert appointments_needing_reminder(today).count() == 2
    client.force_login(coach)
    assert "Appointment today" in client.get("/").content.decode()


def test_the_portal_people_come_first_and_ask_for_reminders(team, coach, person_account):
    person_account.person.is_demo = True
    person_account.person.save()
    for n in range(20):
        demo_episode(team, coach, 10 + n)
    demo_appointments.load({"looking": person_account}, timezone.localdate())
    assert Appointment.objects.filter(episode__person=person_account.person).count() == 2
    assert Appointment.objects.count() == 2 * demo_appointments.PEOPLE
    person_account.refresh_from_db()
    assert person_account.appointment_reminders is True
