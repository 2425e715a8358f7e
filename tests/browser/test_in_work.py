"""In-work support in a real browser: a coach records a job start from an accepted
offer, ticks off two post-start checks (one first with a date in the future, which is
refused on the field), then confirms the 13-week milestone of an older job and sees its
fading chart; axe-core on every page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from pathways.casework.models import Activity, ActivityKind
from pathways.core.models import Role
from pathways.employers.candidacies.models import Candidacy, CandidacyStatus
from pathways.employment import services
from pathways.employment.models import Milestone, Placement
from tests.factories import (
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    PersonFactory,
    staff,
)


@pytest.fixture
def cara(team):
    return staff(Role.EMPLOYMENT_SPECIALIST, team, email="cara@example.org", first_name="Cara")


def test_coach_records_a_job_start_and_its_in_work_support(
    page, sign_in, axe_check, screenshot, team, cara
):
    today = dt.date.today()
    employer = EmployerFactory(organisation=team.organisation, name="Riverside Café")
    library = EmployerFactory(organisation=team.organisation, name="Riverside Library")
    cafe = OpportunityFactory(
        employer=employer,
        authority=team.authority,
        title="Café assistant",
        kind="employed",
        paid=True,
        hours_per_week=Decimal("16"),
        hourly_pay=Decimal("12.60"),
    )
    sam = PersonFactory(authority=team.authority, given_name="Sam", family_name="Tester")
    episode = EpisodeFactory(
        team=team,
        worker=cara,
        person=sam,
        stage="employer_engagement",
        started_on=today - dt.timedelta(days=120),
    )
    candidacy = Candidacy.objects.create(
        person=sam, opportunity=cafe, status=CandidacyStatus.ACCEPTED, status_on=today
    )
    # An older job, 100 days in: the daily run has found its 13-week milestone.
    started = today - dt.timedelta(days=100)
    older = services.record_job_start(
        cara,
        sam,
        start_date=started,
        employer=library,
        job_title="Library assistant",
        kind="employed",
        paid=True,
        hours_per_week=Decimal("8"),
        hourly_pay=Decimal("12.60"),
    )
    services.set_fading_plan(
        cara, older, [(started, Decimal("6")), (started + dt.timedelta(weeks=6), Decimal("2"))]
    )
    for week in range(14):
        Activity.objects.create(
            episode=episode,
            kind=ActivityKind.IN_WORK_COACHING,
            occurred_on=started + dt.timedelta(weeks=week, days=1),
            minutes=240 if week < 6 else 90,
            with_whom=Activity.With.PERSON,
            recorded_by=cara,
        )
    (milestone,) = services.find_milestones(today)

    sign_in(page, cara.email)
    page.goto(f"/candidacies/{candidacy.pk}/")
    axe_check(page)
    page.get_by_role("button", name="Record the job start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a job start")
    expect(page.get_by_label("Job title")).to_have_value("Café assistant")
    expect(page.get_by_label("Hours a week")).to_have_value("16.0")
    axe_check(page)
    screenshot(page, "in-work-job-start")
    # A start before this episode of support began is refused, on the date.
    start = page.get_by_role("group", name="Start date")
    start.get_by_label("Day").fill("1")
    start.get_by_label("Month").fill("1")
    start.get_by_label("Year").fill("2020")
    page.get_by_role("button", name="Record the job start").click()
    began = f"{episode.started_on:%-d %B %Y}"
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        f"The job start must be on or after {began}, when this episode of support began"
    )
    expect(start.locator(".govuk-error-message")).to_contain_text(f"on or after {began}")
    axe_check(page)
    start = page.get_by_role("group", name="Start date")
    start.get_by_label("Day").fill(str(today.day))
    start.get_by_label("Month").fill(str(today.month))
    start.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Record the job start").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Job start recorded: Café assistant at Riverside Café"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Café assistant at Riverside Café")
    axe_check(page)
    placement = Placement.objects.get(candidacy=candidacy)

    # The first check: a date in the future is refused, on the date.
    settled = placement.checks.get(kind="settled_in")
    item = page.locator(f"#check-{settled.pk}")
    item.locator("summary", has_text="Mark as done").click()
    tomorrow = today + dt.timedelta(days=1)
    item.get_by_label("Day").fill(str(tomorrow.day))
    item.get_by_label("Month").fill(str(tomorrow.month))
    item.get_by_label("Year").fill(str(tomorrow.year))
    item.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The date it was done cannot be in the future"
    )
    axe_check(page)
    item = page.locator(f"#check-{settled.pk}")
    item.get_by_label("Day").fill(str(today.day))
    item.get_by_label("Month").fill(str(today.month))
    item.get_by_label("Year").fill(str(today.year))
    item.get_by_label("Notes (optional)").fill("Met the team, knows the breaks")
    item.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Post-start check done: Settled in"
    )
    # The second check, with the date as it comes (today).
    transport = placement.checks.get(kind="transport")
    item = page.locator(f"#check-{transport.pk}")
    item.locator("summary", has_text="Mark as done").click()
    axe_check(page)
    item.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Post-start check done: Transport to work is working"
    )
    expect(page.locator("#checks + p")).to_have_text("2 of 6 done.")
    axe_check(page)
    screenshot(page, "in-work-new-job")
    assert placement.checks.filter(done_on=today, done_by=cara).count() == 2

    # The older job, from Sam's page: confirm 13 weeks in work.
    page.get_by_role("link", name="Sam Tester").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam Tester")
    expect(page.locator("#work ~ ul").first).to_contain_text("Café assistant at Riverside Café")
    axe_check(page)
    page.get_by_role("link", name="Library assistant at Riverside Library").click()
    chart = page.get_by_role("img", name="Chart of job-coach hours")
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    page.locator("summary", has_text="Confirm 13 weeks in work").click()
    item = page.locator(f"#milestone-{milestone.pk}")
    item.get_by_label("Seen a payslip").check()
    axe_check(page)
    page.locator("summary", has_text="Planned and given, week by week").click()
    screenshot(page, "in-work-older-job")
    item.locator("form").get_by_role("button").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("13 weeks in work confirmed")
    expect(page.locator(f"#milestone-{milestone.pk}")).to_contain_text("Confirmed on")
    axe_check(page)
    # The page's other forms, opened, pass too.
    for summary in (
        "Change the fading plan",
        "Record Access to Work",
        "Change hours or pay",
        "Record that the job ended",
    ):
        page.locator("summary", has_text=summary).click()
    expect(page.get_by_role("group", name="Step 6: from")).to_be_visible()
    axe_check(page)
    screenshot(page, "in-work-forms")
    milestone = Milestone.objects.get(pk=milestone.pk)
    assert (milestone.confirmed_on, milestone.evidence) == (today, "payslip")
