"""The job coach's pages use a fixed number of queries however much history they show."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pathways.casework import services
from pathways.casework.models import (
    Activity,
    ActivityKind,
    Goal,
    LongTermReview,
    Package,
    StageEntry,
    Step,
)
from tests.factories import EpisodeFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate  # called in each test: a run may cross midnight


def LONG_AGO() -> dt.date:
    return TODAY() - dt.timedelta(days=400)


EPISODE_LINK = re.compile(r'href="/episodes/\d+/"')


def count_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response.content.decode()


def grow_caseload(team, worker, proposer, n):
    """``n`` open episodes of ``worker``'s, each due (no contact) and each with a package
    change waiting for approval."""
    for _ in range(n):
        episode = EpisodeFactory(team=team, worker=worker, started_on=LONG_AGO())
        Package.objects.create(
            episode=episode,
            work_entry=True,
            reason="Start work entry",
            proposed_by=proposer,
            proposed_on=TODAY(),
        )


def test_my_work_with_the_queue_does_not_grow(client, manager, coach, team):
    client.force_login(manager)
    grow_caseload(team, manager, coach, 3)
    small, html = count_queries(client, "/")
    assert html.count("No contact recorded since") == 3
    assert "3 package changes are waiting for your approval" in html
    grow_caseload(team, manager, coach, 37)
    large, html = count_queries(client, "/")
    assert html.count("No contact recorded since") == 40
    assert small == large, f"My work: {small} queries for 3 cases, {large} for 40"


def add_history(episode, coach, approver, n):
    for i in range(n):
        Activity.objects.create(
            episode=episode,
            kind="meeting",
            occurred_on=LONG_AGO() + dt.timedelta(days=i),
            with_whom="person",
            minutes=30,
            notes=f"Meeting {i}",
            recorded_by=coach,
        )
        Package.objects.create(
            episode=episode,
            work_entry=False,
            supported_element="long_term",
            element_started_on=LONG_AGO(),
            reason=f"Change {i}",
            status=Package.Status.APPROVED,
            proposed_by=coach,
            proposed_on=LONG_AGO() + dt.timedelta(days=i),
            decided_by=approver,
            decided_on=LONG_AGO() + dt.timedelta(days=i),
        )
        LongTermReview.objects.create(
            episode=episode,
            reviewed_on=LONG_AGO() + dt.timedelta(days=i),
            reviewer=approver,
            support_still_right=True,
        )
        StageEntry.objects.create(
            episode=episode,
            stage="job_finding",
            entered_on=LONG_AGO() + dt.timedelta(days=i),
            recorded_by=coach,
        )
        goal = Goal.objects.create(
            episode=episode,
            description=f"Goal {i}",
            owner=Goal.Owner.TOGETHER,
            target_on=TODAY() + dt.timedelta(days=i),
            agreed_with_person_on=LONG_AGO() if i % 2 else None,
            created_by=coach,
        )
        for j in range(2):
            Step.objects.create(
                goal=goal,
                description=f"Step {i}.{j}",
                done_on=LONG_AGO() if j else None,
            )


@pytest.mark.parametrize("viewer", ["coach", "approver"])
def test_episode_page_does_not_grow_with_history(client, coach, approver, team, viewer):
    previous = EpisodeFactory(team=team, started_on=LONG_AGO(), ended_on=LONG_AGO())
    episode = EpisodeFactory(
        team=team, person=previous.person, previous=previous, worker=coach, started_on=LONG_AGO()
    )
    client.force_login(coach if viewer == "coach" else approver)
    url = f"/episodes/{episode.pk}/"
    add_history(episode, coach, approver, 3)
    services.propose_package(coach, episode, work_entry=True, supported_element="", reason="r")
    small, html = count_queries(client, url)
    assert html.count("Meeting ") >= 3
    assert html.count('id="goal-') == 3 and html.count('<li id="step-') == 6
    add_history(episode, coach, approver, 37)
    large, html = count_queries(client, url)
    assert html.count("Meeting ") == 25  # the timeline, a page at a time
    assert 'aria-label="Page 2"' in html
    assert html.count('id="goal-') == 40 and html.count('<li id="step-') == 80
    assert small == large, f"episode page: {small} queries for 3 of each, {large} for 40"


def test_approvals_page_does_not_grow(client, coach, approver, team):
    client.force_login(approver)
    grow_caseload(team, coach, coach, 3)
    small, html = count_queries(client, "/episodes/approvals/")
    assert len(EPISODE_LINK.findall(html)) == 3
    grow_caseload(team, coach, coach, 37)
    large, html = count_queries(client, "/episodes/approvals/")
    assert len(EPISODE_LINK.findall(html)) == 40
    assert small == large, f"approvals: {small} queries for 3 changes, {large} for 40"


def test_measured_counts(client, coach, approver, manager, team, capsys):
    """Not a limit: prints what each page costs, for the record."""
    grow_caseload(team, manager, coach, 3)
    episode = EpisodeFactory(team=team, worker=coach, started_on=LONG_AGO())
    add_history(episode, coach, approver, 3)
    counts = {}
    client.force_login(manager)
    counts["my work (manager)"] = count_queries(client, "/")[0]
    client.force_login(coach)
    counts["episode (coach)"] = count_queries(client, f"/episodes/{episode.pk}/")[0]
    client.force_login(approver)
    counts["approvals (approver)"] = count_queries(client, "/episodes/approvals/")[0]
    with capsys.disabled():
        print("\nqueries:", counts)


def test_the_timeline_pages_back_through_every_entry(client, coach, team):
    """An episode's page was 5,353 pixels tall with its whole timeline: it shows 25
    entries, newest first, and links to the older ones, landing on the timeline."""
    episode = EpisodeFactory(team=team, worker=coach, started_on=LONG_AGO())
    for day in range(30):
        Activity.objects.create(
            episode=episode,
            kind=ActivityKind.values[0],
            occurred_on=LONG_AGO() + dt.timedelta(days=day),
            with_whom=Activity.With.PERSON,
            notes=f"Entry for day {day:02d}",
            recorded_by=coach,
        )
    client.force_login(coach)
    first = client.get(f"/episodes/{episode.pk}/").content.decode()
    assert first.count("Entry for day") == 25 and "Entry for day 29" in first
    assert "Entry for day 04" not in first
    assert '?page=2#timeline"' in first
    older = client.get(f"/episodes/{episode.pk}/", {"page": 2}).content.decode()
    assert [f"Entry for day {d:02d}" in older for d in range(5)] == [True] * 5
    assert older.count("Entry for day") == 5
