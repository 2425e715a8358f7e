"""A commissioner and a data protection officer sign in to a home made for them: their
menu holds only pages that open for them, the page passes axe-core, and on a phone the
menu folds behind the "Menu" button."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from pathways.core.models import Role
from tests.factories import staff


def menu_links_all_open(page: Page) -> list[str]:
    menu = page.get_by_role("navigation", name="Menu")
    hrefs = menu.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for href in hrefs:
        answer = page.request.get(href)  # with the signed-in session's cookies
        assert answer.status == 200, f"{href} answers {answer.status}"
    return [link.inner_text() for link in menu.locator("a").all()]


@pytest.mark.parametrize(
    ("role", "section", "offered", "not_offered"),
    [
        (
            Role.COMMISSIONER,
            "Commissioning",
            ["Contracts", "Claims", "Reports"],
            ["New referral", "Triage", "People"],
        ),
        (
            Role.DATA_PROTECTION_OFFICER,
            "Data protection",
            ["Audit", "Data protection"],
            ["New referral", "Triage", "Contracts"],
        ),
    ],
)
def test_each_lands_on_their_home_with_a_menu_that_works(
    page, sign_in, axe_check, team, role, section, offered, not_offered
):
    user = staff(role, team, email=f"{role}@example.org")
    sign_in(page, user.email)
    expect(page.get_by_role("heading", level=2, name=section, exact=True)).to_be_visible()
    expect(page.get_by_text("You have no open cases")).to_have_count(0)
    labels = menu_links_all_open(page)
    for label in offered:
        assert label in labels
    for label in not_offered:
        assert label not in labels
    axe_check(page)

    # On a phone the menu is folded behind its button, and opens from it.
    page.set_viewport_size({"width": 375, "height": 740})
    menu = page.get_by_role("navigation", name="Menu")
    toggle = menu.get_by_role("button", name="Menu")
    expect(toggle).to_be_visible()
    expect(menu.get_by_role("link", name=offered[0])).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name=offered[0])).to_be_visible()
    axe_check(page)
