"""Jobs for me and My job in a real browser, keyboard only: the person opens a job
their coach shared, says yes, later or no thanks with the big buttons, reads what
happens next, is told in plain words when an answer cannot be kept, and reads their
job's hours, pay, who to call and support; axe-core on every state, and the pages
with content reflow at 320 px with big enough text and targets."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from pathways.casework.models import Stage
from pathways.employers.candidacies.models import Candidacy
from pathways.employers.candidacies.services import (
    answer_shared_job,
    put_forward,
    share_with_person,
)
from pathways.employment import services as employment
from pathways.employment.models import CheckKind
from tests.browser.conftest import tab_to
from tests.browser.test_portal import SMALL_TARGETS, SMALL_TEXT, page_width
from tests.factories import (
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    ProfileFactory,
    portal_account,
)


def days(n: int) -> dt.date:
    return dt.date.today() + dt.timedelta(days=n)


@pytest.fixture
def alex(team, coach):
    episode = EpisodeFactory(team=team, worker=coach, stage=Stage.JOB_FINDING, started_on=days(-90))
    person = episode.person
    person.given_name = "Alex"
    person.save()
    return portal_account(person, invited_by=coach)


def share(coach, person, title, **fields):
    employer = EmployerFactory(
        organisation=coach.memberships.get().team.organisation, name=f"{title} Ltd"
    )
    details = {"hours_per_week": Decimal("16"), "hourly_pay": Decimal("12.60"), **fields}
    opportunity = OpportunityFactory(
        employer=employer, authority=person.authority, title=title, **details
    )
    candidacy = put_forward(coach, person, opportunity)
    return share_with_person(candidacy, by=coach, expected_version=candidacy.version)


def press(page, locator) -> None:
    tab_to(page, locator)
    page.keyboard.press("Enter")


def test_alex_answers_about_jobs_with_the_keyboard_only(
    page, portal_sign_in, axe_check, alex, coach
):
    person = alex.person
    ProfileFactory(person=person, travel_modes=["bus", "walk"], travel_training_needed=True)
    plants = share(coach, person, "Plant care assistant")
    cafe = share(coach, person, "Cafe helper", paid=False, hourly_pay=None, kind="volunteering")

    portal_sign_in(page, alex)
    expect(page.get_by_text("Your coach found a job for you. Have a look.")).to_be_visible()
    press(page, page.get_by_role("link", name=re.compile("^Jobs for me")))
    expect(page.get_by_role("heading", level=1, name="Jobs for me")).to_be_visible()
    expect(page.get_by_text("Pay: £12.60 an hour. That is about £201.60 a week.")).to_be_visible()
    expect(page.get_by_text("You said you can get there by: bus, walking.").first).to_be_visible()
    axe_check(page)

    press(page, page.get_by_role("button", name="Yes, I'm interested in Plant care assistant"))
    expect(page.get_by_role("heading", level=1, name="Thank you")).to_be_visible()
    expect(page.get_by_text("Your coach can now send your details to")).to_be_visible()
    axe_check(page)
    assert Candidacy.objects.get(pk=plants.pk).person_answer == "yes"

    press(page, page.get_by_role("button", name="Back to jobs for me"))
    expect(page.get_by_text(re.compile("^You said yes on"))).to_be_visible()
    axe_check(page)

    press(page, page.get_by_role("button", name="Ask me later about Cafe helper"))
    expect(page.get_by_text("The job stays on your list.")).to_be_visible()
    axe_check(page)
    press(page, page.get_by_role("button", name="Back to jobs for me"))
    expect(page.get_by_text("You said ask me later.")).to_be_visible()
    expect(page.get_by_text("This job has no pay.")).to_be_visible()
    axe_check(page)

    press(page, page.get_by_role("button", name="No thanks to Cafe helper"))
    expect(page.get_by_text("We do not send your details to Cafe helper Ltd.")).to_be_visible()
    axe_check(page)
    assert Candidacy.objects.get(pk=cafe.pk).person_answer == "no"


def test_an_answer_that_cannot_be_kept_is_explained(page, portal_sign_in, axe_check, alex, coach):
    job = share(coach, alex.person, "Plant care assistant")
    portal_sign_in(page, alex)
    page.goto("/my/jobs/")
    # Meanwhile, on another phone, Alex said yes.
    answer_shared_job(Candidacy.objects.get(pk=job.pk), by=alex.user, answer="yes")
    press(page, page.get_by_role("button", name="No thanks to Plant care assistant"))
    expect(page.get_by_role("alert")).to_contain_text(
        "You said yes already. To change your mind, tell your coach."
    )
    axe_check(page)


def test_the_jobs_page_with_jobs_reflows_at_320_pixels(
    page, portal_sign_in, axe_check, alex, coach
):
    share(coach, alex.person, "Plant care assistant")
    page.set_viewport_size({"width": 320, "height": 720})
    portal_sign_in(page, alex)
    page.goto("/my/jobs/")
    axe_check(page)
    assert page_width(page) <= 320
    assert page.evaluate(SMALL_TEXT) == []
    assert page.evaluate(SMALL_TARGETS) == []


def test_alex_reads_their_job_with_the_keyboard_only(
    page, portal_sign_in, axe_check, alex, coach, team
):
    coach.first_name = "Cara"
    coach.save()
    job = employment.record_job_start(
        coach,
        alex.person,
        start_date=days(-40),
        employer=EmployerFactory(organisation=team.organisation, name="Riverside Library"),
        job_title="Library assistant",
        kind="employed",
        paid=True,
        hours_per_week=Decimal("16"),
        hourly_pay=Decimal("12.60"),
    )
    employment.complete_check(
        coach,
        job.checks.get(kind=CheckKind.NAMED_CONTACT),
        done_on=dt.date.today(),
        notes="Priya, the supervisor",
    )
    job.refresh_from_db()
    employment.set_fading_plan(coach, job, [(days(-40), Decimal("10")), (days(20), Decimal("4"))])

    page.set_viewport_size({"width": 320, "height": 720})
    portal_sign_in(page, alex)
    press(page, page.get_by_role("link", name=re.compile("^My job")))
    expect(page.get_by_role("heading", level=1, name="My job")).to_be_visible()
    expect(page.get_by_text("You work at Riverside Library.")).to_be_visible()
    expect(page.get_by_text("Priya, the supervisor")).to_be_visible()
    expect(page.get_by_text(re.compile("your coach helps you 4 hours a week"))).to_be_visible()
    axe_check(page)
    assert page_width(page) <= 320
    assert page.evaluate(SMALL_TEXT) == []
    assert page.evaluate(SMALL_TARGETS) == []
