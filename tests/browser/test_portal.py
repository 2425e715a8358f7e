"""The person's portal in a real browser: signing in by link with the keyboard only,
every portal page free of axe findings, reflowing at 320 px and usable at 200% zoom
(text at least 19 px, targets at least 44 x 44 px), for the person and a supporter.

Every section's page registered with ``portal.pages`` is visited here, so a new page is
held to the same checks without a new test.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, expect

from pathways.people.models import Contact
from pathways.portal.models import Section
from pathways.portal.pages import offered
from tests.browser.conftest import AXE, AXE_URL, tab_to
from tests.factories import EpisodeFactory, portal_account


@pytest.fixture
def person_account(team, coach):
    person = EpisodeFactory(team=team, worker=coach).person
    return portal_account(person, invited_by=coach)


@pytest.fixture
def supporter_account(person_account, coach):
    mother = Contact.objects.create(
        person=person_account.person,
        name="Maria Example",
        relationship="mother",
        email="maria@example.org",
    )
    return portal_account(
        person_account.person,
        invited_by=coach,
        supporter=mother,
        sections=[Section.PLAN, Section.APPOINTMENTS],
    )


def _urls(account) -> list[str]:
    return ["/my/", *[url for _, url in offered(account)]]


def page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


SMALL_TEXT = """() => [...document.querySelectorAll('main *')]
  .filter(el => el.offsetParent !== null && [...el.childNodes].some(
      n => n.nodeType === 3 && n.textContent.trim()))
  .filter(el => !el.closest('.govuk-visually-hidden'))
  .filter(el => parseFloat(getComputedStyle(el).fontSize) < 19)
  .map(el => el.tagName + ': ' + el.textContent.trim().slice(0, 40))"""

SMALL_TARGETS = """() => [...document.querySelectorAll(
    'main a, main button, main input:not([type=hidden]), main select, main textarea, '
    + '.app-portal-bar a, .app-portal-bar button')]
  .filter(el => el.offsetParent !== null)
  .map(el => {
      const target = el.matches('.govuk-radios__input, .govuk-checkboxes__input')
          ? el.parentElement : el;
      const box = target.getBoundingClientRect();
      return [el, box];
  })
  .filter(([el, box]) => box.width < 44 || box.height < 44)
  .map(([el, box]) => el.tagName + ' ' + (el.textContent || el.name || '').trim().slice(0, 30)
      + ` (${Math.round(box.width)} x ${Math.round(box.height)})`)"""


def test_a_person_signs_in_with_the_keyboard_only(page, portal_sign_in, axe_check, person_account):
    portal_sign_in(page, person_account)
    axe_check(page)
    # And signs out the same way.
    tab_to(page, page.get_by_role("button", name="Sign out"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="You have signed out")).to_be_visible()
    axe_check(page)


def test_a_used_link_says_what_to_do(page, axe_check, person_account, portal_sign_in):
    from pathways.portal.services import sign_in_link

    link = sign_in_link(person_account.user, "")
    portal_sign_in(page, person_account)
    page.context.clear_cookies()
    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="This link does not work")).to_be_visible()
    axe_check(page)
    tab_to(page, page.get_by_label("Your email address"))
    page.keyboard.type("nobody@example.org")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Check your email")).to_be_visible()
    axe_check(page)


def test_a_wrong_address_is_explained(page, axe_check):
    page.goto("/my/sign-in/")
    page.get_by_label("Your email address").fill("not an address")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("alert")).to_contain_text("Type your email address like this")
    axe_check(page)


@pytest.mark.parametrize("who", ["person", "supporter"])
def test_every_portal_page_reflows_at_320_pixels(
    who, page, portal_sign_in, axe_check, person_account, supporter_account
):
    account = person_account if who == "person" else supporter_account
    page.set_viewport_size({"width": 320, "height": 720})
    portal_sign_in(page, account)
    for url in _urls(account):
        page.goto(url)
        axe_check(page)
        assert page_width(page) <= 320, f"{url} scrolls sideways at 320px: {page_width(page)}px"
        assert page.evaluate(SMALL_TEXT) == [], f"text under 19px on {url}"
        assert page.evaluate(SMALL_TARGETS) == [], f"targets under 44 x 44 px on {url}"


def test_every_portal_page_works_at_200_percent_zoom(
    browser: Browser, server, browser_problems, person_account, portal_sign_in
):
    """200% zoom on a 1280 x 900 screen: a 640 x 450 CSS-pixel window at twice the
    pixel density, which is what the browser's own zoom gives the page."""
    context = browser.new_context(
        base_url=server, viewport={"width": 640, "height": 450}, device_scale_factor=2
    )
    context.route(
        f"**{AXE_URL}",
        lambda route: route.fulfill(path=AXE, content_type="text/javascript; charset=utf-8"),
    )
    page = context.new_page()
    page.on("console", browser_problems.console)
    try:
        portal_sign_in(page, person_account)
        for url in _urls(person_account):
            page.goto(url)
            assert page_width(page) <= 640, f"{url} scrolls sideways at 200%"
            assert page.evaluate(SMALL_TARGETS) == [], f"targets under 44 x 44 px on {url}"
            expect(page.locator("h1")).to_be_visible()
    finally:
        context.close()
    browser_problems.check()


def test_a_supporter_is_told_what_they_cannot_see(
    page, portal_sign_in, axe_check, supporter_account
):
    portal_sign_in(page, supporter_account)
    expect(page.get_by_text("You can see the parts")).to_be_visible()
    axe_check(page)


def test_staff_see_and_manage_portal_access(page, sign_in, axe_check, coach, person_account):
    person = person_account.person
    Contact.objects.create(
        person=person, name="Ola Example", relationship="advocate", email="ola@example.org"
    )
    sign_in(page, coach.email)
    page.goto(f"/people/{person.pk}/")
    page.get_by_role("link", name="portal access").click()
    expect(page.get_by_role("heading", level=1, name="Portal access")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Invite a supporter").click()
    axe_check(page)
    page.get_by_label("Ola Example").check()
    page.get_by_label("My plan").check()
    today = dt.date.today()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Record the consent and send the link").click()
    expect(page.get_by_text("Ola Example has been sent a sign-in link")).to_be_visible()
    expect(page.get_by_role("cell", name="Ola Example (advocate)")).to_be_visible()
    axe_check(page)
