"""Onward referral: a provider's team refers a person it works with to another provider
in the directory, with the person's consent to share with providers (decision 0026).

The receiving team gets an ordinary referral (source ``other_provider``) made by the
referrals app's own service, and triages it like any other; the ``OnwardReferral`` row
is what the sending team keeps: what it sent, to whom, and the referral's status.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from pathways.casework.models import Episode
from pathways.commissioning.models import OnwardReferral, Provider
from pathways.core.errors import ActionRefused, PermissionDenied
from pathways.core.models import Team, User
from pathways.core.policies import CASEWORK_ROLES, scope_of
from pathways.people.models import Consent, Person
from pathways.referrals.services import refer_from_another_provider


def provider_consent(person: Person, on: dt.date | None = None) -> Consent | None:
    """The person's latest decision about sharing with other support providers on
    ``on`` (today by default), given or not; None when nothing is recorded."""
    return (
        Consent.objects.filter(
            person=person,
            scope=Consent.Scope.SHARE_WITH_PROVIDERS,
            given_on__lte=on or timezone.localdate(),
        )
        .order_by("-given_on", "-id")
        .first()
    )


def consent_problem(person: Person, consent: Consent | None) -> str | None:
    """Why ``consent`` does not allow an onward referral, in words; None when it does."""
    if consent is None:
        return (
            f"{person.full_name} has no consent to share with other support providers "
            "recorded. Ask them, and record their answer, before referring them onward."
        )
    if not consent.given:
        return (
            f"{person.full_name} did not give consent to share with other support providers "
            f"(recorded on {consent.given_on:%d %B %Y}), so they cannot be referred onward."
        )
    return None


def sending_teams(user: User, person: Person) -> QuerySet[Team]:
    """The teams from which ``user`` may refer ``person`` onward: those with an open
    episode of the person that the user works on (the allocated worker, or a
    specialist or manager of the team)."""
    scope = scope_of(user)
    open_episodes = Episode.objects.filter(person=person, ended_on__isnull=True)
    if not scope.is_superuser:
        teams = [t for t, roles in scope.roles_by_team.items() if roles & set(CASEWORK_ROLES)]
        open_episodes = open_episodes.filter(Q(worker=user) | Q(team_id__in=teams))
    return Team.objects.filter(pk__in=open_episodes.values("team_id")).select_related(
        "organisation"
    )


def receiving_teams(person: Person, from_team: Team) -> QuerySet[Team]:
    """Teams the person may be referred onward to: teams for the person's authority of
    organisations in the directory that work there, other than the sender's own."""
    providers = Provider.objects.filter(authorities=person.authority_id)
    return (
        Team.objects.filter(
            authority_id=person.authority_id,
            organisation_id__in=providers.values("organisation_id"),
        )
        .exclude(organisation_id=from_team.organisation_id)
        .select_related("organisation", "authority")
        .order_by("organisation__name", "name")
    )


@transaction.atomic
def refer_onward(
    user: User, person: Person, *, from_team: Team, to_team: Team, reason: str
) -> OnwardReferral:
    """Refer ``person`` from ``from_team`` to ``to_team`` of another provider: the
    referral there and the record of what was sent, both or neither. Both rows are on
    the person's audit trail (django-auditlog)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why you are referring them to this provider."})
    if not sending_teams(user, person).filter(pk=from_team.pk).exists():
        raise PermissionDenied(
            f"You can refer {person.full_name} onward only from a team that works with "
            f"them; you do not work with them in {from_team.name}."
        )
    provider = (
        Provider.objects.filter(organisation_id=to_team.organisation_id)
        .select_related("organisation")
        .first()
    )
    if provider is None:
        raise ValidationError(
            {"to_team": f"{to_team.organisation.name} is not in the provider directory."}
        )
    if to_team.organisation_id == from_team.organisation_id:
        raise ValidationError(
            {
                "to_team": f"{to_team.name} is part of your own organisation; "
                "to move a referral between your own teams, redirect it."
            }
        )
    if not provider.authorities.filter(pk=person.authority_id).exists():
        raise ValidationError(
            {
                "to_team": f"{provider.organisation.name} does not work in "
                f"{person.authority.name}, where {person.full_name} lives."
            }
        )
    if to_team.authority_id != person.authority_id:
        raise ValidationError(
            {
                "to_team": f"{to_team.name} works for {to_team.authority.name}; "
                f"{person.full_name} lives in {person.authority.name}."
            }
        )
    consent = provider_consent(person)
    problem = consent_problem(person, consent)
    if problem is not None or consent is None:
        raise ActionRefused(problem or "")
    referral = refer_from_another_provider(
        user,
        person=person,
        team=to_team,
        notes=f"Referred by {from_team.name} ({from_team.organisation.name}): {reason}",
    )
    return OnwardReferral.objects.create(
        referral=referral,
        from_team=from_team,
        to_provider=provider,
        consent=consent,
        reason=reason,
        sent_by=user,
    )
