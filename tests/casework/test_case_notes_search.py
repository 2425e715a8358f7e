"""Searching case notes: within the support the user may see, every read on the trail,
PostgreSQL's full-text search and SQLite's fallback, a page at a time."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pathways.casework.models import Activity, ActivityKind
from pathways.core.models import Role
from tests.factories import EpisodeFactory, staff

pytestmark = pytest.mark.django_db

URL = reverse("casework:case-notes")


def note(episode, text: str, days_ago: int = 1) -> Activity:
    return Activity.objects.create(
        episode=episode,
        kind=ActivityKind.values[0],
        occurred_on=dt.date.today() - dt.timedelta(days=days_ago),
        with_whom=Activity.With.PERSON,
        notes=text,
        recorded_by=episode.worker,
    )


@pytest.fixture
def mine(team, coach):
    return EpisodeFactory(team=team, worker=coach)


def found(client, words: str, **params) -> list[str]:
    response = client.get(URL, {"q": words, **params})
    assert response.status_code == 200
    return [a.notes for a in response.context["paged"].page]


def test_a_coach_finds_notes_with_every_word_newest_first(client, coach, mine):
    note(mine, "Practised interview questions for the café job", days_ago=5)
    note(mine, "Travel training: bus to the town centre", days_ago=3)
    note(mine, "Second interview at the café went well", days_ago=1)
    client.force_login(coach)
    assert found(client, "interview café") == [
        "Second interview at the café went well",
        "Practised interview questions for the café job",
    ]
    assert found(client, "INTERVIEW bus") == []
    assert found(client, "travel") == ["Travel training: bus to the town centre"]


def test_another_teams_notes_are_not_found(client, coach, mine, other_team):
    note(mine, "Interview at the library")
    elsewhere = EpisodeFactory(
        team=other_team, worker=staff(Role.EMPLOYMENT_SPECIALIST, other_team)
    )
    note(elsewhere, "Interview at the garden centre")
    client.force_login(coach)
    assert found(client, "interview") == ["Interview at the library"]
    page = client.get(URL, {"q": "garden"}).content.decode()
    assert "0 notes found" in page and elsewhere.person.family_name not in page


def test_each_person_on_the_page_is_on_their_trail(client, coach, mine, team):
    other = EpisodeFactory(team=team, worker=coach)
    note(mine, "Interview booked")
    note(other, "Interview practice")
    note(other, "Mock interview")
    client.force_login(coach)
    found(client, "interview")
    reads = LogEntry.objects.filter(additional_data__what="case notes search")
    assert sorted(reads.values_list("additional_data__person_id", flat=True)) == sorted(
        [mine.person_id, other.person_id]
    )
    assert {e.actor for e in reads} == {coach}


def test_a_page_at_a_time_in_a_fixed_number_of_queries(
    client, coach, team, django_assert_num_queries
):
    client.force_login(coach)
    for i in range(3):
        note(EpisodeFactory(team=team, worker=coach), f"Interview number {i}", days_ago=i)
    client.get(URL, {"q": "interview"})  # sessions and the scope, once
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"q": "interview"})
    for i in range(3, 30):
        note(EpisodeFactory(team=team, worker=coach), f"Interview number {i}", days_ago=i)
    with django_assert_num_queries(len(few)):
        response = client.get(URL, {"q": "interview"})
    assert len(response.context["paged"].page) == 25
    second = found(client, "interview", page=2)
    assert len(second) == 5 and second[-1] == "Interview number 29"


def test_too_long_a_search_is_refused_in_plain_words(client, coach):
    client.force_login(coach)
    response = client.get(URL, {"q": "x" * 201})
    assert response.status_code == 400
    assert "This must be 200 characters or fewer" in response.content.decode()


def test_signed_out_goes_to_sign_in(client):
    response = client.get(URL, {"q": "interview"})
    assert response.status_code == 302 and "sign-in" in response["Location"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's full-text search")
def test_postgresql_finds_other_forms_of_a_word_and_phrases(client, coach, mine):
    note(mine, "She interviewed well and was offered the job")
    note(mine, "Travel training on the bus")
    note(mine, "Training for travel to college")
    client.force_login(coach)
    assert found(client, "interviews") == ["She interviewed well and was offered the job"]
    assert found(client, '"travel training"') == ["Travel training on the bus"]
    assert found(client, "training -college") == ["Travel training on the bus"]
