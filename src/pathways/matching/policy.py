"""Who may keep the interest vocabulary (``core.InterestTag``): the list of interests
and sectors that vocational profiles and opportunities share, so that matching
compares like with like.

The vocabulary is one list for the whole installation, so keeping it is for
administrators (the Administrator role in any team) and superusers. Everyone who works
with people or opportunities reads it (profile and opportunity forms, imports).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from pathways.core.models import InterestTag, Role
from pathways.core.policies import Policy, Rule, Scope, anyone, scope_of


def _administrator(scope: Scope, _user: Any, _tag: Any) -> bool:
    return bool(scope.authorities_for(Role.ADMIN))


class InterestTagPolicy(Policy):
    model = InterestTag
    noun = "interest"
    actions: dict[str, Rule] = {"view": anyone, "manage": _administrator}

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q()  # one shared list: every tag is visible to everyone with a team


def may_manage_interests(user: Any) -> bool:
    """Whether the user may add, rename, merge and retire interests (no query beyond
    the user's memberships, which ``scope_of`` reads once per request)."""
    scope = scope_of(user)
    return scope.is_superuser or _administrator(scope, user, None)


interest_policy = InterestTagPolicy()
