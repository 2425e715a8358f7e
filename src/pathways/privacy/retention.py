"""The retention schedule and what is due for erasure (services and selectors).

Each authority keeps one rule per record type (``RecordType``): how many years a
person's record is kept, counted from the last closure or from the record's creation.
The rules are created with the defaults from settings the first time the schedule is
read (``PATHWAYS_RETENTION_SUPPORTED_YEARS``, ``PATHWAYS_RETENTION_REFERRAL_ONLY_YEARS``).

A person is due for erasure when nothing is open (no open episode, no live referral,
no job with support still given) and the retention period of their record type ran
out: "supported" when they ever had an episode of support, "referral only" when they
were referred but never supported. The last closure is the latest of an episode
ending, a referral being decided and a job ending (or its in-work support ending);
a person with no closure at all counts from when their record was created.
Someone due whose record is payment evidence for a claim (``erasure.payment_evidence``)
is still listed, marked as kept, so the DPO sees why nothing can be done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import (
    DateField,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate

from pathways.casework.models import Episode
from pathways.commissioning.models import ClaimLine, ClaimStatus, LineStatus
from pathways.core.audit import DENIED, record_event
from pathways.core.errors import ActionRefused, ConcurrentEdit, PermissionDenied
from pathways.core.models import Authority
from pathways.core.policies import dpo_authority_ids
from pathways.employment.models import Placement
from pathways.people.models import Person
from pathways.privacy.models import (
    ErasureRequest,
    ErasureStatus,
    RecordType,
    RetentionRule,
    StartsFrom,
)
from pathways.privacy.retention_policy import retention_rule_policy
from pathways.referrals.models import LIVE_STATUSES, Referral

#: Before any closure this service could record.
_NEVER = dt.date(1900, 1, 1)

#: What each record type means, for the schedule page and the command.
RECORD_TYPE_HELP = {
    RecordType.SUPPORTED: "Someone who had at least one episode of support: their whole "
    "record (identity, contacts, referrals, episodes, plans, jobs).",
    RecordType.REFERRAL_ONLY: "Someone who was referred but never had an episode of "
    "support (declined, redirected or closed referrals): their whole record.",
}


def default_years() -> dict[str, int]:
    return {
        RecordType.SUPPORTED: settings.PATHWAYS_RETENTION_SUPPORTED_YEARS,
        RecordType.REFERRAL_ONLY: settings.PATHWAYS_RETENTION_REFERRAL_ONLY_YEARS,
    }


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return dt.date(day.year - years, 2, 28)


# --- the schedule --------------------------------------------------------------------


def rules_for(authority_ids: Collection[int]) -> list[RetentionRule]:
    """Every rule of the authorities, creating the missing ones with the defaults
    (two queries when they all exist)."""
    rules = list(
        RetentionRule.objects.filter(authority_id__in=authority_ids).select_related("authority")
    )
    have = {(r.authority_id, r.record_type) for r in rules}
    missing = [
        RetentionRule(authority_id=a, record_type=t, years=years)
        for a in sorted(authority_ids)
        for t, years in default_years().items()
        if (a, t) not in have
    ]
    if not missing:
        return rules
    try:
        with transaction.atomic():
            for rule in missing:
                rule.save()  # one by one, so that each creation is on the audit trail
    except IntegrityError:  # created by someone else at the same moment
        pass
    return list(
        RetentionRule.objects.filter(authority_id__in=authority_ids).select_related("authority")
    )


def schedule(user: Any) -> list[RetentionRule]:
    """The rules of the authorities where the user is the DPO (none for anyone else)."""
    return rules_for(dpo_authority_ids(user))


def change_rule(
    user: Any, rule: RetentionRule, *, years: int, starts_from: str, version: int
) -> RetentionRule:
    """Change how long a record type is kept (the DPO of the rule's authority only)."""
    if not retention_rule_policy.can(user, "change", rule):
        record_event(
            user,
            rule.authority,
            channel="web",
            what="retention rule change refused",
            outcome=DENIED,
        )
        raise PermissionDenied("Only the authority's data protection officer changes retention.")
    if not 1 <= years <= 100:
        raise ActionRefused("Years must be a whole number from 1 to 100.")
    if starts_from not in StartsFrom.values:
        raise ActionRefused(f"'{starts_from}' is not a starting point the schedule knows.")
    with transaction.atomic():
        current = RetentionRule.objects.select_for_update().get(pk=rule.pk)
        if current.version != version:
            raise ConcurrentEdit(
                "Someone else changed this rule since you opened it: check it and try again."
            )
        current.years = years
        current.starts_from = starts_from
        current.version += 1
        current.save()  # auditlog records the old and new values
    return current


# --- what is due ---------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A person whose retention period is over."""

    person: Person
    record_type: str
    last_closure: dt.date | None  # None: nothing was ever opened
    counted_from: dt.date
    due_since: dt.date
    open_request_id: int | None
    #: A claimed outcome the council must keep as payment evidence: no erasure.
    payment_evidence: bool = False


def _latest(rows: QuerySet, expression: Any) -> Subquery:
    """The latest date ``expression`` over ``rows`` of the person (a correlated subquery)."""
    return Subquery(
        rows.filter(person=OuterRef("pk"))
        .values("person")
        .annotate(latest=Max(expression))
        .values("latest")[:1],
        output_field=DateField(),
    )


def _annotated(people: QuerySet[Person]) -> QuerySet[Person]:
    of_person = {"person": OuterRef("pk")}
    return people.annotate(
        open_episode=Exists(Episode.objects.filter(ended_on__isnull=True, **of_person)),
        live_referral=Exists(Referral.objects.filter(status__in=LIVE_STATUSES, **of_person)),
        live_placement=Exists(
            Placement.objects.filter(
                end_date__isnull=True, support_ended_on__isnull=True, **of_person
            )
        ),
        supported=Exists(Episode.objects.filter(**of_person)),
        erased=Exists(ErasureRequest.objects.filter(status=ErasureStatus.CARRIED_OUT, **of_person)),
        payment_evidence=Exists(
            ClaimLine.objects.filter(**of_person)
            .exclude(status=LineStatus.REJECTED)
            .exclude(claim__status=ClaimStatus.DRAFT)
        ),
        open_request_id=Subquery(
            ErasureRequest.objects.filter(
                status__in=[ErasureStatus.PROPOSED, ErasureStatus.APPROVED], **of_person
            ).values("pk")[:1]
        ),
        last_closure=Greatest(
            Coalesce(_latest(Episode.objects.all(), "ended_on"), Value(_NEVER)),
            Coalesce(_latest(Referral.objects.all(), "decided_on"), Value(_NEVER)),
            Coalesce(
                _latest(Placement.objects.all(), Coalesce("end_date", "support_ended_on")),
                Value(_NEVER),
            ),
            output_field=DateField(),
        ),
        created_on=TruncDate("created_at"),
    )


def _is_due_q(rules: list[RetentionRule], today: dt.date) -> Q:
    q = Q(pk__in=[])
    for rule in rules:
        cutoff = years_before(today, rule.years)
        if rule.starts_from == StartsFrom.RECORD_CREATED:
            over = Q(created_on__lte=cutoff)
        else:
            over = Q(last_closure__gt=_NEVER, last_closure__lte=cutoff) | Q(
                last_closure=_NEVER, created_on__lte=cutoff
            )
        kind = Q(supported=rule.record_type == RecordType.SUPPORTED)
        q |= Q(authority_id=rule.authority_id) & kind & over
    return q


def due_for_erasure(
    authority_ids: Collection[int], today: dt.date, *, person_ids: Collection[int] | None = None
) -> list[Due]:
    """People of the authorities whose retention is over on ``today``, longest overdue
    first; erased people are left out. Two queries (three when a rule is created)."""
    rules = rules_for(authority_ids)
    by_key = {(r.authority_id, r.record_type): r for r in rules}
    people = _annotated(Person.objects.filter(authority_id__in=authority_ids))
    if person_ids is not None:
        people = people.filter(pk__in=person_ids)
    nothing_open = Q(open_episode=False, live_referral=False, live_placement=False, erased=False)
    found: list[Any] = list(
        people.filter(_is_due_q(rules, today), nothing_open).select_related("authority")
    )
    out = []
    for person in found:
        kind = RecordType.SUPPORTED if person.supported else RecordType.REFERRAL_ONLY
        rule = by_key[(person.authority_id, kind)]
        closure = person.last_closure if person.last_closure != _NEVER else None
        if isinstance(closure, dt.datetime):
            closure = closure.date()
        created = person.created_on
        start = created if rule.starts_from == StartsFrom.RECORD_CREATED or not closure else closure
        due_since = years_before(start, -rule.years)
        out.append(
            Due(
                person,
                kind,
                closure,
                start,
                due_since,
                person.open_request_id,
                person.payment_evidence,
            )
        )
    out.sort(key=lambda d: (d.due_since, d.person.person_ref))
    return out


def due_for_user(user: Any, today: dt.date) -> list[Due]:
    """What is due in the authorities where the user is the DPO."""
    authorities = dpo_authority_ids(user)
    return due_for_erasure(authorities, today) if authorities else []


def is_due(person: Person, today: dt.date) -> Due | None:
    found = due_for_erasure([person.authority_id], today, person_ids=[person.pk])
    return found[0] if found else None


def due_by_authority(today: dt.date) -> dict[str, list[Due]]:
    """Every authority's due list, by authority code (for ``pathways retention``)."""
    codes = dict(Authority.objects.values_list("pk", "code"))
    out: dict[str, list[Due]] = {code: [] for code in sorted(codes.values())}
    for due in due_for_erasure(list(codes), today):
        out[codes[due.person.authority_id]].append(due)
    return out


__all__ = [
    "Due",
    "change_rule",
    "due_by_authority",
    "due_for_erasure",
    "due_for_user",
    "is_due",
    "rules_for",
    "schedule",
]
