"""The candidacy page's "Share with …" button and the person's answer on it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pathways.core.models import Role
from pathways.employers.candidacies.models import Candidacy
from pathways.employers.candidacies.services import answer_shared_job, put_forward
from tests.factories import (
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    TeamFactory,
    UserFactory,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidacy(team, coach):
    person = EpisodeFactory(team=team, worker=coach).person
    person.given_name = "Alex"
    person.save()
    opportunity = OpportunityFactory(
        employer=EmployerFactory(organisation=team.organisation),
        authority=team.authority,
        title="Plant care assistant",
    )
    return put_forward(coach, person, opportunity)


def page(client, candidacy) -> str:
    return client.get(reverse("employers:candidacy", args=[candidacy.pk])).content.decode()


def share(client, candidacy, version=None):
    return client.post(
        reverse("employers:candidacy-share", args=[candidacy.pk]),
        {"version": candidacy.version if version is None else version},
    )


def test_the_coach_shares_and_sees_the_answer(client, coach, candidacy):
    client.force_login(coach)
    assert "Share with Alex" in page(client, candidacy)
    response = share(client, candidacy)
    assert response.status_code == 302
    candidacy.refresh_from_db()
    assert candidacy.shared_with_person_on == dt.date.today()
    shown = page(client, candidacy)
    assert "Shared with Alex. Their answer will show here" in shown
    assert "Share with Alex</button>" not in shown
    assert "No answer yet." in shown
    assert "Waiting for Alex's answer." in shown

    answer_shared_job(candidacy, by=UserFactory(), answer="no")
    shown = page(client, candidacy)
    assert "No thanks" in shown and "Alex said no to this job." in shown


def test_a_stale_share_is_a_conflict_that_names_it(client, coach, candidacy):
    client.force_login(coach)
    response = share(client, candidacy, version=candidacy.version + 1)
    assert response.status_code == 409
    assert "Someone else changed this candidacy" in response.content.decode()
    candidacy.refresh_from_db()
    assert candidacy.shared_with_person_on is None


def test_who_may_see_but_not_change_is_refused_and_has_no_button(client, team, candidacy):
    intake = staff(Role.INTAKE_OFFICER, team, email="in@example.org")
    EpisodeFactory(team=team, person=candidacy.person)  # seen by the team: not theirs to move
    client.force_login(intake)
    shown = client.get(reverse("employers:candidacy", args=[candidacy.pk]))
    assert shown.status_code == 200 and "Share with Alex" not in shown.content.decode()
    assert share(client, candidacy).status_code == 403
    assert Candidacy.objects.get(pk=candidacy.pk).shared_with_person_on is None


def test_someone_elses_candidacy_is_404(client, authority, candidacy):
    outsider = staff(Role.EMPLOYMENT_SPECIALIST, TeamFactory(authority=authority))
    client.force_login(outsider)
    assert share(client, candidacy).status_code == 404
    assert Candidacy.objects.get(pk=candidacy.pk).shared_with_person_on is None


def test_the_persons_opportunities_page_lists_the_answer(client, coach, candidacy):
    client.force_login(coach)
    share(client, candidacy)
    candidacy.refresh_from_db()
    answer_shared_job(candidacy, by=UserFactory(), answer="yes")
    shown = client.get(
        reverse("matching:person-opportunities", args=[candidacy.person_id])
    ).content.decode()
    assert "shared with Alex: yes, interested on" in shown
