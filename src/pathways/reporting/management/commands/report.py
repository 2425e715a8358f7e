"""``pathways report NAME``: the reports of spec/cli-and-reports.md (caseload for now)."""

from __future__ import annotations

import csv
import json

from django.core.management.base import BaseCommand

from pathways.core import policies
from pathways.core.command_options import date_option, staff_option
from pathways.reporting.caseload import caseload

REPORTS = ("caseload",)


class Command(BaseCommand):
    help = "Print a report as JSON, CSV or a table. Reports: " + ", ".join(REPORTS)

    def add_arguments(self, parser):
        parser.add_argument("name", choices=REPORTS)
        parser.add_argument("--authority", action="append", help="authority code (repeatable)")
        parser.add_argument("--on", help="reporting date, YYYY-MM-DD (default today)")
        parser.add_argument("--as", dest="as_email", help="staff member whose access applies")
        parser.add_argument("--format", choices=["json", "csv", "table"], default="table")

    def handle(self, *args, **options):
        on = date_option(options["on"])
        viewer = staff_option(options["as_email"])
        team_ids = policies.report_team_ids(viewer) if viewer else None
        lines = caseload(team_ids, on, options["authority"])
        fmt = options["format"]
        if fmt == "json":
            self.stdout.write(
                json.dumps(
                    {"reporting_date": on.isoformat(), "teams": [t.as_dict() for t in lines]},
                    indent=2,
                )
            )
            return
        rows = [
            (
                "team",
                "worker",
                "open_cases",
                "cap",
                "waiting",
                "median_days_waiting",
                "no_contact_30_days",
            )
        ]
        for t in lines:
            rows.append(
                (
                    t.code,
                    "(team)",
                    t.open_cases,
                    t.cap,
                    t.waiting,
                    t.median_days_waiting,
                    t.no_contact,
                )
            )
            rows += [
                (t.code, w.email, w.open_cases, t.cap, "", "", w.no_contact) for w in t.workers
            ]
        if fmt == "csv":
            writer = csv.writer(self.stdout)
            for row in rows:
                writer.writerow(["" if v is None else v for v in row])
            return
        widths = [
            max(len(str("" if r[c] is None else r[c])) for r in rows) for c in range(len(rows[0]))
        ]
        for row in rows:
            self.stdout.write(
                "  ".join(
                    str("" if v is None else v).ljust(w) for v, w in zip(row, widths, strict=True)
                ).rstrip()
            )
