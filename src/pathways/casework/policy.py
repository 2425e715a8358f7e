"""Who may see and work on episodes of support, and who works with a person."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from pathways.casework.models import Appointment, Document, Episode, Feedback, Package
from pathways.core.models import Role
from pathways.core.policies import (
    APPROVER_ROLES,
    CASEWORK_ROLES,
    Policy,
    Rule,
    Scope,
    anyone,
    scope_of,
    team_roles,
)
from pathways.people.policy import ended_recently, person_policy


def _caseworker(scope: Scope, user: Any, episode: Any) -> bool:
    """The allocated worker, or a specialist or manager of the episode's team."""
    return episode.worker_id == user.pk or scope.has_role_in_team(episode.team_id, *CASEWORK_ROLES)


class EpisodePolicy(Policy):
    model = Episode
    noun = "episode"
    person_field = "person"
    actions: dict[str, Rule] = {
        "view": anyone,
        "work": _caseworker,
        "approve_package": team_roles(*APPROVER_ROLES),
        "close": _caseworker,
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        """The episodes of the user's teams or allocated to them, while the user may see
        the person (so a closed episode goes with the person when the grace period
        ends), and every episode in an authority the user sees whole."""
        return (
            (Q(team_id__in=scope.casework_team_ids) | Q(worker=user))
            & person_policy.people_q(scope, user)
        ) | Q(authority_id__in=scope.personal_data_authorities)


class PackagePolicy(Policy):
    """A package is part of its episode: seen with the episode; deciding on it is the
    approver's, through ``episode_policy`` ("approve_package")."""

    model = Package
    noun = "package"
    person_field = "episode.person"
    actions: dict[str, Rule] = {"view": anyone}

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(episode__in=Episode.objects.filter(episode_policy.scope_q(scope, user)))


def works_with_person(scope: Scope, user: Any, person_id: int) -> bool:
    """The person's allocated worker, or a specialist or manager of a team with an open
    episode of theirs: who may put them forward for work and record it."""
    teams = [t for t, roles in scope.roles_by_team.items() if roles & set(CASEWORK_ROLES)]
    return Episode.objects.filter(
        Q(worker=user) | Q(team_id__in=teams), person_id=person_id, ended_on__isnull=True
    ).exists()


class PersonsWorkPolicy(Policy):
    """Rows that are part of a person's record about their work (candidacies, jobs):
    seen with the person, changed by those who work with them (``works_with_person``).
    A subclass names its model and noun."""

    person_field = "person"
    actions: dict[str, Rule] = {
        "view": anyone,
        "change": lambda scope, user, row: works_with_person(scope, user, row.person_id),
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return person_policy.people_q(scope, user)


def may_work_with(user: Any, person_id: int) -> bool:
    """Whether the user may record a person's work and put them forward: the people
    who work with them (``works_with_person``), or the operator."""
    scope = scope_of(user)
    return scope.is_superuser or works_with_person(scope, user, person_id)


def open_episode_with(_scope: Scope, user: Any, teams: list[int]) -> Q:
    """A person with an episode allocated to the user or held by one of their teams that
    is open, or closed within the grace period (``people.policy.ended_since``)."""
    current = Q(ended_on__isnull=True) | ended_recently("ended_on")
    q = Q(pk__any_of=Episode.objects.filter(current, worker=user).values("person_id"))
    if teams:
        q |= Q(pk__any_of=Episode.objects.filter(current, team_id__in=teams).values("person_id"))
    return q


def may_delete_document(scope: Scope, user: Any, document: Any) -> bool:
    """The person who uploaded it, or a team manager of a team with an open episode of
    the person, while they still work with the person."""
    if not works_with_person(scope, user, document.person_id):
        return False
    if document.uploaded_by_id == user.pk:
        return True
    managed = [t for t, roles in scope.roles_by_team.items() if Role.TEAM_MANAGER in roles]
    return Episode.objects.filter(
        person_id=document.person_id, team_id__in=managed, ended_on__isnull=True
    ).exists()


class DocumentPolicy(Policy):
    """A document is part of the person's record: seen (and downloaded) by whoever may
    see the person, uploaded by those who work with them (``may_work_with``, or the
    episode's "work" for an episode's document), deleted by its uploader or a manager."""

    model = Document
    noun = "document"
    person_field = "person"
    actions: dict[str, Rule] = {"view": anyone, "delete": may_delete_document}

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return person_policy.people_q(scope, user)


class AppointmentPolicy(Policy):
    """An appointment is part of its episode: seen with the episode, and booked,
    changed or cancelled by whoever may record activities on it (the episode's
    "work": the allocated worker, or a specialist or manager of its team)."""

    model = Appointment
    noun = "appointment"
    person_field = "episode.person"
    actions: dict[str, Rule] = {
        "view": anyone,
        "change": lambda scope, user, row: _caseworker(scope, user, row.episode),
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(episode__in=Episode.objects.filter(episode_policy.scope_q(scope, user)))


def _answers_feedback(scope: Scope, user: Any, feedback: Any) -> bool:
    """The worker allocated to the episode it was given in, or a specialist or manager
    of the team it was given to."""
    return feedback.episode.worker_id == user.pk or scope.has_role_in_team(
        feedback.team_id, *CASEWORK_ROLES
    )


class FeedbackPolicy(Policy):
    """What a person said about their support is part of the episode: seen by whoever
    sees the episode (the team, the worker), answered by those who work with it."""

    model = Feedback
    noun = "feedback"
    person_field = "person"
    actions: dict[str, Rule] = {"view": anyone, "answer": _answers_feedback}

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(episode__in=Episode.objects.filter(episode_policy.scope_q(scope, user)))


episode_policy = EpisodePolicy()
package_policy = PackagePolicy()
document_policy = DocumentPolicy()
appointment_policy = AppointmentPolicy()
feedback_policy = FeedbackPolicy()
