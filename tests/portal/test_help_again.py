"""I want help again in the portal: a person whose support ended asks to come back in
one step and reads what happens next; while support is open the page says they have a
coach; a supporter without the section is refused; every look is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry

from pathways.portal.models import Section
from pathways.referrals.models import Referral, Source
from tests.factories import EpisodeFactory, PersonFactory, portal_account
from tests.portal.conftest import signed_in

pytestmark = pytest.mark.django_db

URL = "/my/help-again/"


@pytest.fixture
def ended(team, coach):
    """Someone whose support with ``team`` ended last month, with their own account."""
    person = PersonFactory(authority=team.authority)
    EpisodeFactory(
        team=team,
        person=person,
        worker=coach,
        started_on=dt.date.today() - dt.timedelta(days=400),
        ended_on=dt.date.today() - dt.timedelta(days=30),
    )
    return portal_account(person, invited_by=coach)


def test_a_person_whose_support_ended_asks_in_one_step(ended, team, intake):
    client = signed_in(ended)
    page = client.get(URL).content.decode()
    assert "Your help from us has ended." in page
    assert f"We will send your message to {team.name}." in page
    answer = client.post(URL, {"words": "I lost my job. I want to work again."})
    assert answer.status_code == 302 and answer["Location"] == "/my/help-again/sent/"
    referral = Referral.objects.get(person=ended.person)
    assert referral.team == team and referral.source == Source.SELF
    assert "I lost my job. I want to work again." in referral.notes
    assert referral.created_by == ended.user
    sent = client.get(answer["Location"]).content.decode()
    assert "What happens next" in sent and f"{team.name} will read it." in sent


def test_after_asking_the_page_says_the_team_will_contact_them(ended, team):
    client = signed_in(ended)
    client.post(URL, {"words": ""})
    page = client.get(URL).content.decode()
    assert "You are waiting for help from us." in page
    assert "<textarea" not in page
    assert client.post(URL, {"words": "again"}).status_code == 409
    assert Referral.objects.filter(person=ended.person).count() == 1


def test_someone_with_a_coach_is_told_so_and_cannot_ask(person_client, person, coach):
    page = person_client.get(URL).content.decode()
    assert f"Your coach is {coach.first_name}." in page
    assert "<textarea" not in page
    answer = person_client.post(URL, {"words": "More help please"})
    assert answer.status_code == 409
    assert not Referral.objects.filter(person=person).exists()


def test_a_supporter_without_the_section_is_refused(supporter_client, person):
    assert supporter_client.get(URL).status_code == 403
    assert supporter_client.post(URL, {"words": "For her"}).status_code == 403
    assert not Referral.objects.filter(person=person).exists()
    refused = LogEntry.objects.filter(
        additional_data__person_id=person.pk, additional_data__outcome="denied"
    )
    assert [e.additional_data["what"] for e in refused] == ["portal: I want help again"] * 2


def test_a_supporter_with_the_section_may_ask_for_the_person(ended, coach, team):
    from pathways.people.models import Contact

    mother = Contact.objects.create(
        person=ended.person, name="Maria Example", relationship="mother", email="m@example.org"
    )
    supporter = portal_account(
        ended.person, invited_by=coach, supporter=mother, sections=[Section.HELP_AGAIN]
    )
    answer = signed_in(supporter).post(URL, {"words": "She wants to work again."})
    assert answer.status_code == 302
    assert Referral.objects.get(person=ended.person).created_by == supporter.user


def test_signed_out_is_sent_to_sign_in(client):
    answer = client.get(URL)
    assert answer.status_code == 302 and answer["Location"].startswith("/my/sign-in/")


def test_too_many_words_keeps_what_they_typed(ended):
    client = signed_in(ended)
    answer = client.post(URL, {"words": "word " * 500})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Write less. Use 2,000 letters or fewer." in page and "word word word" in page


def test_each_look_is_on_the_portal_channel(ended):
    signed_in(ended).get(URL)
    entry = LogEntry.objects.get(
        additional_data__person_id=ended.person.pk, additional_data__channel="portal"
    )
    assert entry.additional_data["what"] == "portal: I want help again"


def test_the_home_page_offers_it(ended):
    page = signed_in(ended).get("/my/").content.decode()
    assert 'href="/my/help-again/"' in page and "I want help again" in page


def test_the_page_takes_a_few_queries(ended, django_assert_max_num_queries):
    client = signed_in(ended)
    client.get(URL)
    with django_assert_max_num_queries(12):
        client.get(URL)
