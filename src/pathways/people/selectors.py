"""Reads of person records, scoped by ``people.policy.person_policy``."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Prefetch, Q, QuerySet

from pathways.core.models import InterestTag, User
from pathways.core.policies import dpo_authority_ids
from pathways.people.models import BreakGlass, Consent, Person
from pathways.people.policy import break_glass_authorities, person_policy

_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _as_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    m = _DMY.match(text)
    if m:
        try:
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            return None
    return None


def people_for(user: User) -> QuerySet[Person]:
    return person_policy.visible(user, Person.objects.select_related("authority"))


def search_people(user: User, query: str = "", ref: str | None = None) -> QuerySet[Person]:
    """Find people by name, reference or date of birth (``YYYY-MM-DD`` or ``DD/MM/YYYY``)."""
    qs = people_for(user)
    if ref:
        qs = qs.filter(person_ref=ref)
    query = query.strip()
    if query:
        day = _as_date(query)
        if day:
            qs = qs.filter(date_of_birth=day)
        else:
            words = query.split()
            name_match = Q(
                *[Q(given_name__icontains=w) | Q(family_name__icontains=w) for w in words]
            )
            qs = qs.filter(Q(person_ref__iexact=query) | name_match)
    return qs.order_by("family_name", "given_name", "person_ref")


def person_with_record() -> QuerySet[Person]:
    """People with their circle of support, consents, care costs and vocational
    profile, in a fixed number of queries (unscoped: the person policy scopes it)."""
    return Person.objects.select_related("authority", "vocational_profile").prefetch_related(
        Prefetch(
            "vocational_profile__interests",
            queryset=InterestTag.objects.order_by("label"),
        ),
        "contacts",
        "care_costs",
        "consents__recorded_by",
    )


def get_person(user: User, pk: int) -> Person | None:
    """One person with their record, if the user may see them."""
    return person_policy.visible(user, person_with_record()).filter(pk=pk).first()


def get_person_for_audit(user: User, pk: int) -> Person | None:
    """A person whose audit trail this user may see (DPO or admin of their authority)."""
    person = Person.objects.select_related("authority").filter(pk=pk).first()
    if person is None or not person_policy.can(user, "view_audit", person):
        return None
    return person


def current_consents(person: Person) -> dict:
    """The latest consent per scope (uses the prefetched rows when present)."""
    latest: dict = {}
    for consent in sorted(person.consents.all(), key=lambda c: (c.given_on, c.pk)):
        latest[consent.scope] = consent
    return latest


def consent_history(person: Person) -> list[Consent]:
    """Every consent decision, newest first (uses the prefetched rows when present)."""
    return sorted(person.consents.all(), key=lambda c: (c.given_on, c.pk), reverse=True)


def person_to_break_glass(user: User, pk: int) -> Person | None:
    """The person ``pk`` if the user may open their record in an emergency (they live
    in an authority where the user works in a team and the user cannot see them yet),
    else None: nobody outside those authorities learns whether a record exists."""
    person = Person.objects.filter(pk=pk, authority_id__in=break_glass_authorities(user)).first()
    if person is None or person_policy.can(user, "view", person):
        return None
    return person


def break_glass_reviewable(user: User) -> QuerySet[BreakGlass]:
    """Emergency opens of the records of people whose home authority's data protection
    officer is ``user``: unreviewed first, oldest first, then the reviewed, newest
    first."""
    authorities = dpo_authority_ids(user)
    return BreakGlass.objects.filter(person__authority_id__in=authorities).select_related(
        "person", "user", "reviewed_by"
    )


def break_glass_to_review(user: User) -> QuerySet[BreakGlass]:
    return break_glass_reviewable(user).filter(reviewed_at__isnull=True).order_by("opened_at", "pk")


def break_glass_reviewed(user: User, limit: int = 50) -> QuerySet[BreakGlass]:
    return (
        break_glass_reviewable(user)
        .filter(reviewed_at__isnull=False)
        .order_by("-reviewed_at", "-pk")[:limit]
    )
