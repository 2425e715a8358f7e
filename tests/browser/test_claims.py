"""The claim flow in a real browser: a provider's manager previews, saves and submits a
quarter's claim; a commissioner rejects one line with a reason (after forgetting the
reason once) and approves the other. axe-core checks every page on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from pathways.commissioning.models import Claim, ClaimStatus, LineStatus
from tests.commissioning.conftest import make_world


@pytest.fixture
def world(authority):
    return make_world(authority)


def sign_out(page: Page) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()


def fill_date(page: Page, name: str, day: str, month: str, year: str) -> None:
    for part, value in enumerate((day, month, year)):
        page.locator(f'input[name="{name}_{part}"]').fill(value)


def test_a_manager_submits_a_claim_and_a_commissioner_decides_it(
    page, server, axe_check, sign_in, world
):
    sign_in(page, world.manager.email)
    page.goto(f"{server}/commissioning/claims/")
    axe_check(page)
    page.get_by_role("link", name=f"Contract {world.contract.contract_ref}").click()
    axe_check(page)
    page.get_by_role("link", name="Prepare a claim").click()
    fill_date(page, "period_from", "1", "4", "2025")
    fill_date(page, "period_to", "31", "3", "2026")
    page.get_by_role("button", name="Show the outcomes").click()
    expect(page.get_by_role("table")).to_contain_text(world.jobs[0].person.person_ref)
    expect(page.locator("caption")).to_contain_text("total £1000.00")
    axe_check(page)
    page.get_by_role("button", name="Save as a draft claim").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Claim for 1 April 2025")
    axe_check(page)
    page.get_by_role("button", name="Submit the claim").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Submitted")
    sign_out(page)

    claim = Claim.objects.get()
    first, second = claim.lines.order_by("achieved_on")
    sign_in(page, world.commissioner.email)
    page.goto(f"{server}/commissioning/claims/")
    page.get_by_role("link", name=world.contract.contract_ref).click()
    expect(page.get_by_role("table")).not_to_contain_text(world.jobs[0].person.family_name)
    axe_check(page)
    page.locator(f"#id_line-{first.pk}-decision_1").check()
    page.get_by_role("button", name=f"Record the decision on {first.person.person_ref}").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the line is rejected")
    axe_check(page)
    page.locator(f"#id_line-{first.pk}-decision_1").check()
    page.locator(f"#id_line-{first.pk}-reason").fill("No payslip for June")
    page.get_by_role("button", name=f"Record the decision on {first.person.person_ref}").click()
    expect(page.get_by_role("table")).to_contain_text("No payslip for June")
    page.locator(f"#id_line-{second.pk}-decision_0").check()
    page.get_by_role("button", name=f"Record the decision on {second.person.person_ref}").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Decided")
    axe_check(page)
    first.refresh_from_db()
    second.refresh_from_db()
    claim.refresh_from_db()
    assert (first.status, second.status, claim.status) == (
        LineStatus.REJECTED,
        LineStatus.APPROVED,
        ClaimStatus.DECIDED,
    )
