"""Who may see and do what in commissioning, on core's one mechanism.

- **The directory** (providers): every member of a team reads it (commissioners,
  intake officers and coaches choose providers from it); commissioners and admins
  keep it.
- **Contracts and their claims**: the commissioners (and admins) of the contract's
  authority, and the team managers of the provider's organisation for its own
  contracts; nobody else. Commissioners keep contracts and decide claim lines; the
  provider's managers prepare and submit claims. Nobody decides a claim of their own
  organisation: ``decide`` refuses anyone with a team in the provider's organisation,
  and the service checks it again for superusers (``not_of_claiming_organisation``).
- **Purchases** are part of the person's record: seen with the person, recorded by
  those who work with them (``PersonsWorkPolicy``).
- **Targets**: the authority's commissioners and admins.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from pathways.casework.policy import PersonsWorkPolicy
from pathways.commissioning.models import (
    AuthorityTarget,
    Claim,
    ClaimLine,
    Contract,
    OnwardReferral,
    Provider,
    Purchase,
)
from pathways.core.models import Role
from pathways.core.policies import Policy, Rule, Scope, add_perms, anyone, scope_of
from pathways.people.models import Person
from pathways.people.policy import person_policy

#: Who commissions for an authority.
COMMISSIONING_ROLES = (Role.COMMISSIONER, Role.ADMIN)
#: Who acts for a provider on its contracts.
PROVIDER_ROLES = (Role.TEAM_MANAGER,)


def commissions_for(scope: Scope, authority_id: int) -> bool:
    return authority_id in scope.authorities_for(*COMMISSIONING_ROLES)


def manages_for(scope: Scope, organisation_id: int) -> bool:
    return organisation_id in scope.organisations_for(*PROVIDER_ROLES)


def belongs_to(scope: Scope, organisation_id: int) -> bool:
    """Has any team, in any role, in the organisation."""
    return organisation_id in set(scope.organisation_by_team.values())


def not_of_claiming_organisation(user: Any, contract: Contract) -> bool:
    """Nobody decides a claim of their own organisation, superuser or not."""
    return not belongs_to(scope_of(user), contract.provider.organisation_id)


class ProviderPolicy(Policy):
    model = Provider
    noun = "provider"
    actions: dict[str, Rule] = {
        "view": anyone,
        "change": lambda scope, _user, _row: bool(scope.authorities_for(*COMMISSIONING_ROLES)),
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q()  # the directory is open to every member of a team


class ContractPolicy(Policy):
    model = Contract
    noun = "contract"
    actions: dict[str, Rule] = {
        "view": anyone,
        "change": lambda scope, _user, row: commissions_for(scope, row.authority_id),
        "claim": lambda scope, _user, row: manages_for(scope, row.provider.organisation_id),
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return contract_q(scope)


def contract_q(scope: Scope, prefix: str = "") -> Q:
    return Q(**{f"{prefix}authority_id__in": scope.authorities_for(*COMMISSIONING_ROLES)}) | Q(
        **{f"{prefix}provider__organisation_id__in": scope.organisations_for(*PROVIDER_ROLES)}
    )


class ClaimPolicy(Policy):
    model = Claim
    noun = "claim"
    actions: dict[str, Rule] = {
        "view": anyone,
        "prepare": lambda scope, _user, row: manages_for(
            scope, row.contract.provider.organisation_id
        ),
        "decide": lambda scope, _user, row: (
            commissions_for(scope, row.contract.authority_id)
            and not belongs_to(scope, row.contract.provider.organisation_id)
        ),
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return contract_q(scope, "contract__")


class ClaimLinePolicy(Policy):
    """A line names a person (by reference) and an outcome of their support: read with
    its claim, and every read is audited on the person's trail."""

    model = ClaimLine
    noun = "claim line"
    person_field = "person"
    actions: dict[str, Rule] = {"view": anyone}

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return contract_q(scope, "claim__contract__")


class PurchasePolicy(PersonsWorkPolicy):
    model = Purchase
    noun = "purchase"


class TargetPolicy(Policy):
    model = AuthorityTarget
    noun = "target"
    actions: dict[str, Rule] = {
        "view": anyone,
        "change": lambda scope, _user, row: commissions_for(scope, row.authority_id),
    }

    def scope_q(self, scope: Scope, user: Any) -> Q:
        return Q(authority_id__in=scope.authorities_for(*COMMISSIONING_ROLES))


provider_policy = ProviderPolicy()
contract_policy = ContractPolicy()
claim_policy = ClaimPolicy()
claim_line_policy = ClaimLinePolicy()
purchase_policy = PurchasePolicy()
target_policy = TargetPolicy()


def register() -> None:
    for policy, name in (
        (provider_policy, "provider"),
        (contract_policy, "contract"),
        (claim_policy, "claim"),
        (claim_line_policy, "claimline"),
        (purchase_policy, "purchase"),
        (target_policy, "authoritytarget"),
    ):
        add_perms(policy, "commissioning", name)


# --- onward referral (decision 0026) -------------------------------------------------------------


class OnwardReferralPolicy(Policy):
    """What one provider's team sent another: seen by the members of the sending team
    (what they sent and its status, even after their own work with the person ends)
    and by the receiving team while it may see the person, like the referral itself;
    nobody else through this row."""

    model = OnwardReferral
    noun = "onward referral"
    person_field = "referral.person"
    actions: dict[str, Rule] = {"view": anyone}

    def scope_q(self, scope: Scope, user: Any) -> Q:
        seen = Person.objects.filter(person_policy.scope_q(scope, user)).values("pk")
        receiving = Q(referral__team_id__in=scope.casework_team_ids, referral__person__in=seen)
        return Q(from_team_id__in=scope.casework_team_ids) | receiving


onward_referral_policy = OnwardReferralPolicy()


def register_onward() -> None:
    add_perms(onward_referral_policy, "commissioning", "onwardreferral")
