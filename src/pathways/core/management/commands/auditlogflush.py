"""Replaces django-auditlog's ``auditlogflush``: Pathways' audit trail is append-only.

The library's command deletes or TRUNCATEs the trail, which the app must never offer.
Retention of audit entries is a data-protection decision made in the database, by its
owner, not an application command.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Refuses: the audit trail cannot be deleted from the application."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("args", nargs="*")
        parser.add_argument("--truncate", action="store_true")
        parser.add_argument("-y", "--yes", action="store_true")
        parser.add_argument("-b", "--before-date")

    def handle(self, *args: Any, **options: Any) -> None:
        raise CommandError("The audit trail is append-only: Pathways never deletes it.")
