"""``pathways audit person AUTHORITY PERSON_REF``: who read or changed a person's record.

Reading the trail is itself a read of the person's record, so it is recorded (channel
``cli``, what ``audit trail``) before anything is printed, and the printed trail starts
with that entry. ``--as EMAIL`` names the staff member asking, who must be the data
protection officer or an admin for the person's authority (a refusal is recorded too);
without it the read is recorded under no staff account and shows as "operator".
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from pathways.core import audit
from pathways.core.models import Authority, User
from pathways.people.models import Person
from pathways.people.policy import person_policy

COLUMNS = ("when", "who", "action", "what", "channel", "outcome", "from")


class Command(BaseCommand):
    help = (
        "Print who read or changed a person's record, newest first. The read is itself "
        "audited. --as EMAIL: the data protection officer or admin asking (default: the "
        "operator, recorded with no staff account)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subject", choices=["person"], help="what to show the trail of")
        parser.add_argument("authority", metavar="AUTHORITY", help="the authority's code")
        parser.add_argument("person_ref", metavar="PERSON_REF")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--as", dest="as_email", metavar="EMAIL", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        code, ref = options["authority"], options["person_ref"]
        authority = Authority.objects.filter(code__iexact=code).first()
        if authority is None:
            raise CommandError(f"No authority has the code {code}.")
        person = Person.objects.filter(authority=authority, person_ref=ref).first()
        if person is None:
            raise CommandError(f"{authority.name} has no person with the reference {ref}.")
        actor = self._actor(options["as_email"], person)
        audit.record_access(actor, person, channel="cli", what="audit trail")
        entries = list(audit.person_trail(person))
        if options["format"] == "json":
            self.stdout.write(json.dumps([audit.describe(e) for e in entries], indent=2))
            return
        rows = [COLUMNS] + [
            (
                timezone.localtime(e.timestamp).strftime("%Y-%m-%d %H:%M:%S"),
                *(str(d[c] or "") for c in COLUMNS[1:]),
            )
            for e, d in ((e, audit.describe(e)) for e in entries)
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
        for row in rows:
            line = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())

    def _actor(self, email: str | None, person: Person) -> User | None:
        if email is None:
            return None
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active staff account has the email address {email}.")
        if not person_policy.can(user, "view_audit", person):
            audit.record_access(
                user, person, channel="cli", outcome=audit.DENIED, what="audit trail"
            )
            raise CommandError(
                f"{user.email} may not see this audit trail: only the data protection "
                "officer or an admin of the person's authority can."
            )
        return user
