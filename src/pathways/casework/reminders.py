"""The day-before email reminder of an appointment, for people who want one.

Who wants one, and at which address, is not casework's to know: the person's portal
account holds that preference. ``send_appointment_reminders(on, recipients_for)`` takes
a callable that gives the addresses for an appointment (none: no reminder), and the app
that knows registers it when Django starts (``reminder_recipients``), as the work
queue's kinds are registered; ``pathways daily`` calls ``send_due_reminders``.

Each reminder is recorded on the appointment (``reminded_at``) in the transaction that
queues its email, which is sent on commit by a django-tasks task on the database queue
(``pathways db_worker``), as notifications are (``core.notifications``): running the
day's job twice, or at the same time, sends nobody a second reminder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from pathways.casework.models import Appointment
from pathways.casework.selectors import appointments_needing_reminder, day_bounds

Recipients = Callable[[Appointment], Sequence[str]]


def _nobody(_appointment: Appointment) -> Sequence[str]:
    return ()


_recipients: list[Recipients] = [_nobody]


def reminder_recipients(recipients_for: Recipients) -> Recipients:
    """Register who is reminded of an appointment (from a higher app's
    ``AppConfig.ready``); the last registered wins."""
    _recipients[0] = recipients_for
    return recipients_for


def registered_recipients() -> Recipients:
    return _recipients[0]


def send_appointment_reminders(on: dt.date, recipients_for: Recipients) -> int:
    """Remind, by email, of each booked appointment on the day after ``on`` whose
    reminder is not yet sent, those ``recipients_for`` names. How many were reminded."""
    sent = 0
    start, end = day_bounds(on + dt.timedelta(days=1))
    for appointment in appointments_needing_reminder(on):
        addresses = sorted({a.strip() for a in recipients_for(appointment) if a.strip()})
        if not addresses:
            continue  # nobody wants one (yet): a later run may still send it
        with transaction.atomic():
            fresh = (
                Appointment.objects.select_for_update()
                .filter(
                    pk=appointment.pk,
                    status=Appointment.Status.BOOKED,
                    reminded_at__isnull=True,
                    starts_at__gte=start,
                    starts_at__lt=end,
                )
                .first()
            )
            if fresh is None:
                continue  # sent by a run at the same time, or moved or cancelled since
            fresh.episode = appointment.episode  # the audit entry reads the person from it
            fresh.reminded_at = timezone.now()
            fresh.save(update_fields=["reminded_at"])
            pk = fresh.pk
            transaction.on_commit(
                lambda pk=pk, to=addresses: send_reminder_email.enqueue(pk, to)  # type: ignore[misc]
            )
        sent += 1
    return sent


def send_due_reminders(on: dt.date) -> int:
    """The daily run's step: ``send_appointment_reminders`` to whoever is registered."""
    return send_appointment_reminders(on, registered_recipients())


def reminder_email(appointment: Appointment) -> tuple[str, str]:
    """The subject and body, in plain words: the day, time, place, who and what for."""
    local = timezone.localtime(appointment.starts_at)
    who = appointment.with_whom.get_full_name() or "your job coach"
    when = f"{local:%A %-d %B} at {local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")
    subject = f"Reminder: appointment tomorrow at {local:%-I:%M%p}".replace("AM", "am").replace(
        "PM", "pm"
    )
    body = (
        "Hello,\n\n"
        "This is a reminder about an appointment tomorrow.\n\n"
        f"When: {when}\n"
        f"Where: {appointment.place}\n"
        f"Who with: {who}\n"
        f"What for: {appointment.purpose}\n\n"
        "If you cannot come, please tell the job coach.\n\n"
        f"{settings.PATHWAYS_SERVICE_NAME}\n"
    )
    return subject, body


@task()
def send_reminder_email(appointment_id: int, addresses: list[str]) -> str:
    """The task: email one reminder, unless the appointment was cancelled or moved
    since it was queued."""
    appointment = Appointment.objects.select_related("with_whom").filter(pk=appointment_id).first()
    if appointment is None or appointment.status != Appointment.Status.BOOKED:
        return "not booked"
    if appointment.reminded_at is None:
        return "moved"  # its time changed: the reminder goes again for the new day
    subject, body = reminder_email(appointment)
    send_mail(subject, body, None, addresses)
    return "sent"
