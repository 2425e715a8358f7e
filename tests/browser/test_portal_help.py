"""Asking for help in a real browser, keyboard only: the public "Ask for help to find
work" form (a mistake, fixed, then what happens next), and "I want help again" for a
person whose support ended; axe-core on every page and state, text at least 19 px,
targets at least 44 x 44 px, nothing scrolling sideways at 320 px."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from pathways.referrals.models import HelpRequest, Referral, Source
from tests.browser.conftest import tab_to
from tests.browser.test_portal import SMALL_TARGETS, SMALL_TEXT, page_width
from tests.factories import (
    AuthorityFactory,
    EpisodeFactory,
    PersonFactory,
    TeamFactory,
    portal_account,
)


def easy_to_use(page: Page, axe_check, width: int) -> None:
    axe_check(page)
    assert page_width(page) <= width, f"{page.url} scrolls sideways"
    assert page.evaluate(SMALL_TEXT) == [], f"text under 19px on {page.url}"
    assert page.evaluate(SMALL_TARGETS) == [], f"targets under 44 x 44 px on {page.url}"


@pytest.mark.parametrize("width", [1280, 320])
def test_asking_for_help_with_no_account_by_keyboard(
    page, axe_check, settings, team, authority, width
):
    settings.PATHWAYS_HELP_REQUEST_MIN_SECONDS = 0  # a program types faster than people
    TeamFactory(authority=AuthorityFactory(name="Hackney"))
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/ask-for-help/")
    expect(page.get_by_role("heading", level=1, name="Ask for help to find work")).to_be_visible()
    easy_to_use(page, axe_check, width)
    tab_to(page, page.get_by_role("link", name="Newham"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Tell us about you.")).to_be_visible()
    easy_to_use(page, axe_check, width)

    # --- A first go with two answers missing ------------------------------------------
    tab_to(page, page.get_by_label("Your first name"))
    page.keyboard.type("Jordan")
    page.keyboard.press("Tab")
    page.keyboard.type("Asante")
    tab_to(page, page.get_by_label("What work or help do you want?"))
    page.keyboard.type("A job in a garden centre.")
    tab_to(page, page.get_by_role("button", name="Send"))
    page.keyboard.press("Enter")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    contact = "Write your email address or your phone number. We need one to contact you."
    expect(summary.get_by_role("link", name=contact)).to_be_visible()
    expect(summary.get_by_role("link", name="Choose yes, no or I don't know.")).to_be_visible()
    expect(page.get_by_label("What work or help do you want?")).to_have_value(
        "A job in a garden centre."
    )
    easy_to_use(page, axe_check, width)
    assert not HelpRequest.objects.exists()

    # --- Fixed from the summary's links ---------------------------------------------------
    page.keyboard.press("Tab")  # the summary's first link
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your email address")).to_be_focused()
    page.keyboard.type("jordan@example.com")
    tab_to(page, page.get_by_label("Yes", exact=True))  # a group of radios is one stop
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("I don't know")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Send"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1, name="We have your message")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="What happens next")).to_be_visible()
    easy_to_use(page, axe_check, width)
    kept = HelpRequest.objects.get()
    assert (kept.authority, kept.email, kept.care_and_support) == (
        authority,
        "jordan@example.com",
        "dont_know",
    )


@pytest.fixture
def ended_account(team, coach):
    person = PersonFactory(authority=team.authority)
    EpisodeFactory(
        team=team,
        person=person,
        worker=coach,
        started_on=dt.date.today() - dt.timedelta(days=400),
        ended_on=dt.date.today() - dt.timedelta(days=20),
    )
    return portal_account(person, invited_by=coach)


@pytest.mark.parametrize("width", [1280, 320])
def test_asking_to_come_back_by_keyboard(
    page, axe_check, portal_sign_in, team, ended_account, width
):
    page.set_viewport_size({"width": width, "height": 800})
    portal_sign_in(page, ended_account)
    tab_to(page, page.get_by_role("link", name="I want help again"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="I want help again")).to_be_visible()
    expect(page.get_by_text("Your help from us has ended.")).to_be_visible()
    easy_to_use(page, axe_check, width)

    tab_to(page, page.get_by_label("What do you want help with?"))
    page.keyboard.type("I want to work in a shop again.")
    tab_to(page, page.get_by_role("button", name="Ask for help again"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1, name="We have your message")).to_be_visible()
    expect(page.get_by_text(f"{team.name} will read it.")).to_be_visible()
    easy_to_use(page, axe_check, width)
    referral = Referral.objects.get(person=ended_account.person)
    assert referral.source == Source.SELF and "I want to work in a shop again." in referral.notes

    # Back on the page: they have asked, and cannot ask twice.
    page.goto("/my/help-again/")
    expect(page.get_by_text("You are waiting for help from us.")).to_be_visible()
    expect(page.get_by_role("button", name="Ask for help again")).to_have_count(0)
    easy_to_use(page, axe_check, width)


def test_someone_with_a_coach_is_pointed_to_their_coach(
    page, axe_check, portal_sign_in, person_account_with_coach
):
    portal_sign_in(page, person_account_with_coach)
    page.goto("/my/help-again/")
    expect(page.get_by_text("Do you need more help? Tell your coach.")).to_be_visible()
    expect(page.get_by_role("button", name="Ask for help again")).to_have_count(0)
    easy_to_use(page, axe_check, 1280)


@pytest.fixture
def person_account_with_coach(team, coach):
    person = EpisodeFactory(team=team, worker=coach).person
    return portal_account(person, invited_by=coach)
