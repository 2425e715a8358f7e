"""A page links to a record only when the viewer may open it: otherwise it names the
record without a link (the crawler test finds these across the demo; these pin each)."""

from __future__ import annotations

import pytest

from pathways.core.models import Role
from pathways.referrals.models import Status
from tests.commissioning.factories import PlacementFactory
from tests.factories import (
    EmployerFactory,
    EpisodeFactory,
    PersonFactory,
    ReferralFactory,
    TeamFactory,
    staff,
)

pytestmark = pytest.mark.django_db


def test_a_person_page_links_only_the_referrals_the_viewer_may_open(client, team, coach):
    person = PersonFactory(authority=team.authority)
    ours = ReferralFactory(team=team, person=person)
    elsewhere = TeamFactory(authority=team.authority, code="ELSE")
    theirs = ReferralFactory(team=elsewhere, person=person, status=Status.CLOSED)
    client.force_login(coach)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert f'href="/referrals/{ours.pk}/"' in page
    assert f'href="/referrals/{theirs.pk}/"' not in page
    assert theirs.referral_ref in page  # named, not linked
    assert client.get(f"/referrals/{theirs.pk}/").status_code == 404


def test_a_job_links_its_employer_only_for_the_employers_own_provider(client, team, coach):
    episode = EpisodeFactory(team=team, worker=coach)
    ours = EmployerFactory(organisation=team.organisation, name="Riverside Bakery")
    theirs = EmployerFactory(name="Elsewhere Garden Centre")  # another provider's list
    linked = PlacementFactory(episode=episode, employer=ours)
    named = PlacementFactory(episode=episode, employer=theirs)
    client.force_login(coach)
    assert f'href="/employers/{ours.pk}/"' in client.get(f"/jobs/{linked.pk}/").content.decode()
    page = client.get(f"/jobs/{named.pk}/").content.decode()
    assert f'href="/employers/{theirs.pk}/"' not in page
    assert "Elsewhere Garden Centre" in page
    assert client.get(f"/employers/{theirs.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        (Role.EMPLOYMENT_SPECIALIST, True),
        (Role.TEAM_MANAGER, True),
        (Role.INTAKE_OFFICER, False),
        (Role.DATA_PROTECTION_OFFICER, False),
        (Role.PACKAGE_APPROVER, False),
    ],
)
def test_setting_up_a_cohort_is_offered_to_those_allowed(client, team, role, offered):
    client.force_login(staff(role, team))
    page = client.get("/cohorts/").content.decode()
    assert ('href="/cohorts/new/"' in page) is offered
    assert client.get("/cohorts/new/").status_code == (200 if offered else 403)
