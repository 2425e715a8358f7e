"""Who may do what with portal accounts, on core's one mechanism.

Staff: whoever may change a person's record (their coach, the team) may invite the
person or, with the person's consent, a supporter, and may end either's access.
The person's side: an account sees only its own person's portal, and a supporter only
the sections the person agreed to while that consent stands (``portal.access``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from pathways.core.policies import Policy, Rule, Scope, add_perms
from pathways.people.models import Consent
from pathways.people.policy import person_policy
from pathways.portal.models import PortalAccount


def _may_manage(scope: Scope, user: Any, account: Any) -> bool:
    return person_policy.can(user, "change", account.person)


class PortalAccountPolicy(Policy):
    model = PortalAccount
    noun = "portal account"
    person_field = "person"
    actions: dict[str, Rule] = {"view": lambda *_: True, "manage": _may_manage}

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return person_policy.people_q(scope, user)


portal_account_policy = PortalAccountPolicy()
add_perms(portal_account_policy, "portal", "portalaccount")


def may_invite(user: Any, person: Any) -> bool:
    """Whether ``user`` may give ``person`` (or their supporter) a portal account."""
    return person_policy.can(user, "change", person)


def consent_stands(account: PortalAccount) -> bool:
    """A supporter's consent stands until the person withdraws it: a later "no" for the
    supporter-portal scope ends every supporter's access at once."""
    if not account.is_supporter:
        return True
    consent = account.consent
    if consent is None or not consent.given:
        return False
    return not Consent.objects.filter(
        person_id=account.person_id,
        scope=Consent.Scope.SUPPORTER_PORTAL,
        given=False,
        id__gt=consent.id,
    ).exists()
