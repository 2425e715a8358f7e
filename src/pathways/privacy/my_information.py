"""Download my information: the self-service side of a subject access request.

The person (or a supporter the person allowed) gets everything the data protection
officer's subject access answer holds, from the same gathering
(``privacy.selectors.gather``), so nothing is missed: read on a page in headed sections
with plain labels, or as the same ZIP of JSON files with a README
(``subject_access.archive_of``). Staff notes are included whether or not they were
shared with the person, as in a subject access answer (decision 0049). Where the
person's authority does not name staff in the portal, the audit trail names each
member of staff by role and team instead of their email.

Each reading and each file is on the person's trail (channel ``portal``). Files are
limited per account (``PATHWAYS_PORTAL_DOWNLOADS_PER_DAY`` in any 24 hours, counted on
the trail, which cannot be edited), so a lost phone cannot be used to take the file
again and again, and the person's worker is told of each file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from pathways.core import audit
from pathways.core.errors import ActionRefused
from pathways.core.models import User
from pathways.people.models import Person
from pathways.privacy import notices
from pathways.privacy.selectors import Gathered, gather, uk_datetime
from pathways.privacy.subject_access import archive_of
from pathways.privacy.who_looked import StaffWords, is_portal_account_of, shows_staff_names

READABLE = "readable"
FILE = "file"
FORMS = (READABLE, FILE)

#: The trail's words for each form (how downloads are counted).
WHAT = {
    READABLE: "my information: everything held, on the page",
    FILE: "my information: everything held, as a file",
}

#: Each section of the subject access answer as the person reads its heading. A section
#: the gathering gains later shows under its own title until it is given one here.
TITLES = {
    "person": "About you",
    "contacts": "Your circle of support",
    "consents": "What you agreed to",
    "care_costs": "The cost of your care",
    "referrals": "When you were referred to us",
    "episodes": "Your support",
    "stages": "Steps of your support",
    "long_term_reviews": "Reviews of your support",
    "packages": "Support agreed for you",
    "activities": "Notes about you",
    "vocational_profile": "Your work profile",
    "goals": "Your plan: goals",
    "steps": "Your plan: steps",
    "candidacies": "Jobs you were put forward for",
    "candidacy_steps": "What happened with each job",
    "placements": "Your jobs",
    "placement_terms": "Your hours and pay",
    "post_start_checks": "Checks after you started work",
    "fading_steps": "How your job support changes",
    "access_to_work": "Access to Work",
    "milestones": "Weeks in work",
    "internship_cohorts": "Supported internships",
    "internship_rotations": "Internship placements",
    "subject_access_requests": "Your requests for your information",
    "documents": "Your documents",
    "appointments": "Your appointments",
    "feedback": "What you told us about your support",
    "audit_trail": "Who has looked at or changed your record",
}


@dataclass(frozen=True)
class ReadableSection:
    """A heading on the page and its rows, each a list of (label, value) pairs."""

    key: str
    title: str
    rows: list[list[tuple[str, str]]]
    empty: str


@dataclass
class MyInformation:
    person: Person
    gathered: Gathered

    @property
    def produced_at(self) -> dt.datetime:
        return self.gathered.produced_at

    @property
    def sections(self) -> list[ReadableSection]:
        return [
            ReadableSection(
                section.key,
                TITLES.get(section.key, section.title),
                [[(item.label, item.shown) for item in row] for row in section.rows],
                section.empty,
            )
            for section in self.gathered.sections
        ]

    def file(self) -> bytes:
        """The ZIP: one JSON file per section, a README and the documents' files."""
        return archive_of(self.gathered, purpose="for the person, from their portal")

    @property
    def file_name(self) -> str:
        day = timezone.localtime(self.produced_at).date().isoformat()
        return f"my-information-{self.person.person_ref}-{day}.zip"


class DownloadLimitReached(ActionRefused):
    """The account took its files for the day: ``again`` is when the next is allowed."""

    def __init__(self, message: str, *, taken: int, again: dt.datetime) -> None:
        super().__init__(message)
        self.taken = taken
        self.again = again


def downloads_limit() -> int:
    return int(settings.PATHWAYS_PORTAL_DOWNLOADS_PER_DAY)


def _recent_files(by: User, since: dt.datetime) -> list[dt.datetime]:
    """When this account took the file since ``since``, oldest first (from the trail)."""
    return list(
        LogEntry.objects.filter(
            actor=by,
            action=LogEntry.Action.ACCESS,
            timestamp__gte=since,
            additional_data__channel="portal",
            additional_data__what=WHAT[FILE],
        )
        .order_by("timestamp")
        .values_list("timestamp", flat=True)
    )


def _refuse_past_limit(by: User) -> None:
    now = timezone.now()
    taken = _recent_files(by, now - dt.timedelta(days=1))
    limit = downloads_limit()
    if len(taken) >= limit:
        again = taken[len(taken) - limit] + dt.timedelta(days=1)
        raise DownloadLimitReached(
            f"You have downloaded your information {len(taken)} times in the last 24 hours. "
            f"You can download it again after {uk_datetime(again)}. "
            "You can still read it on this page.",
            taken=len(taken),
            again=again,
        )


def my_information(
    person: Person, *, by: User, form: str = READABLE, request: Any = None
) -> MyInformation:
    """Everything held about ``person``, for ``by``: one of the person's own portal
    accounts (theirs or a supporter's; which sections a supporter may open is the
    portal's door to check). Anyone else is refused (``PermissionDenied``), on the
    person's trail: staff answer subject access through the DPO's request.

    ``form`` is ``readable`` (the page) or ``file`` (the ZIP): a file past the day's
    limit for this account is refused (``ActionRefused``, saying when it can be taken
    again), and the person's worker is told of each one. Either is on the person's
    trail before the record is gathered, so the audit section lists it."""
    if form not in FORMS:
        raise ValueError(f"form is one of {FORMS}, not {form!r}")
    if not is_portal_account_of(by, person):
        audit.record_access(
            by, person, channel="portal", outcome=audit.DENIED, what=WHAT[form], request=request
        )
        raise PermissionDenied(NOT_YOURS)
    with transaction.atomic():
        if form == FILE:
            # One account's downloads are counted one at a time (two at once both see 4).
            User.objects.select_for_update().filter(pk=by.pk).first()
            _refuse_past_limit(by)
        audit.record_access(by, person, channel="portal", what=WHAT[form], request=request)
        if form == FILE:
            notices.information_downloaded(by, person)
        name_staff = None if shows_staff_names(person) else _by_role(person)
        return MyInformation(person, gather(person, name_staff=name_staff))


NOT_YOURS = "Only the person, or a supporter they chose, can get this from their own pages."


def _by_role(person: Person) -> Any:
    """Names each member of staff on the trail by role and team (one query for the
    memberships of every account on the trail)."""
    actors = audit.person_trail(person).filter(actor__isnull=False).values("actor_id")
    return StaffWords(person, actors).of_entry
