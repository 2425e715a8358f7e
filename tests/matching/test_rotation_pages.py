"""Planning a supported-internship rotation on its page: the optimal plan is shown with
its reasons, saved all at once, and a department is never repeated for an intern."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pathways.core.models import InterestTag, Role
from pathways.employers.cohorts.models import RotationPlacement
from pathways.employers.cohorts.services import add_rotation, create_cohort
from tests.factories import (
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    PersonFactory,
    ProfileFactory,
    TeamFactory,
    staff,
)


@pytest.fixture
def setting(team, coach):
    animals = InterestTag.objects.get_or_create(code="animals", defaults={"label": "Animals"})[0]
    catering = InterestTag.objects.get_or_create(
        code="catering", defaults={"label": "Catering and cooking"}
    )[0]
    host = EmployerFactory(organisation=team.organisation, name="Riverside Hospital")
    kitchen = OpportunityFactory(
        employer=host,
        authority=team.authority,
        title="Kitchen",
        kind="supported_internship",
        paid=False,
        places=1,
    )
    kitchen.tags.set([catering])
    vet = OpportunityFactory(
        employer=host,
        authority=team.authority,
        title="Therapy animals",
        kind="supported_internship",
        paid=False,
        places=1,
    )
    vet.tags.set([animals])
    interns = []
    for ref, tag in (("I1", catering), ("I2", animals)):
        person = PersonFactory(authority=team.authority, person_ref=ref, given_name=ref)
        EpisodeFactory(team=team, worker=coach, person=person, stage="job_finding")
        ProfileFactory(person=person).interests.set([tag])
        interns.append(person)
    cohort = create_cohort(
        coach,
        team,
        host,
        name="Project SEARCH",
        programme="project_search",
        academic_year="2026-27",
        interns=interns,
    )
    start = dt.date(2026, 9, 7)
    first = add_rotation(
        coach,
        cohort,
        starts_on=start,
        ends_on=start + dt.timedelta(days=76),
        opportunities=[kitchen, vet],
    )
    second = add_rotation(
        coach,
        cohort,
        starts_on=start + dt.timedelta(days=84),
        ends_on=start + dt.timedelta(days=160),
        opportunities=[kitchen, vet],
    )
    return cohort, first, second, interns, kitchen, vet


def test_plan_a_rotation_optimally_and_save_it(client, coach, setting):
    cohort, first, _second, (i1, i2), kitchen, vet = setting
    client.force_login(coach)
    url = reverse("matching:rotation-allocate", args=[cohort.pk, 1])
    page = client.get(url).content.decode()
    assert "I1 (I1) → Kitchen" in page and "I2 (I2) → Therapy animals" in page
    assert client.post(url).status_code == 302
    placed = {
        (p.person_id, p.opportunity_id) for p in RotationPlacement.objects.filter(rotation=first)
    }
    assert placed == {(i1.pk, kitchen.pk), (i2.pk, vet.pk)}
    cohort_page = client.get(reverse("employers:cohort", args=[cohort.pk])).content.decode()
    assert "Kitchen" in cohort_page and "I1" in cohort_page


def test_second_rotation_never_repeats_a_department(client, coach, setting):
    cohort, _first, second, (i1, i2), kitchen, vet = setting
    client.force_login(coach)
    client.post(reverse("matching:rotation-allocate", args=[cohort.pk, 1]))
    client.post(reverse("matching:rotation-allocate", args=[cohort.pk, 2]))
    placed = {
        (p.person_id, p.opportunity_id) for p in RotationPlacement.objects.filter(rotation=second)
    }
    assert placed == {(i1.pk, vet.pk), (i2.pk, kitchen.pk)}


def test_only_the_cohorts_team_plans_rotations(client, team, setting):
    cohort = setting[0]
    colleague = staff(
        Role.EMPLOYMENT_SPECIALIST,
        TeamFactory(authority=team.authority, organisation=team.organisation),
    )
    client.force_login(colleague)
    assert client.get(reverse("employers:cohort", args=[cohort.pk])).status_code == 200
    url = reverse("matching:rotation-allocate", args=[cohort.pk, 1])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert not RotationPlacement.objects.exists()


def test_another_provider_does_not_see_the_cohort(client, team, setting):
    outsider = staff(Role.EMPLOYMENT_SPECIALIST, TeamFactory(authority=team.authority))
    client.force_login(outsider)
    assert client.get(reverse("employers:cohort", args=[setting[0].pk])).status_code == 404
