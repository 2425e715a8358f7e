"""Keeping a person's record right in a real browser: a coach corrects a postcode
(after a mistake the error summary catches) and records consent to share with
employers; axe-core checks every page on the way."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from pathways.core.models import Role
from pathways.people.models import Consent, Person
from tests.factories import PersonFactory, ReferralFactory, staff

POSTCODE_ERROR = "Enter a real UK postcode, like E15 1AB"


@pytest.fixture
def cara(team):
    return staff(
        Role.EMPLOYMENT_SPECIALIST,
        team,
        email="cara@example.org",
        first_name="Cara",
        last_name="Coach",
    )


@pytest.fixture
def sam(team):
    person = PersonFactory(
        authority=team.authority,
        given_name="Sam",
        family_name="Okafor",
        person_ref="C900001",
        postcode="E15 1AB",
    )
    ReferralFactory(team=team, person=person)
    return person


def fill_date(page: Page, group: str, day: dt.date) -> None:
    fieldset = page.get_by_role("group", name=group)
    fieldset.get_by_label("Day").fill(str(day.day))
    fieldset.get_by_label("Month").fill(str(day.month))
    fieldset.get_by_label("Year").fill(str(day.year))


def test_correct_the_postcode_and_record_consent(
    page, sign_in, axe_check, screenshot, team, cara, sam
):
    sign_in(page, cara.email)
    axe_check(page)  # My work

    # --- Find Sam and open the record -------------------------------------------------
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="People", exact=True
    ).click()
    page.get_by_label("Name, reference or date of birth").fill("Okafor")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 person found")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Sam Okafor").click()
    expect(page.get_by_role("heading", level=1, name="Sam Okafor")).to_be_visible()
    expect(page.get_by_text("No consent recorded. Ask before sharing anything.")).to_be_visible()
    axe_check(page)

    # --- Edit details, with a mistake in the postcode ----------------------------------
    page.get_by_role("link", name="Edit details").click()
    expect(page.get_by_role("heading", level=1, name="Edit details")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Edit details – Sam Okafor – "))
    postcode = page.get_by_label("Postcode")
    expect(postcode).to_have_value("E15 1AB")
    axe_check(page)
    screenshot(page, "person-01-edit")

    postcode.fill("E20 2S")  # one character short
    page.get_by_role("button", name="Save details").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Edit details – "))
    axe_check(page)
    screenshot(page, "person-02-edit-with-error")
    assert Person.objects.get(pk=sam.pk).postcode == "E15 1AB"
    summary.get_by_role("link", name=POSTCODE_ERROR).click()
    expect(postcode).to_be_focused()
    expect(postcode).to_have_value("E20 2S")
    expect(page.locator("#id_postcode-error")).to_contain_text(POSTCODE_ERROR)

    postcode.fill("e20 2st")
    page.get_by_role("button", name="Save details").click()

    expect(page.get_by_role("heading", level=1, name="Sam Okafor")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Details saved for Sam Okafor.")
    postcode_row = page.locator(".govuk-summary-list__row").filter(has_text="Postcode")
    expect(postcode_row).to_contain_text("E20 2ST")
    axe_check(page)
    sam.refresh_from_db()
    assert (sam.postcode, sam.version) == ("E20 2ST", 2)

    # --- Record consent to share with employers -----------------------------------------
    page.get_by_role("link", name="Record consent").click()
    expect(page.get_by_role("heading", level=1, name="Record consent")).to_be_visible()
    axe_check(page)
    page.get_by_label("Share details with employers").check()
    page.get_by_label("Yes", exact=True).check()
    today = timezone.localdate()  # the server's "today" (Europe/London)
    fill_date(page, "Date of the decision", today)
    page.get_by_label("Notes (optional)").fill("Happy for employers to know about his autism.")
    screenshot(page, "person-03-record-consent")
    page.get_by_role("button", name="Record consent").click()

    expect(page.get_by_role("heading", level=1, name="Sam Okafor")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(
        "Consent recorded for Sam Okafor: Share details with employers – yes."
    )
    current = page.locator(".govuk-summary-list__row").filter(
        has_text="Share details with employers"
    )
    expect(current).to_contain_text(f"Yes – {today:%-d %b %Y}, recorded by Cara Coach")
    history = page.get_by_role("table", name="Consent history, newest first")
    expect(history.get_by_role("row")).to_have_count(2)  # the header and one decision
    expect(history).to_contain_text("Happy for employers to know about his autism.")
    axe_check(page)
    screenshot(page, "person-04-consent-recorded")
    consent = Consent.objects.get(person=sam)
    assert (consent.scope, consent.given, consent.given_on, consent.recorded_by) == (
        "employers",
        True,
        today,
        cara,
    )


def test_the_record_pages_fit_a_320_pixel_screen(page, sign_in, axe_check, team, cara, sam):
    """Every new page, with its errors showing, reflows at 320 CSS pixels (WCAG 1.4.10),
    including the person page with a long consent history."""
    for day in range(3):
        Consent.objects.create(
            person=sam,
            scope=Consent.Scope.SHARE_WITH_EMPLOYERS,
            given=bool(day % 2),
            given_on=timezone.localdate() - dt.timedelta(days=10 - day),
            recorded_by=cara,
            notes="Said so at the review meeting with their advocate present.",
        )
    page.set_viewport_size({"width": 320, "height": 720})
    sign_in(page, cara.email)
    for path, button in [
        ("edit/", "Save details"),
        ("contacts/new/", "Add contact"),
        ("consent/new/", "Record consent"),
    ]:
        page.goto(f"/people/{sam.pk}/{path}")
        axe_check(page)
        if path == "edit/":
            page.get_by_label("First name").fill("")
        page.get_by_role("button", name=button).click()
        expect(page.locator(".govuk-error-summary")).to_be_focused()
        axe_check(page)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, f"{path} scrolls sideways at 320px: {width}px"
    page.goto(f"/people/{sam.pk}/")
    axe_check(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"the person page scrolls sideways at 320px: {width}px"
