"""`pathways import KIND FILE [--dry-run] [--as EMAIL]`: load a council's spreadsheet.

All or nothing: every problem is printed to stderr as ``FILE:LINE: column: message``,
then ``N errors, nothing imported``, and the command exits with status 1. The formats
are in docs/imports.md.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pathways.core import importing
from pathways.core.models import User


class Command(BaseCommand):
    help = "Import a CSV or XLSX file of KIND (see docs/imports.md); all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", metavar="KIND", help=", ".join(importing.kinds()))
        parser.add_argument("file", metavar="FILE", help="CSV (UTF-8) or XLSX file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )
        parser.add_argument(
            "--as",
            dest="as_email",
            metavar="EMAIL",
            help="the staff member the import is recorded as (default: the operator)",
        )

    def handle(
        self, *args: Any, kind: str, file: str, dry_run: bool, as_email: str | None, **options: Any
    ) -> None:
        kinds = importing.kinds()
        definition = kinds.get(kind.strip().lower())
        if definition is None:
            raise CommandError(f"unknown kind '{kind}'; choose one of: {', '.join(kinds)}")
        actor = None
        if as_email:
            actor = User.objects.filter(email__iexact=as_email.strip(), is_active=True).first()
            if actor is None:
                raise CommandError(f"--as {as_email}: no active staff member has that email")
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from exc

        outcome = importing.run_import(
            definition,
            path.name,
            data,
            actor=actor,
            dry_run=dry_run,
            channel="cli",
            audit_extra={"os_user": _os_user()},
        )
        if not outcome.ok:
            for line in outcome.problem_lines(shown_as=file):
                self.stderr.write(line)
            self.stderr.write(outcome.summary())
            sys.exit(1)
        verbose = options.get("verbosity", 1) >= 2
        if dry_run or verbose:
            for row in outcome.rows:
                if row.action != "unchanged" or verbose:
                    changed = f" ({', '.join(row.changed)})" if row.changed else ""
                    self.stdout.write(f"{file}:{row.line}: {row.action} {row.label}{changed}")
        for line in outcome.addition_lines():
            self.stdout.write(line)
        self.stdout.write(outcome.summary())


def _os_user() -> str:
    """The operator's login on this machine, for the audit trail."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
