"""``pathways token create EMAIL``, ``pathways token list [EMAIL]`` and ``pathways token
revoke PREFIX|EMAIL``.

The new token is printed alone on the last line of output so that a script can take
it with ``tail -n 1``; it is never shown again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from pathways.core.tokens import TokenRefused, issue_token, revoke_tokens, tokens_of


class Command(BaseCommand):
    help = "Create or revoke API tokens for staff members."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="print a new token for the staff member")
        create.add_argument("email", metavar="EMAIL")
        listing = actions.add_parser(
            "list", help="every token (of one staff member): expiry, last use, revocation"
        )
        listing.add_argument("email", metavar="EMAIL", nargs="?")
        revoke = actions.add_parser(
            "revoke", help="revoke a token by its prefix, or all of a staff member's by email"
        )
        revoke.add_argument("target", metavar="PREFIX|EMAIL")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                self._create(options["email"])
            elif options["action"] == "list":
                self._list(options["email"])
            else:
                self._revoke(options["target"])
        except TokenRefused as exc:
            raise CommandError(str(exc)) from exc

    def _create(self, email: str) -> None:
        issued = issue_token(email)
        self.stdout.write(
            f"API token {issued.prefix}… for {issued.user.email}. "
            "It is shown only this once: store it now."
        )
        self.stdout.write(issued.raw)

    def _list(self, email: str | None) -> None:
        def when(moment: dt.datetime | None) -> str:
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "never"

        now = timezone.now()
        for token in tokens_of(email):
            state = (
                f"revoked {when(token.revoked_at)}"
                if token.revoked_at
                else ("expired" if token.expires_at <= now else "live")
            )
            self.stdout.write(
                f"{token.prefix}…  {token.user.email}  created {when(token.created_at)}  "
                f"expires {when(token.expires_at)}  last used {when(token.last_used_at)}  "
                f"{state}"
            )

    def _revoke(self, target: str) -> None:
        revoked = revoke_tokens(target)
        if not revoked:
            self.stdout.write(f"No live tokens for {target}: nothing to revoke.")
        for token in revoked:
            self.stdout.write(f"Revoked API token {token.prefix}… of {token.user.email}.")
