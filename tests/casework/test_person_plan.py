"""The person's plan as their portal reads it: goals and steps in order, who helps,
the latest activities with them, and no note the coach did not share."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pathways.casework import conversation, services
from pathways.casework.models import Goal, Step
from pathways.casework.selectors import current_or_latest_episode, person_plan
from tests.factories import EpisodeFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def episode(team, coach):
    coach.first_name, coach.last_name = "Sam", "Jones"
    coach.save()
    return EpisodeFactory(team=team, worker=coach, started_on=today() - dt.timedelta(days=90))


def goal(episode, coach, description, owner, target_days, **kwargs):
    return Goal.objects.create(
        episode=episode,
        description=description,
        owner=owner,
        target_on=today() + dt.timedelta(days=target_days),
        created_by=coach,
        **kwargs,
    )


def meet(episode, coach, days_ago, notes, *, shared=False, with_whom="person"):
    return services.record_activity(
        coach,
        episode,
        kind="meeting",
        occurred_on=today() - dt.timedelta(days=days_ago),
        with_whom=with_whom,
        notes=notes,
        shared_with_person=shared,
    )


def test_goals_and_steps_in_order_with_who_helps(episode, coach):
    later = goal(episode, coach, "Start a job", Goal.Owner.TOGETHER, 60)
    sooner = goal(episode, coach, "Write a CV", Goal.Owner.PERSON, 10)
    goal(episode, coach, "Learn to drive", Goal.Owner.PERSON, 5, status=Goal.Status.DROPPED)
    Step.objects.create(goal=later, description="Visit the café", due_on=today())
    Step.objects.create(goal=later, description="Fill in the form", due_on=None)
    Step.objects.create(goal=later, description="Ask about hours", due_on=today())
    plan = person_plan(episode.person)
    assert plan is not None
    assert [g.description for g in plan.goals] == ["Write a CV", "Start a job"]
    assert plan.goals[0].helper == "You"
    assert plan.goals[1].helper == "You and Sam Jones"
    steps = plan.goals[1].steps
    assert [s.description for s in steps][:2] == ["Visit the café", "Ask about hours"]
    assert {s.helper_kind for s in steps} == {Goal.Owner.TOGETHER}
    assert plan.worker_name == "Sam Jones" and plan.team_name == episode.team.name
    assert plan.is_open
    assert sooner.pk  # the goal dropped is not in the plan


def test_the_coach_helps_by_name(episode, coach):
    goal(episode, coach, "Find a job", Goal.Owner.WORKER, 10)
    assert person_plan(episode.person).goals[0].helper == "Sam Jones, your job coach"


def test_only_shared_notes_and_only_the_last_five_activities_with_the_person(episode, coach):
    meet(episode, coach, 10, "Oldest: not shown")
    for days_ago in (9, 8, 7, 6):
        meet(episode, coach, days_ago, f"Private note {days_ago}")
    meet(episode, coach, 5, "Shared: you did well", shared=True)
    meet(episode, coach, 1, "Called the employer", with_whom="employer", shared=True)
    recent = person_plan(episode.person).recent
    assert [a.occurred_on for a in recent] == [
        today() - dt.timedelta(days=d) for d in (5, 6, 7, 8, 9)
    ]
    assert recent[0].shared_note == "Shared: you did well"
    assert [a.shared_note for a in recent[1:]] == ["", "", "", ""]
    assert recent[0].kind_label == "Meeting"


def test_after_support_ends_the_latest_episode_is_shown(team, coach):
    person = PersonFactory(authority=team.authority)
    first = EpisodeFactory(
        team=team,
        person=person,
        started_on=today() - dt.timedelta(days=900),
        ended_on=today() - dt.timedelta(days=600),
    )
    latest = EpisodeFactory(
        team=team,
        person=person,
        worker=coach,
        started_on=today() - dt.timedelta(days=300),
        ended_on=today() - dt.timedelta(days=10),
    )
    assert current_or_latest_episode(person) == latest
    plan = person_plan(person)
    assert plan.episode == latest and not plan.is_open
    EpisodeFactory(team=team, person=person, started_on=today() - dt.timedelta(days=5))
    assert current_or_latest_episode(person) not in (first, latest)


def test_someone_never_supported_has_no_plan(team):
    assert person_plan(PersonFactory(authority=team.authority)) is None


def test_the_plan_takes_four_queries_however_big(episode, coach, django_assert_num_queries):
    def grow(n):
        for i in range(n):
            g = goal(episode, coach, f"Goal {i}", Goal.Owner.WORKER, i)
            Step.objects.create(goal=g, description=f"Step {i}")
            meet(episode, coach, i, f"Note {i}", shared=bool(i % 2))

    grow(2)
    with django_assert_num_queries(4):
        small = person_plan(episode.person)
    grow(20)
    with django_assert_num_queries(4):
        large = person_plan(episode.person)
    assert len(small.goals) == 2 and len(large.goals) == 22
    assert sum(len(g.steps) for g in large.goals) == 22


def test_the_episode_page_does_not_grow_with_the_conversation(client, episode, coach):
    account = UserFactory()

    def grow(n):
        for i in range(n):
            conversation.send_message_from_person(episode, by=account, text=f"Question {i}")
            conversation.reply_to_person(episode, by=coach, text=f"Answer {i}")

    client.force_login(coach)
    url = f"/episodes/{episode.pk}/"
    grow(2)
    client.get(url)  # mark what is there read: the next visits write nothing new

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        html = client.get(url).content.decode()
    assert html.count("Question ") >= 2
    grow(30)
    client.get(url)
    with CaptureQueriesContext(connection) as large:
        html = client.get(url).content.decode()
    assert html.count("Answer 29") >= 1 and html.count('id="message-') == 64
    assert len(small.captured_queries) == len(large.captured_queries)
