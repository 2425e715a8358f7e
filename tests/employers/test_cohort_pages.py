"""The cohort and pledge pages: setting up a cohort, choosing its interns and adding
rotations, and the pledges' progress. Planning a rotation is tested in
tests/matching/test_rotation_pages.py."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from pathways.employers.pledges.services import add_pledge
from tests.factories import (
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    PersonFactory,
)


def test_pledges_page_shows_progress(client, manager, team, coach):
    employer = EmployerFactory(organisation=team.organisation, name="Riverside Café")
    today = dt.date.today()
    add_pledge(
        coach,
        employer,
        authority=team.authority,
        description="2 supported jobs this year",
        source="contract",
        target=2,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=300),
    )
    OpportunityFactory(employer=employer, authority=team.authority, places=2, opened_on=today)
    client.force_login(manager)
    page = client.get(reverse("employers:pledges")).content.decode()
    assert "2 supported jobs this year" in page and "Kept" in page


def test_set_up_a_cohort_choose_interns_and_add_a_rotation(client, team, coach):
    from pathways.employers.cohorts.models import InternshipCohort

    host = EmployerFactory(organisation=team.organisation, name="Riverside Hospital")
    ward = OpportunityFactory(
        employer=host,
        authority=team.authority,
        title="Portering",
        kind="supported_internship",
        paid=False,
    )
    person = PersonFactory(authority=team.authority, person_ref="I7")
    EpisodeFactory(team=team, worker=coach, person=person)
    client.force_login(coach)
    response = client.post(
        reverse("employers:cohort-new"),
        {
            "name": "Project SEARCH",
            "programme": "project_search",
            "academic_year": "2026-27",
            "host": host.pk,
            "team": team.pk,
        },
    )
    cohort = InternshipCohort.objects.get()
    assert response.status_code == 302
    response = client.post(
        reverse("employers:cohort-interns", args=[cohort.pk]), {"interns": [person.pk]}
    )
    assert response.status_code == 302
    assert list(cohort.interns.all()) == [person]
    too_short = client.post(
        reverse("employers:rotation-new", args=[cohort.pk]),
        {
            "starts_on_0": 7,
            "starts_on_1": 9,
            "starts_on_2": 2026,
            "ends_on_0": 30,
            "ends_on_1": 10,
            "ends_on_2": 2026,
            "opportunities": [ward.pk],
        },
    )
    assert too_short.status_code == 400
    assert "A rotation lasts 10 to 12 weeks" in too_short.content.decode()
    ok = client.post(
        reverse("employers:rotation-new", args=[cohort.pk]),
        {
            "starts_on_0": 7,
            "starts_on_1": 9,
            "starts_on_2": 2026,
            "ends_on_0": 27,
            "ends_on_1": 11,
            "ends_on_2": 2026,
            "opportunities": [ward.pk],
        },
    )
    assert ok.status_code == 302
    assert cohort.rotations.get().opportunities.get() == ward


def test_bad_academic_year_is_named(client, team, coach):
    host = EmployerFactory(organisation=team.organisation)
    client.force_login(coach)
    response = client.post(
        reverse("employers:cohort-new"),
        {
            "name": "X",
            "programme": "project_search",
            "academic_year": "2026",
            "host": host.pk,
            "team": team.pk,
        },
    )
    assert response.status_code == 400
    assert "like 2026-27" in response.content.decode()


def test_intake_officer_cannot_set_up_a_cohort(client, intake):
    client.force_login(intake)
    assert client.get(reverse("employers:cohort-new")).status_code == 403
