"""The case summary in a real browser: a coach opens it from the person page, prints it
(the button calls the browser's print), and on paper it has no header or menu and fits
one A4 page, even with every list on it full and long text in it. axe-core checks it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from pathways.casework.models import (
    Activity,
    ActivityKind,
    Goal,
    Package,
    Stage,
    StageEntry,
    Step,
    SupportedElement,
)
from pathways.core.models import Role
from pathways.employment.models import CheckKind, Placement, PostStartCheck
from pathways.people.models import Consent, Contact, SupportReason
from tests.factories import EmployerFactory, EpisodeFactory, PersonFactory, staff

TODAY = dt.date.today
LONG = (
    "Prefers a quiet room and short sentences; check understanding by asking her to say "
    "it back; written notes in easy read with pictures after every meeting, and a call "
    "the day before to remind her."
)


def days_ago(n: int) -> dt.date:
    return TODAY() - dt.timedelta(days=n)


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
def full_case(team, coach):
    """A person with every list of the summary full, and long text wherever there is
    text: the most a printed summary has to hold."""
    person = PersonFactory(
        authority=team.authority,
        given_name="Priya",
        family_name="Shah",
        preferred_name="Pri",
        primary_support_reason=SupportReason.LEARNING_DISABILITY,
        communication_needs=LONG,
    )
    episode = EpisodeFactory(
        team=team,
        person=person,
        worker=coach,
        stage=Stage.IN_WORK_SUPPORT,
        started_on=days_ago(300),
        last_contact_on=days_ago(50),
    )
    StageEntry.objects.create(episode=episode, stage=Stage.IN_WORK_SUPPORT, entered_on=days_ago(60))
    Package.objects.create(
        episode=episode,
        work_entry=True,
        supported_element=SupportedElement.TRANSITIONAL,
        element_started_on=days_ago(300),
        transitional_ends_on=days_ago(300) + dt.timedelta(days=730),
        reason="Support to find and keep work",
        status=Package.Status.APPROVED,
        proposed_on=days_ago(300),
        decided_on=days_ago(299),
    )
    for scope in Consent.Scope.values:
        Consent.objects.create(
            person=person, scope=scope, given=True, given_on=days_ago(30), recorded_by=coach
        )
    for i in range(6):
        Contact.objects.create(
            person=person,
            name=f"Contact number {i} with a long name",
            relationship="advocate from the local self-advocacy group",
            phone="07700 900123",
        )
    for i in range(7):
        goal = Goal.objects.create(
            episode=episode,
            description=f"Goal {i}: " + LONG,
            owner=Goal.Owner.TOGETHER,
            status=Goal.Status.IN_PROGRESS,
            target_on=days_ago(-30 * (i + 1)),
            created_by=coach,
        )
        for j in range(3):
            Step.objects.create(
                goal=goal,
                description=f"Step {j}: practise the bus route to work with the travel trainer",
                due_on=days_ago(-7 * (j + 1)),
            )
    placement = Placement.objects.create(
        authority=team.authority,
        placement_ref="J-1",
        person=person,
        episode=episode,
        employer=EmployerFactory(organisation=team.organisation, name="Riverside Café"),
        job_title="Kitchen assistant and front-of-house helper",
        kind="employed",
        paid=True,
        start_date=days_ago(60),
        hours_per_week=Decimal("16"),
        hourly_pay=Decimal("12.21"),
        supported=True,
    )
    for kind in CheckKind.values:
        PostStartCheck.objects.create(placement=placement, kind=kind, due_on=days_ago(40))
    for i in range(8):
        Activity.objects.create(
            episode=episode,
            kind=ActivityKind.IN_WORK_COACHING,
            occurred_on=days_ago(50 + i),
            with_whom=Activity.With.PERSON,
            notes=f"Entry {i}: " + LONG + "\nA second line nobody prints.",
            recorded_by=coach,
        )
    return person


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_print_a_full_case_summary_on_one_page(page, sign_in, axe_check, coach, full_case):
    sign_in(page, coach.email)
    page.goto(f"/people/{full_case.pk}/")
    page.get_by_role("link", name="Print a case summary").click()
    expect(page.get_by_role("heading", level=1, name="Case summary: Priya Shah")).to_be_visible()
    expect(page.get_by_text("Transitional supported employment, ends")).to_be_visible()
    axe_check(page)

    # The button is there once its script has run, and asks the browser to print.
    button = page.get_by_role("button", name="Print this page")
    expect(button).to_be_visible()
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")
    button.click()
    assert page.evaluate("() => window.printed === true")

    # On a phone the page reflows: nothing wider than the screen.
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320

    # On paper: no header, menu, footer, back link or button; one A4 page.
    page.emulate_media(media="print")
    for hidden in [".govuk-header", ".govuk-service-navigation", ".govuk-footer"]:
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.get_by_role("link", name="Back to Priya Shah's record")).to_be_hidden()
    expect(button).to_be_hidden()
    expect(page.get_by_text("Entry 0:")).to_be_visible()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf_pages(pdf) == 1, f"the summary printed on {pdf_pages(pdf)} pages"
