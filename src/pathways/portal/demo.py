"""The portal's part of the demo borough: three people with their own accounts, one of
them with a supporter, chosen from the demo's people so every portal page has
something to show. Each section's demo data (appointments, messages, shared jobs,
feedback) is added by the functions in ``SLICES`` after the accounts exist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Exists, OuterRef

from pathways.casework.models import Episode
from pathways.core.models import User
from pathways.employment.models import Placement
from pathways.people.models import Consent, Contact, Person
from pathways.portal import (
    demo_appointments,
    demo_feedback,
    demo_information,
    demo_jobs,
    demo_messages,
)
from pathways.portal.models import PortalAccount, Section
from pathways.referrals.models import LIVE_STATUSES, Referral
from pathways.workspace import demo

#: Each section's demo data, called with the three people after their accounts exist.
SLICES: list[Callable[[dict[str, PortalAccount], dt.date], None]] = []
SLICES.append(demo_information.load)
SLICES.append(demo_appointments.load)
SLICES.append(demo_feedback.load)
SLICES.append(demo_messages.load)  # messages and shared notes (slice B)
SLICES.append(demo_jobs.load)  # shared jobs and the named contact (slice D)

SUPPORTER_SECTIONS = [Section.PLAN, Section.APPOINTMENTS, Section.JOBS, Section.MESSAGES]


def portal_people() -> dict[str, Person]:
    """The three demo people with portal accounts: looking for work (supported by the
    Supported Employment Team), in work with support, and one whose support has ended.
    Deterministic: the lowest reference of each kind."""
    people = Person.objects.filter(is_demo=True, authority__code=demo.AUTHORITY_CODE)
    open_episode = Exists(Episode.objects.filter(person=OuterRef("pk"), ended_on__isnull=True))
    in_work = Exists(Placement.objects.filter(person=OuterRef("pk"), end_date__isnull=True))
    live = Exists(Referral.objects.filter(person=OuterRef("pk"), status__in=LIVE_STATUSES))
    any_episode = Exists(Episode.objects.filter(person=OuterRef("pk")))
    looking = (
        people.filter(open_episode, ~in_work, episodes__team__code="RB-SE")
        .order_by("person_ref")
        .first()
    )
    working = people.filter(open_episode, in_work).order_by("person_ref").first()
    # Support ended (they may still be in the job they found): they can ask to come back.
    ended = people.filter(any_episode, ~open_episode, ~live).order_by("person_ref").first()
    found = {"looking": looking, "in_work": working, "ended": ended}
    return {k: v for k, v in found.items() if v is not None}


def _email(person: Person) -> str:
    return f"{person.given_name.lower()}.{person.person_ref.lower()}@people.{demo.EMAIL_DOMAIN}"


def load(today: dt.date) -> None:
    staff = User.objects.get(email=f"{demo.STAFF['se1'][0]}@{demo.EMAIL_DOMAIN}")
    accounts: dict[str, PortalAccount] = {}
    for key, person in portal_people().items():
        user = User.objects.create_user(
            _email(person),
            first_name=person.given_name,
            last_name=person.family_name,
            is_person=True,
            is_demo=True,
        )
        accounts[key] = PortalAccount.objects.create(user=user, person=person, invited_by=staff)
    looking = accounts.get("looking")
    if looking is not None:
        person = looking.person
        contact = Contact.objects.create(
            person=person,
            name=f"Maria {person.family_name}",
            relationship="mother",
            email=f"maria.{person.person_ref.lower()}@people.{demo.EMAIL_DOMAIN}",
        )
        consent = Consent.objects.create(
            person=person,
            scope=Consent.Scope.SUPPORTER_PORTAL,
            given=True,
            given_on=today,
            recorded_by=staff,
            notes="Her mother may see her plan, appointments, jobs and messages.",
        )
        user = User.objects.create_user(
            contact.email,
            first_name="Maria",
            last_name=person.family_name,
            is_person=True,
            is_demo=True,
        )
        accounts["supporter"] = PortalAccount.objects.create(
            user=user,
            person=person,
            supporter=contact,
            sections=list(SUPPORTER_SECTIONS),
            consent=consent,
            invited_by=staff,
        )
    for add in SLICES:
        add(accounts, today)


def sign_in_notes() -> list[str]:
    accounts = (
        PortalAccount.objects.filter(user__is_demo=True, ended_at__isnull=True)
        .select_related("user", "person", "supporter")
        .order_by("id")
    )
    if not accounts:
        return []
    lines = [
        "People's own pages (the portal, at /my/): no password. Print a one-time sign-in",
        "link with `pathways portal_link EMAIL`, or ask for one at /my/sign-in/ (the email",
        "is printed in this terminal in the demo).",
    ]
    for account in accounts:
        who = (
            f"{account.supporter.name}, supporter of {account.person.given_name}"
            if account.supporter
            else f"{account.person.given_name} {account.person.family_name}"
        )
        lines.append(f"  {account.user.email}  {who}")
    return lines
