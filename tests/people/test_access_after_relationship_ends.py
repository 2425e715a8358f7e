"""A team keeps access to a person for the grace period after its relationship with
them ends (PATHWAYS_ACCESS_GRACE_DAYS, decision 0021), then loses the person and every
record about them at the same moment: the person, their episodes and notes, their
referrals. A refused look is on the person's trail."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.test import Client

from pathways.api.tokens import issue_token
from pathways.casework import services as casework
from pathways.casework.models import EndReason
from pathways.referrals import services as referrals
from pathways.referrals.models import Status
from tests.factories import EpisodeFactory, ReferralFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today  # called in each test: a run may cross midnight
NOTE = "Talked through the cafe job and travel training"


def api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user.email).raw}")


def last_look(person) -> dict:
    entry = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__person_id=person.pk
    ).latest("timestamp", "id")
    return entry.additional_data


def closed_episode(coach, team, *, days_ago: int):
    episode = EpisodeFactory(
        team=team, worker=coach, started_on=TODAY() - dt.timedelta(days=days_ago + 100)
    )
    casework.record_activity(
        coach,
        episode,
        kind="meeting",
        occurred_on=TODAY() - dt.timedelta(days=days_ago + 1),
        with_whom="person",
        notes=NOTE,
    )
    return casework.close_episode(
        coach, episode, reason=EndReason.MOVED_AWAY, on=TODAY() - dt.timedelta(days=days_ago)
    )


def declined_referral(manager, team, *, days_ago: int):
    referral = ReferralFactory(team=team, received_on=TODAY() - dt.timedelta(days=days_ago + 10))
    return referrals.decline_referral(
        manager,
        referral,
        reason="Not looking for work yet",
        on=TODAY() - dt.timedelta(days=days_ago),
    )


@pytest.mark.parametrize(
    ("days_ago", "readable"), [(0, True), (29, True), (30, False), (90, False)]
)
def test_a_closed_episode_and_its_notes_last_the_grace_period(
    client, coach, team, days_ago, readable
):
    episode = closed_episode(coach, team, days_ago=days_ago)
    person = episode.person
    client.force_login(coach)

    page = client.get(f"/episodes/{episode.pk}/")
    assert page.status_code == (200 if readable else 404)
    assert (NOTE in page.content.decode()) is readable
    assert last_look(person)["outcome"] == ("allowed" if readable else "denied")

    person_page = client.get(f"/people/{person.pk}/")
    assert person_page.status_code == (200 if readable else 404)
    assert (episode.episode_ref in person_page.content.decode()) is readable
    assert last_look(person)["outcome"] == ("allowed" if readable else "denied")

    detail = api(coach).get(f"/api/v1/episodes/{episode.pk}")
    assert detail.status_code == (200 if readable else 404)
    assert (NOTE in detail.content.decode()) is readable
    assert last_look(person)["outcome"] == ("allowed" if readable else "denied")
    assert last_look(person)["channel"] == "api"

    listed = api(coach).get("/api/v1/episodes", {"open_only": "false"}).json()
    assert [e["id"] for e in listed["items"]] == ([episode.pk] if readable else [])


@pytest.mark.parametrize(("days_ago", "readable"), [(0, True), (29, True), (30, False)])
def test_a_declined_referral_lasts_the_grace_period(
    client, manager, coach, team, days_ago, readable
):
    referral = declined_referral(manager, team, days_ago=days_ago)
    assert referral.status == Status.DECLINED
    person = referral.person
    client.force_login(coach)

    page = client.get(f"/referrals/{referral.pk}/")
    assert page.status_code == (200 if readable else 404)
    if not readable:
        assert last_look(person)["outcome"] == "denied"

    person_page = client.get(f"/people/{person.pk}/")
    assert person_page.status_code == (200 if readable else 404)
    assert (referral.referral_ref in person_page.content.decode()) is readable

    detail = api(coach).get(f"/api/v1/referrals/{referral.pk}")
    assert detail.status_code == (200 if readable else 404)
    assert last_look(person)["outcome"] == ("allowed" if readable else "denied")


def test_a_grace_of_nothing_ends_access_when_the_episode_closes(
    client, coach, manager, team, settings
):
    settings.PATHWAYS_ACCESS_GRACE_DAYS = 0
    episode = closed_episode(coach, team, days_ago=0)
    referral = declined_referral(manager, team, days_ago=0)
    client.force_login(coach)

    assert client.get(f"/episodes/{episode.pk}/").status_code == 404
    assert client.get(f"/people/{episode.person_id}/").status_code == 404
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert client.get(f"/people/{referral.person_id}/").status_code == 404
    assert last_look(referral.person)["outcome"] == "denied"


@pytest.mark.parametrize("grace", [7, 30])
def test_the_person_and_their_episodes_go_at_the_same_moment(client, coach, team, settings, grace):
    settings.PATHWAYS_ACCESS_GRACE_DAYS = grace
    last_day = closed_episode(coach, team, days_ago=grace - 1)
    gone = closed_episode(coach, team, days_ago=grace)
    client.force_login(coach)

    for episode, status in [(last_day, 200), (gone, 404)]:
        assert client.get(f"/people/{episode.person_id}/").status_code == status
        assert client.get(f"/episodes/{episode.pk}/").status_code == status


def test_authority_wide_roles_keep_every_closed_record(client, intake, coach, manager, team):
    episode = closed_episode(coach, team, days_ago=400)
    referral = declined_referral(manager, team, days_ago=400)
    client.force_login(intake)

    assert client.get(f"/episodes/{episode.pk}/").status_code == 200
    assert client.get(f"/referrals/{referral.pk}/").status_code == 200
    assert client.get(f"/people/{episode.person_id}/").status_code == 200


def test_an_old_episode_is_seen_again_when_the_team_works_with_the_person_again(
    client, coach, team
):
    old = closed_episode(coach, team, days_ago=400)
    client.force_login(coach)
    assert client.get(f"/episodes/{old.pk}/").status_code == 404

    EpisodeFactory(team=team, person=old.person)

    assert client.get(f"/episodes/{old.pk}/").status_code == 200
