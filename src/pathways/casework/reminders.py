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

The task sends with the appointment's row locked, so two workers never send it twice,
and records each try on it (``reminder_attempts``). When the mail server fails, it
records the error (``reminder_error``), queues another try 1, 4, 16, 64 minutes later
(``core.notifications.retry_delay``), up to ``PATHWAYS_NOTIFY_EMAIL_ATTEMPTS`` tries,
and fails the run so the queue's result shows it. It tries no more once the appointment
is cancelled, moved to another time (the task carries the ``reminded_at`` it was queued
for: a moved appointment's new reminder is its own) or has started, which is also when
no retry is queued for a time after the start; ``reminder_retry_at`` says when it tries
again, and is none once it has given up, so the episode page can say the reminder could
not be sent.
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
from pathways.core.notifications import EmailNotSent, email_error, enqueue_email, retry_delay

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
            pk, claimed = fresh.pk, fresh.reminded_at.isoformat()
            transaction.on_commit(
                lambda pk=pk, to=addresses, claimed=claimed: send_reminder_email.enqueue(  # type: ignore[misc]
                    pk, to, claimed
                )
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


#: Why a reminder never tried went unsent (its page says so in its own words).
TOO_LATE = "Not tried: the appointment had started before the worker came to it."


def _attempt(appointment_id: int, addresses: list[str], claimed: str | None) -> tuple[str, int]:
    """Send the reminder once, recording the outcome; what happened and the tries."""
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("with_whom")
            .filter(pk=appointment_id)
            .first()
        )
        if appointment is None or appointment.status != Appointment.Status.BOOKED:
            return "not booked", 0
        attempts = appointment.reminder_attempts
        if appointment.reminded_at is None:
            return "moved", attempts  # its time changed: the reminder goes again for the new day
        if claimed is not None and appointment.reminded_at != dt.datetime.fromisoformat(claimed):
            return "moved", attempts  # moved, and its new day's reminder queued: that one goes
        if attempts and not appointment.reminder_error:
            return "already sent", attempts
        if attempts >= settings.PATHWAYS_NOTIFY_EMAIL_ATTEMPTS:
            return "given up", attempts  # a second copy of a task: the tries are used up
        now = timezone.now()
        if appointment.starts_at <= now:
            given_up = []
            if appointment.reminder_retry_at is not None:
                appointment.reminder_retry_at = None  # too late to remind
                given_up.append("reminder_retry_at")
            if not appointment.reminder_error:  # never tried: the worker was held up
                appointment.reminder_error = TOO_LATE
                given_up.append("reminder_error")
            if given_up:
                appointment.save(update_fields=given_up)
            return "started", attempts
        subject, body = reminder_email(appointment)
        appointment.reminder_attempts = attempts = attempts + 1
        fields = ["reminder_attempts", "reminder_error", "reminder_retry_at"]
        try:
            send_mail(subject, body, None, addresses)
        except Exception as exc:  # the mail server's every way of failing
            appointment.reminder_error = email_error(exc)
            retry_at = now + retry_delay(attempts)
            again = (
                attempts < settings.PATHWAYS_NOTIFY_EMAIL_ATTEMPTS
                and retry_at < appointment.starts_at
            )
            appointment.reminder_retry_at = retry_at if again else None
            appointment.save(update_fields=fields)
            return ("failed, again" if again else "failed"), attempts
        appointment.reminder_error = ""
        appointment.reminder_retry_at = None
        appointment.save(update_fields=fields)
        return "sent", attempts


@task()
def send_reminder_email(
    appointment_id: int, addresses: list[str], claimed: str | None = None
) -> str:
    """The task: email one reminder, unless the appointment was cancelled, moved or has
    started since it was queued (``claimed``: the ``reminded_at`` it was queued for).
    When the mail server fails, record the error, queue another try with a growing
    delay (up to ``PATHWAYS_NOTIFY_EMAIL_ATTEMPTS``, and none after the appointment
    starts) and fail this run, so the queue's result shows it too."""
    outcome, attempts = _attempt(appointment_id, addresses, claimed)
    if not outcome.startswith("failed"):
        return outcome
    if outcome == "failed, again":
        enqueue_email(
            send_reminder_email,
            appointment_id,
            addresses,
            claimed,
            delay=retry_delay(attempts),
        )
    raise EmailNotSent(
        f"Attempt {attempts} to email the reminder of appointment {appointment_id} failed."
    )
