"""Who may see, triage and allocate referrals, and whom a user may refer to."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from pathways.core.models import Role
from pathways.core.policies import (
    REFERRER_ROLES,
    TRIAGE_ROLES,
    Policy,
    Rule,
    Scope,
    anyone,
    scope_of,
    team_roles,
)
from pathways.people.policy import ended_recently, person_policy
from pathways.referrals.models import LIVE_STATUSES, HelpRequest, Referral, Status


class ReferralPolicy(Policy):
    model = Referral
    noun = "referral"
    person_field = "person"
    actions: dict[str, Rule] = {
        "view": anyone,
        "triage": team_roles(*TRIAGE_ROLES),
        "allocate": team_roles(*TRIAGE_ROLES),
        "override_cap": team_roles(Role.TEAM_MANAGER),
        "set_urgent": team_roles(Role.TEAM_MANAGER),
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        """Referrals to the user's teams while the user may see the person (a declined
        referral goes with the person when the grace period ends), and every referral
        in an authority the user sees whole."""
        # A live referral to one of the teams whose relationships make people visible
        # is itself what makes its person visible (``live_referral_to_team``): saying
        # so first lets the database skip working out the user's people for the
        # waiting list and triage, where every row is one.
        return (
            Q(team_id__in=scope.relationship_team_ids, status__in=LIVE_STATUSES)
            | (Q(team_id__in=scope.casework_team_ids) & person_policy.people_q(scope, user))
            | Q(authority_id__in=scope.personal_data_authorities)
        )


def live_referral_to_team(_scope: Scope, _user: Any, teams: list[int]) -> Q | None:
    """A person referred to one of the user's teams, while the referral is live or was
    decided (declined, redirected, closed, allocated) within the grace period."""
    if not teams:
        return None
    current = (
        Q(status__in=LIVE_STATUSES)
        | (Q(status=Status.ALLOCATED) & ended_recently("allocated_on"))
        | (~Q(status__in=[*LIVE_STATUSES, Status.ALLOCATED]) & ended_recently("decided_on"))
    )
    return Q(pk__any_of=Referral.objects.filter(current, team_id__in=teams).values("person_id"))


referral_policy = ReferralPolicy()


class HelpRequestPolicy(Policy):
    """Requests for help sent to an authority by people with no account: read and
    dealt with by those who triage referrals in some team of that authority (intake
    officers and team managers). A request is about nobody on record yet, so a refused
    look is not on anyone's trail."""

    model = HelpRequest
    noun = "help request"
    person_field = None
    actions: dict[str, Rule] = {"view": anyone, "deal": anyone}

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(authority_id__in=scope.authorities_for(*TRIAGE_ROLES))


help_request_policy = HelpRequestPolicy()


def may_triage(user: Any) -> bool:
    """Whether the user triages and allocates referrals in some team (the policy's
    ``triage`` and ``allocate``): the "Triage" menu entry. No query beyond the user's
    memberships."""
    scope = scope_of(user)
    return scope.is_superuser or any(
        scope.has_role_in_team(team, *TRIAGE_ROLES) for team in scope.team_ids
    )


def may_work_waiting_list(user: Any) -> bool:
    """Whether the user works from a team's waiting list: those who allocate from it
    and the specialists who take people off it (the "Waiting list" menu entry)."""
    scope = scope_of(user)
    return scope.is_superuser or any(
        scope.has_role_in_team(team, *REFERRER_ROLES) for team in scope.team_ids
    )
