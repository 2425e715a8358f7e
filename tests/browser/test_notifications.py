"""Notifications in a real browser: a manager allocates a case, the specialist signs in,
sees "Notifications (1)" in the header, opens the list, follows the notice to the
episode and the count drops; axe-core on the way, and the header at 320 px wide."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from pathways.core.models import Role
from pathways.people.models import Person
from pathways.referrals.models import Status
from tests.factories import PersonFactory, ReferralFactory, staff


def count_link(page, n):
    """The header's link: "Notifications (3)", with "unread" for screen readers (Chromium
    names it "Notifications (3 unread )": the hidden word is a block of its own)."""
    return page.get_by_role("banner").get_by_role(
        "link", name=re.compile(rf"^Notifications \({n} unread ?\)$")
    )


@pytest.fixture(autouse=True)
def _send_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_the_worker_is_told_of_a_new_case(page, sign_in, axe_check, screenshot, team):
    manager = staff(Role.TEAM_MANAGER, team, email="manager@example.org", first_name="Mona")
    coach = staff(
        Role.EMPLOYMENT_SPECIALIST,
        team,
        email="coach@example.org",
        first_name="Cara",
        last_name="Coach",
    )
    person: Person = PersonFactory(authority=team.authority, given_name="Sam", family_name="Okafor")
    referral = ReferralFactory(team=team, person=person, status=Status.ACCEPTED)

    # --- The manager allocates the case ------------------------------------------------
    sign_in(page, manager.email)
    expect(count_link(page, 0)).to_be_visible()
    page.goto(f"/referrals/{referral.pk}/allocate/")
    page.get_by_label(re.compile(r"^Cara Coach")).check()
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_role("alert")).to_contain_text("Sam Okafor is allocated to Cara Coach.")
    [email] = mail.outbox
    assert email.to == [coach.email] and "Okafor" not in email.body
    page.context.clear_cookies()

    # --- The specialist sees the count, the list, and follows the notice --------------
    sign_in(page, coach.email)
    header_link = count_link(page, 1)
    expect(header_link).to_be_visible()
    axe_check(page)
    page.set_viewport_size({"width": 320, "height": 800})
    expect(header_link).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "notifications-header-320")
    page.set_viewport_size({"width": 1280, "height": 900})

    header_link.click()
    expect(page.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    notice = page.get_by_role("link", name="You have a new case allocated.")
    expect(notice).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="Unread")).to_have_count(1)
    axe_check(page)
    screenshot(page, "notifications-list")

    notice.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam Okafor")
    assert re.search(r"/episodes/\d+/$", page.url)
    expect(count_link(page, 0)).to_be_visible()

    count_link(page, 0).click()
    expect(page.locator(".govuk-tag", has_text="Unread")).to_have_count(0)
    page.get_by_role("link", name="Choose which notifications you get by email").click()
    page.get_by_label("Daily summary of what is due in your work queue").uncheck()
    page.get_by_role("button", name="Save email settings").click()
    expect(page.get_by_role("alert")).to_contain_text("Your email choices are saved.")
    expect(page.get_by_label("Daily summary of what is due in your work queue")).not_to_be_checked()
    axe_check(page)
