"""``pathways portal_link EMAIL``: print a one-time sign-in link for a person's (or a
supporter's) portal account: the operator's way when email is not set up, and the
demo's. The same link the invitation emails; the print is on the person's audit trail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pathways.core.audit import record_event
from pathways.portal.models import PortalAccount
from pathways.portal.services import sign_in_link


class Command(BaseCommand):
    help = "Print a one-time sign-in link for a portal account (a person or their supporter)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", metavar="EMAIL")
        parser.add_argument(
            "--base-url",
            default=settings.PATHWAYS_BASE_URL,
            help="where people reach the service (default: settings.PATHWAYS_BASE_URL)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip()
        account = (
            PortalAccount.objects.select_related("user", "person")
            .filter(user__email__iexact=email, user__is_person=True)
            .first()
        )
        if account is None:
            raise CommandError(f"No portal account has the email address {email}.")
        if account.ended_at or not account.user.is_active:
            raise CommandError(f"The portal account {account.user.email} has ended.")
        record_event(None, account.person, channel="cli", what="portal sign-in link printed")
        self.stdout.write(sign_in_link(account.user, options["base_url"]))
