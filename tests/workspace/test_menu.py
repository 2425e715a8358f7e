"""The menu: each role is offered the sections it may open, and no other; the current
section is marked for screen readers as well as by its style."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from pathways.core.models import Role
from pathways.workspace.menu import MENU, menu_for
from tests.factories import TeamFactory, UserFactory, staff

pytestmark = pytest.mark.django_db

MENU_LINK = re.compile(
    r'<a class="govuk-service-navigation__link" href="([^"]+)"[^>]*>(?:<strong[^>]*>)?([^<]+)<'
)


def menu_on(html: str) -> dict[str, str]:
    """The menu's items on a page, label: URL."""
    nav = html.split('<nav aria-label="Menu"', 1)[1].split("</nav>", 1)[0]
    return {label: url for url, label in MENU_LINK.findall(nav)}


@pytest.fixture
def council(authority):
    return TeamFactory(code="FD", name="Front Door", authority=authority)


#: What each role comes for, in the menu's order (a member of one team, the council's).
EXPECTED = {
    Role.INTAKE_OFFICER: [
        "My work",
        "People",
        "New referral",
        "Triage",
        "Help requests",
        "Waiting list",
        "Onward referrals",
        "Opportunities",
        "Employers",
        "Providers",
        "Reports",
    ],
    Role.EMPLOYMENT_SPECIALIST: [
        "My work",
        "People",
        "My people",
        "New referral",
        "Waiting list",
        "Onward referrals",
        "Opportunities",
        "Employers",
        "Providers",
    ],
    Role.PACKAGE_APPROVER: [
        "My work",
        "People",
        "Onward referrals",
        "Approvals",
        "Opportunities",
        "Employers",
        "Providers",
    ],
    Role.TEAM_MANAGER: [
        "My work",
        "People",
        "My people",
        "New referral",
        "Triage",
        "Help requests",
        "Waiting list",
        "Onward referrals",
        "Approvals",
        "Caseloads",
        "Opportunities",
        "Employers",
        "Providers",
        "Reports",
    ],
    Role.COMMISSIONER: [
        "My work",
        "Caseloads",
        "Pledges",
        "Providers",
        "Contracts",
        "Claims",
        "Reports",
        "Imports",
    ],
    Role.DATA_PROTECTION_OFFICER: [
        "My work",
        "People",
        "Onward referrals",
        "Opportunities",
        "Employers",
        "Providers",
        "Reports",
        "Audit",
        "Data protection",
    ],
    Role.ADMIN: [
        "My work",
        "People",
        "Onward referrals",
        "Opportunities",
        "Employers",
        "Providers",
        "Contracts",
        "Claims",
        "Reports",
        "Audit",
        "Data protection",
        "Imports",
        "Staff",
    ],
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_is_offered_its_sections_and_each_opens(client, council, role):
    client.force_login(staff(role, council))
    offered = menu_on(client.get("/").content.decode())
    assert list(offered) == EXPECTED[role]
    for label, url in offered.items():
        assert client.get(url).status_code == 200, f"{role}: {label} ({url})"


#: Menu pages that refuse whoever their rule leaves out.
GUARDED = {
    "My people": "casework:my-people",
    "New referral": "referrals:new",
    "Onward referrals": "onward:sent",
    "Contracts": "commissioning:contracts",
    "Reports": "reporting:index",
    "Audit": "audit",
    "Data protection": "privacy:home",
    "Imports": "imports:upload",
    "Staff": "staff",
}


@pytest.mark.parametrize("role", [*Role, None])
def test_a_section_left_out_of_the_menu_refuses_its_page(client, council, role):
    user = staff(role, council) if role else UserFactory()
    client.force_login(user)
    offered = menu_on(client.get("/").content.decode())
    for label, name in GUARDED.items():
        if label not in offered:
            assert client.get(reverse(name)).status_code in (403, 404), f"{role}: {label}"


def test_someone_in_no_team_is_offered_only_their_home_and_told_what_to_do(client):
    client.force_login(UserFactory())
    page = client.get("/").content.decode()
    assert list(menu_on(page)) == ["My work"]
    assert "Ask an administrator to add you to your team" in page


def test_the_page_and_its_section_are_marked_current(client, council, authority):
    client.force_login(staff(Role.COMMISSIONER, council))
    page = client.get(reverse("commissioning:contracts")).content.decode()
    assert (
        '<a class="govuk-service-navigation__link" href="/commissioning/contracts/" '
        'aria-current="page"><strong class="govuk-service-navigation__active-fallback">'
        "Contracts</strong></a>"
    ) in page
    assert page.count("aria-current=") == 1
    user = staff(Role.COMMISSIONER, council)
    # A page inside a section (a contract, a report) marks the section, not the page.
    inside = menu_for(user, "/reports/outcomes/")
    assert [i["label"] for i in inside if i["current"]] == ["Reports"]
    assert next(i for i in inside if i["label"] == "Reports")["current"] == "true"
    # "My work" is the home page only, never the section of everything.
    assert not any(i["current"] for i in menu_for(user, "/people/1/"))


def test_signed_out_pages_have_no_menu(client):
    page = client.get(reverse("login")).content.decode()
    assert '<nav aria-label="Menu"' not in page


def test_each_item_names_a_page_that_exists():
    for item in MENU:
        assert reverse(item.url_name).startswith("/")
