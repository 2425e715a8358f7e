"""`pathways import KIND FILE [--dry-run] [--as EMAIL] [--no-progress]`: load a
council's spreadsheet.

All or nothing: every problem is printed to stderr as ``FILE:LINE: column: message``,
then ``N errors, nothing imported``, and the command exits with status 1. The formats
are in docs/imports.md.

The file is read from disk as a stream, never whole. While it runs, a progress bar
(rich) on stderr counts the rows checked, when stderr is a terminal; ``--no-progress``
(or ``-v 0``) hides it and ``--progress`` shows it on any stderr. Rows are printed as
they are checked (a dry run's changes, every row at ``-v 2``), never held.
"""

from __future__ import annotations

import getpass
import sys
from argparse import BooleanOptionalAction
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

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
        parser.add_argument(
            "--progress",
            action=BooleanOptionalAction,
            default=None,
            help="show a progress bar on stderr (default: when stderr is a terminal)",
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
            with path.open("rb"):
                pass
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from exc

        verbosity = options.get("verbosity", 1)
        verbose = verbosity >= 2
        shown: list[str] = []  # rows are printed once the import has not failed

        def on_row(row: importing.RowResult) -> None:
            if (dry_run and row.action != "unchanged") or verbose:
                changed = f" ({', '.join(row.changed)})" if row.changed else ""
                shown.append(f"{file}:{row.line}: {row.action} {row.label}{changed}")
                if len(shown) >= 1000:
                    self._flush(shown)

        show_bar = options.get("progress")
        if show_bar is None:
            show_bar = verbosity >= 1 and self.stderr.isatty()
        with self._progress_bar(show_bar) as progress:
            outcome = importing.run_import(
                definition,
                path.name,
                path,
                actor=actor,
                dry_run=dry_run,
                channel="cli",
                audit_extra={"os_user": _os_user()},
                progress=progress,
                on_row=on_row,
                rows_kept=0,
            )
        if not outcome.ok:
            for line in outcome.problem_lines(shown_as=file):
                self.stderr.write(line)
            self.stderr.write(outcome.summary())
            sys.exit(1)
        self._flush(shown)
        for line in outcome.addition_lines():
            self.stdout.write(line)
        self.stdout.write(outcome.summary())

    def _flush(self, lines: list[str]) -> None:
        for line in lines:
            self.stdout.write(line)
        lines.clear()

    @contextmanager
    def _progress_bar(self, shown: bool) -> Iterator[Callable[[importing.Progress], None] | None]:
        """A rich progress bar on stderr counting the rows checked, or nothing."""
        if not shown:
            yield None
            return
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

        stream: TextIO = self.stderr._out  # type: ignore[assignment]  # the wrapped stream
        console = Console(file=stream, force_terminal=self.stderr.isatty() or None)
        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[text]}"),
            console=console,
            transient=False,
        )
        task = bar.add_task("checking", total=None, text="")

        def advance(progress: importing.Progress) -> None:
            bar.update(task, completed=progress.checked, total=progress.total, text=progress.text())

        with bar:
            yield advance


def _os_user() -> str:
    """The operator's login on this machine, for the audit trail."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
