"""The menu and header: the council's name, and which sections the signed-in user is
offered (each the same rule the section's pages enforce)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from pathways.casework.selectors import may_approve_packages, may_list_people
from pathways.commissioning.onward_selectors import may_see_onward
from pathways.commissioning.selectors import may_see_contracts
from pathways.core import policies
from pathways.employers.engagement.policy import may_see_employers
from pathways.employers.pledges.policy import may_see_pledges
from pathways.privacy.policy import DATA_PROTECTION
from pathways.reporting.access import may_see_reports


def branding(request: HttpRequest) -> dict[str, Any]:
    """The council's own name in the header (the branding slot: no crown, no GOV.UK),
    and which optional menu items this user has."""
    user: Any = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "council_name": settings.PATHWAYS_COUNCIL_NAME,
        "service_name": settings.PATHWAYS_SERVICE_NAME,
        "perms_nav": {
            "my_people": signed_in and may_list_people(user),
            "audit": signed_in and policies.may_view_audit(user),
            "imports": signed_in and policies.may_import(user),
            "approvals": signed_in and may_approve_packages(user),
            "caseloads": signed_in and policies.may_see_caseloads(user),
            "employers": signed_in and may_see_employers(user),
            "pledges": signed_in and may_see_pledges(user),
            "reports": signed_in and may_see_reports(user),
            # The directory is every staff member's; contracts need a remit or a contract.
            "providers": signed_in and bool(policies.scope_of(user).team_ids or user.is_superuser),
            "contracts": signed_in and may_see_contracts(user),
            # Claims are made and decided under contracts: the same people.
            "claims": signed_in and may_see_contracts(user),
            "onward": signed_in and may_see_onward(user),
            "privacy": signed_in and DATA_PROTECTION.opens(user),
        },
    }
