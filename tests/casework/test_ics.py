"""The calendar file of an appointment, parsed back as a calendar would read it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pathways.casework import appointments, ics
from pathways.core.models import Role
from tests.factories import staff

pytestmark = pytest.mark.django_db


def parse(text: str) -> dict[str, str]:
    """The VEVENT's properties, unfolded and unescaped (RFC 5545 sections 3.1, 3.3.11)."""
    assert text.endswith("\r\n")
    raw = text[:-2].split("\r\n")
    for line in raw:
        assert "\n" not in line and "\r" not in line
        assert len(line.encode("utf-8")) <= 75, line
    lines: list[str] = []
    for line in raw:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    event = lines[lines.index("BEGIN:VEVENT") + 1 : lines.index("END:VEVENT")]
    out = {}
    for line in event:
        name, value = line.split(":", 1)
        out[name] = unescape(value)
    return out


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            nxt = next(chars)
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(char)
    return "".join(out)


def at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def coach(team):
    return staff(
        Role.EMPLOYMENT_SPECIALIST,
        team,
        email="cara@example.org",
        first_name="Cara",
        last_name="Coach",
    )


@pytest.fixture
def appointment(coach, episode):
    episode.worker = coach
    episode.save()
    return appointments.book_appointment(
        coach,
        episode,
        starts_at=at(5, 14),
        minutes=90,
        place="Riverside Library, Main Street; room 2",
        purpose="Talk about your CV",
    )


def test_the_event_reads_back(appointment):
    event = parse(ics.appointment_ics(appointment))
    assert event["SUMMARY"] == "Talk about your CV with Cara Coach"
    assert event["LOCATION"] == "Riverside Library, Main Street; room 2"
    assert event["STATUS"] == "CONFIRMED"
    assert event["SEQUENCE"] == "0"
    start = dt.datetime.strptime(event["DTSTART"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    end = dt.datetime.strptime(event["DTEND"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    assert start == appointment.starts_at and end - start == dt.timedelta(minutes=90)


def test_commas_semicolons_backslashes_and_new_lines_are_escaped(coach, appointment):
    appointment = appointments.change_appointment(
        coach, appointment, expected_version=1, place="Flat 2, 10 High St; back door \\ bell"
    )
    text = ics.appointment_ics(appointment)
    assert "LOCATION:Flat 2\\, 10 High St\\; back door \\\\ bell\r\n" in text
    appointment = appointments.cancel_appointment(
        coach, appointment, expected_version=2, reason="Sam is ill.\nRebook next week"
    )
    event = parse(ics.appointment_ics(appointment))
    assert event["LOCATION"] == "Flat 2, 10 High St; back door \\ bell"
    assert event["DESCRIPTION"].startswith("Cancelled: Sam is ill. Rebook next week\n")


def test_long_lines_fold_at_75_octets_without_splitting_a_character(coach, appointment):
    place = "Café Ümlaut, " * 12 + "the room at the back"
    appointment = appointments.change_appointment(
        coach, appointment, expected_version=1, place=place
    )
    text = ics.appointment_ics(appointment)
    assert "\r\n " in text  # it was folded
    assert parse(text)["LOCATION"] == place.strip()


def test_fold_counts_octets():
    folded = ics.fold("X:" + "é" * 80)
    pieces = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert "".join(p[1:] if i else p for i, p in enumerate(pieces)) == "X:" + "é" * 80


def test_the_uid_stays_and_the_sequence_follows_changes(coach, appointment):
    first = parse(ics.appointment_ics(appointment))
    appointment = appointments.change_appointment(
        coach, appointment, expected_version=1, starts_at=at(6, 9)
    )
    second = parse(ics.appointment_ics(appointment))
    assert first["UID"] == second["UID"] and first["UID"].startswith(str(appointment.uid))
    assert second["SEQUENCE"] == "1"
    appointment = appointments.cancel_appointment(
        coach, appointment, expected_version=2, reason="Moved away"
    )
    third = parse(ics.appointment_ics(appointment))
    assert third["UID"] == first["UID"]
    assert third["STATUS"] == "CANCELLED" and third["SEQUENCE"] == "2"
