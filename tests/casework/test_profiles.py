"""Vocational profile services: one profile per person, validated, guarded against lost
updates, changed only by those who may change the person's record, and audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from pathways.casework.models import VocationalProfile
from pathways.casework.profiles import get_profile, save_profile
from pathways.core.errors import ConcurrentEdit, PermissionDenied
from pathways.core.models import Role
from tests.factories import EpisodeFactory, staff

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate  # called in each test: a run may cross midnight


@pytest.fixture
def person(team, coach):
    return EpisodeFactory(team=team, worker=coach).person


def messages_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_the_first_save_creates_the_profile_and_later_saves_update_it(coach, person):
    profile = save_profile(
        coach,
        person,
        interests=["retail", "animals", "retail"],
        min_hours=Decimal("8"),
        max_hours=Decimal("16.5"),
        kinds=["volunteering", "employed"],
        travel_modes=["bus", "walk"],
        wants_paid_only=False,
        skills="Good with customers",
    )
    assert profile.version == 1 and profile.updated_on == TODAY()
    assert sorted(t.code for t in profile.interests.all()) == ["animals", "retail"]
    assert profile.kinds == ["employed", "volunteering"]  # the vocabulary's order
    assert profile.travel_modes == ["walk", "bus"]

    again = save_profile(coach, person, expected_version=1, max_hours=Decimal("20"))
    assert again.pk == profile.pk and again.version == 2
    fresh = VocationalProfile.objects.get(person=person)
    assert (fresh.min_hours, fresh.max_hours, fresh.skills) == (
        Decimal("8.0"),
        Decimal("20.0"),
        "Good with customers",
    )
    assert VocationalProfile.objects.count() == 1


def test_saving_the_same_answers_changes_nothing(coach, person):
    save_profile(coach, person, interests=["retail"], skills="Tills")
    same = save_profile(coach, person, expected_version=1, interests=["retail"], skills="Tills")
    assert same.version == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"min_hours": Decimal("20"), "max_hours": Decimal("10")},
            "max_hours",
            "The most hours must be the same as or more than the fewest hours",
        ),
        ({"max_hours": Decimal("81")}, "max_hours", "The most hours must be between 0 and 80"),
        ({"min_hours": Decimal("-1")}, "min_hours", "The fewest hours must be between 0 and 80"),
        (
            {"min_hours": Decimal("7.25")},
            "min_hours",
            "The fewest hours must have no more than one decimal place, like 16.5",
        ),
        (
            {"max_travel_km": Decimal("-2")},
            "max_travel_km",
            "The distance they can travel must be 0 km or more",
        ),
        ({"interests": ["retail", "knitting"]}, "interests", "Unknown interest: knitting"),
        ({"kinds": ["employed", "gig"]}, "kinds", "Unknown kind: gig"),
        ({"travel_modes": ["bus", "jetpack"]}, "travel_modes", "Unknown travel mode: jetpack"),
        (
            {"better_off_calculation_on": TODAY() + dt.timedelta(days=1)},
            "better_off_calculation_on",
            "The date of the better-off calculation must be today or in the past",
        ),
    ],
)
def test_each_rule_refuses_with_a_message(coach, person, fields, field, message):
    with pytest.raises(ValidationError) as exc:
        save_profile(coach, person, **fields)
    assert messages_of(exc) == {field: [message]}
    assert not VocationalProfile.objects.exists()


def test_hours_are_checked_against_the_stored_side_left_out(coach, person):
    save_profile(coach, person, min_hours=Decimal("16"), max_hours=Decimal("30"))
    with pytest.raises(ValidationError) as exc:
        save_profile(coach, person, expected_version=1, max_hours=Decimal("10"))
    assert "max_hours" in messages_of(exc)
    assert VocationalProfile.objects.get().max_hours == Decimal("30")


def test_todays_better_off_calculation_is_accepted(coach, person):
    profile = save_profile(coach, person, better_off_calculation_on=TODAY())
    assert profile.better_off_calculation_on == TODAY()


def test_a_stale_version_is_refused_and_nothing_is_saved(coach, person, manager):
    save_profile(coach, person, skills="Tills")
    save_profile(manager, person, expected_version=1, skills="Tills and stock")
    with pytest.raises(ConcurrentEdit, match="Someone else changed this vocational profile"):
        save_profile(coach, person, expected_version=1, skills="Driving")
    assert VocationalProfile.objects.get().skills == "Tills and stock"


def test_a_profile_created_meanwhile_refuses_a_form_shown_before_it(coach, manager, person):
    save_profile(manager, person, skills="Tills")
    with pytest.raises(ConcurrentEdit):
        save_profile(coach, person, expected_version=0, skills="Driving")


def test_a_coach_of_another_team_may_not_save(person, other_team):
    stranger = staff(Role.EMPLOYMENT_SPECIALIST, other_team, email="stranger@example.org")
    with pytest.raises(PermissionDenied):
        save_profile(stranger, person, skills="Tills")
    assert get_profile(stranger, person.pk) is None


def test_the_dpo_may_read_but_not_save(coach, person, team):
    dpo = staff(Role.DATA_PROTECTION_OFFICER, team, email="dpo@example.org")
    save_profile(coach, person, interests=["retail"])
    with pytest.raises(PermissionDenied):
        save_profile(dpo, person, skills="Tills")
    profile = get_profile(dpo, person.pk)
    assert profile is not None and [t.code for t in profile.interests.all()] == ["retail"]


def test_changes_are_audited_with_the_editor(coach, person):
    with set_actor(coach):
        profile = save_profile(coach, person, skills="Tills", interests=["retail"])
        save_profile(coach, person, expected_version=1, skills="Tills and stock")
    entries = LogEntry.objects.get_for_object(profile).filter(
        action__in=[LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    )
    assert entries.count() >= 2
    assert {e.actor_id for e in entries} == {coach.pk}
    update = entries.filter(action=LogEntry.Action.UPDATE).order_by("-timestamp").first()
    assert update is not None
    assert update.changes_dict["skills"] == ["Tills", "Tills and stock"]
    assert all(e.additional_data == {"person_id": person.pk} for e in entries)
