"""My information in a real browser, keyboard only, on a phone-sized screen: the person
reads who looked at their record, reads everything held, downloads it, and is told when
to try again past the day's limit; axe-core checks each state."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from playwright.sync_api import Page, expect

from pathways.core import audit
from tests.browser.conftest import tab_to
from tests.factories import portal_account
from tests.privacy.conftest import build_record

pytestmark = pytest.mark.django_db(transaction=True)


def width(page: Page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_the_person_reads_who_looked_reads_everything_and_downloads_it_by_keyboard(
    page: Page, portal_sign_in, axe_check, team, coach, settings
):
    settings.PATHWAYS_PORTAL_DOWNLOADS_PER_DAY = 1
    person = build_record(team, coach, ref="C400001", family_name="Lovelace")
    account = portal_account(person, invited_by=coach)
    audit.record_access(coach, person, channel="web", what="episode E-1: action plan")
    page.set_viewport_size({"width": 320, "height": 720})

    portal_sign_in(page, account)
    tab_to(page, page.get_by_role("link", name="My information"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="My information")).to_be_visible()
    coach_today = page.locator(".app-portal-look").filter(
        has_text="A job coach in Supported Employment, today"
    )
    expect(coach_today.get_by_role("listitem")).to_have_text(["Looked at your plan"])
    expect(page.get_by_text("coach@example.org")).to_have_count(0)
    axe_check(page)
    assert width(page) <= 320

    # Everything held, in headed sections, that reflows on a phone.
    tab_to(page, page.get_by_role("link", name="Read all we keep about you"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="All we keep about you")).to_be_visible()
    for heading in ("About you", "Notes about you", "Your jobs"):
        expect(page.get_by_role("heading", level=2, name=heading, exact=True)).to_be_visible()
    expect(page.get_by_text("Likes mornings (Lovelace, meeting 0.0)", exact=True)).to_be_visible()
    axe_check(page)
    assert width(page) <= 320, f"scrolls sideways at 320px: {width(page)}px"

    # The file.
    tab_to(page, page.get_by_role("button", name="Download my information"), presses=120)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    with zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes())) as archive:
        assert json.loads(archive.read("person.json"))[0]["person_ref"] == "C400001"
        assert "activities.json" in archive.namelist()

    # A second file the same day is refused, saying when to try again.
    tab_to(page, page.get_by_role("link", name="Back to my information"), presses=120)
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Download my information"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("You cannot download it now")
    expect(page.get_by_role("alert")).to_contain_text("You can download it again at")
    axe_check(page)
    assert width(page) <= 320
