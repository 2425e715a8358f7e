"""The data protection officer reads a person's audit trail in a real browser: staff by
name in UK time, narrowed to one colleague, a wrong date explained, a second page, and
the trail downloaded as CSV for a subject access request; then refused reads on the
audit home. axe-core checks each page."""

from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from playwright.sync_api import expect

from pathways.core import audit
from pathways.core.models import Role
from tests.factories import PersonFactory, staff


def test_read_narrow_page_and_download_a_trail(page, sign_in, axe_check, screenshot, team):
    dora = staff(Role.DATA_PROTECTION_OFFICER, team, first_name="Dora", last_name="Adeyemi")
    cara = staff(Role.EMPLOYMENT_SPECIALIST, team, first_name="Cara", last_name="Lindqvist")
    ben = staff(Role.TEAM_MANAGER, team, first_name="Ben", last_name="Mwangi")
    ola = PersonFactory(authority=team.authority, given_name="Ola", family_name="Bankole")
    start = dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)  # 09:00 in London
    for i in range(60):
        LogEntry.objects.log_create(
            ola,
            force_log=True,
            action=LogEntry.Action.ACCESS,
            actor=cara if i % 2 else ben,
            actor_email=(cara if i % 2 else ben).email,
            timestamp=start + dt.timedelta(hours=i),
            additional_data={"person_id": ola.pk, "channel": "web", "outcome": "allowed"},
        )

    sign_in(page, dora.email)
    page.goto(f"/people/{ola.pk}/")
    page.get_by_role("link", name="Who has seen this record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has seen or changed this record")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Cara Lindqvist")
    expect(table).not_to_contain_text(cara.email)
    expect(table).to_contain_text("3 July 2026, 20:00")  # 19:00 UTC, in summer time
    axe_check(page)

    # --- one colleague only, then a second page -----------------------------------
    page.get_by_label("Who", exact=True).select_option(label="Cara Lindqvist")
    page.get_by_role("button", name="Show entries").click()
    expect(page.get_by_role("heading", name="30 entries match")).to_be_visible()
    expect(table).not_to_contain_text("Ben Mwangi")
    page.get_by_role("link", name="Clear filters").click()
    expect(page.get_by_role("navigation", name="Pages of the audit trail")).to_be_visible()
    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")
    expect(table).to_contain_text("1 July 2026, 09:00")
    axe_check(page)
    screenshot(page, "audit-trail-page-2")

    # --- a wrong date is explained --------------------------------------------------
    start_date = page.get_by_role("group", name="Start date")
    start_date.get_by_label("Day").fill("31")
    start_date.get_by_label("Month").fill("2")
    start_date.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Show entries").click()
    expect(page.get_by_role("alert")).to_contain_text("The start date must be a real date")
    axe_check(page)

    # --- the whole trail as CSV ---------------------------------------------------
    page.get_by_role("link", name="Clear filters").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the whole trail as a spreadsheet (CSV)").click()
    lines = download.value.path().read_text(encoding="utf-8").splitlines()
    assert lines[0] == "When (UK time),Who,Did,What,How,Outcome,From,Changes"
    assert "Dora Adeyemi,read,audit trail,Export,allowed" in lines[1]
    assert sum("Cara Lindqvist" in line for line in lines) == 30

    # --- refused reads on the audit home -----------------------------------------
    audit.record_access(
        cara, PersonFactory(authority=team.authority), channel="api", outcome="denied"
    )
    page.goto("/audit/")
    page.get_by_label("How", exact=True).select_option(label="API")
    page.get_by_role("button", name="Show entries").click()
    expect(page.get_by_text("1 refused attempt, newest first.")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Cara Lindqvist")
    axe_check(page)
