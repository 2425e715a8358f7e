"""The waiting list pages through everyone, 50 a page, in its order (urgent first, then
oldest), and its summary is worked out over the whole list in one query."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pathways.referrals.models import Status
from pathways.referrals.selectors import waiting_list, waiting_summary
from tests.factories import PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate  # called in each test: a run may cross midnight

ROW = re.compile(r'<tr class="govuk-table__row">\s*<td class="govuk-table__cell">(\d+)')


def waiting(team, days, *, urgent=False, family_name="Quigley", status=Status.ACCEPTED):
    person = PersonFactory(authority=team.authority, family_name=family_name)
    return ReferralFactory(
        team=team,
        person=person,
        status=status,
        urgent=urgent,
        received_on=TODAY() - dt.timedelta(days=days),
    )


def test_the_summary_counts_the_urgent_the_median_and_the_longest_wait(intake, team):
    for days in (10, 20, 90):
        waiting(team, days)
    waiting(team, 5, urgent=True, status=Status.WAITING)
    referrals = waiting_list(intake)  # reads the user's memberships
    with CaptureQueriesContext(connection) as ctx:
        summary = waiting_summary(referrals, TODAY())
    assert len(ctx.captured_queries) == 1
    assert summary == {"length": 4, "urgent": 1, "median_days": 15, "longest_days": 90}


def test_the_median_of_an_odd_number_is_the_middle_wait(intake, team):
    for days in (3, 4, 100):
        waiting(team, days)
    assert waiting_summary(waiting_list(intake), TODAY())["median_days"] == 4


def test_the_summary_of_nobody_waiting(intake, team):
    waiting(team, 3, status=Status.RECEIVED)  # not accepted yet: not waiting
    assert waiting_summary(waiting_list(intake), TODAY()) == {
        "length": 0,
        "urgent": 0,
        "median_days": None,
        "longest_days": None,
    }


def test_the_summary_is_of_what_the_user_may_see(intake, team, other_team, coach):
    """A coach of one team sees their team's waiting list; the intake officer sees the
    authority's, so the two summaries differ."""
    waiting(team, 10)
    waiting(other_team, 50)
    assert waiting_summary(waiting_list(coach), TODAY())["length"] == 1
    assert waiting_summary(waiting_list(coach), TODAY())["longest_days"] == 10
    assert waiting_summary(waiting_list(intake), TODAY())["length"] == 2


def test_the_list_pages_through_everyone_in_order_with_its_positions(client, intake, team):
    for days in range(1, 119):
        waiting(team, days)
    waiting(team, 2, urgent=True, family_name="Urgentone")
    waiting(team, 1, urgent=True, family_name="Urgenttwo")
    client.force_login(intake)
    first = client.get("/referrals/waiting/").content.decode()
    assert [int(p) for p in ROW.findall(first)] == list(range(1, 51))
    assert first.index("Urgentone") < first.index("Urgenttwo") < first.index(">118<")
    assert "120 people are waiting." in first
    assert "2 are urgent. The longest wait so far is 118 days." in first
    third = client.get("/referrals/waiting/", {"page": 3}).content.decode()
    assert [int(p) for p in ROW.findall(third)] == list(range(101, 121))
    # The last page ends with the most recent referral (1 day).
    days = re.findall(r'govuk-table__cell--numeric">(\d+)<', third)
    assert days[-1] == "1" and days == sorted(days, key=int, reverse=True)
    assert "120 people are waiting." in third  # the summary is of the whole list
    assert 'aria-label="Pages of the waiting list"' in third


def count_queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_every_page_takes_the_same_number_of_queries(client, intake, team):
    client.force_login(intake)
    for days in range(1, 4):
        waiting(team, days)
    small = count_queries(client, "/referrals/waiting/")
    for days in range(4, 121):
        waiting(team, days, urgent=days % 10 == 0)
    first = count_queries(client, "/referrals/waiting/")
    third = count_queries(client, "/referrals/waiting/", page=3)
    assert small == first == third, f"{small}, {first} and {third} queries"


def test_my_work_links_to_the_whole_waiting_list(client, coach, team):
    waiting(team, 3)
    client.force_login(coach)
    html = client.get("/").content.decode()
    assert 'href="/referrals/waiting/">See the whole waiting list' in html
