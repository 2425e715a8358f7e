"""Appointments on the episode page in a real browser: a coach books one (after a
mistake), sees it listed, and cancels it. axe-core checks every state of the page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from pathways.casework.models import Appointment
from pathways.core.models import Role
from tests.factories import EpisodeFactory, PersonFactory, staff


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


def test_coach_books_an_appointment_and_cancels_it(
    page: Page, axe_check, sign_in, screenshot, coach, episode
):
    day = timezone.localdate() + dt.timedelta(days=7)
    sign_in(page, coach.email)
    page.goto(f"/episodes/{episode.pk}/")
    expect(page.get_by_role("heading", level=2, name="Appointments")).to_be_visible()
    expect(page.get_by_text("No appointments booked.")).to_be_visible()

    # --- Book one, forgetting where --------------------------------------------------
    page.locator("summary").filter(has_text="Book an appointment").click()
    form = page.locator("details").filter(has_text="Book an appointment")
    axe_check(page)  # with the form open
    form.get_by_label("Day", exact=True).fill(str(day.day))
    form.get_by_label("Month", exact=True).fill(str(day.month))
    form.get_by_label("Year", exact=True).fill(str(day.year))
    form.get_by_label("Time", exact=True).fill("2:30pm")
    form.get_by_label("What it is for").fill("Talk about your CV")
    expect(form.get_by_label("With whom")).to_have_value(str(coach.pk))
    form.get_by_role("button", name="Book appointment").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: Sam Okafor – episode "))
    axe_check(page)
    screenshot(page, "appointments-01-error")
    summary.get_by_role("link", name="Enter where the appointment is").click()
    form = page.locator("details").filter(has_text="Book an appointment")
    expect(form).to_have_attribute("open", "")
    where = form.get_by_label("Where", exact=True)
    expect(where).to_be_focused()
    where.fill("Riverside Library, Main Street")
    form.get_by_role("button", name="Book appointment").click()

    expect(page.get_by_role("alert")).to_contain_text(
        f"Appointment booked for {day:%-d %B %Y} at 14:30."
    )
    expect(page).to_have_url(re.compile(rf"/episodes/{episode.pk}/#appointments$"))
    card = page.locator("#appointments ~ .govuk-summary-card").filter(has_text="Talk about your CV")
    expect(card).to_contain_text(f"{day:%A %-d %B %Y} at 14:30")
    expect(card).to_contain_text("Riverside Library, Main Street")
    expect(card).to_contain_text("Cara Coach")
    axe_check(page)
    screenshot(page, "appointments-02-booked")

    # --- Cancel it -----------------------------------------------------------------------
    card.locator("summary").filter(has_text="Cancel").click()
    cancel = card.locator("details").filter(has_text="Why is it cancelled?")
    axe_check(page)
    cancel.get_by_label("Why is it cancelled?").fill("Sam starts a course that day")
    cancel.get_by_role("button", name="Cancel appointment").click()
    expect(page.get_by_role("alert")).to_contain_text("cancelled")
    expect(page.get_by_text("No appointments booked.")).to_be_visible()
    axe_check(page)
    appointment = Appointment.objects.get()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.cancelled_reason == "Sam starts a course that day"
