"""Everything Pathways holds about one person, gathered for a subject access request.

``gather(person)`` reads each kind of row about the person (from every app) in one
query per section, whatever the number of episodes, activities or placements, and
turns each row into named items: the value for the machine-readable archive (dates
ISO 8601, decimals as strings) next to how the readable document shows it (choices by
their label, dates in UK form). The page, the document and the archive are all made
from the same ``Gathered``, so they cannot disagree.

A row is written out field by field from its model, so a field added to a model later
is in the next archive without a change here. A link to a member of staff is shown
as their email address, to an authority, team, employer or opportunity by its name,
and to another row of the same person by its reference; other links by their number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone

from pathways.casework.models import (
    Activity,
    Appointment,
    Document,
    Episode,
    Feedback,
    Goal,
    LongTermReview,
    Package,
    StageEntry,
    Step,
    VocationalProfile,
)
from pathways.core import audit
from pathways.core.files import BY_CONTENT_TYPE, TEXT, download_name
from pathways.core.models import User
from pathways.core.policies import scope_of
from pathways.employers.candidacies.models import Candidacy, CandidacyStep
from pathways.employers.cohorts.models import InternshipCohort, RotationPlacement
from pathways.employment.models import (
    AccessToWork,
    FadingStep,
    Milestone,
    Placement,
    PlacementTerms,
    PostStartCheck,
)
from pathways.people.models import CareCost, Consent, Contact, Person
from pathways.privacy.models import SubjectAccessRequest
from pathways.privacy.policy import SUBJECT_ACCESS_ROLES, subject_access_policy
from pathways.referrals.models import Referral

NOT_RECORDED = "Not recorded"


def uk_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def uk_datetime(moment: dt.datetime) -> str:
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{uk_date(local.date())}, {local:%H:%M}"


@dataclass(frozen=True)
class Item:
    """One field of a row: its name in the archive, its label in the document, the
    value as the archive holds it and as the document shows it."""

    name: str
    label: str
    value: Any
    shown: str


@dataclass
class Section:
    """One kind of row about the person: a heading in the document, a JSON file in the
    archive (``key``.json)."""

    key: str
    title: str
    about: str
    rows: list[list[Item]] = field(default_factory=list)
    empty: str = "Nothing is held."

    def as_json(self) -> list[dict[str, Any]]:
        return [{item.name: item.value for item in row} for row in self.rows]


@dataclass
class Gathered:
    person: Person
    produced_at: dt.datetime
    sections: list[Section]
    #: The person's documents with their names in the archive (``documents/...``).
    documents: list[tuple[str, Document]] = field(default_factory=list)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


#: A link shown by something readable: the joins it needs and how to show the row.
Ref = tuple[str, Callable[[Any], str]]


def _by_name(path: str) -> Ref:
    return path, lambda row: row.name


def _by_attr(path: str, attr: str) -> Ref:
    return path, lambda row: getattr(row, attr)


def _plain(value: Any, model_field: Any) -> tuple[Any, str]:
    """The archive's value and the document's text for one stored value."""
    if value is None or value == "" or value == []:
        return (None if value is None else value), NOT_RECORDED
    if getattr(model_field, "choices", None):
        labels = dict(model_field.flatchoices)
        return value, str(labels.get(value, value))
    if isinstance(value, bool):
        return value, "Yes" if value else "No"
    if isinstance(value, Decimal):
        return str(value), str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(), uk_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat(), uk_date(value)
    if isinstance(value, list | tuple):
        return list(value), ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return value, ", ".join(f"{k}: {v}" for k, v in value.items())
    return value, str(value)


def _label(model_field: Any) -> str:
    text = str(model_field.verbose_name)
    return text[:1].upper() + text[1:]


def _row(obj: Model, refs: dict[str, Ref], skip: frozenset[str]) -> list[Item]:
    items: list[Item] = []
    for f in obj._meta.concrete_fields:
        if f.name in skip:
            continue
        if f.is_relation:
            related = getattr(obj, f.name) if getattr(obj, f.attname) is not None else None
            if related is None:
                items.append(Item(f.name, _label(f), None, NOT_RECORDED))
            elif f.related_model is User:
                items.append(Item(f.name, _label(f), related.email, related.email))
            elif f.name in refs:
                text = refs[f.name][1](related)
                items.append(Item(f.name, _label(f), text, text))
            else:
                number = getattr(obj, f.attname)
                items.append(Item(f"{f.name}_id", _label(f), number, f"Number {number}"))
            continue
        value, shown = _plain(f.value_from_object(obj), f)
        items.append(Item(f.name, _label(f), value, shown))
    return items


def _joins(model: type[Model], refs: dict[str, Ref]) -> list[str]:
    users = [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is User and f.name not in refs
    ]
    return users + [path for path, _show in refs.values()]


def _section(
    key: str,
    title: str,
    about: str,
    rows: QuerySet,
    *,
    refs: dict[str, Ref] | None = None,
    skip: Iterable[str] = ("person",),
    empty: str = "Nothing is held.",
    extra: Callable[[Any], list[Item]] | None = None,
) -> Section:
    refs = refs or {}
    queryset = rows.select_related(*_joins(rows.model, refs))
    skipped = frozenset(skip)
    out = []
    for obj in queryset:
        row = _row(obj, refs, skipped)
        if extra is not None:
            row += extra(obj)
        out.append(row)
    return Section(key, title, about, out, empty)


def _interests(profile: VocationalProfile) -> list[Item]:
    names = [tag.label for tag in profile.interests.all()]
    return [Item("interests", "Interests", names, ", ".join(names) or NOT_RECORDED)]


#: Who did an entry of the trail, in words (the archive names staff by email).
NameStaff = Callable[[Any], str]


def _audit_section(person: Person, name_staff: NameStaff | None = None) -> Section:
    rows = []
    for entry in audit.person_trail(person):
        described = audit.describe(entry)
        who = name_staff(entry) if name_staff is not None else described["who"]
        rows.append(
            [
                Item("when", "When", described["when"], uk_datetime(entry.timestamp)),
                Item("who", "Who", who, who),
                Item("action", "Did", described["action"], described["action"]),
                Item("what", "What", described["what"], described["what"]),
                Item("channel", "How", described["channel"], described["channel"]),
                Item("outcome", "Outcome", described["outcome"], described["outcome"]),
                Item("from", "From", described["from"], described["from"] or NOT_RECORDED),
                Item(
                    "changes",
                    "Changes",
                    described["changes"],
                    audit.changes_text(described["changes"]),
                ),
            ]
        )
    return Section(
        "audit_trail",
        "Who read or changed the record",
        "Every read and change of the person's record and of the rows that belong to it, "
        "newest first: when, who, what, how (web page, API, command line, export), whether "
        "it was allowed, and for changes the old and new values.",
        rows,
        "No one has read or changed the record.",
    )


DOCUMENTS_ABOUT = (
    "Files uploaded to the person's record or to an episode (consent forms, CVs, "
    "better-off calculations, letters): each is listed here, and the archive holds the "
    "file itself in its documents folder (file_in_archive)."
)


def archive_path(document: Document) -> str:
    """Where the archive keeps a document's file: its number, then the name it was
    uploaded with (made safe, with the extension of what it really is)."""
    kind = BY_CONTENT_TYPE.get(document.content_type, TEXT)
    return f"documents/{document.pk}-{download_name(document.original_name, kind)}"


def _document_section(person: Person) -> tuple[Section, list[tuple[str, Document]]]:
    """The documents section and the files for the archive, from one query."""
    refs = {"episode": _by_attr("episode", "episode_ref")}
    documents = list(
        Document.objects.filter(person=person)
        .select_related(*_joins(Document, refs))
        .order_by("uploaded_at", "id")
    )
    skip = frozenset(("person", "file"))
    files = [(archive_path(d), d) for d in documents]
    rows = [
        [*_row(d, refs, skip), Item("file_in_archive", "File in the archive", path, path)]
        for path, d in files
    ]
    return Section("documents", "Documents", DOCUMENTS_ABOUT, rows, "No documents are held."), files


def gather(person: Person, *, name_staff: NameStaff | None = None) -> Gathered:
    """Everything held about ``person``, in one query per section (the caller has
    checked that the user may, and audited it). ``name_staff`` says who did each entry
    of the audit trail (the person's own download: by role and team where the
    authority does not name staff); by default, their email."""
    authority = _by_name("authority")
    team = _by_name("team")
    episode = _by_attr("episode", "episode_ref")
    placement = _by_attr("placement", "placement_ref")
    opportunity: Ref = (
        "opportunity__employer",
        lambda o: f"{o.title} at {o.employer.name}",
    )
    documents_section, files = _document_section(person)
    sections = [
        _section(
            "person",
            "Personal details",
            "The person record: identity, contact details, needs, communication needs and "
            "reasonable adjustments.",
            Person.objects.filter(pk=person.pk),
            refs={"authority": authority},
            skip=(),
        ),
        _section(
            "contacts",
            "Circle of support",
            "People in the person's circle of support: family, carers, advocates, workers.",
            Contact.objects.filter(person=person).order_by("id"),
            empty="No contacts are recorded.",
        ),
        _section(
            "consents",
            "Consents",
            "Every consent given, refused or withdrawn, oldest first (the history is kept).",
            Consent.objects.filter(person=person).order_by("given_on", "id"),
            empty="No consents are recorded.",
        ),
        _section(
            "care_costs",
            "Care costs",
            "The weekly cost of the person's care package, from each date.",
            CareCost.objects.filter(person=person),
            empty="No care costs are recorded.",
        ),
        _section(
            "referrals",
            "Referrals",
            "Each referral to the service, who made and decided it, and what happened.",
            Referral.objects.filter(person=person).order_by("received_on", "id"),
            refs={
                "authority": authority,
                "team": team,
                "redirected_to": _by_attr("redirected_to", "referral_ref"),
            },
            empty="No referrals are recorded.",
        ),
        _section(
            "episodes",
            "Episodes of support",
            "Each period of support: the team, the worker, the stage and how it ended.",
            Episode.objects.filter(person=person).order_by("started_on", "id"),
            refs={
                "authority": authority,
                "team": team,
                "referral": _by_attr("referral", "referral_ref"),
                "previous": _by_attr("previous", "episode_ref"),
            },
            empty="No episodes of support are recorded.",
        ),
        _section(
            "stages",
            "Stages of each episode",
            "When each episode entered each stage of the pathway.",
            StageEntry.objects.filter(episode__person=person).order_by(
                "episode__started_on", "entered_on", "id"
            ),
            refs={"episode": episode},
            skip=(),
            empty="No stages are recorded.",
        ),
        _section(
            "long_term_reviews",
            "Long-term support reviews",
            "Reviews of long-term support.",
            LongTermReview.objects.filter(episode__person=person),
            refs={"episode": episode},
            skip=(),
            empty="No reviews are recorded.",
        ),
        _section(
            "packages",
            "Packages of support",
            "Packages proposed for the person and the decisions on them.",
            Package.objects.filter(episode__person=person).order_by("proposed_on", "id"),
            refs={"episode": episode},
            skip=(),
            empty="No packages are recorded.",
        ),
        _section(
            "activities",
            "Timeline of activities",
            "Every contact and activity recorded on the person's timeline, oldest first.",
            Activity.objects.filter(episode__person=person).order_by("occurred_on", "id"),
            refs={"episode": episode},
            skip=(),
            empty="No activities are recorded.",
        ),
        _section(
            "feedback",
            "How is it going? (feedback)",
            "What the person said about their support, and when the team replied, oldest first.",
            Feedback.objects.filter(person=person).order_by("given_at", "id"),
            refs={"episode": episode, "team": team},
            empty="No feedback is recorded.",
        ),
        _section(
            "vocational_profile",
            "Vocational profile",
            "What the person wants from work, what they can do and what they need.",
            VocationalProfile.objects.filter(person=person).prefetch_related("interests"),
            extra=_interests,
            empty="No vocational profile is recorded.",
        ),
        _section(
            "goals",
            "Action plan: goals",
            "The goals in each episode's action plan.",
            Goal.objects.filter(episode__person=person).order_by("episode__started_on", "id"),
            refs={"episode": episode},
            skip=(),
            empty="No goals are recorded.",
        ),
        _section(
            "steps",
            "Action plan: steps",
            "The steps towards each goal (goal_id matches the goals file's id).",
            Step.objects.filter(goal__episode__person=person).order_by("goal_id", "id"),
            skip=(),
            empty="No steps are recorded.",
        ),
        _section(
            "appointments",
            "Appointments",
            "Appointments booked with the person in each episode, with whom and what for.",
            Appointment.objects.filter(episode__person=person).order_by("starts_at", "id"),
            refs={"episode": episode},
            skip=("uid",),
            empty="No appointments are recorded.",
        ),
        _section(
            "candidacies",
            "Jobs the person was put forward for",
            "Each opportunity the person was put forward for and where it got to.",
            Candidacy.objects.filter(person=person).order_by("status_on", "id"),
            refs={"opportunity": opportunity},
            empty="The person was not put forward for any job.",
        ),
        _section(
            "candidacy_steps",
            "Steps of each candidacy",
            "Each change of a candidacy's status (candidacy_id matches the candidacies file).",
            CandidacyStep.objects.filter(candidacy__person=person).order_by(
                "candidacy_id", "on", "id"
            ),
            skip=(),
            empty="No candidacy steps are recorded.",
        ),
        _section(
            "placements",
            "Jobs and placements",
            "Each job or placement the person started, with the employer and how it ended.",
            Placement.objects.filter(person=person).order_by("start_date", "id"),
            refs={
                "authority": authority,
                "episode": episode,
                "employer": _by_name("employer"),
            },
            empty="No jobs or placements are recorded.",
        ),
        _section(
            "placement_terms",
            "Hours and pay",
            "The hours and pay of each job from each date.",
            PlacementTerms.objects.filter(placement__person=person),
            refs={"placement": placement},
            skip=(),
            empty="No hours or pay are recorded.",
        ),
        _section(
            "post_start_checks",
            "In-work support: post-start checks",
            "The checks after a job start, when each was due and done.",
            PostStartCheck.objects.filter(placement__person=person),
            refs={"placement": placement},
            skip=(),
            empty="No post-start checks are recorded.",
        ),
        _section(
            "fading_steps",
            "In-work support: fading plan",
            "How the job coach's support was planned to reduce over time.",
            FadingStep.objects.filter(placement__person=person),
            refs={"placement": placement},
            skip=(),
            empty="No fading plan is recorded.",
        ),
        _section(
            "access_to_work",
            "Access to Work",
            "Applications to the Access to Work scheme and their outcome.",
            AccessToWork.objects.filter(placement__person=person).order_by("id"),
            refs={"placement": placement},
            skip=(),
            empty="No Access to Work application is recorded.",
        ),
        _section(
            "milestones",
            "Milestones in work",
            "Weeks in work reached and how they were confirmed.",
            Milestone.objects.filter(placement__person=person),
            refs={"placement": placement},
            skip=(),
            empty="No milestones are recorded.",
        ),
        _section(
            "internship_cohorts",
            "Supported internships",
            "Internship cohorts the person was part of.",
            InternshipCohort.objects.filter(interns=person).order_by("id"),
            refs={"authority": authority, "team": team, "host": _by_name("host")},
            skip=(),
            empty="The person was not in an internship cohort.",
        ),
        _section(
            "internship_rotations",
            "Internship rotations",
            "The placements of each internship rotation.",
            RotationPlacement.objects.filter(person=person).order_by("id"),
            refs={
                "opportunity": opportunity,
                "rotation": (
                    "rotation__cohort",
                    lambda r: (
                        f"{r.cohort.name}, rotation {r.number} "
                        f"({uk_date(r.starts_on)} to {uk_date(r.ends_on)})"
                    ),
                ),
            },
            empty="No internship rotations are recorded.",
        ),
        _section(
            "subject_access_requests",
            "Subject access requests",
            "Requests for this information, including this one.",
            SubjectAccessRequest.objects.filter(person=person).order_by("received_on", "id"),
            refs={"authority": authority},
            empty="No subject access requests are recorded.",
        ),
        documents_section,
        _audit_section(person, name_staff),
    ]
    return Gathered(person=person, produced_at=timezone.now(), sections=sections, documents=files)


def open_requests(user: Any) -> QuerySet[SubjectAccessRequest]:
    """The open requests this user answers, oldest due first (overdue at the top)."""
    return subject_access_policy.visible(
        user,
        SubjectAccessRequest.objects.filter(status=SubjectAccessRequest.Status.OPEN)
        .select_related("person", "authority", "logged_by")
        .order_by("due_on", "id"),
    )


def request_rows() -> QuerySet[SubjectAccessRequest]:
    """A request with what its page shows."""
    return SubjectAccessRequest.objects.select_related(
        "person", "person__authority", "authority", "logged_by", "completed_by"
    )


def productions_of(sar: SubjectAccessRequest) -> QuerySet:
    return sar.productions.select_related("produced_by")


def people_by_reference(user: Any, ref: str) -> list[Person]:
    """The people (at most two) with this reference in the authorities whose requests
    the user answers: a reference elsewhere is answered as one that does not exist."""
    scope = scope_of(user)
    people = Person.objects.select_related("authority").filter(person_ref__iexact=ref)
    if not scope.is_superuser:
        people = people.filter(authority_id__in=scope.authorities_for(*SUBJECT_ACCESS_ROLES))
    return list(people[:2])
