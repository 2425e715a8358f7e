"""The user voice report in a browser: a team manager reads the numbers per quarter
and what people wrote; a commissioner sees numbers only, small ones as <5. Reached
from the reports page with the keyboard, and axe-core finds nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pathways.core.models import Role
from tests.factories import TeamFactory, staff
from tests.reporting.test_user_voice import say

pytestmark = pytest.mark.browser


@pytest.fixture
def commissioner(authority):
    return staff(Role.COMMISSIONER, TeamFactory(authority=authority), email="comm@example.org")


@pytest.fixture
def voices(team, other_team):
    for _ in range(6):
        say(team, "happy")
    say(team, "not_happy", "I want to work more hours")
    for _ in range(5):
        say(other_team, "okay")


def test_a_manager_reads_the_user_voice_with_the_keyboard(
    page, sign_in, manager, voices, axe_check
):
    sign_in(page, manager.email)
    page.get_by_role("link", name="Reports").first.click()
    link = page.get_by_role("link", name="User voice")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("User voice")
    table = page.locator("table[data-team=SE1]")
    expect(table).to_contain_text("Supported Employment")
    expect(table.locator("tr").last).to_contain_text("85.7%")
    expect(page.locator("#words-list")).to_contain_text("I want to work more hours")
    expect(page.locator("table[data-team=IPS1]")).to_have_count(0)
    axe_check(page)


def test_a_commissioner_sees_numbers_only(page, server, sign_in, commissioner, voices, axe_check):
    sign_in(page, commissioner.email)
    page.goto(f"{server}/reports/user-voice/")
    expect(page.get_by_role("heading", level=1)).to_have_text("User voice")
    expect(page.locator("table[data-team=IPS1]")).to_contain_text("5")
    expect(page.locator("table[data-team=SE1]")).to_contain_text("<5")
    expect(page.get_by_text("I want to work more hours")).to_have_count(0)
    expect(page.get_by_text("Only the team reads what people wrote")).to_be_visible()
    axe_check(page)


def test_a_coach_answers_feedback_from_my_work_with_the_keyboard(
    page, sign_in, team, coach, axe_check
):
    from pathways.casework.feedback import give_feedback
    from tests.browser.conftest import tab_to
    from tests.factories import EpisodeFactory

    episode = EpisodeFactory(team=team, worker=coach)
    give_feedback(episode.person, by=None, feeling="not_happy", words="The bus is too slow")
    sign_in(page, coach.email)
    item = page.get_by_role("link", name="Said not happy and wrote to the team", exact=False)
    expect(item.first).to_be_visible()
    tab_to(page, item.first)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("How is it going?")
    expect(page.get_by_text("The bus is too slow")).to_be_visible()
    axe_check(page)
    tab_to(page, page.get_by_role("button", name="Mark as answered"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Marked as answered.")).to_be_visible()
    expect(page.get_by_text(f"Answered by {coach.get_full_name()}")).to_be_visible()
    axe_check(page)
    page.goto(page.url.split("/feedback/")[0] + f"/episodes/{episode.pk}/")
    expect(page.locator("#feedback-list")).to_contain_text("The bus is too slow")
    axe_check(page)
