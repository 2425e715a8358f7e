"""Deactivating a leaver who still holds cases: the hand-over (casework's
``reassign_caseload``, team by team) and the deactivation (``core.accounts``) in one
transaction, so either both happen or nothing does."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction

from pathways.casework.selectors import open_cases_by_team
from pathways.casework.services import reassign_caseload
from pathways.core import accounts
from pathways.core.audit import record_staff_event
from pathways.core.errors import ActionRefused
from pathways.core.models import Membership, User
from pathways.core.policies import CASEWORK_ROLES, staff_policy


def colleagues_for(member: User) -> list[User]:
    """Active staff who carry a caseload in a team where ``member`` holds open cases:
    whom their cases may go to."""
    teams = [team.pk for team, _ in open_cases_by_team(member)]
    if not teams:
        return []
    ids = Membership.objects.filter(team_id__in=teams, role__in=CASEWORK_ROLES).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).exclude(pk=member.pk))


@transaction.atomic
def deactivate_leaver(actor: User, member: User, *, hand_to: Iterable[User] = ()) -> int:
    """Hand ``member``'s open cases to ``hand_to`` (each case to a colleague in its
    team, within the caps), then deactivate them. How many cases moved."""
    if not staff_policy.can(actor, "administer", member):
        # Checked first, so that nothing about their cases is told to a stranger.
        raise PermissionDenied("You do not administer this staff member.")
    if member.pk == actor.pk:
        raise ActionRefused("You cannot deactivate your own account. Ask another administrator.")
    chosen = list(dict.fromkeys(hand_to))
    moved = 0
    for team, held in open_cases_by_team(member):
        carrying = set(
            team.memberships.filter(role__in=CASEWORK_ROLES).values_list("user_id", flat=True)
        )
        here = [w for w in chosen if w.pk in carrying and w.pk != member.pk]
        if not here:
            raise ActionRefused(
                f"{member} holds {held} open case{'s' if held != 1 else ''} in {team.name}. "
                f"Choose a colleague in {team.name} to take them."
            )
        moved += len(reassign_caseload(actor, team=team, from_worker=member, to_workers=here))
    if moved:
        record_staff_event(actor, member, channel="web", what="cases handed over", cases=moved)
    accounts.deactivate(actor, member)
    return moved
