from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(team):
    person = PersonFactory(
        authority=team.authority,
        given_name="Sam",
        family_name="Patel",
        person_ref="C123456",
        date_of_birth=dt.date(1990, 3, 27),
        communication_needs="Easy read; short sentences",
    )
    ReferralFactory(team=team, person=person)
    return person


@pytest.mark.parametrize("query", ["Patel", "sam patel", "C123456", "27/03/1990", "1990-03-27"])
def test_search_by_name_reference_or_date_of_birth(client, coach, sam, query):
    PersonFactory(authority=sam.authority, given_name="Sam", family_name="Jones")
    client.force_login(coach)
    html = client.get("/people/", {"q": query}).content.decode()
    assert f"/people/{sam.pk}/" in html


def test_two_words_must_both_match(client, coach, sam):
    other = PersonFactory(authority=sam.authority, given_name="Sam", family_name="Jones")
    ReferralFactory(team=sam.referrals.first().team, person=other)
    client.force_login(coach)
    html = client.get("/people/", {"q": "Sam Patel"}).content.decode()
    assert f"/people/{sam.pk}/" in html and f"/people/{other.pk}/" not in html


def test_person_page_puts_communication_needs_first(client, coach, sam):
    client.force_login(coach)
    html = client.get(f"/people/{sam.pk}/").content.decode()
    assert "Communication needs: Easy read; short sentences" in html
    assert html.index("Communication needs") < html.index("About Sam")


def test_other_teams_past_episodes_are_listed_without_a_link(client, coach, team, other_team):
    import datetime as dt

    from tests.factories import EpisodeFactory

    person = PersonFactory(authority=team.authority)
    mine = EpisodeFactory(team=team, person=person, worker=coach)
    theirs = EpisodeFactory(team=other_team, person=person, ended_on=dt.date(2024, 1, 1))
    client.force_login(coach)
    html = client.get(f"/people/{person.pk}/").content.decode()
    assert f'href="/episodes/{mine.pk}/"' in html
    assert f"Episode {theirs.episode_ref}" in html
    assert f'href="/episodes/{theirs.pk}/"' not in html
