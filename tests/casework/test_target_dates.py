"""Target dates in the action plan: a goal's target or a step's due date before the
episode began, or more than 5 years ahead, is refused on the field; more than 2 years
ahead is asked about and saved once confirmed (decision 0036)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pathways.casework import plans
from pathways.casework.models import Goal, Step
from pathways.core.errors import NeedsConfirmation
from tests.factories import EpisodeFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate  # called in each test: a run may cross midnight


def years_ahead(years: int, days: int = 0) -> dt.date:
    today = TODAY()
    return today.replace(year=today.year + years, day=min(today.day, 28)) + dt.timedelta(days=days)


@pytest.fixture
def episode(team, coach):
    return EpisodeFactory(team=team, worker=coach, started_on=TODAY() - dt.timedelta(days=40))


def add_goal(coach, episode, target_on, **kwargs):
    return plans.add_goal(
        coach,
        episode,
        description="Work in a café",
        owner=Goal.Owner.TOGETHER,
        target_on=target_on,
        **kwargs,
    )


class TestGoalTarget:
    def test_2099_is_refused_on_the_field(self, coach, episode):
        with pytest.raises(ValidationError) as refused:
            add_goal(coach, episode, dt.date(2099, 1, 1))
        assert "within 5 years" in refused.value.message_dict["target_on"][0]
        assert not Goal.objects.exists()

    def test_before_the_episode_began_is_refused(self, coach, episode):
        with pytest.raises(ValidationError) as refused:
            add_goal(coach, episode, episode.started_on - dt.timedelta(days=1))
        assert "when this episode of support began" in refused.value.message_dict["target_on"][0]

    def test_more_than_2_years_ahead_is_asked_about_then_saved(self, coach, episode):
        target = years_ahead(3)
        with pytest.raises(NeedsConfirmation) as asked:
            add_goal(coach, episode, target)
        assert "more than 2 years away" in asked.value.unusual[0].message
        assert not Goal.objects.exists()
        goal = add_goal(coach, episode, target, confirmed=asked.value.key)
        assert goal.target_on == target

    @pytest.mark.parametrize("days", [0, 30, 700])
    def test_an_ordinary_target_is_not_asked_about(self, coach, episode, days):
        assert add_goal(coach, episode, TODAY() + dt.timedelta(days=days)).pk

    def test_changing_the_target_is_checked_the_same_way(self, coach, episode):
        goal = add_goal(coach, episode, None)
        with pytest.raises(ValidationError):
            plans.update_goal(coach, goal, expected_version=goal.version, target_on=years_ahead(6))
        with pytest.raises(NeedsConfirmation):
            plans.update_goal(coach, goal, expected_version=goal.version, target_on=years_ahead(4))
        goal.refresh_from_db()
        assert goal.target_on is None


class TestStepDueDate:
    def test_a_step_due_far_ahead_is_refused_or_asked_about(self, coach, episode):
        goal = add_goal(coach, episode, None)
        with pytest.raises(ValidationError) as refused:
            plans.add_step(coach, goal, description="Visit", due_on=dt.date(2099, 1, 1))
        assert "due date must be within 5 years" in refused.value.message_dict["due_on"][0]
        with pytest.raises(NeedsConfirmation) as asked:
            plans.add_step(coach, goal, description="Visit", due_on=years_ahead(2, days=30))
        step = plans.add_step(
            coach,
            goal,
            description="Visit",
            due_on=years_ahead(2, days=30),
            confirmed=asked.value.key,
        )
        assert Step.objects.get() == step


class TestOnTheEpisodePage:
    def goal_data(self, target: dt.date) -> dict[str, str]:
        return {
            "goal-description": "Get a job with animals",
            "goal-owner": "person",
            "goal-target_on_0": str(target.day),
            "goal-target_on_1": str(target.month),
            "goal-target_on_2": str(target.year),
        }

    def test_a_far_target_is_asked_about_then_saved_when_ticked(self, client, coach, episode):
        client.force_login(coach)
        url = f"/episodes/{episode.pk}/goals/new/"
        data = self.goal_data(years_ahead(3))
        asked = client.post(url, data)
        html = asked.content.decode()
        assert "more than 2 years away" in html and "Yes, this is right" in html
        assert not Goal.objects.exists()
        key = re.search(r'name="goal-confirm_unusual" type="checkbox" value="(\w+)"', html)
        assert key
        saved = client.post(url, {**data, "goal-confirm_unusual": key[1]})
        assert saved.status_code == 302
        assert Goal.objects.get().target_on == years_ahead(3)

    def test_2099_is_an_error_on_the_target_date(self, client, coach, episode):
        client.force_login(coach)
        response = client.post(
            f"/episodes/{episode.pk}/goals/new/", self.goal_data(dt.date(2099, 1, 1))
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert 'href="#id_goal-target_on_0"' in html and "within 5 years" in html
        assert not Goal.objects.exists()
