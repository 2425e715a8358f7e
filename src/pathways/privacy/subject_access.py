"""Subject access: logging a request, producing everything held about the person (a
readable document and a machine-readable archive) and completing the request.

Only the data protection officer or an admin of the person's home authority may do
any of it (``privacy.policy``); a refusal is on the person's audit trail. Every
production is a read of the whole record: it is audited (channel ``web``, ``export``
or ``cli``, what "subject access archive for SAR-n") before the record is gathered,
so the archive's own audit section lists it, and it is linked to the request
(``SubjectAccessProduction``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import zipfile
from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pathways.casework.models import Document
from pathways.core.audit import DENIED, record_access
from pathways.core.errors import IllegalTransition
from pathways.core.models import User
from pathways.people.models import Person
from pathways.privacy.models import (
    SubjectAccessProduction,
    SubjectAccessRequest,
    one_calendar_month_after,
)
from pathways.privacy.policy import may_handle_for, subject_access_policy
from pathways.privacy.selectors import Gathered, gather, uk_date

ONLY_DPO = (
    "Only the data protection officer or an admin of {authority} can {what} "
    "a subject access request for this person."
)


def refuse(actor: Any, person: Person, *, what: str, channel: str, request: Any = None) -> NoReturn:
    """Put the refusal on the person's trail and refuse (``PermissionDenied``)."""
    record_access(
        actor,
        person,
        channel=channel,
        outcome=DENIED,
        what=f"subject access request ({what})",
        request=request,
    )
    raise PermissionDenied(ONLY_DPO.format(authority=person.authority.name, what=what))


def log_subject_access_request(
    actor: User,
    person: Person,
    *,
    received_on: dt.date,
    requested_by: str,
    received_how: str,
    note: str = "",
    today: dt.date | None = None,
    channel: str = "web",
    request: Any = None,
) -> SubjectAccessRequest:
    """Put a request in the DPO's queue, due one calendar month after it was received."""
    if not may_handle_for(actor, person):
        refuse(actor, person, what="log", channel=channel, request=request)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if received_on > today:
        errors["received_on"] = (
            f"The date the request was received ({uk_date(received_on)}) "
            "must be today or in the past"
        )
    if not requested_by.strip():
        errors["requested_by"] = "Enter who made the request: the person or their representative"
    if received_how not in SubjectAccessRequest.ReceivedHow.values:
        errors["received_how"] = "Select how the request was received"
    if errors:
        raise ValidationError(errors)
    return SubjectAccessRequest.objects.create(
        person=person,
        authority_id=person.authority_id,
        received_on=received_on,
        due_on=one_calendar_month_after(received_on),
        requested_by=requested_by.strip(),
        received_how=received_how,
        note=note.strip(),
        logged_by=actor,
    )


def complete_subject_access_request(
    actor: User,
    sar: SubjectAccessRequest,
    *,
    on: dt.date | None = None,
    note: str = "",
    channel: str = "web",
    request: Any = None,
) -> SubjectAccessRequest:
    """Mark the request answered: it leaves the queue."""
    if not subject_access_policy.can(actor, "complete", sar):
        refuse(actor, sar.person, what="complete", channel=channel, request=request)
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = SubjectAccessRequest.objects.select_for_update().get(pk=sar.pk)
        if locked.status == SubjectAccessRequest.Status.COMPLETED:
            assert locked.completed_on is not None
            raise IllegalTransition(
                f"Subject access request {locked.reference} was already completed on "
                f"{uk_date(locked.completed_on)}: it cannot be completed again."
            )
        if on < locked.received_on:
            raise ValidationError(
                {
                    "completed_on": f"The request cannot be completed before it was received "
                    f"({uk_date(locked.received_on)})"
                }
            )
        if on > timezone.localdate():
            raise ValidationError({"completed_on": "The completion date must not be in the future"})
        locked.status = SubjectAccessRequest.Status.COMPLETED
        locked.completed_on = on
        locked.completed_by = actor
        if note.strip():
            locked.note = f"{locked.note}\n\n{note.strip()}".strip()
        locked.save()
    return locked


def produce(
    actor: User | None,
    sar: SubjectAccessRequest,
    *,
    form: str,
    channel: str,
    request: Any = None,
) -> Gathered:
    """Everything held about the request's person, for the document or the archive
    (``form``): audited on the person's trail and linked to the request. ``actor`` is
    None only for the server's operator on the command line (as ``pathways audit``)."""
    if actor is not None and not subject_access_policy.can(actor, "produce", sar):
        refuse(actor, sar.person, what=f"produce the {form} of", channel=channel, request=request)
    with transaction.atomic():
        SubjectAccessProduction.objects.create(
            request=sar, form=form, channel=channel, produced_by=actor
        )
        record_access(
            actor,
            sar.person,
            channel=channel,
            what=f"subject access {form} for {sar.reference}",
            request=request,
        )
        return gather(sar.person)


README = """\
Everything Pathways holds about {name} (reference {ref}, {authority})
Produced {produced} {purpose}.

Each file below is a JSON list with one object for each row held; an empty list means
nothing of that kind is held. Dates are ISO 8601 (YYYY-MM-DD), times are ISO 8601 with
their offset from UTC, amounts of money and hours are strings of digits (for example
"12.60"), and codes are the values stored (the readable document shows their labels).
A member of staff is named by their email address; an "..._id" field is the number of
another row in this archive (for example goal_id in steps.json is the id in goals.json)
or of a row not about the person.

Files:
{files}
  documents/  The files of the documents listed in documents.json, each named as its
              file_in_archive says.
"""


def archive_bytes(gathered: Gathered, sar: SubjectAccessRequest) -> bytes:
    """The machine-readable archive: a ZIP of one JSON file per section and a README."""
    return archive_of(
        gathered,
        purpose=f"for subject access request {sar.reference} "
        f"(received {sar.received_on.isoformat()})",
    )


def archive_of(gathered: Gathered, *, purpose: str) -> bytes:
    """The archive of ``gathered``; ``purpose`` ends the README's second line ("for
    subject access request SAR-3 (received 2026-12-01)")."""
    person = gathered.person
    files = "\n".join(
        f"  {section.key}.json  {section.title} ({len(section.rows)} "
        f"row{'s' if len(section.rows) != 1 else ''}): {section.about}"
        for section in gathered.sections
    )
    readme = README.format(
        name=person.full_name,
        ref=person.person_ref,
        authority=person.authority.name,
        produced=gathered.produced_at.isoformat(),
        purpose=purpose,
        files=files,
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        for section in gathered.sections:
            archive.writestr(
                f"{section.key}.json",
                json.dumps(section.as_json(), indent=2, ensure_ascii=False, default=str),
            )
        for path, document in gathered.documents:
            _add_file(archive, path, document)
    return buffer.getvalue()


def _add_file(archive: zipfile.ZipFile, path: str, document: Document) -> None:
    """A document's file, copied into the archive as it is (a missing file is said so)."""
    try:
        source = document.file.open("rb")
    except FileNotFoundError:
        archive.writestr(
            f"{path}.missing.txt",
            f"The file of document {document.pk} ({document.title}) is listed in "
            "documents.json but was not found in the document store. Ask the service's "
            "administrator to restore it from a backup.\n",
        )
        return
    with source, archive.open(path, "w") as target:
        shutil.copyfileobj(source, target, 64 * 1024)


def archive_name(sar: SubjectAccessRequest) -> str:
    return f"subject-access-{sar.person.person_ref}-{sar.reference}.zip"
