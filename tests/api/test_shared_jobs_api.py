"""The API shows whether a candidacy was shared with the person and their answer, and
its move goes through the same consent gate: a shared job the person said no to does
not go to the employer, whatever consent is on their record."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from pathways.employers.candidacies.services import (
    answer_shared_job,
    put_forward,
    share_with_person,
)
from pathways.people.models import Consent
from tests.factories import EmployerFactory, EpisodeFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(team, coach):
    person = EpisodeFactory(team=team, worker=coach).person
    person.given_name = "Alex"
    person.save()
    opportunity = OpportunityFactory(
        employer=EmployerFactory(organisation=team.organisation), authority=team.authority
    )
    candidacy = put_forward(coach, person, opportunity)
    return share_with_person(candidacy, by=coach, expected_version=candidacy.version)


def test_the_answer_is_in_the_candidacy_and_a_no_stops_the_move(as_coach, coach, shared):
    Consent.objects.create(
        person=shared.person,
        scope=Consent.Scope.SHARE_WITH_EMPLOYERS,
        given=True,
        given_on=dt.date.today() - dt.timedelta(days=30),
        recorded_by=coach,
    )
    answered = answer_shared_job(shared, by=UserFactory(), answer="no")
    body = as_coach.get(f"/api/v1/candidacies/{shared.pk}").json()
    assert body["shared_with_person_on"] == dt.date.today().isoformat()
    assert body["person_answer"] == "no"
    assert body["person_answer_on"] == dt.date.today().isoformat()
    refused = as_coach.post(
        f"/api/v1/candidacies/{shared.pk}/move",
        json.dumps({"status": "applied", "version": answered.version}),
        content_type="application/json",
    )
    assert refused.status_code == 409
    assert "Alex said no to this job in their portal" in refused.json()["detail"]
    shared.refresh_from_db()
    assert shared.status == "suggested"
