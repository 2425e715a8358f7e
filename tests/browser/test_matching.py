"""Matching in a real browser: a coach opens an opportunity, reads why people are
ranked as they are, suggests one person, is stopped at "applied" until the person's
consent to share with employers is on record, then moves the candidacy on; axe-core on
every page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from pathways.core.models import InterestTag, Role
from pathways.employers.candidacies.models import Candidacy, CandidacyStatus
from pathways.people.models import Consent
from tests.factories import (
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    PersonFactory,
    ProfileFactory,
    staff,
)


@pytest.fixture
def cara(team):
    return staff(Role.EMPLOYMENT_SPECIALIST, team, email="cara@example.org", first_name="Cara")


def test_coach_finds_people_and_moves_a_candidacy_on(page, sign_in, axe_check, team, cara):
    # Browser tests run on a flushed database, which drops the seeded vocabulary.
    retail = InterestTag.objects.get_or_create(
        code="retail", defaults={"label": "Shops and retail"}
    )[0]
    catering = InterestTag.objects.get_or_create(
        code="catering", defaults={"label": "Catering and cooking"}
    )[0]
    employer = EmployerFactory(organisation=team.organisation, name="Riverside Café")
    cafe = OpportunityFactory(
        employer=employer,
        authority=team.authority,
        title="Café assistant",
        hours_per_week=Decimal("16"),
        hourly_pay=Decimal("12.60"),
        latitude=Decimal("51.50"),
        longitude=Decimal("0.00"),
    )
    cafe.tags.set([retail, catering])
    people = {}
    for name, interests in (("Sam", [retail, catering]), ("Alex", [])):
        person = PersonFactory(
            authority=team.authority,
            given_name=name,
            family_name="Tester",
            latitude=Decimal("51.55"),
            longitude=Decimal("0.05"),
        )
        EpisodeFactory(team=team, worker=cara, person=person, stage="job_finding")
        profile = ProfileFactory(person=person, min_hours=10, max_hours=20, max_travel_km=15)
        profile.interests.set(interests)
        people[name] = person

    sign_in(page, cara.email)
    page.get_by_role("link", name="Opportunities", exact=True).click()
    page.get_by_role("link", name="Café assistant").click()
    axe_check(page)
    page.get_by_role("link", name="People for this opportunity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People for this opportunity")
    first = page.locator(".app-match").first
    expect(first).to_contain_text("Sam Tester")
    expect(first).to_contain_text("Likes catering and cooking")
    expect(first).to_contain_text("this job involves both")
    expect(first).to_contain_text("within the 15 km Sam can travel")
    expect(first).to_contain_text("permitted-work limit")
    axe_check(page)

    first.get_by_role("button", name="Suggest to Sam").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Sam Tester suggested for Café assistant"
    )
    page.locator(".app-match").first.get_by_role("link", name="Suggested").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sam Tester for Café assistant")
    axe_check(page)

    page.get_by_label("Applied").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "has not agreed to their details being shared with employers"
    )
    axe_check(page)
    candidacy = Candidacy.objects.get(person=people["Sam"], opportunity=cafe)
    assert candidacy.status == CandidacyStatus.SUGGESTED

    Consent.objects.create(
        person=people["Sam"],
        scope="employers",
        given=True,
        given_on=dt.date.today(),
        recorded_by=cara,
    )
    page.goto(f"/candidacies/{candidacy.pk}/")
    page.get_by_label("Applied").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Applied")
    expect(page.locator("main")).to_contain_text("consent of")
    axe_check(page)
    candidacy.refresh_from_db()
    assert candidacy.status == CandidacyStatus.APPLIED and candidacy.consent is not None
