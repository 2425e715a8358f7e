"""I want help again: a person whose support ended asks to come back, and the team of
their last episode gets a self-referral that shows their earlier episodes."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.core.errors import IllegalTransition
from pathways.core.models import Notification
from pathways.referrals import services
from pathways.referrals.models import Source, Status
from tests.factories import EpisodeFactory, PersonFactory, ReferralFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today


@pytest.fixture
def returner(team, other_team):
    """Supported by another team long ago, then by ``team`` until last month."""
    person = PersonFactory(authority=team.authority)
    EpisodeFactory(
        team=other_team,
        person=person,
        started_on=TODAY() - dt.timedelta(days=900),
        ended_on=TODAY() - dt.timedelta(days=700),
    )
    EpisodeFactory(
        team=team,
        person=person,
        started_on=TODAY() - dt.timedelta(days=300),
        ended_on=TODAY() - dt.timedelta(days=30),
        end_reason="withdrew",
    )
    return person


@pytest.fixture
def own_account():
    return UserFactory(email="returner@example.com")


def test_coming_back_is_a_self_referral_to_the_last_team(
    returner, own_account, team, intake, manager
):
    referral = services.ask_to_come_back(returner, by=own_account, words="  I want to work again. ")
    assert referral.team == team and referral.person == returner
    assert referral.source == Source.SELF and referral.status == Status.RECEIVED
    assert referral.received_on == TODAY() and referral.created_by == own_account
    assert "In their words: I want to work again." in referral.notes
    told = set(
        Notification.objects.filter(kind="come_back_asked").values_list("recipient", flat=True)
    )
    assert told == {intake.pk, manager.pk}


def test_refused_while_support_is_open(team, own_account):
    episode = EpisodeFactory(team=team)
    with pytest.raises(IllegalTransition, match=f"already get support from {team.name}"):
        services.ask_to_come_back(episode.person, by=own_account)


def test_refused_while_a_referral_is_live(returner, own_account, other_team):
    ReferralFactory(team=other_team, person=returner)
    with pytest.raises(IllegalTransition, match="already asked for help"):
        services.ask_to_come_back(returner, by=own_account)


def test_asking_twice_makes_one_referral(returner, own_account):
    services.ask_to_come_back(returner, by=own_account)
    with pytest.raises(IllegalTransition, match="already asked for help"):
        services.ask_to_come_back(returner, by=own_account)
    assert returner.referrals.count() == 1


def test_refused_for_someone_never_supported(team, own_account):
    with pytest.raises(IllegalTransition, match="cannot find support you had before"):
        services.ask_to_come_back(PersonFactory(authority=team.authority), by=own_account)


def test_allocating_links_the_new_episode_to_the_last_one(returner, own_account, team, manager):
    referral = services.ask_to_come_back(returner, by=own_account)
    services.accept_referral(manager, referral)
    episode = services.allocate(manager, referral, worker=manager)
    assert episode.previous == returner.episodes.get(team=team, ended_on__isnull=False)


def test_the_referral_page_lists_earlier_episodes(client, returner, own_account, intake):
    referral = services.ask_to_come_back(returner, by=own_account)
    client.force_login(intake)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Earlier episodes" in page
    ended = sorted(returner.episodes.all(), key=lambda e: e.ended_on, reverse=True)
    positions = [page.index(e.episode_ref) for e in ended]
    assert positions == sorted(positions)  # most recent first
    assert f"to {ended[0].ended_on:%-d %B %Y}" in page


def test_no_earlier_episodes_for_a_first_referral(client, referral, intake):
    client.force_login(intake)
    assert "Earlier episodes" not in client.get(f"/referrals/{referral.pk}/").content.decode()


def test_a_team_elsewhere_is_not_involved(returner, own_account):
    elsewhere = TeamFactory()
    staff_elsewhere = UserFactory()
    staff_elsewhere.memberships.create(team=elsewhere, role="intake_officer")
    services.ask_to_come_back(returner, by=own_account)
    assert not Notification.objects.filter(recipient=staff_elsewhere).exists()
