"""The action plan on the episode page: goals, steps and their forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pathways.casework import plans, services
from pathways.casework.models import Goal, Step
from pathways.core import audit
from pathways.core.models import Role
from tests.factories import EpisodeFactory, PersonFactory, staff

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate  # called in each test: a run may cross midnight


def url(episode, action=""):
    return f"/episodes/{episode.pk}/{action}"


def plan_url(episode):
    return f"{url(episode)}#action-plan"


@pytest.fixture
def episode(team, coach):
    person = PersonFactory(authority=team.authority, given_name="Sam", family_name="Patel")
    return EpisodeFactory(
        team=team, worker=coach, person=person, started_on=TODAY() - dt.timedelta(days=40)
    )


@pytest.fixture
def goal(coach, episode):
    return plans.add_goal(
        coach,
        episode,
        description="Work in a café",
        owner=Goal.Owner.TOGETHER,
        target_on=TODAY() + dt.timedelta(days=60),
    )


@pytest.fixture
def dpo(team):
    return staff(Role.DATA_PROTECTION_OFFICER, team, email="dpo@example.org")


def page(client, user, episode):
    client.force_login(user)
    response = client.get(url(episode))
    assert response.status_code == 200
    return response.content.decode()


def goal_data(**overrides) -> dict[str, str]:
    target = TODAY() + dt.timedelta(days=90)
    data = {
        "goal-description": "Get a job with animals",
        "goal-owner": "person",
        "goal-target_on_0": str(target.day),
        "goal-target_on_1": str(target.month),
        "goal-target_on_2": str(target.year),
        "goal-agreed_today": "on",
    }
    data.update(overrides)
    return data


class TestThePlanOnTheEpisodePage:
    def test_goals_in_target_order_with_steps_and_agreement(self, client, coach, episode, goal):
        agreed = plans.add_goal(
            coach,
            episode,
            description="Learn the bus route",
            owner=Goal.Owner.PERSON,
            target_on=TODAY() + dt.timedelta(days=10),
            agreed_with_person_on=TODAY(),
        )
        step = plans.add_step(coach, agreed, description="Ride the 42 with Cara")
        plans.complete_step(coach, step, TODAY())
        plans.add_step(coach, goal, description="Visit the café")
        html = page(client, coach, episode)
        assert 'id="action-plan"' in html
        assert html.index("Learn the bus route") < html.index("Work in a café")
        assert f"Agreed with Sam on {TODAY():%-d %B %Y}" in html
        assert "Not yet agreed with Sam" in html
        assert html.count("Not yet agreed with Sam") == 1
        assert "The person and the job coach" in html and "Not started" in html
        assert f"done on {TODAY():%-d %B %Y}" in html and "Visit the café" in html
        assert "Add a goal" in html and "Add a step" in html
        assert "Mark as done today" in html and "Mark as not done" in html

    def test_an_empty_plan(self, client, coach, episode):
        html = page(client, coach, episode)
        assert "No goals yet." in html and "Add a goal" in html


class TestPlanForms:
    def test_add_a_goal_agreed_today(self, client, coach, episode):
        client.force_login(coach)
        response = client.post(url(episode, "goals/new/"), goal_data(), follow=True)
        assert response.redirect_chain == [(plan_url(episode), 302)]
        html = response.content.decode()
        assert "Goal added to the action plan: Get a job with animals." in html
        goal = Goal.objects.get(episode=episode)
        assert goal.owner == "person" and goal.agreed_with_person_on == TODAY()
        assert goal.created_by == coach
        assert f"Agreed with Sam on {TODAY():%-d %B %Y}" in html

    def test_a_goal_without_a_description_shows_the_error_summary(self, client, coach, episode):
        client.force_login(coach)
        response = client.post(url(episode, "goals/new/"), goal_data(**{"goal-description": ""}))
        assert response.status_code == 400
        html = response.content.decode()
        assert "There is a problem" in html and "<title>Error: " in html
        assert 'href="#id_goal-description">Enter the goal</a>' in html
        assert not Goal.objects.exists()

    def test_add_a_step(self, client, coach, episode, goal):
        client.force_login(coach)
        response = client.post(
            url(episode, f"goals/{goal.pk}/steps/new/"),
            {f"step-{goal.pk}-description": "Write a CV"},
            follow=True,
        )
        assert response.redirect_chain == [(plan_url(episode), 302)]
        assert "Step added: Write a CV." in response.content.decode()
        assert Step.objects.get(goal=goal).description == "Write a CV"

    def test_a_step_without_a_description_is_an_error(self, client, coach, episode, goal):
        client.force_login(coach)
        response = client.post(
            url(episode, f"goals/{goal.pk}/steps/new/"), {f"step-{goal.pk}-description": ""}
        )
        assert response.status_code == 400
        assert f'href="#id_step-{goal.pk}-description">Enter the step</a>' in (
            response.content.decode()
        )

    def test_mark_a_step_done_and_not_done(self, client, coach, episode, goal):
        step = plans.add_step(coach, goal, description="Write a CV")
        client.force_login(coach)
        response = client.post(url(episode, f"steps/{step.pk}/done/"), follow=True)
        assert response.redirect_chain == [(plan_url(episode), 302)]
        assert "Step done: Write a CV." in response.content.decode()
        step.refresh_from_db()
        assert step.done_on == TODAY()
        response = client.post(url(episode, f"steps/{step.pk}/not-done/"))
        assert response.status_code == 302
        step.refresh_from_db()
        assert step.done_on is None

    def test_change_a_goals_status(self, client, coach, episode, goal):
        client.force_login(coach)
        data = {f"goal-{goal.pk}-status": "achieved", f"goal-{goal.pk}-version": "1"}
        response = client.post(url(episode, f"goals/{goal.pk}/status/"), data, follow=True)
        assert response.redirect_chain == [(plan_url(episode), 302)]
        assert "is now achieved" in response.content.decode()
        goal.refresh_from_db()
        assert goal.status == "achieved"
        # The same form again, from a page read before the change: refused, 409.
        data[f"goal-{goal.pk}-status"] = "dropped"
        response = client.post(url(episode, f"goals/{goal.pk}/status/"), data)
        assert response.status_code == 409
        assert "Someone else changed this goal" in response.content.decode()

    def test_record_the_agreement(self, client, coach, episode, goal):
        client.force_login(coach)
        response = client.post(url(episode, f"goals/{goal.pk}/agreed/"), follow=True)
        assert "Recorded that Sam agreed the goal" in response.content.decode()
        goal.refresh_from_db()
        assert goal.agreed_with_person_on == TODAY()

    def test_a_closed_episode_shows_the_plan_without_forms(
        self, client, coach, manager, episode, goal
    ):
        step = plans.add_step(coach, goal, description="Write a CV")
        services.close_episode(manager, episode, reason="withdrew", on=TODAY())
        html = page(client, coach, episode)
        assert "Work in a café" in html and "Add a goal" not in html
        assert "Mark as done today" not in html
        response = client.post(url(episode, f"steps/{step.pk}/done/"))
        assert response.status_code == 400
        assert "This episode is closed" in response.content.decode()

    def test_a_goal_of_another_episode_is_404(self, client, coach, team, episode):
        other = EpisodeFactory(team=team, worker=coach, started_on=TODAY())
        foreign = plans.add_goal(coach, other, description="Theirs", owner="person")
        client.force_login(coach)
        response = client.post(
            url(episode, f"goals/{foreign.pk}/steps/new/"),
            {f"step-{foreign.pk}-description": "Mine"},
        )
        assert response.status_code == 404
        assert not Step.objects.exists()


class TestAccess:
    def test_a_dpo_sees_the_plan_but_no_forms_and_gets_403(self, client, dpo, coach, goal):
        episode = goal.episode
        step = plans.add_step(coach, goal, description="Write a CV")
        html = page(client, dpo, episode)
        assert "Work in a café" in html and "Write a CV" in html
        assert "Add a goal" not in html and "Add a step" not in html
        assert "Mark as done today" not in html and "Change status" not in html
        client.force_login(dpo)
        assert client.post(url(episode, "goals/new/"), goal_data()).status_code == 403
        assert client.post(url(episode, f"steps/{step.pk}/done/")).status_code == 403
        assert Goal.objects.count() == 1
        step.refresh_from_db()
        assert step.done_on is None

    def test_another_teams_coach_gets_404_and_a_denied_entry(
        self, client, other_team, episode, goal
    ):
        stranger = staff(Role.EMPLOYMENT_SPECIALIST, other_team, email="stranger@example.org")
        client.force_login(stranger)
        assert client.get(url(episode)).status_code == 404
        assert client.post(url(episode, "goals/new/"), goal_data()).status_code == 404
        assert (
            client.post(
                url(episode, f"goals/{goal.pk}/steps/new/"),
                {f"step-{goal.pk}-description": "x"},
            ).status_code
            == 404
        )
        denied = audit.person_trail(episode.person).filter(
            actor=stranger, additional_data__outcome=audit.DENIED
        )
        assert denied.count() == 3
        assert Goal.objects.count() == 1 and not Step.objects.exists()
