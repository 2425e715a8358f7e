"""Sharing a job with the person in a real browser: the coach shares it from the
candidacy page, the person's yes shows in "My work" and on the candidacy, and the
candidacy then goes to the employer on that yes alone; axe-core on every page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from pathways.core.models import Role
from pathways.employers.candidacies.models import Candidacy
from pathways.employers.candidacies.services import answer_shared_job, put_forward
from tests.factories import (
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    PersonFactory,
    UserFactory,
    staff,
)


@pytest.fixture
def cara(team):
    return staff(Role.EMPLOYMENT_SPECIALIST, team, email="cara@example.org", first_name="Cara")


def test_coach_shares_a_job_and_acts_on_the_persons_yes(page, sign_in, axe_check, team, cara):
    alex = PersonFactory(authority=team.authority, given_name="Alex", family_name="Tester")
    EpisodeFactory(team=team, worker=cara, person=alex, stage="job_finding")
    opportunity = OpportunityFactory(
        employer=EmployerFactory(organisation=team.organisation, name="Greenway Garden Centre"),
        authority=team.authority,
        title="Plant care assistant",
        hours_per_week=Decimal("16"),
        hourly_pay=Decimal("12.60"),
    )
    candidacy = put_forward(cara, alex, opportunity)

    sign_in(page, cara.email)
    page.goto(reverse("employers:candidacy", args=[candidacy.pk]))
    axe_check(page)
    share = page.get_by_role("button", name="Share with Alex")
    share.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Shared with Alex")
    expect(page.locator("#person-answer")).to_contain_text("No answer yet.")
    axe_check(page)

    answer_shared_job(Candidacy.objects.get(pk=candidacy.pk), by=UserFactory(), answer="yes")
    page.goto("/")
    item = page.get_by_text("Yes to Plant care assistant at Greenway Garden Centre")
    expect(item).to_be_visible()
    axe_check(page)
    page.goto(reverse("employers:candidacy", args=[candidacy.pk]))
    expect(page.locator("#person-answer")).to_contain_text("Yes, interested")
    axe_check(page)

    page.get_by_label("Applied").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Candidacy moved to")
    assert Candidacy.objects.get(pk=candidacy.pk).status == "applied"
    axe_check(page)
