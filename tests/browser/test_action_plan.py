"""The action plan in a real browser: a coach adds a goal agreed with the person (after
a mistake), adds a step and marks it done. axe-core checks every state of the page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from pathways.casework.models import Goal, Step
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


def plan(page: Page):
    return page.locator("#action-plan ~ .govuk-summary-card")


def test_coach_adds_a_goal_and_a_step_and_marks_it_done(
    page, axe_check, sign_in, screenshot, coach, episode
):
    today = timezone.localdate()
    target = today + dt.timedelta(days=60)
    sign_in(page, coach.email)
    page.goto(f"/episodes/{episode.pk}/")
    expect(page.get_by_role("heading", level=2, name="Action plan")).to_be_visible()
    expect(page.get_by_text("No goals yet.")).to_be_visible()
    axe_check(page)

    # --- Add a goal, forgetting the description first ----------------------------------
    page.locator("summary").filter(has_text="Add a goal").click()
    form = page.locator("details").filter(has_text="Add a goal")
    axe_check(page)  # with the form open
    form.get_by_label("The person and the job coach").check()
    form.get_by_label("Day", exact=True).fill(str(target.day))
    form.get_by_label("Month", exact=True).fill(str(target.month))
    form.get_by_label("Year", exact=True).fill(str(target.year))
    form.get_by_label("Sam agreed this goal today").check()
    form.get_by_role("button", name="Add goal").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: Sam Okafor – episode "))
    axe_check(page)
    screenshot(page, "plan-01-goal-with-error")
    assert not Goal.objects.exists()
    summary.get_by_role("link", name="Enter the goal").click()
    form = page.locator("details").filter(has_text="Add a goal")
    expect(form).to_have_attribute("open", "")
    expect(form.get_by_label("Sam agreed this goal today")).to_be_checked()
    description = form.get_by_label("Goal", exact=True)
    expect(description).to_be_focused()
    description.fill("Work in a café")
    form.get_by_role("button", name="Add goal").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Goal added to the action plan: Work in a café."
    )
    expect(page).to_have_url(re.compile(rf"/episodes/{episode.pk}/#action-plan$"))
    card = plan(page).filter(has_text="Work in a café")
    expect(card).to_contain_text(f"Agreed with Sam on {today:%-d %B %Y}")
    expect(card).to_contain_text(f"{target:%-d %B %Y}")
    expect(card).to_contain_text("Not started")
    expect(card.locator(".govuk-warning-text")).to_have_count(0)
    axe_check(page)
    screenshot(page, "plan-02-goal-added")
    goal = Goal.objects.get(episode=episode)
    assert goal.agreed_with_person_on == today and goal.owner == Goal.Owner.TOGETHER

    # --- Add a step ----------------------------------------------------------------------
    card.locator("summary").filter(has_text="Add a step").click()
    step_form = card.locator("details").filter(has_text="Add a step")
    axe_check(page)
    step_form.get_by_label("Step", exact=True).fill("Visit the café on the high street")
    step_form.get_by_role("button", name="Add step").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Step added: Visit the café on the high street."
    )
    card = plan(page).filter(has_text="Work in a café")
    expect(card.get_by_role("listitem")).to_contain_text("To do")
    axe_check(page)
    screenshot(page, "plan-03-step-added")

    # --- Mark it done --------------------------------------------------------------------
    card.get_by_role("button", name=re.compile(r"^Mark as done today")).click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Step done: Visit the café on the high street."
    )
    card = plan(page).filter(has_text="Work in a café")
    expect(card.get_by_role("listitem")).to_contain_text(f"done on {today:%-d %B %Y}")
    expect(card.get_by_role("button", name=re.compile(r"^Mark as not done"))).to_be_visible()
    axe_check(page)
    screenshot(page, "plan-04-step-done")
    assert Step.objects.get(goal=goal).done_on == today
