"""A manager opens the reports: each page has its chart loaded as an image, the numbers
in a table beside it, a download of the rows, and passes axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from pathways.commissioning.models import AuthorityTarget
from pathways.core.models import Role
from pathways.reporting.periods import year_ending
from tests.factories import TeamFactory, staff
from tests.reporting.test_outcome_reports import ld, place

pytestmark = pytest.mark.browser


@pytest.fixture
def employed(authority):
    """Two people of the learning-disability cohort, one in paid work since last year."""
    today = dt.date.today()
    person = ld(authority, dt.date(1990, 5, 1))
    ld(authority, dt.date(1985, 7, 9))
    place(person, start=today - dt.timedelta(days=400), hours="18")
    return person


def loaded(page, image) -> bool:
    """Waits for the image to finish loading; true when it decoded (a broken chart has no
    natural width)."""
    handle = image.element_handle()
    page.wait_for_function("img => img.complete", arg=handle)
    return page.evaluate("img => img.naturalWidth > 0", handle)


def test_a_manager_opens_each_report(page, sign_in, manager, employed, axe_check, screenshot):
    sign_in(page, manager.email)
    page.get_by_role("link", name="Reports").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    axe_check(page)

    page.get_by_role("link", name="Employment rate").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Employment rate")
    images = page.locator("main img")
    expect(images).to_have_count(2)  # the rates and the trend by quarter
    for index in range(2):
        assert loaded(page, images.nth(index)), "a chart did not load"
        assert images.nth(index).get_attribute("alt")
    expect(page.locator("main table").first).to_be_visible()
    download = page.get_by_role("link", name="Download the rows as a spreadsheet (CSV)")
    expect(download).to_be_visible()
    axe_check(page)
    screenshot(page, "report-employment-rate")

    # the job outcomes: by need group, and the job starts by year beside the targets
    AuthorityTarget.objects.create(
        authority=employed.authority,
        measure="job_starts",
        kind="target",
        year_ending=year_ending(dt.date.today()),
        value=40,
        label="Our target",
    )
    for name, count in (("Job outcomes", 2), ("Care cost savings", 1)):
        page.goto("/reports/")
        page.get_by_role("link", name=name).first.click()
        images = page.locator("main img")
        expect(images).to_have_count(count)
        for index in range(count):
            assert loaded(page, images.nth(index)), f"a {name} chart did not load"
            assert images.nth(index).get_attribute("alt")
        expect(page.locator("main table").first).to_be_visible()
        axe_check(page)
    page.goto("/reports/outcomes/")
    figures = page.get_by_role("region", name="Job-start targets and comparators")
    expect(figures.get_by_role("row", name="Our target")).to_contain_text("40.00")


def test_a_commissioner_sees_small_numbers_hidden(page, sign_in, authority, employed, axe_check):
    """Two people counted: the commissioner's page says <5, explains why, and stays
    accessible; the chart still loads and its alt text says the figure is not shown."""
    commissioner = staff(Role.COMMISSIONER, TeamFactory(authority=authority))
    sign_in(page, commissioner.email)
    page.goto("/reports/employment-rate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Employment rate")
    cohorts = page.get_by_role("table").first
    expect(cohorts.get_by_role("row", name="Learning disability")).to_contain_text("<5")
    expect(page.get_by_text("is shown as <5")).to_be_visible()
    chart = page.locator("main img").first
    assert loaded(page, chart), "the chart did not load"
    assert "not shown" in (chart.get_attribute("alt") or "")
    axe_check(page)
    page.goto("/reports/outcomes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Job outcomes")
    axe_check(page)
