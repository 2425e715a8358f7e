"""At 320 CSS pixels wide (a small phone, or 400% zoom on a laptop) pages reflow into
one column: nothing makes the whole page scroll sideways (WCAG 1.4.10). A wide table
scrolls inside its own box instead, and keyboard focus on its links brings them into view.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pathways.casework.models import Activity, ActivityKind
from pathways.core.models import Role
from pathways.referrals.models import Status
from tests.factories import EpisodeFactory, ReferralFactory, staff


@pytest.fixture
def narrow_page(page):
    page.set_viewport_size({"width": 320, "height": 720})
    return page


def page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_pages_fit_a_320_pixel_screen(narrow_page, sign_in, axe_check, team, manager):
    page = narrow_page
    # A long name in the allocation table (it once pushed the page 3 pixels too wide).
    staff(
        Role.EMPLOYMENT_SPECIALIST,
        team,
        email="coach@example.org",
        first_name="Bartholomew-Alexander",
        last_name="Fitzwilliam-Montgomery",
    )
    EpisodeFactory(team=team, worker=manager)
    ReferralFactory(team=team)  # to triage
    waiting = ReferralFactory(team=team, status=Status.WAITING)
    sign_in(page, manager.email)
    urls = [
        "/",
        "/referrals/triage/",
        "/referrals/waiting/",
        "/my-people/team/",
        "/referrals/new/",
        f"/referrals/{waiting.pk}/",
        f"/referrals/{waiting.pk}/allocate/",
        f"/people/?q={waiting.person.person_ref}",
        f"/people/{waiting.person_id}/",
    ]
    for url in urls:
        page.goto(url)
        axe_check(page)
        assert page_width(page) <= 320, f"{url} scrolls sideways at 320px: {page_width(page)}px"


def test_a_wide_table_scrolls_in_its_box_to_the_focused_link(narrow_page, sign_in, team, manager):
    page = narrow_page
    waiting = ReferralFactory(team=team, status=Status.WAITING)
    sign_in(page, manager.email)
    page.goto("/referrals/waiting/")
    link = page.get_by_role("link", name=f"{waiting.referral_ref} for {waiting.person.full_name}")
    expect(link).not_to_be_in_viewport()
    link.focus()
    expect(link).to_be_in_viewport()
    assert page_width(page) <= 320


@pytest.mark.parametrize("width", [320, 1024])
def test_long_unbroken_text_wraps_instead_of_widening_the_page(
    page, sign_in, axe_check, team, manager, width
):
    """A pasted run of 10,000 characters in a case note, an episode's closing notes and
    the person's needs once made the episode page 116,335 pixels wide."""
    page.set_viewport_size({"width": width, "height": 900})
    unbroken = "x" * 10_000
    episode = EpisodeFactory(
        team=team,
        worker=manager,
        person__communication_needs=unbroken,
        person__reasonable_adjustments=unbroken,
        end_notes=unbroken,
    )
    Activity.objects.create(
        episode=episode,
        kind=ActivityKind.values[0],
        occurred_on=episode.started_on,
        with_whom=Activity.With.PERSON,
        notes=unbroken,
        recorded_by=manager,
    )
    sign_in(page, manager.email)
    for url in (f"/episodes/{episode.pk}/", f"/people/{episode.person_id}/"):
        page.goto(url)
        axe_check(page)
        assert page_width(page) <= width, f"{url} is {page_width(page)}px wide at {width}px"
    # The timeline scrolls in its own box when it must, but the note itself wraps: the
    # cell is no wider than the screen (it was 95,000 pixels).
    page.goto(f"/episodes/{episode.pk}/")
    note = page.get_by_role("cell", name=unbroken)
    expect(note).to_be_visible()
    assert note.bounding_box()["width"] <= width


def test_on_a_phone_the_menu_folds_behind_a_button(page, sign_in, axe_check, manager):
    """At 375 pixels the menu's links once stacked above the content; GOV.UK's service
    navigation folds them behind a "Menu" button that opens and closes them."""
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, manager.email)
    menu = page.get_by_role("button", name="Menu")
    waiting = page.get_by_role("link", name="Waiting list")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(waiting).to_be_hidden()
    expect(page.get_by_role("heading", level=1, name="My work")).to_be_in_viewport()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(waiting).to_be_visible()
    axe_check(page)
    waiting.click()
    expect(page.get_by_role("heading", level=1, name="Waiting list")).to_be_visible()


def test_on_a_wide_screen_the_menu_is_open_and_has_no_button(page, sign_in, manager):
    page.set_viewport_size({"width": 1024, "height": 800})
    sign_in(page, manager.email)
    expect(page.get_by_role("link", name="Waiting list")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()


def test_a_printed_page_has_the_content_without_header_menu_or_footer(page, sign_in, manager):
    sign_in(page, manager.email)
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()
    for hidden in (
        page.locator(".govuk-header"),
        page.get_by_role("navigation", name="Menu"),
        page.locator(".govuk-footer"),
    ):
        expect(hidden).to_be_hidden()
