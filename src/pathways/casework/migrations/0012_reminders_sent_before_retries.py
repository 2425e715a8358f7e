"""Reminders queued before tries were recorded (0011) count as sent once tried: those of
appointments that have started are marked as one try, so their page says "Sent" rather
than "Queued". Those still to come keep none, so that the worker, if their email is
still on the queue, sends it (a reminder already sent for them shows as queued until
then)."""

from django.db import migrations
from django.utils import timezone


def mark_sent(apps, schema_editor):
    Appointment = apps.get_model("casework", "Appointment")
    Appointment.objects.filter(
        reminded_at__isnull=False,
        reminder_attempts=0,
        reminder_error="",
        starts_at__lt=timezone.now(),
    ).update(reminder_attempts=1)


class Migration(migrations.Migration):
    dependencies = [("casework", "0011_reminder_attempts")]

    operations = [migrations.RunPython(mark_sent, migrations.RunPython.noop)]
