"""The vocational profile in a real browser: a coach fills it in, fixes a mistake the
error summary catches, and sees it on the person's record; axe-core on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pathways.casework.models import VocationalProfile
from pathways.casework.profiles import HOURS_ORDER
from pathways.core.models import InterestTag, Role
from tests.factories import PersonFactory, ReferralFactory, staff


@pytest.fixture
def cara(team):
    return staff(
        Role.EMPLOYMENT_SPECIALIST,
        team,
        email="cara@example.org",
        first_name="Cara",
        last_name="Coach",
    )


def test_fill_in_a_vocational_profile(page, sign_in, axe_check, team, cara):
    # Browser tests run on a flushed database, which drops the seeded vocabulary.
    for code, label in (("retail", "Shops and retail"), ("catering", "Catering and cooking")):
        InterestTag.objects.get_or_create(code=code, defaults={"label": label})
    sam = PersonFactory(authority=team.authority, given_name="Sam", family_name="Okafor")
    ReferralFactory(team=team, person=sam)
    sign_in(page, cara.email)
    page.goto(f"/people/{sam.pk}/")
    page.get_by_role("link", name="Update the vocational profile").click()
    expect(page.get_by_role("heading", level=1, name="Vocational profile")).to_be_visible()
    axe_check(page)

    page.get_by_label("Shops and retail").check()
    page.get_by_label("Catering and cooking").check()
    page.get_by_label("Fewest hours a week (optional)").fill("20")
    page.get_by_label("Most hours a week (optional)").fill("10")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(HOURS_ORDER)
    axe_check(page)

    page.get_by_label("Most hours a week (optional)").fill("25")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=2, name="Vocational profile")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Shops and retail")
    axe_check(page)
    profile = VocationalProfile.objects.get(person=sam)
    assert (profile.min_hours, profile.max_hours) == (20, 25)
