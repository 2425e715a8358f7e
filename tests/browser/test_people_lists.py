"""A coach finds who has had no contact for 30 days, longest first, and pages on."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from tests.factories import EpisodeFactory, PersonFactory

TODAY = dt.date.today  # called: a run may cross midnight


def test_a_coach_filters_no_contact_sorts_by_it_and_pages_on(
    page, sign_in, axe_check, screenshot, team, coach
):
    for i in range(52):
        person = PersonFactory(authority=team.authority, family_name=f"Quiet{i:02d}")
        EpisodeFactory(
            team=team,
            worker=coach,
            person=person,
            started_on=TODAY() - dt.timedelta(days=200),
            last_contact_on=TODAY() - dt.timedelta(days=31 + i),
        )
    recent = PersonFactory(authority=team.authority, family_name="Recently")
    EpisodeFactory(
        team=team, worker=coach, person=recent, last_contact_on=TODAY() - dt.timedelta(days=2)
    )
    sign_in(page, coach.email)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My people").click()
    expect(page.get_by_role("heading", level=1, name="My people")).to_be_visible()
    expect(page.get_by_role("heading", name="53 people")).to_be_visible()
    axe_check(page)

    page.get_by_label("No contact for at least this many days").fill("30")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="52 people match the filters")).to_be_visible()
    expect(page.get_by_text("Recently")).to_have_count(0)
    axe_check(page)

    page.get_by_role("link", name="Days since contact").click()
    header = page.get_by_role("columnheader", name="Days since contact")
    expect(header).to_have_attribute("aria-sort", "descending")
    first_row = page.locator("tbody tr").first
    expect(first_row).to_contain_text("Quiet51")
    axe_check(page)
    screenshot(page, "my-people-no-contact-longest-first")

    page.get_by_role("link", name="Next page").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.locator("tbody tr").last).to_contain_text("Quiet00")
    expect(page.get_by_label("No contact for at least this many days")).to_have_value("30")
    expect(header).to_have_attribute("aria-sort", "descending")
    axe_check(page)
