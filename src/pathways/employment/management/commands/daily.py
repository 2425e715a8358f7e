"""``pathways daily``: the jobs a scheduler runs once a day.

It records the 13/26/52-week milestones reached by the date (each once, so running it
twice, or catching up after missed days, is safe), tells workers of the post-start
checks and milestones that fell due and sends each worker with something due a summary
of their work queue (each once per item and day: ``core.notifications``), emails the
reminders of tomorrow's appointments to whoever wants them (each once:
``casework.reminders``), counts
the day's work queue by kind, so an operator sees the overdue flags at a glance, and
deletes what is kept no longer (decision 0058): finished upload runs older than
``PATHWAYS_IMPORT_RUN_KEEP_DAYS`` (``core.import_tasks``) and help requests set aside
as not real longer ago than ``PATHWAYS_HELP_REQUEST_SET_ASIDE_KEEP_DAYS``
(``referrals.help_requests``). The queue itself is worked out when it is read, so
there is nothing else to store.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pathways.casework.notices import send_digests
from pathways.casework.queue import kinds
from pathways.casework.reminders import send_due_reminders
from pathways.casework.selectors import work_queue
from pathways.core.command_options import date_option
from pathways.core.import_tasks import purge_finished_runs
from pathways.employment.notices import notify_due
from pathways.employment.services import find_milestones
from pathways.referrals.help_requests import purge_set_aside


class Command(BaseCommand):
    help = (
        "Run the daily jobs for a date: find milestones reached, tell workers what fell "
        "due, count what is due, delete what is kept no longer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", help="date, YYYY-MM-DD (default today)")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        on = date_option(options["on"])
        found = find_milestones(on)
        items = work_queue(None, on)
        told = notify_due(on)
        digests = send_digests(on, items)
        reminders = send_due_reminders(on)
        due = Counter(item.kind for item in items)
        overdue = Counter(item.kind for item in items if item.overdue)
        deleted = {
            "import_runs": purge_finished_runs(on),
            "help_requests_set_aside": purge_set_aside(on),
        }
        summary: dict[str, Any] = {
            "on": on.isoformat(),
            "milestones_found": len(found),
            "notifications": {"due_items": told, "digests": digests},
            "appointment_reminders": reminders,
            "queue": {k: {"due": due[k], "overdue": overdue[k]} for k in kinds()},
            "deleted": deleted,
        }
        if options["format"] == "json":
            self.stdout.write(json.dumps(summary, indent=2))
            return
        self.stdout.write(f"Daily run for {summary['on']}: {len(found)} milestones found.")
        self.stdout.write(
            f"Notifications: {told} about checks and milestones due, {digests} daily summaries."
        )
        self.stdout.write(f"Appointment reminders: {reminders} sent.")
        self.stdout.write(
            f"Deleted, kept long enough: finished upload runs {deleted['import_runs']}, "
            f"help requests set aside as not real {deleted['help_requests_set_aside']}."
        )
        for name, counts in summary["queue"].items():
            self.stdout.write(f"  {name}: {counts['due']} due, {counts['overdue']} overdue")
