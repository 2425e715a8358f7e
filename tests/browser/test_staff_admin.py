"""Staff administration in a real browser: the administrator invites a new employment
specialist (the invitation email holds the link), then deactivates a leaver who still
holds cases, handing them to a colleague, and sees both on the activity page. axe-core
checks every page on the way."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from pathways.casework.models import Episode
from pathways.core.models import Role, User
from tests.factories import EpisodeFactory, TeamFactory, staff


@pytest.fixture
def elena(team):
    """Like the demo's administrator: an Administrator in the front-door team."""
    front_door = TeamFactory(code="FD", name="Front Door", authority=team.authority)
    return staff(
        Role.ADMIN, front_door, email="admin@example.org", first_name="Elena", last_name="Rossi"
    )


@pytest.fixture
def leaver(team):
    coach = staff(
        Role.EMPLOYMENT_SPECIALIST,
        team,
        email="leaver@example.org",
        first_name="Liam",
        last_name="Leaving",
    )
    EpisodeFactory.create_batch(2, team=team, worker=coach)
    return coach


@pytest.fixture
def carla(team):
    return staff(
        Role.EMPLOYMENT_SPECIALIST,
        team,
        email="carla@example.org",
        first_name="Carla",
        last_name="Stays",
    )


def test_invite_a_specialist_and_deactivate_a_leaver(
    page, sign_in, axe_check, screenshot, elena, leaver, carla, team
):
    sign_in(page, elena.email)
    page.goto("/staff/")
    expect(page.get_by_role("heading", level=1, name="Staff")).to_be_visible()
    axe_check(page)

    # --- Invite a new specialist -------------------------------------------------------
    page.get_by_role("link", name="Invite a staff member").first.click()
    axe_check(page)
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Newcomer")
    page.get_by_label("Email address").fill("nia@example.org")
    page.get_by_label("Team").select_option(label=team.name)
    page.get_by_label("Role").select_option(label="Employment specialist")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to nia@example.org")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Nia Newcomer")).to_be_visible()
    axe_check(page)
    (message,) = mail.outbox
    assert message.to == ["nia@example.org"]
    assert re.search(r"/set-password/[^/\s]+/[^/\s]+/", message.body)
    screenshot(page, "staff-invited")

    # --- Deactivate a leaver, handing their cases to a colleague -------------------------
    page.goto("/staff/")
    page.get_by_label("Name or email address").fill("leaving")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Liam Leaving").click()
    expect(page.get_by_text("2 in Supported Employment")).to_be_visible()
    page.get_by_role("link", name="Deactivate a leaver").click()
    axe_check(page)
    page.get_by_label("Carla Stays").check()
    page.get_by_role("button", name="Hand over cases and deactivate").click()
    expect(page.get_by_text("Liam Leaving is deactivated and 2 cases handed over")).to_be_visible()
    axe_check(page)
    assert Episode.objects.filter(worker=carla).count() == 2
    assert not User.objects.get(pk=leaver.pk).is_active

    # --- Both are on the activity page ------------------------------------------------------
    page.get_by_role("link", name="Activity").click()
    rows = page.get_by_role("row")
    expect(rows.filter(has_text="Invited").filter(has_text="Nia Newcomer")).to_have_count(1)
    expect(rows.filter(has_text="Deactivated").filter(has_text="Liam Leaving")).to_have_count(1)
    expect(rows.filter(has_text="Cases handed over")).to_have_count(1)
    axe_check(page)
    screenshot(page, "staff-activity")

    # --- Each page fits a 320-pixel screen -----------------------------------------------------
    page.set_viewport_size({"width": 320, "height": 720})
    for url in ["/staff/", f"/staff/{leaver.pk}/", "/staff/invite/", "/staff/activity/"]:
        page.goto(url)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, f"{url} scrolls sideways at 320px: {width}px"
