"""My appointments in a real browser, with the keyboard only: the person opens their
appointments from their home page, says yes to a reminder email and adds an appointment
to their calendar; the page reflows at 320 px with appointments on it. axe-core checks
every state."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from pathways.casework import appointments
from pathways.core.models import Role
from tests.browser.conftest import tab_to
from tests.browser.test_portal import SMALL_TARGETS, SMALL_TEXT, page_width
from tests.factories import EpisodeFactory, PersonFactory, portal_account, staff


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
def account(team, coach):
    person = PersonFactory(authority=team.authority, given_name="Sam", family_name="Okafor")
    episode = EpisodeFactory(
        team=team,
        worker=coach,
        person=person,
        started_on=timezone.localdate() - dt.timedelta(days=20),
    )
    for days, hour, place in ((1, 10, "Phone call"), (6, 14, "Riverside Library, Main Street")):
        day = timezone.localdate() + dt.timedelta(days=days)
        appointments.book_appointment(
            coach,
            episode,
            starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30))),
            minutes=45,
            place=place,
            purpose="Talk about your CV",
        )
    return portal_account(person, invited_by=coach)


def test_the_person_asks_for_reminders_and_adds_one_to_their_calendar(
    page: Page, portal_sign_in, axe_check, account
):
    portal_sign_in(page, account)
    expect(page.get_by_text("Tomorrow at 10:30am: you see Cara Coach.")).to_be_visible()
    tab_to(page, page.get_by_role("link", name="My appointments When you see your coach"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="My appointments")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Tomorrow")).to_be_visible()
    expect(page.get_by_text("Where: Riverside Library, Main Street")).to_be_visible()
    axe_check(page)

    # --- Yes to a reminder by email ----------------------------------------------------
    tab_to(page, page.get_by_label("No, thank you"))
    page.keyboard.press("ArrowUp")  # radios move with the arrow keys
    expect(page.get_by_label("Yes, send me an email")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("We will send you an email the day before.")
    expect(page.get_by_label("Yes, send me an email")).to_be_checked()
    axe_check(page)
    account.refresh_from_db()
    assert account.appointment_reminders is True

    # --- Add tomorrow's appointment to the calendar -------------------------------------
    link = page.get_by_role("link", name=re.compile(r"^Add to my calendar\W+Tomorrow at 10:30am"))
    tab_to(page, link)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    path = download.value.path()
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert "LOCATION:Phone call\r\n" in text


def test_the_page_reflows_at_320_pixels_with_appointments(
    page: Page, portal_sign_in, axe_check, account
):
    page.set_viewport_size({"width": 320, "height": 720})
    portal_sign_in(page, account)
    page.goto("/my/appointments/")
    axe_check(page)
    assert page_width(page) <= 320
    assert page.evaluate(SMALL_TEXT) == []
    assert page.evaluate(SMALL_TARGETS) == []
