"""The action plan's services: goals agreed with the person, and steps towards them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pathways.casework import plans, services
from pathways.casework.models import Goal, Step
from pathways.core import audit
from pathways.core.errors import ConcurrentEdit, IllegalTransition, PermissionDenied
from pathways.core.models import Role
from tests.factories import staff

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate  # called in each test: a run may cross midnight


def TOMORROW() -> dt.date:
    return TODAY() + dt.timedelta(days=1)


@pytest.fixture
def goal(coach, episode):
    return plans.add_goal(
        coach, episode, description="Find a job in a café", owner=Goal.Owner.TOGETHER
    )


@pytest.fixture
def step(coach, goal):
    return plans.add_step(coach, goal, description="Visit the café on the high street")


@pytest.fixture
def stranger(other_team):
    return staff(Role.EMPLOYMENT_SPECIALIST, other_team, email="stranger@example.org")


def close(manager, episode):
    services.close_episode(manager, episode, reason="withdrew", on=TODAY())


class TestAddGoal:
    def test_a_goal_with_a_future_target_agreed_today(self, coach, episode):
        goal = plans.add_goal(
            coach,
            episode,
            description="  Work with animals  ",
            owner=Goal.Owner.PERSON,
            target_on=TODAY() + dt.timedelta(days=90),
            agreed_with_person_on=TODAY(),
        )
        goal.refresh_from_db()
        assert goal.description == "Work with animals"
        assert goal.status == Goal.Status.NOT_STARTED
        assert goal.agreed_with_person_on == TODAY()
        assert goal.created_by == coach and goal.version == 1

    def test_a_goal_need_not_be_agreed_yet(self, goal):
        assert goal.agreed_with_person_on is None

    def test_it_is_audited(self, goal):
        trail = audit.person_trail(goal.episode.person)
        assert trail.filter(content_type__model="goal", object_pk=str(goal.pk)).exists()

    @pytest.mark.parametrize("description", ["", "   "])
    def test_a_description_is_required(self, coach, episode, description):
        with pytest.raises(IllegalTransition, match="Enter the goal"):
            plans.add_goal(coach, episode, description=description, owner="person")
        assert not Goal.objects.exists()

    def test_an_unknown_owner_is_refused(self, coach, episode):
        with pytest.raises(IllegalTransition, match="who owns"):
            plans.add_goal(coach, episode, description="A job", owner="nobody")

    def test_the_agreement_cannot_be_in_the_future(self, coach, episode):
        with pytest.raises(IllegalTransition, match="cannot be in the future"):
            plans.add_goal(
                coach,
                episode,
                description="A job",
                owner="person",
                agreed_with_person_on=TOMORROW(),
            )

    def test_another_teams_coach_is_refused(self, stranger, episode):
        with pytest.raises(PermissionDenied):
            plans.add_goal(stranger, episode, description="A job", owner="person")
        assert not Goal.objects.exists()

    def test_a_closed_episode_is_refused(self, coach, manager, episode):
        close(manager, episode)
        with pytest.raises(IllegalTransition, match="This episode is closed"):
            plans.add_goal(coach, episode, description="A job", owner="person")


class TestUpdateGoal:
    def test_status_and_fields_change_and_the_version_moves_on(self, coach, goal):
        goal = plans.update_goal(
            coach,
            goal,
            expected_version=1,
            status=Goal.Status.IN_PROGRESS,
            target_on=TODAY() + dt.timedelta(days=30),
        )
        goal.refresh_from_db()
        assert goal.status == Goal.Status.IN_PROGRESS
        assert goal.target_on == TODAY() + dt.timedelta(days=30)
        assert goal.version == 2

    def test_an_achieved_goal_is_reopened_by_setting_its_status(self, coach, goal):
        goal = plans.update_goal(coach, goal, expected_version=1, status=Goal.Status.ACHIEVED)
        goal = plans.update_goal(coach, goal, expected_version=2, status=Goal.Status.IN_PROGRESS)
        assert goal.status == Goal.Status.IN_PROGRESS and goal.version == 3

    def test_a_stale_version_is_refused(self, coach, goal):
        plans.update_goal(coach, goal, expected_version=1, status=Goal.Status.IN_PROGRESS)
        with pytest.raises(ConcurrentEdit, match="Someone else changed this goal"):
            plans.update_goal(coach, goal, expected_version=1, status=Goal.Status.DROPPED)
        goal.refresh_from_db()
        assert goal.status == Goal.Status.IN_PROGRESS

    def test_the_description_cannot_be_emptied(self, coach, goal):
        with pytest.raises(IllegalTransition, match="Enter the goal"):
            plans.update_goal(coach, goal, expected_version=1, description=" ")

    def test_an_unknown_status_is_refused(self, coach, goal):
        with pytest.raises(IllegalTransition, match="status"):
            plans.update_goal(coach, goal, expected_version=1, status="won")

    def test_other_fields_cannot_be_changed(self, coach, goal):
        with pytest.raises(TypeError):
            plans.update_goal(coach, goal, expected_version=1, created_by=coach)

    def test_another_teams_coach_is_refused(self, stranger, goal):
        with pytest.raises(PermissionDenied):
            plans.update_goal(stranger, goal, expected_version=1, status="achieved")

    def test_a_closed_episode_is_refused(self, coach, manager, episode, goal):
        close(manager, episode)
        with pytest.raises(IllegalTransition, match="This episode is closed"):
            plans.update_goal(coach, goal, expected_version=1, status="achieved")


class TestRecordAgreement:
    def test_the_agreement_is_recorded(self, coach, goal):
        day = TODAY() - dt.timedelta(days=2)
        plans.record_agreement(coach, goal, day)
        goal.refresh_from_db()
        assert goal.agreed_with_person_on == day and goal.version == 2

    def test_not_in_the_future(self, coach, goal):
        with pytest.raises(IllegalTransition, match="cannot be in the future"):
            plans.record_agreement(coach, goal, TOMORROW())

    def test_not_before_the_episode_started(self, coach, goal, episode):
        with pytest.raises(IllegalTransition, match="when this episode started"):
            plans.record_agreement(coach, goal, episode.started_on - dt.timedelta(days=1))

    def test_another_teams_coach_is_refused(self, stranger, goal):
        with pytest.raises(PermissionDenied):
            plans.record_agreement(stranger, goal, TODAY())

    def test_a_closed_episode_is_refused(self, coach, manager, episode, goal):
        close(manager, episode)
        with pytest.raises(IllegalTransition, match="This episode is closed"):
            plans.record_agreement(coach, goal, TODAY())


class TestSteps:
    def test_add_a_step_due_in_the_future(self, coach, goal):
        step = plans.add_step(coach, goal, description=" Write a CV ", due_on=TOMORROW())
        step.refresh_from_db()
        assert step.description == "Write a CV" and step.due_on == TOMORROW()
        assert step.done_on is None

    def test_a_step_needs_a_description(self, coach, goal):
        with pytest.raises(IllegalTransition, match="Enter the step"):
            plans.add_step(coach, goal, description="")
        with pytest.raises(IllegalTransition, match="300 characters"):
            plans.add_step(coach, goal, description="x" * 301)
        assert not Step.objects.exists()

    def test_complete_and_reopen_a_step(self, coach, step):
        plans.complete_step(coach, step, TODAY())
        step.refresh_from_db()
        assert step.done_on == TODAY()
        plans.reopen_step(coach, step)
        step.refresh_from_db()
        assert step.done_on is None

    def test_a_step_not_done_cannot_be_reopened(self, coach, step):
        with pytest.raises(IllegalTransition, match="not done yet"):
            plans.reopen_step(coach, step)

    def test_completion_cannot_be_in_the_future(self, coach, step):
        with pytest.raises(IllegalTransition, match="cannot be in the future"):
            plans.complete_step(coach, step, TOMORROW())
        step.refresh_from_db()
        assert step.done_on is None

    def test_completion_cannot_be_before_the_episode_started(self, coach, step, episode):
        with pytest.raises(IllegalTransition, match="when this episode started"):
            plans.complete_step(coach, step, episode.started_on - dt.timedelta(days=1))

    def test_another_teams_coach_is_refused(self, stranger, goal, step):
        with pytest.raises(PermissionDenied):
            plans.add_step(stranger, goal, description="Sneak in")
        with pytest.raises(PermissionDenied):
            plans.complete_step(stranger, step, TODAY())
        with pytest.raises(PermissionDenied):
            plans.reopen_step(stranger, step)
        assert Step.objects.count() == 1

    def test_a_closed_episode_is_refused(self, coach, manager, episode, goal, step):
        plans.complete_step(coach, step, TODAY())
        close(manager, episode)
        with pytest.raises(IllegalTransition, match="This episode is closed"):
            plans.add_step(coach, goal, description="Too late")
        with pytest.raises(IllegalTransition, match="This episode is closed"):
            plans.reopen_step(coach, step)
        with pytest.raises(IllegalTransition, match="This episode is closed"):
            plans.complete_step(coach, step, TODAY())

    def test_steps_are_audited(self, coach, step):
        plans.complete_step(coach, step, TODAY())
        trail = audit.person_trail(step.goal.episode.person).filter(
            content_type__model="step", object_pk=str(step.pk)
        )
        assert trail.count() == 2  # added, then done
