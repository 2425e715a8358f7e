"""``pathways report NAME``: the reports of spec/cli-and-reports.md.

``caseload`` is per team; ``employment-rate``, ``outcomes`` and ``savings`` are per
authority: by default every authority the caller may report on (with ``--as``, the
authorities of the teams whose figures they may see, ``policies.report_team_ids``;
without it, all). Asking for an authority outside that is an error.

``savings --detail`` lists people, so it is audited as a CLI read of each person
listed. Its rows show real references only to callers who may read every resident's
record in that authority (no ``--as``, a superuser, or an authority-wide role other
than commissioner); everyone else, commissioners included, gets pseudonymised rows.

These rules live in ``reporting.access`` (and the financial year in
``reporting.periods``), shared with the report pages, their exports and the API.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pathways.core import policies
from pathways.core.command_options import date_option, staff_option
from pathways.core.models import Authority, User
from pathways.reporting import access, periods
from pathways.reporting import outcomes as reports
from pathways.reporting.caseload import caseload

REPORTS = ("caseload", "employment-rate", "outcomes", "savings")
#: The options each report takes besides --authority, --as and --format.
REPORT_OPTIONS = {
    "caseload": {"on"},
    "employment-rate": {"on", "year"},
    "outcomes": {"start", "end"},
    "savings": {"start", "end", "detail"},
}
OPTION_FLAGS = {
    "on": "--on",
    "year": "--year",
    "start": "--from",
    "end": "--to",
    "detail": "--detail",
}
Row = Sequence[Any]


def financial_year_end(value: str) -> dt.date:
    """The last day (31 March) of a ``YYYY-YY`` financial year such as ``2025-26``."""
    try:
        return periods.financial_year_end(value)
    except ValueError as exc:
        raise CommandError(f"--year {value}: {exc}") from exc


class Command(BaseCommand):
    help = "Print a report as JSON, CSV or a table. Reports: " + ", ".join(REPORTS)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=REPORTS)
        parser.add_argument("--authority", action="append", help="authority code (repeatable)")
        parser.add_argument("--on", help="reporting date, YYYY-MM-DD (caseload: default today)")
        parser.add_argument("--year", help="employment-rate: financial year YYYY-YY (to 31 March)")
        parser.add_argument("--from", dest="start", help="outcomes, savings: first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="outcomes, savings: last day, YYYY-MM-DD")
        parser.add_argument(
            "--detail", action="store_true", help="savings: the rows per person as well"
        )
        parser.add_argument("--as", dest="as_email", help="staff member whose access applies")
        parser.add_argument("--format", choices=["json", "csv", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        for option, flag in OPTION_FLAGS.items():
            if options[option] and option not in REPORT_OPTIONS[name]:
                raise CommandError(f"{flag} does not apply to the {name} report")
        viewer = staff_option(options["as_email"])
        if name == "caseload":
            self._caseload(viewer, options)
            return
        authorities = self._authorities(viewer, options["authority"] or [])
        if name == "employment-rate":
            data, rows = self._employment_rate(authorities, options)
        elif name == "outcomes":
            data, rows = self._outcomes(authorities, options)
        else:
            data, rows = self._savings(viewer, authorities, options)
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, indent=2))
        else:
            self._write_rows(rows, options["format"])

    # --- options ----------------------------------------------------------------------

    def _authorities(self, viewer: User | None, codes: list[str]) -> list[Authority]:
        """The authorities asked for, or all the caller may report on; an unknown code or
        one outside the caller's reach is an error."""
        try:
            return access.report_authorities(viewer, codes)
        except access.ReportScopeError as exc:
            raise CommandError(exc.message) from exc

    @staticmethod
    def _period(options: dict) -> tuple[dt.date, dt.date]:
        if not options["start"] or not options["end"]:
            raise CommandError(f"The {options['name']} report needs --from DATE and --to DATE")
        start = date_option(options["start"], "--from")
        end = date_option(options["end"], "--to")
        if start > end:
            raise CommandError(f"--from {start} is after --to {end}")
        return start, end

    # --- reports ----------------------------------------------------------------------

    def _caseload(self, viewer: User | None, options: dict) -> None:
        on = date_option(options["on"])
        codes = options["authority"]
        if codes:
            known = set(Authority.objects.filter(code__in=codes).values_list("code", flat=True))
            for code in codes:
                if code not in known:
                    raise CommandError(f"No authority has the code {code}")
        team_ids = policies.report_team_ids(viewer) if viewer else None
        lines = caseload(team_ids, on, codes)
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {"reporting_date": on.isoformat(), "teams": [t.as_dict() for t in lines]},
                    indent=2,
                )
            )
            return
        rows: list[Row] = [
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
        self._write_rows(rows, options["format"])

    def _employment_rate(
        self, authorities: list[Authority], options: dict
    ) -> tuple[dict[str, Any], list[Row]]:
        if options["on"] and options["year"]:
            raise CommandError("Give either --year or --on, not both")
        if options["year"]:
            on = financial_year_end(options["year"])
        elif options["on"]:
            on = date_option(options["on"])
        else:
            raise CommandError("The employment-rate report needs --year YYYY-YY or --on DATE")
        data = reports.employment_rate(authorities, on)
        rows: list[Row] = [
            (
                "reporting_date",
                "authorities",
                "cohort",
                "denominator",
                "numerator",
                "percent",
                *reports.BANDS,
            )
        ]
        for cohort in reports.COHORTS:
            figures = data[cohort]
            rows.append(
                (
                    data["reporting_date"],
                    " ".join(data["authorities"]),
                    cohort,
                    figures["denominator"],
                    figures["numerator"],
                    figures["percent"],
                    *(figures["hours_bands"][band] for band in reports.BANDS),
                )
            )
        return data, rows

    def _outcomes(
        self, authorities: list[Authority], options: dict
    ) -> tuple[dict[str, Any], list[Row]]:
        start, end = self._period(options)
        data = reports.outcomes(authorities, start, end)
        rows: list[Row] = [("from", "to", "need", *reports.OUTCOME_MEASURES)]
        lines = [("all", data), *data["by_need"].items()]
        for need, figures in lines:
            rows.append(
                (
                    data["from"],
                    data["to"],
                    need,
                    *(figures[m] for m in reports.OUTCOME_MEASURES),
                )
            )
        return data, rows

    def _savings(
        self, viewer: User | None, authorities: list[Authority], options: dict
    ) -> tuple[dict[str, Any], list[Row]]:
        start, end = self._period(options)
        hidden = access.hidden_authorities(viewer, authorities)
        seen: list[int] = []
        data = reports.savings(
            authorities, start, end, options["detail"], pseudonymise=hidden, seen=seen
        )
        if options["detail"]:
            access.audit_listed(viewer, seen, hidden, channel="cli", what="savings report rows")
        rows: list[Row] = [
            (
                "row",
                "authority",
                "person_ref",
                "first_start",
                "people",
                "weekly_before",
                "weekly_now",
                "annual_saving",
            )
        ]
        for r in data.get("rows", []):
            rows.append(
                (
                    "person",
                    r["authority"],
                    r["person_ref"],
                    r["first_start"],
                    1,
                    r["weekly_before"],
                    r["weekly_now"],
                    r["annual_saving"],
                )
            )
        rows.append(
            (
                "total",
                " ".join(data["authorities"]),
                "",
                "",
                data["people"],
                data["weekly_before"],
                data["weekly_now"],
                data["annual_saving"],
            )
        )
        return data, rows

    # --- output -----------------------------------------------------------------------

    def _write_rows(self, rows: list[Row], fmt: str) -> None:
        """CSV, or a table of left-aligned columns; None prints as blank."""
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
