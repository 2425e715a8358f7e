"""The one-page case summary a worker prints for a meeting (/people/<pk>/summary/):
what it shows, who may see it, that every look is on the person's trail, and that it
costs the same queries however long the person's history is."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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
from pathways.core import audit
from pathways.core.models import Role
from pathways.employment.models import CheckKind, Milestone, Placement, PostStartCheck
from pathways.people.models import Consent, Contact, SupportReason
from tests.factories import (
    AuthorityFactory,
    EmployerFactory,
    EpisodeFactory,
    PersonFactory,
    ReferralFactory,
    TeamFactory,
    staff,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date.today


def days_ago(n: int) -> dt.date:
    return TODAY() - dt.timedelta(days=n)


def url(person) -> str:
    return reverse("case-summary", args=[person.pk])


def activity(episode, coach, *, on: dt.date, notes: str, kind=ActivityKind.MEETING):
    return Activity.objects.create(
        episode=episode,
        kind=kind,
        occurred_on=on,
        with_whom=Activity.With.PERSON,
        notes=notes,
        recorded_by=coach,
    )


@pytest.fixture
def case(team, coach):
    """Priya, supported by the coach's team: a package with an end, a plan, a job
    and a timeline."""
    person = PersonFactory(
        authority=team.authority,
        given_name="Priya",
        family_name="Shah",
        person_ref="C-PRIYA",
        date_of_birth=dt.date(TODAY().year - 30, 1, 1),
        primary_support_reason=SupportReason.LEARNING_DISABILITY,
        communication_needs="Easy read letters, please",
    )
    episode = EpisodeFactory(
        team=team,
        person=person,
        worker=coach,
        stage=Stage.JOB_FINDING,
        started_on=days_ago(200),
        last_contact_on=days_ago(3),
    )
    StageEntry.objects.create(episode=episode, stage=Stage.ENGAGEMENT, entered_on=days_ago(200))
    StageEntry.objects.create(episode=episode, stage=Stage.JOB_FINDING, entered_on=days_ago(40))
    Package.objects.create(
        episode=episode,
        supported_element=SupportedElement.TRANSITIONAL,
        element_started_on=days_ago(200),
        transitional_ends_on=days_ago(200) + dt.timedelta(days=730),
        reason="Needs help to find and keep a job",
        status=Package.Status.APPROVED,
        proposed_on=days_ago(200),
        decided_on=days_ago(199),
    )
    goal = Goal.objects.create(
        episode=episode,
        description="Find a part-time job in a café",
        owner=Goal.Owner.TOGETHER,
        status=Goal.Status.IN_PROGRESS,
        created_by=coach,
    )
    Step.objects.create(goal=goal, description="Visit the Riverside Café", due_on=days_ago(-7))
    Step.objects.create(goal=goal, description="Already done step", done_on=days_ago(5))
    Goal.objects.create(
        episode=episode,
        description="A goal reached long ago",
        owner=Goal.Owner.PERSON,
        status=Goal.Status.ACHIEVED,
        created_by=coach,
    )
    Contact.objects.create(person=person, name="Asha Shah", relationship="mother", phone="07700")
    Consent.objects.create(
        person=person,
        scope=Consent.Scope.SHARE_WITH_EMPLOYERS,
        given=False,
        given_on=days_ago(100),
        recorded_by=coach,
    )
    Consent.objects.create(
        person=person,
        scope=Consent.Scope.SHARE_WITH_EMPLOYERS,
        given=True,
        given_on=days_ago(10),
        recorded_by=coach,
    )
    placement = Placement.objects.create(
        authority=team.authority,
        placement_ref="J-1",
        person=person,
        episode=episode,
        employer=EmployerFactory(organisation=team.organisation, name="Riverside Café"),
        job_title="Kitchen assistant",
        kind="employed",
        paid=True,
        start_date=days_ago(100),
        hours_per_week=Decimal("16"),
        hourly_pay=Decimal("12.21"),
        supported=True,
    )
    Milestone.objects.create(
        placement=placement,
        weeks=13,
        reached_on=days_ago(9),
        found_on=days_ago(9),
        confirmed_on=days_ago(8),
    )
    PostStartCheck.objects.create(
        placement=placement, kind=CheckKind.TRANSPORT, due_on=days_ago(90)
    )
    for n in range(6, 0, -1):
        activity(episode, coach, on=days_ago(n + 2), notes=f"Visit number {n}\nsecond line")
    return person


def test_the_summary_shows_what_a_meeting_needs(client, coach, case):
    client.force_login(coach)
    response = client.get(url(case))
    assert response.status_code == 200
    text = response.content.decode()
    for expected in [
        "Case summary: Priya Shah",
        "(age 30)",
        "C-PRIYA",
        "Learning disability",
        "Easy read letters, please",
        "Share details with employers: <strong>Yes</strong>",
        "Asha Shah</strong>, mother: 07700",
        "Job finding since " + f"{days_ago(40):%-d %b %Y}",
        "Transitional supported employment, ends "
        + f"{days_ago(200) + dt.timedelta(days=730):%-d %b %Y}",
        "3 days ago",
        "Find a part-time job in a café",
        "Visit the Riverside Café",
        "Kitchen assistant at Riverside Café",
        "16 a week",
        "£12.21 an hour",
        # 13 weeks is confirmed: the next is 26 weeks from the start.
        f"26 weeks in work on {days_ago(100) + dt.timedelta(weeks=26):%-d %b %Y}",
        # What is due comes from the work queue.
        f"<strong>Overdue</strong> since {days_ago(90):%-d %b %Y}: Post-start check. "
        "Transport to work is working: Kitchen assistant at Riverside Café",
        "Visit number 1",
        "Print this page",
    ]:
        assert expected in text, expected
    # Only the current consent, open goals, steps still to do, and the last 5 entries
    # (the first line of each).
    assert "Share details with employers: <strong>No</strong>" not in text
    assert "A goal reached long ago" not in text
    assert "Already done step" not in text
    assert "Visit number 5" in text
    assert "Visit number 6" not in text
    assert "second line" not in text
    # The print button waits for its script (no inline JavaScript).
    assert 'data-module="app-print" hidden' in text
    assert "js/print.js" in text


def test_the_person_page_links_to_the_summary(client, coach, case):
    client.force_login(coach)
    text = client.get(reverse("person", args=[case.pk])).content.decode()
    assert f'href="{url(case)}">Print a case summary</a>' in text


def test_reading_the_summary_is_on_the_persons_trail(client, coach, case):
    client.force_login(coach)
    client.get(url(case))
    entry = audit.person_trail(case).filter(action=LogEntry.Action.ACCESS).first()
    assert entry.actor == coach
    assert entry.additional_data["what"] == "case summary"
    assert entry.additional_data["outcome"] == audit.ALLOWED


def test_staff_who_may_not_see_the_person_get_404_and_the_look_is_recorded(client, case):
    elsewhere = TeamFactory(authority=AuthorityFactory())
    stranger = staff(Role.EMPLOYMENT_SPECIALIST, elsewhere)
    client.force_login(stranger)
    response = client.get(url(case))
    assert response.status_code == 404
    assert b"Priya" not in response.content
    refused = audit.person_trail(case).get(actor=stranger)
    assert refused.additional_data["outcome"] == audit.DENIED
    assert refused.additional_data["what"] == "case summary"


def test_no_such_person_is_the_same_404(client, coach):
    client.force_login(coach)
    assert client.get(reverse("case-summary", args=[999_999])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, case):
    response = client.get(url(case))
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


def test_another_teams_casework_does_not_leak(client, authority, other_team, case):
    """Someone who sees the person through a referral to their own team sees the record
    part of the summary, not the other team's episode, plan or notes."""
    ReferralFactory(team=other_team, person=case)
    other_coach = staff(Role.EMPLOYMENT_SPECIALIST, other_team)
    client.force_login(other_coach)
    response = client.get(url(case))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Priya Shah" in text
    assert "No support from a team you work in." in text
    for hidden in ["Find a part-time job", "Visit number", "Transitional", "Post-start check"]:
        assert hidden not in text, hidden


def test_the_summary_costs_the_same_queries_however_long_the_history(
    client, team, coach, case, django_assert_num_queries
):
    """A person with a short history against one with many episodes, activities, goals,
    contacts and jobs."""
    short = PersonFactory(authority=team.authority)
    brief = EpisodeFactory(team=team, person=short, worker=coach, last_contact_on=days_ago(1))
    activity(brief, coach, on=days_ago(1), notes="Only one")
    Goal.objects.create(episode=brief, description="One", owner="person", created_by=coach)
    Placement.objects.create(
        authority=team.authority,
        placement_ref="J-SHORT",
        person=short,
        unlisted_employer="Corner shop",
        job_title="Shelf stacker",
        kind="employed",
        paid=True,
        start_date=days_ago(5),
        hours_per_week=Decimal("10"),
    )
    client.force_login(coach)
    client.get(url(short))  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(short)).status_code == 200

    long_history = case
    for n in range(4):
        old = EpisodeFactory(
            team=team,
            person=long_history,
            worker=coach,
            started_on=days_ago(900 - n * 100),
            ended_on=days_ago(850 - n * 100),
        )
        for i in range(15):
            activity(old, coach, on=days_ago(851 - n * 100 + i), notes=f"Old {n}-{i}")
    for i in range(8):
        Contact.objects.create(person=long_history, name=f"Friend {i}", relationship="friend")
    with django_assert_num_queries(len(few)):
        response = client.get(url(long_history))
    text = response.content.decode()
    assert "And 5 more on the record." in text  # 9 contacts, 4 shown
    # The open episode is the one summarised, and the newest entries are shown.
    assert "Job finding since" in text
    assert "Visit number 1" in text
    assert "Old 3-14" not in text
