"""The menu and header: the council's name, and the sections the signed-in user is
offered.

``MENU`` is the whole menu, in order: a label, the page's URL name, and who is shown
it. Each rule is the same one the section's page enforces, so nobody is offered a page
that refuses them (tests/workspace/test_crawler.py follows every link for every demo
role). Adding a section is one line here; base.html renders the list in a loop, with
the current section marked for sighted users and screen readers alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from pathways.casework.selectors import may_approve_packages, may_list_people
from pathways.commissioning.onward_selectors import may_see_onward
from pathways.commissioning.selectors import may_see_contracts
from pathways.core import policies
from pathways.employers.engagement.policy import may_see_employers
from pathways.employers.pledges.policy import may_see_pledges
from pathways.people.policy import may_find_people
from pathways.privacy.policy import DATA_PROTECTION
from pathways.referrals.policy import may_triage, may_work_waiting_list
from pathways.reporting.access import may_see_reports


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    #: Who is shown the item: the rule the page itself enforces.
    shown_to: Callable[[Any], bool]


def everyone(_user: Any) -> bool:
    return True


def in_a_team(user: Any) -> bool:
    """Any member of staff (the provider directory is every staff member's)."""
    scope = policies.scope_of(user)
    return scope.is_superuser or bool(scope.team_ids)


def pledges_only(user: Any) -> bool:
    """Commissioners follow employers' pledges; staff who see the employers find the
    pledges on each employer's page."""
    return may_see_pledges(user) and not may_see_employers(user)


MENU: list[MenuItem] = [
    MenuItem("My work", "my-work", everyone),
    MenuItem("People", "people:search", may_find_people),
    MenuItem("My people", "casework:my-people", may_list_people),
    MenuItem("New referral", "referrals:new", policies.may_refer),
    MenuItem("Triage", "referrals:triage", may_triage),
    MenuItem("Help requests", "referrals:help-requests", may_triage),
    MenuItem("Waiting list", "referrals:waiting", may_work_waiting_list),
    MenuItem("Onward referrals", "onward:sent", may_see_onward),
    MenuItem("Approvals", "casework:approvals", may_approve_packages),
    MenuItem("Caseloads", "reporting:caseload", policies.may_see_caseloads),
    MenuItem("Opportunities", "employers:opportunities", may_see_employers),
    MenuItem("Employers", "employers:employers", may_see_employers),
    MenuItem("Pledges", "employers:pledges", pledges_only),
    MenuItem("Providers", "commissioning:providers", in_a_team),
    MenuItem("Contracts", "commissioning:contracts", may_see_contracts),
    # Claims are made and decided under contracts: the same people.
    MenuItem("Claims", "claims:home", may_see_contracts),
    MenuItem("Reports", "reporting:index", may_see_reports),
    MenuItem("Audit", "audit", policies.may_view_audit),
    MenuItem("Data protection", "privacy:home", DATA_PROTECTION.opens),
    MenuItem("Imports", "imports:upload", policies.may_import),
    MenuItem("Staff", "staff", policies.may_administer_staff),
]


def menu_for(user: Any, path: str) -> list[dict[str, Any]]:
    """The items ``user`` is shown, each with its URL and whether it is the page being
    shown (``"page"``), the section it belongs to (``"true"``: the longest menu URL the
    path starts with, "My work" only for itself), or neither (``""``)."""
    items = [
        (item.label, item.url_name, reverse(item.url_name)) for item in MENU if item.shown_to(user)
    ]
    section = max(
        (url for _, _, url in items if url != "/" and path.startswith(url)),
        key=len,
        default=None,
    )
    return [
        {
            "label": label,
            "name": name,
            "url": url,
            "current": "page" if url == path else "true" if url == section else "",
        }
        for label, name, url in items
    ]


def branding(request: HttpRequest) -> dict[str, Any]:
    """The council's own name in the header (the branding slot: no crown, no GOV.UK),
    and the menu for the signed-in user."""
    user: Any = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    menu = menu_for(user, request.path) if signed_in else []
    return {
        "council_name": settings.PATHWAYS_COUNCIL_NAME,
        "service_name": settings.PATHWAYS_SERVICE_NAME,
        "menu": menu,
        # The URL names of the sections offered, so that a page of a lower app can link
        # to one ("My people" from People) only when the menu offers it.
        "offered": frozenset(item["name"] for item in menu),
    }
