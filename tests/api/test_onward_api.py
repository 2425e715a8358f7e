"""Onward referral through the API: POST a person's onward referral, list what my
teams sent, and every refusal."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from auditlog.models import LogEntry

from pathways.commissioning.models import OnwardReferral
from pathways.commissioning.onward import refer_onward
from pathways.core.models import Organisation, Role
from pathways.referrals.models import Referral, Source, Status
from pathways.referrals.services import accept_referral
from tests.api.conftest import client_for
from tests.factories import (
    EpisodeFactory,
    OrganisationFactory,
    PersonFactory,
    TeamFactory,
    directory_provider,
    provider_consent,
    staff,
)

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def charity_team(authority):
    org = OrganisationFactory(name="Hopeful Futures", kind=Organisation.Kind.CHARITY)
    directory_provider(org, authority)
    return TeamFactory(code="HF1", name="Hopeful IPS", authority=authority, organisation=org)


@pytest.fixture
def person(authority, team, coach):
    person = PersonFactory(authority=authority)
    EpisodeFactory(team=team, person=person, worker=coach)
    provider_consent(person, coach)
    return person


def url(person):
    return f"/api/v1/people/{person.authority.code}/{person.person_ref}/onward-referrals"


def body(**changes):
    return {"from_team": "SE1", "to_team": "HF1", "reason": "Wants IPS", **changes}


def test_a_coach_refers_a_person_onward(as_coach, coach, person, charity_team):
    response = post(as_coach, url(person), body())
    assert response.status_code == 201, response.content
    answer = response.json()
    onward = OnwardReferral.objects.get(pk=answer["id"])
    assert answer["status"] == "received"
    assert answer["to_team"] == "HF1"
    assert answer["from_team"] == "SE1"
    assert answer["to_provider"] == "Hopeful Futures"
    assert answer["person_ref"] == person.person_ref
    assert answer["sent_by"] == coach.email
    assert onward.referral.source == Source.OTHER_PROVIDER
    assert onward.referral.team == charity_team


def test_without_consent_it_is_refused(as_coach, coach, person, charity_team):
    provider_consent(person, coach, given=False, days_ago=0)
    response = post(as_coach, url(person), body())
    assert response.status_code == 409
    assert "did not give consent" in response.json()["detail"]
    assert not Referral.objects.filter(team=charity_team).exists()


def test_same_organisation_is_refused_on_the_field(as_coach, person, team, authority):
    directory_provider(team.organisation, authority)
    TeamFactory(code="SE2", authority=authority, organisation=team.organisation)
    response = post(as_coach, url(person), body(to_team="SE2"))
    assert response.status_code == 422
    assert "your own organisation" in response.json()["errors"]["to_team"]


def test_an_unknown_team_is_named(as_coach, person, charity_team):
    response = post(as_coach, url(person), body(to_team="NOPE"))
    assert response.status_code == 422
    assert response.json()["errors"]["to_team"] == "No team has the code NOPE."


def test_a_user_not_working_with_the_person_is_refused(as_intake, intake, person, charity_team):
    response = post(as_intake, url(person), body())
    assert response.status_code == 403
    assert not OnwardReferral.objects.exists()


def test_a_user_who_cannot_see_the_person_gets_404(authority, person, charity_team):
    stranger = staff(Role.EMPLOYMENT_SPECIALIST, TeamFactory(authority=authority))
    response = post(client_for(stranger), url(person), body())
    assert response.status_code == 404
    assert LogEntry.objects.filter(
        additional_data__person_id=person.pk, additional_data__outcome="denied"
    ).exists()


def test_my_teams_list_what_they_sent_with_its_status(
    as_coach, coach, team, authority, charity_team, django_assert_max_num_queries
):
    manager = staff(Role.TEAM_MANAGER, charity_team)
    sent = []
    for _ in range(3):
        p = PersonFactory(authority=authority)
        EpisodeFactory(team=team, person=p, worker=coach)
        provider_consent(p, coach)
        sent.append(refer_onward(coach, p, from_team=team, to_team=charity_team, reason="IPS"))
    accept_referral(manager, sent[0].referral)
    with django_assert_max_num_queries(10):
        response = as_coach.get("/api/v1/onward-referrals")
    assert response.status_code == 200
    items = response.json()["items"]
    assert {i["id"] for i in items} == {o.pk for o in sent}
    statuses = {i["id"]: i["status"] for i in items}
    assert statuses[sent[0].pk] == Status.ACCEPTED
    assert statuses[sent[1].pk] == Status.RECEIVED
    for o in sent:
        assert LogEntry.objects.filter(
            additional_data__person_id=o.referral.person_id,
            additional_data__what="onward referrals sent",
            additional_data__channel="api",
        ).exists()
    # The receiving team did not send them: its list is empty.
    assert client_for(manager).get("/api/v1/onward-referrals").json()["items"] == []


def test_the_sending_team_keeps_the_status_after_its_episode_closes(
    as_coach, coach, person, team, charity_team, settings
):
    settings.PATHWAYS_ACCESS_GRACE_DAYS = 30
    onward = refer_onward(coach, person, from_team=team, to_team=charity_team, reason="IPS")
    person.episodes.update(ended_on=dt.date.today() - dt.timedelta(days=31))
    assert as_coach.get(f"/api/v1/people/{person.pk}").status_code == 404
    assert as_coach.get(f"/api/v1/referrals/{onward.referral.pk}").status_code == 404
    detail = as_coach.get(f"/api/v1/onward-referrals/{onward.pk}")
    assert detail.status_code == 200
    assert detail.json()["status"] == "received"
