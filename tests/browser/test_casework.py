"""A job coach's morning in a real browser: My work shows what is due, the coach works
the item from the episode page (with a mistake first), proposes a package change, and
the package approver approves it. axe-core checks every page on the way."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from pathways.casework.models import Activity, Package
from pathways.casework.services import add_years
from pathways.core.models import Role
from tests.factories import EpisodeFactory, PersonFactory, staff


@pytest.fixture
def coach(team):
    return staff(
        Role.EMPLOYMENT_SPECIALIST,
        team,
        email="coach@example.org",
        first_name="Cara",
        last_name="Coach",
    )


@pytest.fixture
def approver(team):
    return staff(
        Role.PACKAGE_APPROVER,
        team,
        email="approver@example.org",
        first_name="Abi",
        last_name="Prover",
    )


@pytest.fixture
def episode(team, coach):
    person = PersonFactory(
        authority=team.authority,
        given_name="Sam",
        family_name="Okafor",
        communication_needs="Easy read",
    )
    return EpisodeFactory(
        team=team,
        worker=coach,
        person=person,
        started_on=timezone.localdate() - dt.timedelta(days=45),
    )


def menu(page: Page):
    return page.get_by_role("navigation", name="Menu")


def due_section(page: Page):
    return page.get_by_role("region", name="Due")


def sign_out(page: Page) -> None:
    menu(page).get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()


def test_coach_works_an_item_and_the_approver_approves_the_change(
    page, axe_check, sign_in, screenshot, team, coach, approver, episode
):
    today = timezone.localdate()  # the server's "today" (Europe/London)

    # --- My work: the person has not been contacted for 45 days ---------------------
    sign_in(page, coach.email)
    expect(menu(page).get_by_role("link", name="Approvals")).to_have_count(0)
    due = due_section(page)
    row = due.get_by_role("row").filter(has_text="Sam Okafor")
    expect(row).to_contain_text("No contact")
    expect(row).to_contain_text("No contact recorded since support started")
    expect(row).to_contain_text("Overdue")
    axe_check(page)
    screenshot(page, "casework-01-my-work")

    # --- The episode page ---------------------------------------------------------------
    row.get_by_role("link", name="Sam Okafor").click()
    expect(page.get_by_role("heading", level=1, name="Sam Okafor")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/episodes/{episode.pk}/$"))
    expect(page.locator(".govuk-warning-text")).to_contain_text("Communication needs: Easy read")
    axe_check(page)

    # --- Record an activity, with a mistake first ---------------------------------------
    page.get_by_text("Record an activity", exact=True).click()
    form = page.locator("details").filter(has_text="Record an activity")
    axe_check(page)  # with the form open
    # mistake: no kind chosen
    form.get_by_label("The person", exact=True).check()
    form.get_by_label("Minutes spent (optional)").fill("30")
    form.get_by_label("Notes (optional)").fill("Phoned Sam about the café job")
    form.get_by_role("button", name="Record activity").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Sam Okafor – episode "))
    axe_check(page)
    screenshot(page, "casework-02-activity-with-error")
    assert not Activity.objects.exists()
    form = page.locator("details").filter(has_text="Record an activity")
    expect(form).to_have_attribute("open", "")
    expect(form.get_by_label("Notes (optional)")).to_have_value("Phoned Sam about the café job")
    summary.get_by_role("link", name="Choose what was done").click()
    kind = form.get_by_label("What was done")
    expect(kind).to_be_focused()
    kind.select_option(label="Phone call")
    form.get_by_role("button", name="Record activity").click()

    expect(page.get_by_role("alert")).to_contain_text(
        f"Phone call on {today:%-d %B %Y} added to the timeline."
    )
    expect(page.get_by_role("region", name="Timeline")).to_contain_text(
        "Phoned Sam about the café job"
    )
    axe_check(page)
    screenshot(page, "casework-03-activity-recorded")

    # --- The item has gone from My work -------------------------------------------------
    menu(page).get_by_role("link", name="My work").click()
    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()
    expect(page.get_by_text("Nothing is due today.")).to_be_visible()
    axe_check(page)

    # --- Propose a package change (transitional) -----------------------------------------
    page.get_by_role("row").filter(has_text="Sam Okafor").get_by_role("link").click()
    page.get_by_role("button", name="Propose a package change").click()
    expect(page.get_by_role("heading", level=1, name="Propose a package change")).to_be_visible()
    expect(page.locator("main")).to_contain_text("up to two years")
    axe_check(page)
    page.get_by_label("Work entry", exact=True).check()
    page.get_by_label(re.compile(r"^Transitional supported employment")).check()
    page.get_by_label("Reason for the change").fill("Sam wants a job with support to start")
    # Eight years of transitional support is refused, on the end date.
    end = page.get_by_role("group", name="End of transitional support (optional)")
    end.get_by_label("Day").fill(str(today.day))
    end.get_by_label("Month").fill(str(today.month))
    end.get_by_label("Year").fill(str(today.year + 8))
    page.get_by_role("button", name="Propose change").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Transitional support runs for at most two years: end it on or before "
        f"{add_years(today, 2):%-d %B %Y}"
    )
    axe_check(page)
    assert not Package.objects.filter(episode=episode).exists()
    end = page.get_by_role("group", name="End of transitional support (optional)")
    for box in ("Day", "Month", "Year"):
        end.get_by_label(box).fill("")
    page.get_by_role("button", name="Propose change").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Package change proposed: Work entry and Transitional supported employment."
    )
    expect(page.locator("#pending-package")).to_contain_text("Change awaiting approval")
    expect(page.get_by_role("button", name="Approve change")).to_have_count(0)
    axe_check(page)
    screenshot(page, "casework-04-proposed")
    package = Package.objects.get(episode=episode)
    assert package.status == Package.Status.PROPOSED

    # --- The approver approves it ----------------------------------------------------
    sign_out(page)
    sign_in(page, approver.email)
    expect(
        page.get_by_role("link", name="1 package change is waiting for your approval")
    ).to_be_visible()
    axe_check(page)
    menu(page).get_by_role("link", name="Approvals").click()
    expect(page.get_by_role("heading", level=1, name="Package changes to approve")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Sam Okafor")
    expect(row).to_contain_text("Work entry and Transitional supported employment")
    expect(row).to_contain_text("Cara Coach")
    axe_check(page)
    screenshot(page, "casework-05-approvals")

    row.get_by_role("link", name="Sam Okafor").click()
    expect(page.get_by_role("heading", level=1, name="Sam Okafor")).to_be_visible()
    expect(page.get_by_text("Record an activity", exact=True)).to_have_count(0)
    axe_check(page)
    page.get_by_label("Comments (optional)").fill("Agreed")
    page.get_by_role("button", name="Approve change").click()
    expect(page.get_by_role("alert")).to_contain_text("Package change approved")
    current = page.locator(".govuk-summary-list__row").filter(has_text="Current package")
    expect(current).to_contain_text("Work entry and Transitional supported employment")
    ends = page.locator(".govuk-summary-list__row").filter(has_text="Transitional support ends")
    expect(ends).to_contain_text("days left")
    expect(page.locator("#pending-package")).to_have_count(0)
    axe_check(page)
    screenshot(page, "casework-06-approved")
    package.refresh_from_db()
    assert package.status == Package.Status.APPROVED
    assert package.decided_by == approver
