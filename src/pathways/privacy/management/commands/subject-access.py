"""``pathways subject-access AUTHORITY PERSON_REF --out FILE.zip``: everything held about
a person, as the archive the subject access page downloads.

The archive answers the person's open subject access request (the oldest one when
there are several); log the request first on the subject access page. Producing it is
a read of the whole record: it is recorded (channel ``cli``) on the person's trail and
linked to the request. ``--as EMAIL`` names the staff member asking, who must be the
data protection officer or an admin for the person's authority (a refusal is recorded
too); without it the read is recorded under no staff account and shows as "operator",
as for ``pathways audit``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pathways.core.command_options import staff_option
from pathways.core.models import Authority
from pathways.people.models import Person
from pathways.privacy import subject_access
from pathways.privacy.models import SubjectAccessProduction, SubjectAccessRequest
from pathways.privacy.policy import may_handle_for


class Command(BaseCommand):
    help = (
        "Write everything held about a person (a ZIP of JSON files and a README) for "
        "their open subject access request. Audited. --as EMAIL: the data protection "
        "officer or admin asking (default: the operator, recorded with no staff account)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("authority", metavar="AUTHORITY", help="the authority's code")
        parser.add_argument("person_ref", metavar="PERSON_REF")
        parser.add_argument("--out", required=True, metavar="FILE.zip", help="where to write it")
        parser.add_argument("--as", dest="as_email", metavar="EMAIL", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        code, ref = options["authority"], options["person_ref"]
        out = Path(options["out"])
        if out.suffix.lower() != ".zip":
            raise CommandError(f"--out {out}: give a file name ending in .zip")
        if out.exists():
            raise CommandError(f"{out} already exists: give a new file name")
        actor = staff_option(options["as_email"])
        authority = Authority.objects.filter(code__iexact=code).first()
        if authority is None:
            raise CommandError(f"No authority has the code {code}.")
        person = (
            Person.objects.select_related("authority")
            .filter(authority=authority, person_ref=ref)
            .first()
        )
        if person is None:
            raise CommandError(f"{authority.name} has no person with the reference {ref}.")
        sar = (
            SubjectAccessRequest.objects.select_related("person__authority")
            .filter(person=person, status=SubjectAccessRequest.Status.OPEN)
            .order_by("received_on", "id")
            .first()
        )
        try:
            if sar is None:
                if actor is not None and not may_handle_for(actor, person):
                    subject_access.refuse(
                        actor, person, what="produce the archive of", channel="cli"
                    )
                raise CommandError(
                    f"{person.person_ref} has no open subject access request: log it first "
                    "(Subject access requests, Log a request)."
                )
            gathered = subject_access.produce(
                actor, sar, form=SubjectAccessProduction.Form.ARCHIVE, channel="cli"
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        out.write_bytes(subject_access.archive_bytes(gathered, sar))
        self.stdout.write(
            f"Wrote everything held about {person.person_ref} for {sar.reference} "
            f"(due {sar.due_on:%d %b %Y}) to {out}"
        )
