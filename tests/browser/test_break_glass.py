"""Opening a record in an emergency in a real browser: a coach finds that they cannot
see a person, gives a reason and reads the record; the data protection officer then
reviews the open. axe-core checks every page on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pathways.core.models import Role
from pathways.people.models import BreakGlass
from tests.factories import PersonFactory, staff

REASON = "Safeguarding call from the GP about a missed medication review"


@pytest.fixture
def cara(team):
    return staff(Role.EMPLOYMENT_SPECIALIST, team, email="cara@example.org", first_name="Cara")


@pytest.fixture
def dora(team):
    return staff(Role.DATA_PROTECTION_OFFICER, team, email="dora@example.org", first_name="Dora")


@pytest.fixture
def ola(team):
    return PersonFactory(
        authority=team.authority, given_name="Ola", family_name="Bankole", person_ref="C900777"
    )


def test_open_a_record_in_an_emergency_and_review_it(
    page, sign_in, axe_check, screenshot, browser_problems, cara, dora, ola
):
    sign_in(page, cara.email)
    page.goto(f"/people/{ola.pk}/")
    # The "No such person" page answers 404 on purpose; Chromium logs that.
    browser_problems.messages.clear()
    expect(page.get_by_role("heading", level=1, name="No such person")).to_be_visible()
    expect(page.get_by_text("Bankole")).to_have_count(0)
    axe_check(page)

    # --- A reason that says nothing is refused ---------------------------------------
    page.get_by_label("Why do you need this record now?").fill("urgent")
    page.get_by_role("button", name="Open this record in an emergency").click()
    expect(page.get_by_role("alert")).to_contain_text("Say in a sentence why")
    axe_check(page)

    page.get_by_label("Why do you need this record now?").fill(REASON)
    page.get_by_role("button", name="Open this record in an emergency").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bankole")
    expect(page.get_by_text("You opened this record in an emergency")).to_be_visible()
    axe_check(page)
    screenshot(page, "break-glass-open")

    # --- The data protection officer reviews it -------------------------------------
    page.context.clear_cookies()
    sign_in(page, dora.email)
    page.goto("/audit/")
    page.get_by_role("link", name="1 emergency open to review").click()
    expect(page.get_by_role("heading", level=1, name="Emergency opens to review")).to_be_visible()
    expect(page.get_by_text(REASON)).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name="Mark as reviewed").click()
    expect(page.get_by_role("alert")).to_contain_text("Say what you checked")
    axe_check(page)
    page.get_by_label("Review note").fill("Rang the GP back: the call was genuine")
    page.get_by_role("button", name="Mark as reviewed").click()
    expect(page.get_by_text("marked as reviewed")).to_be_visible()
    expect(page.get_by_text("Rang the GP back: the call was genuine")).to_be_visible()
    axe_check(page)
    screenshot(page, "break-glass-review")
    assert BreakGlass.objects.get().reviewed_by == dora
