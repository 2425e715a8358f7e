"""The vocational profile page and the profile's section on the person page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pathways.casework.models import VocationalProfile
from pathways.casework.profiles import save_profile
from pathways.core import audit
from pathways.core.models import InterestTag, Role
from tests.factories import EpisodeFactory, PersonFactory, staff

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate  # called in each test: a run may cross midnight


def url(person) -> str:
    return f"/people/{person.pk}/profile/"


def date_parts(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def form_data(**overrides) -> dict:
    data: dict = {
        "version": "0",
        "interests": ["animals", "gardening"],
        "interests_notes": "Loves being outside",
        "kinds": ["employed", "work_trial"],
        "wants_paid_only": "yes",
        "min_hours": "10",
        "max_hours": "16.5",
        "max_travel_km": "5",
        "travel_modes": ["bus"],
        "travel_training_needed": "no",
        "skills": "Careful and reliable",
        "work_history": "Volunteered at a city farm",
        "support_needs": "Written instructions",
        "disclosure": "Has a learning disability; needs written instructions",
        "benefits_situation": "Universal Credit",
        **date_parts("better_off_calculation_on", TODAY() - dt.timedelta(days=7)),
    }
    data.update(overrides)
    return data


@pytest.fixture
def person(team, coach):
    sam = PersonFactory(authority=team.authority, given_name="Sam")
    return EpisodeFactory(team=team, worker=coach, person=sam).person


def test_a_coach_fills_in_the_profile_and_sees_it_on_the_person_page(client, coach, person):
    client.force_login(coach)
    form = client.get(url(person))
    assert form.status_code == 200
    page = form.content.decode()
    for heading in (
        "What they'd like to do",
        "Hours and travel",
        "Skills and experience",
        "Support and disclosure",
        "Benefits",
    ):
        assert heading in page
    assert 'value="gardening"' in page and 'name="version"' in page

    response = client.post(url(person), form_data(), follow=True)
    assert response.redirect_chain == [(f"/people/{person.pk}/", 302)]
    page = response.content.decode()
    assert "govuk-notification-banner--success" in page
    assert "Vocational profile saved for" in page
    profile = VocationalProfile.objects.get(person=person)
    assert sorted(t.code for t in profile.interests.all()) == ["animals", "gardening"]
    assert (profile.min_hours, profile.max_hours) == (Decimal("10"), Decimal("16.5"))
    assert profile.wants_paid_only is True and profile.travel_training_needed is False
    assert profile.better_off_calculation_on == TODAY() - dt.timedelta(days=7)
    # The person page shows the answers, and the way back to change them.
    assert "Vocational profile" in page
    assert "Animals, Gardening and horticulture" in page
    assert "10 to 16.5" in page and "Up to 5 km; Bus" in page
    assert "Paid job, Work trial" in page
    assert "Update the vocational profile" in page

    # The form shows the saved answers at the saved version.
    again = client.get(url(person)).content.decode()
    assert 'name="version" value="1"' in again
    assert "Careful and reliable" in again


def test_max_hours_below_min_hours_is_shown_in_the_error_summary(client, coach, person):
    client.force_login(coach)
    response = client.post(url(person), form_data(min_hours="20", max_hours="10"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The most hours must be the same as or more than the fewest hours" in page
    assert not VocationalProfile.objects.exists()


def test_a_future_better_off_date_is_refused(client, coach, person):
    client.force_login(coach)
    data = form_data(**date_parts("better_off_calculation_on", TODAY() + dt.timedelta(days=1)))
    response = client.post(url(person), data)
    assert response.status_code == 400
    assert "The date of the better-off calculation must be today or in the past" in (
        response.content.decode()
    )
    assert not VocationalProfile.objects.exists()


def test_a_stale_form_is_refused_with_409(client, coach, manager, person):
    save_profile(manager, person, skills="Tills")
    client.force_login(coach)
    response = client.post(url(person), form_data(version="0"))
    assert response.status_code == 409
    assert "Someone else changed this vocational profile" in response.content.decode()
    assert VocationalProfile.objects.get().skills == "Tills"


def test_a_coach_of_another_team_gets_404_and_the_refusal_is_audited(client, person, other_team):
    stranger = staff(Role.EMPLOYMENT_SPECIALIST, other_team, email="stranger@example.org")
    client.force_login(stranger)
    assert client.get(url(person)).status_code == 404
    assert client.post(url(person), form_data()).status_code == 404
    assert not VocationalProfile.objects.exists()
    refused = [
        e
        for e in audit.person_trail(person)
        if e.actor_id == stranger.pk and e.additional_data["outcome"] == audit.DENIED
    ]
    assert len(refused) == 2


def test_the_dpo_gets_403_on_the_form_and_reads_the_profile_on_the_person_page(
    client, coach, person, team
):
    save_profile(coach, person, interests=["retail"], skills="Tills")
    dpo = staff(Role.DATA_PROTECTION_OFFICER, team, email="dpo@example.org")
    client.force_login(dpo)
    assert client.get(url(person)).status_code == 403
    assert client.post(url(person), form_data(version="1")).status_code == 403
    assert VocationalProfile.objects.get().skills == "Tills"
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "Shops and retail" in page and "Tills" in page
    assert "Update the vocational profile" not in page


def test_the_person_page_says_when_there_is_no_profile(client, coach, person):
    client.force_login(coach)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "No vocational profile yet." in page
    assert f'href="/people/{person.pk}/profile/"' in page


def test_the_person_page_costs_the_same_however_many_interests(client, coach, person):
    client.force_login(coach)
    save_profile(coach, person, interests=["retail"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/people/{person.pk}/").status_code == 200
        sql = [q["sql"] for q in ctx.captured_queries]
        # The profile comes with the person (a join), its interests in one query.
        assert not [q for q in sql if q.startswith('SELECT "casework_vocationalprofile"')]
        assert len([q for q in sql if 'FROM "core_interesttag"' in q]) == 1
        return len(sql)

    few = queries()
    codes = list(InterestTag.objects.values_list("code", flat=True))
    save_profile(coach, person, expected_version=1, interests=codes)
    assert queries() == few
    # Another person's profile adds nothing to this page either.
    other = PersonFactory(authority=person.authority)
    VocationalProfile.objects.create(person=other)
    assert queries() == few


def test_saving_is_audited_with_the_coach(client, coach, person):
    client.force_login(coach)
    client.post(url(person), form_data())
    profile = VocationalProfile.objects.get()
    created = LogEntry.objects.get_for_object(profile).get(action=LogEntry.Action.CREATE)
    assert created.actor == coach
