"""Who has looked at a person's record, in words the person reads in their portal.

The person's audit trail (``core.audit.person_trail``) holds every read and change of
their record. Here it is told back to them one line per day and per who: "A job coach
in Riverside Supported Employment looked at your plan and changed your job on
3 December." Staff are named by their role and team; by name only where the person's
authority chose to show names (``Authority.portal_shows_staff_names``). The person's
own reads through the portal are "You", a supporter's are their name.

The role and team come from the staff member's memberships now, not when they looked
(memberships keep no history): a coach who has since moved team is shown in the new
one. Of several memberships, a team that works with the person (an episode or a
referral) comes first, then one in the person's authority, then the most telling role.
The trail is read in one grouped query (per day, account, channel, action and
thing), the accounts' memberships and portal accounts in two more, whatever the length
of the trail.
Refused looks are not listed: nobody saw anything (they stay on the trail, in the
download of everything held, and in the data protection officer's review).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from auditlog.models import LogEntry
from django.db.models import Count, Exists, Max, OuterRef, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import TruncDate
from django.utils import timezone

from pathways.casework.models import Episode
from pathways.core import audit
from pathways.core.models import Membership, Role
from pathways.people.models import Person
from pathways.referrals.models import Referral

#: Lines of "who has looked" on one page of the portal.
PER_PAGE = 50

#: Each role as the person reads it, most telling first: a member of staff with
#: several roles is named by the first of theirs in this order.
ROLE_WORDS: dict[str, str] = {
    Role.EMPLOYMENT_SPECIALIST: "a job coach",
    Role.TEAM_MANAGER: "a team manager",
    Role.PACKAGE_APPROVER: "a manager who agrees support",
    Role.INTAKE_OFFICER: "someone who deals with new referrals",
    Role.DATA_PROTECTION_OFFICER: "the data protection officer",
    Role.ADMIN: "an administrator",
    Role.COMMISSIONER: "someone who buys services for the council",
}
ROLE_ORDER = list(ROLE_WORDS)

#: Who did it when no member of staff is named on the entry.
RUNS_PATHWAYS = "someone who runs Pathways"
THE_SYSTEM = "the Pathways computer system"
YOU = "You"

#: What a change was made to, by the kind of row changed (content type model).
CHANGED_THINGS: dict[str, str] = {
    "person": "your details",
    "contact": "your circle of support",
    "consent": "what you agreed to",
    "carecost": "your care costs",
    "referral": "your referral",
    "episode": "your support",
    "stageentry": "your support",
    "package": "your support",
    "longtermreview": "your support",
    "activity": "notes about you",
    "message": "your messages",
    "document": "your documents",
    "vocationalprofile": "your work profile",
    "goal": "your plan",
    "step": "your plan",
    "candidacy": "jobs for you",
    "candidacystep": "jobs for you",
    "rotationplacement": "jobs for you",
    "placement": "your job",
    "placementterms": "your job",
    "poststartcheck": "your job",
    "fadingstep": "your job",
    "accesstowork": "your job",
    "milestone": "your job",
    "subjectaccessrequest": "your request for your information",
    "subjectaccessproduction": "your request for your information",
    "erasurerequest": "your request to delete your information",
    "breakglass": "your record",
    "portalaccount": "who can use your pages",
    "appointment": "your appointments",
    "feedback": "what you told us",
}

#: What a read was of, by words in the trail's description of it, first match wins
#: ("episode E-1: action plan" is the plan, "episode E-1" the support).
READ_THINGS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("who has looked", "audit trail", "portal: my information"), "who has looked at your record"),
    (("subject access", "everything held"), "everything held about you"),
    (("home page",), "your home page"),
    (("how is it going",), "what you told us"),
    (("help again",), "asking for help again"),
    (("plan", "goal", "step"), "your plan"),
    (("message",), "your messages"),
    (("appointment",), "your appointments"),
    (("feedback",), "what you told us"),
    (("document",), "your documents"),
    (("profile",), "your work profile"),
    (("candidacy", "match", "opportunit", "put forward", "jobs for me"), "jobs for you"),
    (("job", "placement", "fading", "milestone", "check", "access to work"), "your job"),
    (("referral",), "your referral"),
    (("case notes", "note", "timeline"), "notes about you"),
    (("summary",), "a summary of your record"),
    (("person list", "search", "same person"), "a list with your name on it"),
    (("episode", "support"), "your support"),
)
YOUR_RECORD = "your record"

#: The verb for each kind of entry.
VERBS = {
    LogEntry.Action.ACCESS: "looked at",
    LogEntry.Action.CREATE: "added to",
    LogEntry.Action.UPDATE: "changed",
    LogEntry.Action.DELETE: "removed something from",
}


def thing_read(what: str | None) -> str:
    text = (what or "").lower()
    for words, thing in READ_THINGS:
        if any(word in text for word in words):
            return thing
    return YOUR_RECORD


def shows_staff_names(person: Person) -> bool:
    """Whether the person's authority chose to name staff in the portal."""
    return person.authority.portal_shows_staff_names


def day_words(day: dt.date, today: dt.date) -> str:
    """The day in words: today, yesterday, or on 3 December (and the year when it is
    not this year)."""
    if day == today:
        return "today"
    if day == today - dt.timedelta(days=1):
        return "yesterday"
    return f"on {day.day} {day:%B}" + (f" {day.year}" if day.year != today.year else "")


def and_list(words: Iterable[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


@dataclass
class Look:
    """One line: who did what to the record on one day."""

    day: dt.date
    who: str
    #: Verb phrases in the order first seen ("looked at your plan and your job").
    did: dict[str, list[str]] = field(default_factory=dict)
    times: int = 0
    latest: dt.datetime | None = None
    is_you: bool = False

    def add(self, verb: str, thing: str, times: int, latest: dt.datetime) -> None:
        things = self.did.setdefault(verb, [])
        if thing not in things:
            things.append(thing)
        self.times += times
        if self.latest is None or latest > self.latest:
            self.latest = latest

    @property
    def what(self) -> str:
        return and_list(f"{verb} {and_list(things)}" for verb, things in self.did.items())

    @property
    def actions(self) -> list[str]:
        """Each thing done on its own line ("Looked at your plan"), for easy read."""
        return [
            f"{verb[:1].upper()}{verb[1:]} {thing}"
            for verb, things in self.did.items()
            for thing in things
        ]

    def when(self, today: dt.date | None = None) -> str:
        return day_words(self.day, today or timezone.localdate())

    def sentence(self, today: dt.date | None = None) -> str:
        who = self.who[:1].upper() + self.who[1:]
        return f"{who} {self.what} {self.when(today)}."


#: Given a person and some accounts (ids, or a query of them), the ones that are portal
#: accounts of that person: None for the person's own, the supporter's name otherwise.
#: The portal registers it (``accounts_are_named_by``), as it sits above privacy.
PortalNames = Callable[[Person, Any], dict[int, str | None]]
_portal_names: list[PortalNames] = []


def accounts_are_named_by(names: PortalNames) -> None:
    """Tell who_looked which accounts are a person's portal accounts (from the portal's
    ``AppConfig.ready``)."""
    _portal_names[:] = [names]


def is_portal_account_of(user: Any, person: Person) -> bool:
    """Whether ``user`` is one of the person's portal accounts (their own or a
    supporter's), as the portal says."""
    if not getattr(user, "is_person", False) or user.pk is None:
        return False
    return any(user.pk in names(person, [user.pk]) for names in _portal_names)


class StaffWords:
    """How the person reads who did something: "You" or a supporter's name for their
    portal accounts, the role and team (or the name) of staff. Holds the memberships
    and portal accounts of the accounts it was made for (two queries)."""

    def __init__(self, person: Person, actor_ids: Iterable[int] | QuerySet[Any]) -> None:
        self.person = person
        self.names = shows_staff_names(person)
        self.roles: dict[int, str] = {}
        ranked: dict[int, tuple[Any, ...]] = {}
        memberships = (
            Membership.objects.filter(user_id__in=actor_ids)
            .select_related("team")
            .annotate(
                works_with=Exists(Episode.objects.filter(person=person, team=OuterRef("team")))
                | Exists(Referral.objects.filter(person=person, team=OuterRef("team")))
            )
        )
        for membership in memberships:
            rank = (
                not membership.works_with,
                membership.team.authority_id != person.authority_id,
                ROLE_ORDER.index(membership.role) if membership.role in ROLE_ORDER else 99,
                membership.team.name,
            )
            if membership.user_id not in ranked or rank < ranked[membership.user_id]:
                ranked[membership.user_id] = rank
                words = ROLE_WORDS.get(membership.role, "a member of staff")
                self.roles[membership.user_id] = f"{words} in {membership.team.name}"
        self.portal: dict[int, str | None] = {}
        for names in _portal_names:
            self.portal.update(names(person, actor_ids))

    def who(self, actor_id: int | None, name: str, channel: str | None) -> tuple[str, bool]:
        """The words for who, and whether it was the person themself."""
        if actor_id is not None and actor_id in self.portal:
            supporter = self.portal[actor_id]
            if supporter is None:
                return YOU, True
            return f"{supporter} (your supporter)", False
        if actor_id is None:
            return (RUNS_PATHWAYS if channel == "cli" else THE_SYSTEM), False
        if channel == "portal":  # a portal account of someone else's portal: never shown
            return "someone using your pages", False
        role = self.roles.get(actor_id, RUNS_PATHWAYS)
        if self.names and name:
            return f"{name} ({role})", False
        return role, False

    def of_entry(self, entry: LogEntry) -> str:
        """Who, for one entry of the trail (the download's audit section)."""
        data = entry.additional_data or {}
        actor = entry.actor
        name = (actor.get_full_name() or actor.email) if actor is not None else ""
        words, _you = self.who(entry.actor_id, name, data.get("channel"))
        return words[:1].upper() + words[1:]


def who_looked(person: Person, *, since: dt.date | None = None) -> list[Look]:
    """Every read and change of the person's record, newest day first, one line per day
    and per who (role and team, or name), in three queries however long the trail."""
    trail = audit.narrow(audit.person_trail(person), since=since)
    rows = list(
        trail.order_by()
        .annotate(
            day=TruncDate("timestamp", tzinfo=timezone.get_current_timezone()),
            via=KT("additional_data__channel"),
            about=KT("additional_data__what"),
            result=KT("additional_data__outcome"),
            emergency=KT("additional_data__break_glass"),
        )
        .values(
            "day",
            "action",
            "actor_id",
            "actor__first_name",
            "actor__last_name",
            "actor__email",
            "via",
            "about",
            "result",
            "emergency",
            "content_type__model",
        )
        .annotate(times=Count("id"), latest=Max("timestamp"))
    )
    # Oldest first, so that each line says what was done in the order it was done.
    rows = sorted((row for row in rows if row["result"] != audit.DENIED), key=_latest)
    words = StaffWords(person, {row["actor_id"] for row in rows if row["actor_id"]})
    lines: dict[tuple[dt.date, str], Look] = {}
    for row in rows:
        name = " ".join(
            part for part in (row["actor__first_name"], row["actor__last_name"]) if part
        ) or (row["actor__email"] or "")
        who, is_you = words.who(row["actor_id"], name, row["via"])
        day = row["day"]
        look = lines.setdefault((day, who), Look(day=day, who=who, is_you=is_you))
        if row["action"] == LogEntry.Action.ACCESS:
            thing = thing_read(row["about"])
            if row["emergency"]:
                thing = f"{thing} in an emergency"
            verb = VERBS[LogEntry.Action.ACCESS]
        elif row["content_type__model"] == "person" and row["action"] == LogEntry.Action.CREATE:
            verb, thing = "made", YOUR_RECORD
        else:
            verb = VERBS.get(row["action"], VERBS[LogEntry.Action.UPDATE])
            thing = CHANGED_THINGS.get(row["content_type__model"], YOUR_RECORD)
        look.add(verb, thing, row["times"], row["latest"])
    return sorted(lines.values(), key=lambda look: (look.day, look.latest), reverse=True)


def _latest(row: dict[str, Any]) -> dt.datetime:
    return row["latest"]
