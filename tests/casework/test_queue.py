"""The work queue's rules at their boundaries, and its scoping."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.casework import services
from pathways.casework.selectors import work_queue
from pathways.core.models import Role
from tests.factories import EpisodeFactory, staff

pytestmark = pytest.mark.django_db
START = dt.date(2024, 3, 1)
LIMIT = dt.date(2026, 3, 1)  # two years on


def kinds_on(user, day, kind):
    return [i for i in work_queue(user, day) if i.kind == kind]


@pytest.fixture
def transitional(coach, approver, episode):
    package = services.propose_package(
        coach, episode, work_entry=False, supported_element="transitional", reason="r", on=START
    )
    services.approve_package(approver, package, on=START)
    return episode


@pytest.fixture
def long_term(coach, approver, episode):
    package = services.propose_package(
        coach, episode, work_entry=False, supported_element="long_term", reason="r", on=START
    )
    services.approve_package(approver, package, on=START)
    return episode


class TestTransitionalLimit:
    @pytest.mark.parametrize(
        ("days_before", "listed", "overdue"),
        [(92, False, False), (91, True, False), (0, True, False), (-1, True, True)],
    )
    def test_boundaries(self, coach, transitional, days_before, listed, overdue):
        on = LIMIT - dt.timedelta(days=days_before)
        items = kinds_on(coach, on, "transitional_limit")
        assert bool(items) is listed
        if listed:
            (item,) = items
            assert item.due_on == LIMIT and item.overdue is overdue
            assert item.person_ref == transitional.person.person_ref
            assert item.worker_email == coach.email

    def test_a_recorded_decision_clears_it_and_a_rejection_brings_it_back(
        self, coach, approver, transitional
    ):
        on = LIMIT - dt.timedelta(days=30)
        change = services.propose_package(
            coach, transitional, work_entry=False, supported_element="long_term", reason="r", on=on
        )
        assert not kinds_on(coach, on, "transitional_limit")
        services.reject_package(approver, change, reason="Not yet", on=on)
        assert kinds_on(coach, on, "transitional_limit")

    def test_an_approved_extension_moves_the_limit(self, coach, approver, transitional):
        on = LIMIT - dt.timedelta(days=30)
        extension = services.propose_package(
            coach,
            transitional,
            work_entry=False,
            supported_element="transitional",
            transitional_ends_on=LIMIT + dt.timedelta(days=180),
            reason="r",
            on=on,
        )
        services.approve_package(approver, extension, on=on)
        assert not kinds_on(coach, on, "transitional_limit")


class TestReviewDue:
    @pytest.mark.parametrize(("days", "listed"), [(181, False), (182, True), (200, True)])
    def test_from_the_start_when_never_reviewed(self, coach, long_term, days, listed):
        items = kinds_on(coach, START + dt.timedelta(days=days), "review_due")
        assert bool(items) is listed
        if listed:
            assert items[0].due_on == START + dt.timedelta(days=182)

    def test_counted_from_the_last_review(self, coach, long_term):
        reviewed = START + dt.timedelta(days=190)
        services.record_review(coach, long_term, reviewed_on=reviewed, support_still_right=True)
        assert not kinds_on(coach, reviewed + dt.timedelta(days=181), "review_due")
        assert kinds_on(coach, reviewed + dt.timedelta(days=182), "review_due")

    def test_the_interval_is_a_team_setting(self, coach, long_term, team):
        team.review_interval_days = 90
        team.save()
        assert kinds_on(coach, START + dt.timedelta(days=90), "review_due")

    def test_transitional_support_has_no_reviews(self, coach, transitional):
        assert not kinds_on(coach, START + dt.timedelta(days=400), "review_due")


class TestNoContact:
    @pytest.mark.parametrize(("days", "listed"), [(30, False), (31, True)])
    def test_counted_from_the_start_when_no_contact(self, coach, episode, days, listed):
        items = kinds_on(coach, episode.started_on + dt.timedelta(days=days), "no_contact")
        assert bool(items) is listed
        if listed:
            assert items[0].due_on == episode.started_on + dt.timedelta(days=31)

    @pytest.mark.parametrize(("days", "listed"), [(30, False), (31, True)])
    def test_counted_from_the_last_contact(self, coach, episode, days, listed):
        contact = episode.started_on + dt.timedelta(days=100)
        services.record_activity(
            coach, episode, kind="phone", occurred_on=contact, with_whom="person"
        )
        assert bool(kinds_on(coach, contact + dt.timedelta(days=days), "no_contact")) is listed

    def test_closed_episodes_are_not_listed(self, coach, episode):
        services.close_episode(coach, episode, reason="withdrew", on=episode.started_on)
        assert not work_queue(coach, episode.started_on + dt.timedelta(days=100))


def test_a_coach_of_another_team_sees_none_of_it(episode, other_team):
    outsider = staff(Role.EMPLOYMENT_SPECIALIST, other_team)
    assert work_queue(outsider, episode.started_on + dt.timedelta(days=100)) == []


def test_queue_is_sorted_by_due_date(coach, team):
    late = EpisodeFactory(team=team, worker=coach, started_on=dt.date(2024, 1, 1))
    early = EpisodeFactory(team=team, worker=coach, started_on=dt.date(2023, 1, 1))
    items = work_queue(coach, dt.date(2024, 6, 1))
    assert [i.episode for i in items] == [early, late]
