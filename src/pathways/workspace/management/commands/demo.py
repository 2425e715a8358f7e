"""``pathways demo``: migrate the database and load the Riverside demo borough."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from pathways.workspace import demo


class Command(BaseCommand):
    help = (
        "Migrate the database and load the demo borough (fictional people and staff). "
        "Running it again changes nothing. Refuses a database that holds real records."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        reason = demo.refusal_reason()
        if reason:
            raise CommandError(reason)
        call_command("migrate", interactive=False, verbosity=0)
        try:
            result = demo.load()
        except demo.DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        if result.created:
            self.stdout.write(
                f"Loaded the demo borough: {result.counts['people']} people, "
                f"{result.counts['referrals']} referrals, {result.counts['staff']} staff."
            )
        else:
            self.stdout.write("The demo borough is already loaded; nothing changed.")
        self.stdout.write("")
        self.stdout.write(f"Sign in at {demo.DEMO_URL} with password {demo.DEMO_PASSWORD}")
        self.stdout.write("")
        rows = [("Role", "Name", "Email", "Teams")] + [
            (s.role, s.name, s.email, s.teams) for s in result.sign_ins
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[3]]).rstrip())
        for notes in demo.EXTRA_NOTES:
            lines = notes()
            if lines:
                self.stdout.write("")
                for line in lines:
                    self.stdout.write(line)
        self._hints()

    def _hints(self) -> None:
        """Say what stands between the printed URL and a working sign-in on a laptop."""
        hints = []
        if getattr(settings, "SECURE_SSL_REDIRECT", False):
            hints.append(
                "This configuration sends every request to HTTPS; for the demo on this "
                "machine run: DJANGO_DEBUG=true pathways serve"
            )
        if getattr(settings, "PATHWAYS_REQUIRE_2FA", False):
            hints.append(
                "Two-step sign-in is on: the first sign-in asks you to set up an "
                "authenticator app (DJANGO_DEBUG=true turns it off for a local demo)."
            )
        if hints:
            self.stdout.write("")
            for hint in hints:
                self.stdout.write(hint)
