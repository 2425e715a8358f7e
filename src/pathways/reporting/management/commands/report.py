"""``pathways report NAME``: the published reports (README, "The command line").

``caseload`` is per team; ``employment-rate``, ``outcomes`` and ``savings`` are per
authority: by default every authority the caller may report on (with ``--as``, the
authorities of the teams whose figures they may see, ``policies.report_team_ids``;
without it, all). Asking for an authority outside that is an error.

``purchases`` takes its authority as ``pathways report purchases AUTHORITY --from
DATE --to DATE`` as the commissioning spec has it (the same as ``--authority``).

``savings --detail`` lists people, so it is audited as a CLI read of each person
listed. Its rows show real references only to callers who may read every resident's
record in that authority (no ``--as``, a superuser, or an authority-wide role other
than commissioner); everyone else, commissioners included, gets pseudonymised rows.

Callers who see an authority's figures as aggregates only (``--as`` a commissioner)
get them under the small-number rules (``reporting.disclosure``): null in JSON with a
``suppressed`` list, ``<5`` or ``hidden`` in CSV and tables; their rows carry bands.

These rules live in ``reporting.access`` (and the financial year in
``reporting.periods``), shared with the report pages, their exports and the API. What
the three outcome reports differ by (how they are asked for, their figures, their
table, whether ``--detail`` applies) is their description in ``reporting.catalogue``;
this command has one branch for all three.

With a read replica (``DATABASE_REPLICA_URL``) the command reads from it
(``core.replica``); its audit entries are written to the primary.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pathways.core import policies
from pathways.core.command_options import date_option, staff_option
from pathways.core.models import Authority, User
from pathways.core.replica import reads_from_replica
from pathways.reporting import access, periods, providers
from pathways.reporting.caseload import caseload
from pathways.reporting.catalogue import REPORTS as OUTCOME_REPORTS
from pathways.reporting.catalogue import Dates, Line, OutcomeReport, When

REPORTS = ("caseload", *OUTCOME_REPORTS, "providers")
#: The options that give the dates, for each way of asking for a report.
WHEN_OPTIONS = {When.REPORTING_DATE: {"on", "year"}, When.PERIOD: {"start", "end"}}
#: The options each report takes besides --authority, --as and --format.
REPORT_OPTIONS = {
    "caseload": {"on"},
    "providers": {"start", "end", "contract"},
    **{
        r.slug: WHEN_OPTIONS[r.when] | ({"detail"} if r.detail else set())
        for r in OUTCOME_REPORTS.values()
    },
}
OPTION_FLAGS = {
    "on": "--on",
    "year": "--year",
    "start": "--from",
    "end": "--to",
    "detail": "--detail",
    "contract": "--contract",
}


def financial_year_end(value: str) -> dt.date:
    """The last day (31 March) of a ``YYYY-YY`` financial year such as ``2025-26``."""
    try:
        return periods.financial_year_end(value)
    except ValueError as exc:
        raise CommandError(f"--year {value}: {exc}") from exc


# --- the dates asked for --------------------------------------------------------------


def _reporting_date(report: OutcomeReport, options: dict[str, Any]) -> Dates:
    if options["on"] and options["year"]:
        raise CommandError("Give either --year or --on, not both")
    if options["year"]:
        return (financial_year_end(options["year"]),)
    if options["on"]:
        return (date_option(options["on"]),)
    raise CommandError(f"The {report.slug} report needs --year YYYY-YY or --on DATE")


def _period(report: OutcomeReport, options: dict[str, Any]) -> Dates:
    if not options["start"] or not options["end"]:
        raise CommandError(f"The {report.slug} report needs --from DATE and --to DATE")
    start = date_option(options["start"], "--from")
    end = date_option(options["end"], "--to")
    if start > end:
        raise CommandError(f"--from {start} is after --to {end}")
    return start, end


#: The dates asked for, read from the options, for each way of asking for a report.
DATES = {When.REPORTING_DATE: _reporting_date, When.PERIOD: _period}


class Command(BaseCommand):
    help = "Print a report as JSON, CSV or a table. Reports: " + ", ".join(REPORTS)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=REPORTS)
        parser.add_argument(
            "authority_code",
            nargs="?",
            metavar="AUTHORITY",
            help="authority code, as --authority (purchases, providers: `report NAME AUTHORITY`)",
        )
        parser.add_argument("--contract", help="providers: one contract, by its reference")
        parser.add_argument("--authority", action="append", help="authority code (repeatable)")
        parser.add_argument("--on", help="reporting date, YYYY-MM-DD (caseload: default today)")
        parser.add_argument("--year", help="employment-rate: financial year YYYY-YY (to 31 March)")
        parser.add_argument(
            "--from", dest="start", help="outcomes, savings, purchases: first day, YYYY-MM-DD"
        )
        parser.add_argument(
            "--to", dest="end", help="outcomes, savings, purchases: last day, YYYY-MM-DD"
        )
        parser.add_argument(
            "--detail", action="store_true", help="savings: the rows per person as well"
        )
        parser.add_argument("--as", dest="as_email", help="staff member whose access applies")
        parser.add_argument("--format", choices=["json", "csv", "table"], default="table")

    @reads_from_replica
    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        for option, flag in OPTION_FLAGS.items():
            if options[option] and option not in REPORT_OPTIONS[name]:
                raise CommandError(f"{flag} does not apply to the {name} report")
        viewer = staff_option(options["as_email"])
        if name == "providers":
            self._providers(viewer, options)
            return
        if name == "caseload":
            self._caseload(viewer, options)
            return
        report = OUTCOME_REPORTS[name]
        codes = [
            *([options["authority_code"]] if options["authority_code"] else []),
            *(options["authority"] or []),
        ]
        authorities = self._authorities(viewer, codes)
        dates = DATES[report.when](report, options)
        limit = access.small_number_limit(viewer, authorities)
        if options["detail"]:
            data = self._with_rows(viewer, report, authorities, dates)
        else:
            data = report.summary(authorities, *dates, **report.asking(viewer))
        rows = data.pop("rows", None)
        shown = report.disclose(data, limit)
        if options["format"] == "json":
            out = shown.json()
            self.stdout.write(json.dumps(out if rows is None else {**out, "rows": rows}, indent=2))
        else:
            marked = shown.marked()
            if rows is not None:
                marked["rows"] = rows
            self._write_rows(report.table(marked), options["format"])

    # --- options ----------------------------------------------------------------------

    def _authorities(self, viewer: User | None, codes: list[str]) -> list[Authority]:
        """The authorities asked for, or all the caller may report on; an unknown code or
        one outside the caller's reach is an error."""
        try:
            return access.report_authorities(viewer, codes)
        except access.ReportScopeError as exc:
            raise CommandError(exc.message) from exc

    @staticmethod
    def _with_rows(
        viewer: User | None, report: OutcomeReport, authorities: list[Authority], dates: Dates
    ) -> dict[str, Any]:
        """The summary with the rows behind it (``--detail``), pseudonymised and audited
        as every other read of report rows (``access``)."""
        hidden = access.hidden_authorities(viewer, authorities)
        seen: list[int] = []
        data = report.summary(authorities, *dates, detail=True, pseudonymise=hidden, seen=seen)
        access.audit_listed(viewer, seen, hidden, channel="cli", what=report.rows_read)
        return data

    # --- reports ----------------------------------------------------------------------

    def _caseload(self, viewer: User | None, options: dict) -> None:
        on = date_option(options["on"])
        codes = [
            *([options["authority_code"]] if options["authority_code"] else []),
            *(options["authority"] or []),
        ]
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
        rows: list[Line] = [
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

    def _providers(self, viewer: User | None, options: dict) -> None:
        """Every contract in force in the period, side by side (``reporting.providers``:
        who sees which, small numbers)."""
        if not options["authority_code"]:
            raise CommandError("The providers report needs AUTHORITY")
        if options["authority"]:
            raise CommandError("The providers report takes AUTHORITY, not --authority")
        if not options["start"] or not options["end"]:
            raise CommandError("The providers report needs --from DATE and --to DATE")
        start = date_option(options["start"], "--from")
        end = date_option(options["end"], "--to")
        if start > end:
            raise CommandError(f"--from {start} is after --to {end}")
        try:
            shown = providers.serve(
                viewer,
                options["authority_code"],
                start,
                end,
                options["contract"] or "",
                channel="cli",
            )
        except providers.ProvidersRefused as exc:
            raise CommandError(exc.message) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(providers.as_json(shown), indent=2))
            return
        columns = providers.TABLE_COLUMNS
        rows: list[Line] = [columns]
        for row in providers.as_marked(shown)["contracts"]:
            rows.append(providers.table_row(row))
        self._write_rows(rows, options["format"])

    # --- output -----------------------------------------------------------------------

    def _write_rows(self, rows: list[Line], fmt: str) -> None:
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
