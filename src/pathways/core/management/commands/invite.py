"""``pathways invite EMAIL``: print a one-time link for a staff member to set a password.

The link (``core.accounts.invitation_link``, which the staff pages email) carries an
invitation token: Django's password-reset token with a salt of its own, derived from the
account's current password and last sign-in, so it stops working once a password is set. Using
it proves control of the mailbox, which is what lets the staff member set up two-step
sign-in (``core.two_factor``). ``--reset-two-factor`` first removes the account's
authenticator app (a lost phone), so the new link is the way to set up another.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pathways.core.accounts import invitation_link, reset_two_factor
from pathways.core.audit import record_staff_event
from pathways.core.models import User

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Print a one-time link for the staff member to set their password. The link "
        "works once and expires after settings.PASSWORD_RESET_TIMEOUT. Using it lets "
        "them set up two-step sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", metavar="EMAIL")
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "PATHWAYS_BASE_URL", None) or DEFAULT_BASE_URL,
            help="where staff reach the service (default: settings.PATHWAYS_BASE_URL, "
            f"else {DEFAULT_BASE_URL})",
        )
        parser.add_argument(
            "--reset-two-factor",
            action="store_true",
            help="remove the account's authenticator app first (a lost or new phone); "
            "the link lets them set up another",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No staff account has the email address {email}.")
        if user.is_person:
            raise CommandError(
                f"{user.email} is a person's portal account, which never has a password: "
                "print its sign-in link with `pathways portal_link EMAIL`."
            )
        if not user.is_active:
            raise CommandError(f"The account {user.email} is inactive; reactivate it first.")
        if options["reset_two_factor"]:
            # On the command line the link is printed, not emailed.
            reset_two_factor(None, user, base_url=options["base_url"], channel="cli")
        record_staff_event(None, user, channel="cli", what="invitation link issued")
        self.stdout.write(invitation_link(user, options["base_url"]))
