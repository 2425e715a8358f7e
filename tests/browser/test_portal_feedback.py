""" "How is it going?" in a browser, with the keyboard only: the home page asks after a
job start, the person picks a picture with the arrow keys, writes a few words, sends,
and reads who will reply; leaving the picture out shows a plain error that keeps the
words. axe-core finds nothing in any state (decision 0048)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from pathways.casework.models import Feedback
from tests.browser.conftest import tab_to
from tests.factories import EpisodeFactory, portal_account
from tests.reporting.test_outcome_reports import place

pytestmark = pytest.mark.browser


@pytest.fixture
def person_account(team, coach):
    person = EpisodeFactory(team=team, worker=coach).person
    return portal_account(person, invited_by=coach)


def test_a_person_says_how_it_is_going_with_the_keyboard_only(
    page, portal_sign_in, axe_check, person_account, coach
):
    job = place(person_account.person, dt.date.today() - dt.timedelta(days=2))
    portal_sign_in(page, person_account)
    prompt = page.get_by_role("link", name="You started your job. How is it going?")
    expect(prompt).to_be_visible()
    axe_check(page)
    tab_to(page, prompt)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You started your job. How is it going?"
    )
    axe_check(page)

    # Send with no picture: a plain error, and the words stay.
    tab_to(page, page.get_by_label("Do you want to tell us more?"))
    page.keyboard.type("The work is fun")
    tab_to(page, page.get_by_role("button", name="Send"))
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose a picture: happy, okay or not happy"
    )
    expect(page.get_by_label("Do you want to tell us more?")).to_have_value("The work is fun")
    axe_check(page)

    # The error links to the first picture; the arrow keys move between them.
    tab_to(page, page.locator(".govuk-error-summary a"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("radio", name="Happy", exact=True)).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="Happy", exact=True)).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="Okay")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Send"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for telling us")
    expect(page.get_by_text(f"Your coach {coach.first_name} will read it.")).to_be_visible()
    expect(
        page.get_by_text(f"{coach.first_name} will talk to you in the next 7 days.")
    ).to_be_visible()
    axe_check(page)
    given = Feedback.objects.get()
    assert (given.feeling, given.words, given.prompted_by) == (
        "okay",
        "The work is fun",
        f"job_start:{job.pk}",
    )
