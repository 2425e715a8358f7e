"""Unusual values in a real browser: a coach refers someone born in 1820 (refused on the
field), then someone aged 85 (asked, confirmed, saved), then someone with the name and
date of birth of a person they already support (warned; the link opens that record).
axe-core checks the page in each state."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from pathways.core.models import Role
from pathways.people.models import Person
from pathways.referrals.models import Referral
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


def fill_referral(page: Page, ref: str, given: str, family: str, born: dt.date) -> None:
    page.goto("/referrals/new/")
    expect(page.get_by_role("heading", level=1, name="New referral")).to_be_visible()
    page.get_by_label("Client reference").fill(ref)
    page.get_by_label("First name").fill(given)
    page.get_by_label("Last name").fill(family)
    set_birthday(page, born)
    page.get_by_label("Team to refer to").select_option(label="Supported Employment (Newham)")
    page.get_by_label("Annual review").check()
    today = timezone.localdate()
    received = page.get_by_role("group", name="Date received")
    received.get_by_label("Day").fill(str(today.day))
    received.get_by_label("Month").fill(str(today.month))
    received.get_by_label("Year").fill(str(today.year))


def set_birthday(page: Page, born: dt.date) -> None:
    dob = page.get_by_role("group", name="Date of birth")
    dob.get_by_label("Day").fill(str(born.day))
    dob.get_by_label("Month").fill(str(born.month))
    dob.get_by_label("Year").fill(str(born.year))


def save(page: Page) -> None:
    page.get_by_role("button", name="Save referral").click()


def test_refused_asked_and_warned(page, axe_check, sign_in, team, coach):
    known = EpisodeFactory(
        team=team,
        worker=coach,
        person=PersonFactory(
            authority=team.authority,
            person_ref="C100",
            given_name="Sam",
            family_name="Okafor",
            date_of_birth=dt.date(1990, 3, 27),
        ),
    ).person
    page.goto("/sign-in/")
    sign_in(page, coach.email)

    # --- 1 January 1820: impossible, refused on the field ---------------------------
    fill_referral(page, "C900001", "Ann", "Lee", dt.date(1820, 1, 1))
    save(page)
    summary = page.locator(".govuk-error-summary")
    message = "Date of birth must make the person 120 or younger: check the year"
    expect(summary.get_by_role("link", name=message)).to_be_visible()
    expect(page.get_by_role("group", name="Date of birth")).to_contain_text(message)
    expect(page.get_by_label("Yes, this is right")).to_have_count(0)
    axe_check(page)

    # --- 85 years old: possible but unusual, asked; confirmed, saved ----------------
    week_ago = timezone.localdate() - dt.timedelta(days=7)
    born = week_ago.replace(year=week_ago.year - 85, day=min(week_ago.day, 28))
    set_birthday(page, born)
    save(page)
    question = page.get_by_role("group", name="Check before you save")
    expect(question).to_contain_text("This date of birth makes the person 85")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    axe_check(page)
    assert not Referral.objects.exists()
    page.get_by_label("Yes, this is right").check()
    save(page)
    expect(page.get_by_role("heading", level=1, name="Ann Lee")).to_be_visible()
    assert Person.objects.get(person_ref="C900001").date_of_birth == born
    axe_check(page)

    # --- Sam Okafor again: possibly the same person, warned with a link -------------
    fill_referral(page, "C900002", "Sam", "okafor", dt.date(1990, 3, 27))
    save(page)
    question = page.get_by_role("group", name="Check before you save")
    expect(question).to_contain_text("This may be someone already on Pathways")
    link = question.get_by_role("link", name="Open Sam Okafor's record (C100)")
    expect(link).to_be_visible()
    axe_check(page)
    link.click()
    expect(page).to_have_url(re.compile(rf"/people/{known.pk}/$"))
    expect(page.get_by_role("heading", level=1, name="Sam Okafor")).to_be_visible()
    axe_check(page)
    assert not Person.objects.filter(person_ref="C900002").exists()
