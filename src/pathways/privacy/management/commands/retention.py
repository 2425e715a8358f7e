"""``pathways retention``: who is due for erasure on the retention schedule, per
authority, for the daily schedule to run beside ``pathways daily``.

It lists, and changes nothing: erasing is the data protection officer's decision, made
on the "Due for erasure" page. The list names people by their client reference, so
the run is on each listed person's audit trail as a command-line read. It exits 0
whether or not anyone is due.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pathways.core.audit import record_access_bulk
from pathways.core.command_options import date_option
from pathways.privacy.retention import due_by_authority


class Command(BaseCommand):
    help = "List the people due for erasure on each authority's retention schedule."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", help="date, YYYY-MM-DD (default today)")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        on = date_option(options["on"])
        due = due_by_authority(on)
        people = [d.person for rows in due.values() for d in rows]
        record_access_bulk(None, people, channel="cli", what="due for erasure")
        listed: dict[str, list[dict[str, Any]]] = {
            code: [
                {
                    "person_ref": d.person.person_ref,
                    "record_type": d.record_type,
                    "last_closure": d.last_closure.isoformat() if d.last_closure else None,
                    "due_since": d.due_since.isoformat(),
                    "erasure_request": d.open_request_id,
                    "payment_evidence": d.payment_evidence,
                }
                for d in rows
            ]
            for code, rows in due.items()
        }
        summary = {"on": on.isoformat(), "authorities": listed}
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2))
            return
        self.stdout.write(f"Due for erasure on {summary['on']}:")
        for code, rows in listed.items():
            self.stdout.write(f"  {code}: {len(rows)} due")
            for row in rows:
                request = f", request {row['erasure_request']}" if row["erasure_request"] else ""
                if row["payment_evidence"]:
                    request += ", kept as payment evidence"
                self.stdout.write(
                    f"    {row['person_ref']} ({row['record_type']}), due since "
                    f"{row['due_since']}{request}"
                )
