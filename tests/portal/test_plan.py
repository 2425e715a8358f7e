"""My plan in the person's portal: goals and steps, who helps, what they did last, and
never a note the coach did not share."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.utils import timezone

from pathways.casework import services
from pathways.casework.models import Goal, Step
from pathways.portal.models import Section
from tests.factories import EpisodeFactory, portal_account
from tests.portal.conftest import signed_in

pytestmark = pytest.mark.django_db
URL = "/my/plan/"


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def plan(episode, coach):
    coach.first_name, coach.last_name = "Amy", "Khan"
    coach.save()
    goal = Goal.objects.create(
        episode=episode,
        description="Work in a café",
        owner=Goal.Owner.TOGETHER,
        target_on=today() + dt.timedelta(days=60),
        status=Goal.Status.IN_PROGRESS,
        created_by=coach,
    )
    Step.objects.create(goal=goal, description="Visit the café on the high street")
    Step.objects.create(goal=goal, description="Write a CV", done_on=today())
    for days_ago, notes, shared in [
        (3, "You found the bus stop on your own.", True),
        (2, "Staff only: worried about money at home.", False),
    ]:
        services.record_activity(
            coach,
            episode,
            kind="travel_training" if shared else "meeting",
            occurred_on=max(today() - dt.timedelta(days=days_ago), episode.started_on),
            with_whom="person",
            notes=notes,
            shared_with_person=shared,
        )
    return goal


def test_the_person_sees_their_goals_steps_and_who_helps(person_client, plan):
    html = person_client.get(URL).content.decode()
    assert "Work in a café" in html
    assert "Who helps: You and Amy Khan." in html
    assert "Visit the café on the high street" in html
    assert 'alt="Done:"' in html and "Write a CV" in html
    assert "Your coach is Amy Khan." in html
    assert "You are working on this now." in html


def test_only_shared_notes_reach_the_portal(person_client, plan):
    html = person_client.get(URL).content.decode()
    assert "You found the bus stop on your own." in html
    assert "You practised how to travel." in html
    assert "You met your coach." in html  # the unshared meeting: its kind and date only
    assert "worried about money" not in html


def test_a_supporter_with_the_plan_sees_it_too(supporter_client, plan):
    html = supporter_client.get(URL).content.decode()
    assert "Work in a café" in html and "worried about money" not in html


def test_a_supporter_without_the_plan_is_refused(person, coach, mother, plan):
    account = portal_account(person, invited_by=coach, supporter=mother, sections=[Section.JOBS])
    response = signed_in(account).get(URL)
    assert response.status_code == 403
    assert "Work in a café" not in response.content.decode()


def test_another_persons_plan_is_never_shown(team, coach, person_client, plan):
    other = EpisodeFactory(team=team, worker=coach)
    Goal.objects.create(
        episode=other, description="Drive a forklift", owner="person", created_by=coach
    )
    html = person_client.get(URL).content.decode()
    assert "Drive a forklift" not in html and "Work in a café" in html
    other_account = portal_account(other.person, invited_by=coach)
    theirs = signed_in(other_account).get(URL).content.decode()
    assert "Drive a forklift" in theirs and "Work in a café" not in theirs


def test_signed_out_is_sent_to_sign_in():
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/my/sign-in/")


def test_staff_are_refused(client, coach):
    client.force_login(coach)
    assert client.get(URL).status_code == 403


def test_the_look_is_on_the_persons_trail_on_the_portal_channel(person_client, person, plan):
    person_client.get(URL)
    assert LogEntry.objects.filter(
        object_pk=str(person.pk),
        additional_data__channel="portal",
        additional_data__what="portal: My plan",
    ).exists()


def test_someone_never_supported_is_told_there_is_no_plan_yet(team, coach):
    from tests.factories import PersonFactory

    account = portal_account(PersonFactory(authority=team.authority), invited_by=coach)
    html = signed_in(account).get(URL).content.decode()
    assert "You do not have a plan yet." in html


def test_the_page_does_not_grow_with_the_plan(person_client, episode, coach, plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        person_client.get(URL)
    for i in range(15):
        goal = Goal.objects.create(
            episode=episode, description=f"Goal {i}", owner="worker", created_by=coach
        )
        Step.objects.create(goal=goal, description=f"Step {i}")
    with CaptureQueriesContext(connection) as large:
        html = person_client.get(URL).content.decode()
    assert html.count('class="app-portal-goal"') == 16
    assert len(small.captured_queries) == len(large.captured_queries)
