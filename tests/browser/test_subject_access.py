"""A subject access request in a real browser: the data protection officer logs one
(after a mistake the error summary catches), opens the readable document of everything
held about the person, downloads the archive and marks the request completed; axe-core
checks every page on the way."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import Page, expect

from pathways.core.models import Role
from pathways.privacy.models import SubjectAccessRequest
from tests.factories import staff
from tests.privacy.conftest import build_record


@pytest.fixture
def dora(team):
    return staff(
        Role.DATA_PROTECTION_OFFICER,
        team,
        email="dora@example.org",
        first_name="Dora",
        last_name="Officer",
    )


def fill_date(page: Page, group: str, day: dt.date) -> None:
    fieldset = page.get_by_role("group", name=group)
    fieldset.get_by_label("Day").fill(str(day.day))
    fieldset.get_by_label("Month").fill(str(day.month))
    fieldset.get_by_label("Year").fill(str(day.year))


def test_log_a_request_and_view_everything_held(
    page, sign_in, axe_check, screenshot, team, coach, dora
):
    build_record(team, coach, ref="C300001", family_name="Lovelace")
    sign_in(page, dora.email)

    # --- From the menu to the DPO's home, then the queue: empty -------------------------
    page.get_by_role("link", name="Data protection", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Data protection")).to_be_visible()
    expect(page.get_by_role("link", name="0 open requests")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="0 open requests").click()
    expect(page.get_by_role("heading", level=1, name="Subject access requests")).to_be_visible()
    expect(page.get_by_text("There are no open requests.")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Log a request").click()
    expect(
        page.get_by_role("heading", level=1, name="Log a subject access request")
    ).to_be_visible()
    axe_check(page)

    page.get_by_label("The person's reference").fill("C300001")
    page.get_by_label("Who made the request?").fill("Her advocate, Sam Jones")
    page.get_by_label("Letter").check()
    page.get_by_role("button", name="Log the request").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the date the request was received")
    expect(page).to_have_title(re.compile(r"^Error: Log a subject access request"))
    axe_check(page)
    screenshot(page, "sar-01-error")

    received = dt.date.today() - dt.timedelta(days=35)
    fill_date(page, "When was the request received?", received)
    page.get_by_role("button", name="Log the request").click()

    # --- The request: overdue already (received 35 days ago) ----------------------------
    sar = SubjectAccessRequest.objects.get()
    expect(
        page.get_by_role("heading", level=1, name=f"Subject access request {sar.reference}")
    ).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="Overdue")).to_be_visible()
    axe_check(page)
    screenshot(page, "sar-02-request")

    # --- The readable document -------------------------------------------------------
    page.get_by_role("link", name="View the document").click()
    expect(
        page.get_by_role("heading", level=1, name="Everything held about Ada Lovelace")
    ).to_be_visible()
    for section in ("Personal details", "Timeline of activities", "Who read or changed the record"):
        expect(page.get_by_role("heading", level=2, name=section)).to_be_visible()
    expect(page.get_by_text("27 March 1990")).to_be_visible()
    axe_check(page)
    screenshot(page, "sar-03-document")

    # --- The archive, then completing the request --------------------------------------
    page.get_by_role("link", name=f"Subject access request {sar.reference}").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the archive").click()
    path = download.value.path()
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        assert json.loads(archive.read("person.json"))[0]["person_ref"] == "C300001"
    page.get_by_role("button", name="Mark as completed").click()
    expect(
        page.get_by_text(f"Subject access request {sar.reference} is completed.")
    ).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="Completed")).to_be_visible()
    axe_check(page)
    sar.refresh_from_db()
    assert sar.status == "completed"
    assert sar.productions.count() == 2
