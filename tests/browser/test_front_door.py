"""The front door in a real browser: refer, fix mistakes, accept, wait, allocate over
the cap; axe-core on every page on the way; and the same referral form by keyboard."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from pathways.core.models import Role
from pathways.people.models import Person
from pathways.referrals.models import Referral, Status
from tests.factories import EpisodeFactory, PersonFactory, ReferralFactory, staff


@pytest.fixture
def intake_officer(team):
    return staff(
        Role.INTAKE_OFFICER, team, email="intake@example.org", first_name="Ines", last_name="Take"
    )


@pytest.fixture
def team_manager(team):
    return staff(
        Role.TEAM_MANAGER, team, email="manager@example.org", first_name="Mona", last_name="Ager"
    )


@pytest.fixture
def coach_at_cap(team):
    """An employment specialist already carrying the team's cap (2) of open cases."""
    coach = staff(
        Role.EMPLOYMENT_SPECIALIST,
        team,
        email="coach@example.org",
        first_name="Cara",
        last_name="Coach",
    )
    for _ in range(team.caseload_cap):
        EpisodeFactory(team=team, worker=coach)
    return coach


def error_summary(page: Page) -> Locator:
    return page.locator(".govuk-error-summary")


def expect_error_summary(page: Page, *messages: str) -> Locator:
    summary = error_summary(page)
    expect(summary.get_by_role("alert")).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    # GOV.UK Frontend moves focus to the summary when the page loads, so a screen reader
    # announces it and the next Tab goes to its first link.
    expect(summary).to_be_focused()
    for message in messages:
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    return summary


def sign_out(page: Page) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()


def test_refer_accept_and_allocate_over_the_cap(
    page, axe_check, sign_in, screenshot, team, intake_officer, team_manager, coach_at_cap
):
    # --- The intake officer signs in through the real form -------------------------
    page.goto("/sign-in/")
    axe_check(page)
    screenshot(page, "01-sign-in")
    sign_in(page, intake_officer.email)
    axe_check(page)  # My work

    # --- New referral, with two mistakes ---------------------------------------------
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="New referral").click()
    expect(page.get_by_role("heading", level=1, name="New referral")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^New referral – "))
    axe_check(page)

    page.get_by_label("Client reference").fill("C900001")
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Okafor")
    dob = page.get_by_role("group", name="Date of birth")
    dob.get_by_label("Day").fill("27")
    dob.get_by_label("Month").fill("3")
    dob.get_by_label("Year").fill("1990")
    page.get_by_label("Postcode").fill("NOT A POSTCODE")  # mistake 1
    page.get_by_label("Primary support reason").select_option(index=1)
    page.get_by_label("Team to refer to").select_option(label="Supported Employment (Newham)")
    page.get_by_label("Annual review").check()
    # mistake 2: no date received
    page.get_by_label("Notes (optional)").fill("Wants to work with animals.")
    page.get_by_role("button", name="Save referral").click()

    # --- The GOV.UK error summary -----------------------------------------------------
    postcode_error = "Enter a real UK postcode, like E15 1AB"
    date_error = "Enter the date the referral was received"
    summary = expect_error_summary(page, postcode_error, date_error)
    expect(page).to_have_title(re.compile(r"^Error: New referral – "))
    axe_check(page)
    screenshot(page, "02-new-referral-with-errors")
    assert not Person.objects.filter(person_ref="C900001").exists()
    # What was typed survives the round trip.
    expect(page.get_by_label("First name")).to_have_value("Sam")
    expect(page.get_by_label("Annual review")).to_be_checked()
    # Each summary link moves focus to its field; the field shows the same message.
    summary.get_by_role("link", name=postcode_error).click()
    expect(page.get_by_label("Postcode")).to_be_focused()
    expect(page.locator("#id_postcode-error")).to_contain_text(postcode_error)
    expect(page.get_by_label("Postcode")).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_postcode-error\b")
    )
    summary.get_by_role("link", name=date_error).click()
    received = page.get_by_role("group", name="Date received")
    expect(received.get_by_label("Day")).to_be_focused()
    expect(received).to_contain_text(date_error)

    # --- Fix both and save ------------------------------------------------------------
    today = timezone.localdate()  # the server's "today" (Europe/London)
    page.get_by_label("Postcode").fill("e15 1ab")
    received.get_by_label("Day").fill(str(today.day))
    received.get_by_label("Month").fill(str(today.month))
    received.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Save referral").click()

    expect(page.get_by_role("heading", level=1, name="Sam Okafor")).to_be_visible()
    referral = Referral.objects.get(person__person_ref="C900001")
    expect(page).to_have_url(re.compile(rf"/referrals/{referral.pk}/$"))
    expect(page.get_by_role("alert")).to_contain_text(
        f"Referral {referral.referral_ref} received for Sam Okafor."
    )
    assert referral.person.postcode == "E15 1AB"
    axe_check(page)
    screenshot(page, "03-referral")

    # --- Accept it onto the waiting list ---------------------------------------------
    page.get_by_role("button", name="Accept and add to the waiting list").click()
    expect(page.get_by_role("alert")).to_contain_text("Sam Okafor is now on the waiting list.")
    axe_check(page)
    referral.refresh_from_db()
    assert referral.status in (Status.ACCEPTED, Status.WAITING)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Waiting list").click()
    expect(page.get_by_role("heading", level=1, name="Waiting list")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Sam Okafor")
    expect(row).to_have_count(1)
    expect(row.get_by_role("link", name=f"{referral.referral_ref} for Sam Okafor")).to_be_visible()
    axe_check(page)
    screenshot(page, "04-waiting-list")

    # --- The team manager allocates over the cap --------------------------------------
    sign_out(page)
    sign_in(page, team_manager.email)
    expect(page.get_by_role("row").filter(has_text="Sam Okafor")).to_have_count(1)
    axe_check(page)  # My work, with the team's waiting list

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Waiting list").click()
    page.get_by_role("link", name=f"{referral.referral_ref} for Sam Okafor").click()
    expect(page.get_by_role("heading", level=1, name="Sam Okafor")).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name="Allocate a worker").click()
    expect(page.get_by_role("heading", level=1, name="Allocate Sam Okafor")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Cara Coach")).to_contain_text("At cap")
    axe_check(page)
    screenshot(page, "05-allocate")

    page.get_by_label(re.compile(r"^Cara Coach – 2 of 2 open cases \(at cap\)")).check()
    page.get_by_role("button", name="Allocate").click()
    cap_error = (
        "Cara Coach has 2 open cases; the cap for Supported Employment is 2. "
        "Enter the reason for allocating over the cap"
    )
    summary = expect_error_summary(page, cap_error)
    axe_check(page)
    screenshot(page, "06-allocate-with-error")
    referral.refresh_from_db()
    assert referral.worker is None
    expect(page.get_by_label(re.compile(r"^Cara Coach"))).to_be_checked()
    summary.get_by_role("link", name=cap_error).click()
    reason_box = page.get_by_label("Reason for allocating over the cap (team managers only)")
    expect(reason_box).to_be_focused()

    reason_box.fill("Cara already knows Sam from college")
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_role("alert")).to_contain_text("Sam Okafor is allocated to Cara Coach.")
    worker_row = page.locator(".govuk-summary-list__row").filter(has_text="Worker")
    expect(worker_row).to_contain_text("Cara Coach from ")
    expect(worker_row).to_contain_text(
        "(over the caseload cap: Cara already knows Sam from college)"
    )
    axe_check(page)
    screenshot(page, "07-referral-allocated")
    referral.refresh_from_db()
    assert referral.status == Status.ALLOCATED
    assert referral.worker == coach_at_cap

    # --- Find the person and open their record ---------------------------------------
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="People", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1, name="Find a person")).to_be_visible()
    axe_check(page)
    page.get_by_label("Name, reference or date of birth").fill("Okafor")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 person found")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Sam Okafor").click()
    expect(page.get_by_role("heading", level=1, name="Sam Okafor")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=referral.referral_ref)).to_contain_text(
        "Cara Coach"
    )
    axe_check(page)
    screenshot(page, "08-person")


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, sign_in, intake_officer):
    sign_in(page, intake_officer.email)
    page.goto("/people/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # visible when focused, not just to screen readers
    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()
    expect(page).to_have_url(re.compile("#main-content$"))
    # The next Tab goes into the page content, not back to the header.
    page.keyboard.press("Tab")
    expect(page.get_by_label("Name, reference or date of birth")).to_be_focused()


def press_tab_until(page: Page, target: Locator, *, limit: int = 40) -> None:
    """Press Tab (only) until ``target`` has focus."""
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} never got focus in {limit} presses of Tab")


def focused_id(page: Page) -> str:
    return page.evaluate("() => document.activeElement.id")


def test_refer_a_known_person_with_the_keyboard_alone(
    page, sign_in, axe_check, team, intake_officer
):
    person = PersonFactory(authority=team.authority, given_name="Priya", family_name="Shah")
    sign_in(page, intake_officer.email)
    page.goto(f"/people/{person.pk}/")
    axe_check(page)

    # From the person's record to the form: Tab to the button-styled link, then Enter.
    press_tab_until(page, page.get_by_role("button", name="Make a referral"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="New referral")).to_be_visible()
    expect(page.locator(".govuk-inset-text")).to_contain_text("Referring Priya Shah")
    axe_check(page)

    # Send it empty: the error summary takes focus; Tab + Enter on a link reaches the field.
    press_tab_until(page, page.get_by_role("button", name="Save referral"))
    page.keyboard.press("Enter")
    summary = expect_error_summary(
        page,
        "Choose the team to refer to",
        "Choose where the referral came from",
        "Enter the date the referral was received",
    )
    axe_check(page)
    team_select = page.get_by_label("Team to refer to")
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link", name="Choose the team to refer to")).to_be_focused()
    page.keyboard.press("Enter")
    expect(team_select).to_be_focused()
    # Back up into the summary (its last two links) and follow the radios' link.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(summary.get_by_role("link", name="Choose where the referral came from")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("New social-care assessment")).to_be_focused()

    # Fill in the whole form from the top, in the order Tab visits the fields.
    page.keyboard.press("Shift+Tab")  # the radios come straight after the team
    expect(team_select).to_be_focused()
    page.keyboard.press("ArrowDown")  # from "Choose a team" to the only team
    expect(team_select).to_have_value(str(team.pk))

    page.keyboard.press("Tab")  # into the radios: the first one, none chosen yet
    assert focused_id(page) == "id_source_0"
    page.keyboard.press("ArrowDown")  # arrows move the choice within the group
    expect(page.get_by_label("Annual review")).to_be_checked()
    page.keyboard.press("Space")
    expect(page.get_by_label("Annual review")).to_be_checked()

    today = timezone.localdate()  # the server's "today" (Europe/London)
    order = []
    for part in (str(today.day), str(today.month), str(today.year)):
        page.keyboard.press("Tab")
        order.append(focused_id(page))
        page.keyboard.type(part)
    assert order == ["id_received_on_0", "id_received_on_1", "id_received_on_2"]

    page.keyboard.press("Tab")
    assert focused_id(page) == "id_notes"
    page.keyboard.type("Referred at the annual review; wants part-time work.")

    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save referral")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1, name="Priya Shah")).to_be_visible()
    referral = Referral.objects.get(person=person)
    expect(page.get_by_role("alert")).to_contain_text(
        f"Referral {referral.referral_ref} received for Priya Shah."
    )
    assert referral.team == team
    assert referral.source == "annual_review"
    assert referral.received_on == today
    assert referral.notes == "Referred at the annual review; wants part-time work."
    axe_check(page)


def test_triage_list_and_the_referral_page_forms(page, sign_in, axe_check, team, intake_officer):
    referral = ReferralFactory(team=team)
    name = referral.person.full_name
    sign_in(page, intake_officer.email)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Triage").click()
    expect(page.get_by_role("heading", level=1, name="Referrals to triage")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=f"{referral.referral_ref} for {name}").click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()

    # Every form on the page, opened (axe only checks what is visible).
    for summary in page.locator("summary.govuk-details__summary").all():
        summary.click()
    expect(page.locator("details:not([open])")).to_have_count(0)
    expect(page.locator("details[open] form")).to_have_count(3)  # redirect, decline, close
    axe_check(page)

    decline = page.locator("details").filter(has_text="Decline the referral")
    decline.get_by_role("button", name="Decline referral").click()
    summary = expect_error_summary(page, "Enter the reason")
    expect(page).to_have_title(re.compile(rf"^Error: Referral {referral.referral_ref} – "))
    decline = page.locator("details").filter(has_text="Decline the referral")
    expect(decline).to_have_attribute("open", "")
    axe_check(page)
    summary.get_by_role("link", name="Enter the reason").click()
    reason = decline.get_by_label("Reason")
    expect(reason).to_be_focused()
    reason.fill("Already in full-time work")
    decline.get_by_role("button", name="Decline referral").click()
    expect(page.get_by_role("alert")).to_contain_text("Referral declined.")
    axe_check(page)
    referral.refresh_from_db()
    assert referral.status == Status.DECLINED
