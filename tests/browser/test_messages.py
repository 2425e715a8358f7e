"""Answering the person in a real browser, with the keyboard only: the coach finds the
person's message on the episode page, sends an empty reply by mistake, follows the
error to the box and replies. axe-core checks every state of the page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from pathways.casework import conversation
from pathways.casework.models import Message
from pathways.core.models import Role
from tests.factories import EpisodeFactory, PersonFactory, UserFactory, staff


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
def episode(team, coach):
    person = PersonFactory(authority=team.authority, given_name="Sam", family_name="Okafor")
    return EpisodeFactory(
        team=team,
        worker=coach,
        person=person,
        started_on=timezone.localdate() - dt.timedelta(days=20),
    )


def tab_to(page: Page, name: str, *, role: str = "button", limit: int = 200) -> None:
    """Press Tab until the element named ``name`` has the focus (keyboard only)."""
    target = page.get_by_role(role, name=name)  # type: ignore[arg-type]
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_coach_answers_the_persons_message_with_the_keyboard(
    page, axe_check, sign_in, screenshot, coach, episode
):
    account = UserFactory(first_name="Sam", last_name="Okafor", email="sam@example.org")
    conversation.send_message_from_person(
        episode, by=account, text="Can we meet at the library on Friday?"
    )
    sign_in(page, coach.email)
    page.goto(f"/episodes/{episode.pk}/")
    messages = page.locator(".app-conversation")
    expect(messages.get_by_text("Can we meet at the library on Friday?")).to_be_visible()
    expect(messages.get_by_text("New", exact=True)).to_be_visible()
    axe_check(page)

    # --- An empty reply by mistake ---------------------------------------------------
    tab_to(page, "Send reply")
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: Sam Okafor – episode "))
    axe_check(page)
    screenshot(page, "messages-01-empty-reply")
    assert not Message.objects.filter(from_person=False).exists()

    # --- Follow the error to the box and reply ------------------------------------------
    expect(summary).to_be_focused()
    tab_to(page, "Write your reply", role="link")
    page.keyboard.press("Enter")
    box = page.get_by_label("Your reply")
    expect(box).to_be_focused()
    page.keyboard.type("Yes. See you at 10 o'clock.")
    tab_to(page, "Send reply")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Reply sent.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"#messages$"))
    expect(messages.get_by_text("Yes. See you at 10 o'clock.")).to_be_visible()
    expect(messages.get_by_text("New", exact=True)).to_have_count(0)
    timeline = page.locator("#timeline ~ .app-table-scroll")
    expect(timeline.get_by_text("Message to the person")).to_be_visible()
    expect(timeline.get_by_text("Message from the person")).to_be_visible()
    axe_check(page)
    screenshot(page, "messages-02-replied")
    reply = Message.objects.get(from_person=False)
    assert reply.author == coach and reply.text == "Yes. See you at 10 o'clock."
