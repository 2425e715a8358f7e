"""The demo's appointments: today's shows in "My work", tomorrow's can be reminded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pathways.casework.models import Appointment
from pathways.casework.selectors import appointments_needing_reminder
from pathways.workspace.demo_portal_appointments import load_appointments
from tests.factories import EpisodeFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_open_demo_episodes_get_appointments_today_and_tomorrow(client, team, coach):
    today = timezone.localdate()
    for n in range(3):
        EpisodeFactory(
            team=team,
            worker=coach,
            person=PersonFactory(authority=team.authority, is_demo=True),
            started_on=today - dt.timedelta(days=30 + n),
        )
    EpisodeFactory(team=team, worker=coach, started_on=today)  # not a demo person
    assert load_appointments(today) == 6
    assert Appointment.objects.filter(episode__person__is_demo=False).count() == 0
    assert appointments_needing_reminder(today).count() == 2
    client.force_login(coach)
    assert "Appointment today" in client.get("/").content.decode()
