"""Who may handle subject access requests: the data protection officer of the person's
home authority, and its admins, exactly as for the person's audit trail (the person
policy's ``view_audit``, ``core.policies.may_view_audit``). Nobody else sees that a
request exists: a refused look is on the person's trail and answers "not found".

The doors of the privacy sections (``SUBJECT_ACCESS``, ``ERASURE`` and their union
``DATA_PROTECTION``) are defined here once, for the pages, the DPO's home page and
the menu: who may open each, and what anyone else is told (403)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from pathways.core.models import Role
from pathways.core.policies import Policy, Rule, Scope, anyone, dpo_authority_ids, scope_of
from pathways.people.models import Person
from pathways.people.policy import person_policy
from pathways.privacy.models import SubjectAccessRequest

#: Who answers subject access requests in their authority.
SUBJECT_ACCESS_ROLES = (Role.DATA_PROTECTION_OFFICER, Role.ADMIN)


class SubjectAccessRequestPolicy(Policy):
    model = SubjectAccessRequest
    noun = "subject access request"
    person_field = "person"
    actions: dict[str, Rule] = {
        "view": anyone,
        "produce": anyone,
        "complete": anyone,
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(person__authority_id__in=scope.authorities_for(*SUBJECT_ACCESS_ROLES))


subject_access_policy = SubjectAccessRequestPolicy()


def may_handle_subject_access(user: Any) -> bool:
    """Whether the user answers subject access requests anywhere (the queue's door)."""
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.authorities_for(*SUBJECT_ACCESS_ROLES))


def may_handle_for(user: Any, person: Person) -> bool:
    """Whether the user may log and answer a request about this person: the person's
    audit trail is theirs to read."""
    return person_policy.can(user, "view_audit", person)


def handles_erasure(user: Any) -> bool:
    """Whether the user is the data protection officer of some authority: retention
    and erasure are theirs alone, admins and superusers included."""
    return bool(dpo_authority_ids(user))


@dataclass(frozen=True)
class Door:
    """A privacy section: who may open it, and what anyone else is told."""

    opens: Callable[[Any], bool]
    refusal: str

    def require(self, user: Any) -> None:
        """Refuse (403) a user the section is not for."""
        if not self.opens(user):
            raise PermissionDenied(self.refusal)


SUBJECT_ACCESS = Door(
    may_handle_subject_access,
    "Only the data protection officer or an admin can handle subject access requests.",
)
ERASURE = Door(handles_erasure, "Only a data protection officer can see retention and erasure.")
DATA_PROTECTION = Door(
    lambda user: SUBJECT_ACCESS.opens(user) or ERASURE.opens(user),
    "Only the data protection officer or an admin can open this page.",
)
