"""An intake officer deals with requests for help in a real browser: the list with its
possible matches, a request referred as someone new, another set aside, axe-core on
every page and state, by keyboard alone."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from playwright.sync_api import Page, expect

from pathways.core.models import Role
from pathways.referrals import help_requests
from pathways.referrals.help_requests import form_started_token
from pathways.referrals.models import HelpRequest, HelpStatus, Referral
from tests.factories import PersonFactory, staff


@pytest.fixture
def intake_officer(team):
    return staff(
        Role.INTAKE_OFFICER, team, email="intake@example.org", first_name="Ines", last_name="Take"
    )


def ask(authority, family_name: str, **changes) -> HelpRequest:
    fields = {
        "given_name": "Jordan",
        "family_name": family_name,
        "email": f"{family_name.lower()}@example.com",
        "wants": "Work in a bakery, three days a week.",
        "care_and_support": "yes",
        "form_started": form_started_token(time.time() - 60),
        **changes,
    }
    made = help_requests.receive_help_request(authority, fields, remote_addr=family_name)
    assert made is not None
    return made


def tab_to(page: Page, locator, limit: int = 80) -> None:
    """Press Tab until ``locator`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError("Tab never reached the element")


def test_an_intake_officer_refers_and_sets_aside_by_keyboard(
    page, axe_check, sign_in, screenshot, authority, team, intake_officer
):
    asked = ask(authority, "Asante", date_of_birth=None)
    PersonFactory(
        authority=authority,
        given_name="Sam",
        family_name="Okafor",
        email="okafor@example.com",
        person_ref="C4242",
    )
    spam = ask(authority, "Okafor")
    sign_in(page, intake_officer.email)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Help requests").click()
    expect(page.get_by_role("heading", level=1, name="Help requests")).to_be_visible()
    expect(page.get_by_text("2 new requests, oldest first.")).to_be_visible()
    expect(page.get_by_role("cell", name="Sam Okafor (C4242)")).to_be_visible()
    axe_check(page)
    screenshot(page, "help-requests")

    # --- Refer the first as a new person, forgetting the date of birth ----------------
    link = page.get_by_role("link", name="Jordan Asante")
    tab_to(page, link)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Jordan Asante")).to_be_visible()
    expect(page.get_by_text("Work in a bakery, three days a week.")).to_be_visible()
    axe_check(page)
    tab_to(page, page.locator("summary", has_text="Refer as a new person"))
    page.keyboard.press("Enter")
    axe_check(page)  # the details open
    tab_to(page, page.get_by_label("Team to refer to"))
    page.get_by_label("Team to refer to").select_option(label=team.name)
    page.keyboard.press("Tab")
    page.keyboard.type("C90001")
    page.get_by_role("button", name="Refer as a new person").focus()
    page.keyboard.press("Enter")

    error = "Enter the person's date of birth (ask them: they did not give it)"
    summary_box = page.locator(".govuk-error-summary")
    expect(summary_box.get_by_role("link", name=error)).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: Request for help from Jordan Asante – "))
    axe_check(page)
    summary_box.get_by_role("link", name=error).focus()
    page.keyboard.press("Enter")
    dob = page.get_by_role("group", name="Date of birth")
    expect(dob.get_by_label("Day")).to_be_focused()
    page.keyboard.type("4")
    page.keyboard.press("Tab")
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    page.keyboard.type("1998")
    tab_to(page, page.get_by_role("button", name="Refer as a new person"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1, name="Jordan Asante")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    referral = Referral.objects.get()
    done = f"Referral {referral.referral_ref} received for Jordan Asante."
    expect(page.get_by_text(done)).to_be_visible()
    assert referral.person.date_of_birth == dt.date(1998, 5, 4)
    axe_check(page)  # the referral, as triage sees it

    # --- Set the second aside -------------------------------------------------------------
    page.goto(f"/referrals/help-requests/{spam.pk}/")
    expect(page.get_by_role("link", name="Sam Okafor (C4242)")).to_be_visible()
    tab_to(page, page.locator("summary", has_text="Not a real request"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Reason"))
    page.keyboard.type("A test message from IT.")
    tab_to(page, page.get_by_role("button", name="Set aside as not a real request"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("There are no new requests for help.")).to_be_visible()
    axe_check(page)
    asked.refresh_from_db()
    spam.refresh_from_db()
    assert asked.status == HelpStatus.REFERRED and spam.status == HelpStatus.NOT_REAL
