"""``pathways queue``: the work queue for a date, as the "My work" page shows it."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pathways.casework.queue import kinds
from pathways.casework.selectors import work_queue
from pathways.core import audit
from pathways.core.command_options import date_option, staff_option
from pathways.core.models import Team, User


class Command(BaseCommand):
    help = (
        "List what is due or overdue on a date: "
        + ", ".join(kinds())
        + ". With --as, only what that staff member may see."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--team", help="team code")
        parser.add_argument("--worker", help="staff email")
        parser.add_argument("--on", help="date, YYYY-MM-DD (default today)")
        parser.add_argument("--as", dest="as_email", help="staff member whose access applies")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        on = date_option(options["on"])
        viewer = staff_option(options["as_email"])
        team = worker = None
        if options["team"]:
            team = Team.objects.filter(code=options["team"]).first()
            if team is None:
                raise CommandError(f"No team has the code {options['team']}")
        if options["worker"]:
            worker = User.objects.filter(email__iexact=options["worker"]).first()
            if worker is None:
                raise CommandError(f"No staff member has the email {options['worker']}")
        items = work_queue(viewer, on, team=team, worker=worker)
        audit.record_access_bulk(
            viewer,
            {item.episode.person.pk: item.episode.person for item in items}.values(),
            channel="cli",
            what="work queue",
        )
        if options["format"] == "json":
            self.stdout.write(json.dumps([i.as_dict() for i in items], indent=2))
            return
        if not items:
            self.stdout.write(f"Nothing due on {on.isoformat()}.")
            return
        rows = [
            (
                i.due_on.isoformat() + (" overdue" if i.overdue else ""),
                i.kind,
                i.person_ref,
                i.worker_email or "-",
                i.detail,
            )
            for i in items
        ]
        header = ("due", "kind", "person", "worker", "what")
        widths = [max(len(str(r[c])) for r in [header, *rows]) for c in range(4)]
        for row in [header, *rows]:
            cells = [str(v).ljust(w) for v, w in zip(row[:4], widths, strict=True)]
            self.stdout.write("  ".join([*cells, row[4]]).rstrip())
