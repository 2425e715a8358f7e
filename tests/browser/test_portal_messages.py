"""My plan and Messages in the person's portal, in a real browser and with the keyboard
only: the person opens their plan from their home page, then writes to their coach
(sending an empty message first by mistake). axe-core checks every state; text stays at
19 px or more and targets at 44 x 44 px or more with every part of the pages filled."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from pathways.casework import conversation, services
from pathways.casework.models import Goal, Message, Step
from tests.browser.conftest import tab_to
from tests.browser.test_portal import SMALL_TARGETS, SMALL_TEXT, page_width
from tests.factories import EpisodeFactory, PersonFactory, portal_account


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def episode(team, coach):
    coach.first_name, coach.last_name = "Amy", "Khan"
    coach.save()
    person = PersonFactory(authority=team.authority, given_name="Sam", family_name="Okafor")
    return EpisodeFactory(
        team=team, worker=coach, person=person, started_on=today() - dt.timedelta(days=40)
    )


@pytest.fixture
def account(episode, coach):
    return portal_account(episode.person, invited_by=coach)


@pytest.fixture
def plan(episode, coach):
    goal = Goal.objects.create(
        episode=episode,
        description="Work in a café",
        owner=Goal.Owner.TOGETHER,
        target_on=today() + dt.timedelta(days=60),
        status=Goal.Status.IN_PROGRESS,
        created_by=coach,
    )
    Step.objects.create(
        goal=goal, description="Visit the café", due_on=today() + dt.timedelta(days=7)
    )
    Step.objects.create(goal=goal, description="Write a CV", done_on=today())
    services.record_activity(
        coach,
        episode,
        kind="travel_training",
        occurred_on=today() - dt.timedelta(days=2),
        with_whom="person",
        notes="You found the bus stop on your own.",
        shared_with_person=True,
    )
    services.record_activity(
        coach,
        episode,
        kind="meeting",
        occurred_on=today() - dt.timedelta(days=1),
        with_whom="person",
        notes="Staff only: money worries.",
    )
    return goal


def held_to_easy_read_sizes(page: Page) -> None:
    assert page.evaluate(SMALL_TEXT) == [], f"text under 19px on {page.url}"
    assert page.evaluate(SMALL_TARGETS) == [], f"targets under 44 x 44 px on {page.url}"


def test_the_person_reads_their_plan_with_the_keyboard(
    page, portal_sign_in, axe_check, screenshot, account, plan
):
    portal_sign_in(page, account)
    tab_to(page, page.get_by_role("link", name=re.compile("^My plan")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="My plan")).to_be_visible()
    expect(page.get_by_role("heading", level=3, name="Work in a café")).to_be_visible()
    expect(page.get_by_text("Who helps: You and Amy Khan.")).to_be_visible()
    expect(page.get_by_text("You found the bus stop on your own.")).to_be_visible()
    expect(page.get_by_text("money worries")).to_have_count(0)
    axe_check(page)
    held_to_easy_read_sizes(page)
    screenshot(page, "portal-plan")
    page.set_viewport_size({"width": 320, "height": 720})
    assert page_width(page) <= 320
    held_to_easy_read_sizes(page)


def test_the_person_writes_to_their_coach_with_the_keyboard(
    page, portal_sign_in, axe_check, screenshot, account, episode, coach
):
    answer = conversation.reply_to_person(episode, by=coach, text="Hello Sam. How are you?")
    Message.objects.filter(pk=answer.pk).update(sent_at=timezone.now() - dt.timedelta(hours=3))
    portal_sign_in(page, account)
    tab_to(page, page.get_by_role("link", name=re.compile("^Messages")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Messages")).to_be_visible()
    expect(page.get_by_text("Hello Sam. How are you?")).to_be_visible()
    expect(page.get_by_text("New", exact=True)).to_be_visible()
    axe_check(page)
    held_to_easy_read_sizes(page)

    # --- Send by mistake before writing ------------------------------------------------
    tab_to(page, page.get_by_role("button", name="Send"))
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Type your message.")
    expect(page).to_have_title(re.compile(r"^Error: Messages"))
    axe_check(page)
    held_to_easy_read_sizes(page)
    screenshot(page, "portal-messages-error")
    assert Message.objects.count() == 1

    # --- Follow the error to the box, write and send -------------------------------------
    tab_to(page, summary.get_by_role("link", name="Type your message."))
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your message")).to_be_focused()
    page.keyboard.type("I am fine. Can we meet on Friday?")
    tab_to(page, page.get_by_role("button", name="Send"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your message is sent.")).to_be_visible()
    expect(page.get_by_text("I am fine. Can we meet on Friday?")).to_be_visible()
    expect(page.get_by_text("You wrote on")).to_be_visible()
    axe_check(page)
    held_to_easy_read_sizes(page)
    screenshot(page, "portal-messages-sent")
    sent = Message.objects.get(from_person=True)
    assert sent.author == account.user and sent.text == "I am fine. Can we meet on Friday?"


def test_after_support_ends_the_person_is_pointed_to_help_again(
    page, portal_sign_in, axe_check, account, episode, coach
):
    conversation.reply_to_person(episode, by=coach, text="Good luck in your new job.")
    episode.ended_on = today()
    episode.end_reason = "in_work_without_support"
    episode.save()
    portal_sign_in(page, account)
    page.goto("/my/messages/")
    expect(page.get_by_role("heading", level=2, name="Your support has ended")).to_be_visible()
    expect(page.get_by_text("Good luck in your new job.")).to_be_visible()
    expect(page.get_by_role("button", name="Send")).to_have_count(0)
    help_again = page.get_by_role("link", name="I want help again")
    tab_to(page, help_again)
    expect(help_again).to_be_focused()
    axe_check(page)
    held_to_easy_read_sizes(page)
