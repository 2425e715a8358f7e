"""The provider comparison in a real browser: a commissioner reaches it from the
reports, asks for a year, and reads every contract side by side with the charts'
tables and a parking flag with its reason; nobody's name is on the page. axe-core
checks each page."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from tests.factories import EpisodeFactory, PersonFactory
from tests.reporting.test_providers_report import big_manager, council  # noqa: F401
from tests.reporting.test_providers_report import provider as _provider  # noqa: F401


def fill_date(page, name: str, day: str, month: str, year: str) -> None:
    for part, value in enumerate((day, month, year)):
        page.locator(f'input[name="{name}_{part}"]').fill(value)


def test_a_commissioner_compares_the_providers_and_sees_a_flag(
    page,
    server,
    axe_check,
    sign_in,
    authority,
    council,  # noqa: F811
):
    parked = [
        EpisodeFactory(
            team=council["big"].team,
            person=PersonFactory(authority=authority, family_name="Featherstonehaugh"),
            started_on=dt.date(2025, 4, 1),
            last_contact_on=dt.date(2025, 4, 1),
        )
        for _ in range(10)
    ]
    sign_in(page, council["commissioner"].email)
    page.goto(f"{server}/reports/")
    axe_check(page)
    page.get_by_role("main").get_by_role("link", name="Providers").click()
    fill_date(page, "start", "1", "4", "2025")
    fill_date(page, "end", "31", "3", "2026")
    page.get_by_role("button", name="Show the report").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Big Charity (K-BIG)")
    expect(main).to_contain_text("Small Enterprise (K-SMALL)")
    expect(main).to_contain_text("Parking")
    expect(main).not_to_contain_text(parked[0].person.family_name)
    axe_check(page)
