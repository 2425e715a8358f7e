"""An appointment as an iCalendar file (RFC 5545), for "Add to my calendar".

Written here because no installed library writes iCalendar (uv.lock has neither
``icalendar`` nor ``vobject``), one event needs a few dozen lines, and the rules that
matter are few and tested: text values escaped (backslash, semicolon, comma, newline:
section 3.3.11), lines folded at 75 octets without splitting a UTF-8 character
(3.1), CRLF line ends, times in UTC (``...Z``).

The event keeps the appointment's ``uid`` for good and its SEQUENCE follows the
appointment's version, so a calendar that imports the file again replaces the old event
(moved, or marked cancelled) instead of adding a second one.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from pathways.casework.models import Appointment

#: Longest line in octets, not counting the CRLF (RFC 5545 section 3.1).
FOLD_AT = 75
PRODID = "-//Pathways//Appointments//EN"


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped; every line break as \\n."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded into lines of at most 75 octets, each continuation
    starting with a space, never splitting a UTF-8 character."""
    parts: list[str] = []
    current = ""
    size = 0
    limit = FOLD_AT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
            limit = FOLD_AT - 1  # the leading space takes one octet
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def domain() -> str:
    """The service's host name, which makes the UID unique worldwide."""
    base = settings.PATHWAYS_BASE_URL.split("://", 1)[-1]
    return base.split("/", 1)[0].split(":", 1)[0] or "pathways.invalid"


def summary_of(appointment: Appointment) -> str:
    """The event's title in plain words: what for, and with whom."""
    who = appointment.with_whom.get_full_name() or "your job coach"
    return f"{appointment.purpose} with {who}"


def appointment_ics(appointment: Appointment, *, now: dt.datetime | None = None) -> str:
    """The whole .ics file for one appointment."""
    status = "CANCELLED" if appointment.status == Appointment.Status.CANCELLED else "CONFIRMED"
    description = f"{appointment.purpose}.\nHow long: {appointment.minutes} minutes."
    if appointment.status == Appointment.Status.CANCELLED:
        description = f"Cancelled: {appointment.cancelled_reason}\n{description}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{appointment.uid}@{domain()}",
        f"DTSTAMP:{utc(now or timezone.now())}",
        f"DTSTART:{utc(appointment.starts_at)}",
        f"DTEND:{utc(appointment.ends_at)}",
        f"SEQUENCE:{appointment.version - 1}",
        f"STATUS:{status}",
        f"SUMMARY:{escape_text(summary_of(appointment))}",
        f"LOCATION:{escape_text(appointment.place)}",
        f"DESCRIPTION:{escape_text(description)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)


def file_name(appointment: Appointment) -> str:
    return f"appointment-{timezone.localtime(appointment.starts_at):%Y-%m-%d-%H%M}.ics"
