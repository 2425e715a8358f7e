"""Appointments with the person: booking, changing, cancelling, and who may."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pathways.casework import appointments, services
from pathways.casework.models import Appointment
from pathways.casework.policy import appointment_policy
from pathways.core import audit
from pathways.core.errors import ConcurrentEdit, IllegalTransition, PermissionDenied
from pathways.core.models import Role
from tests.factories import EpisodeFactory, staff

pytestmark = pytest.mark.django_db


def at(days: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """``days`` from today at ``hour``:``minute``, local time (computed at run time)."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def book(actor, episode, **overrides) -> Appointment:
    fields = {
        "starts_at": at(3),
        "minutes": 45,
        "place": "Riverside Library, Main Street",
        "purpose": "Talk about your CV",
    }
    return appointments.book_appointment(actor, episode, **(fields | overrides))


@pytest.fixture
def stranger(other_team):
    return staff(Role.EMPLOYMENT_SPECIALIST, other_team, email="stranger@example.org")


@pytest.fixture
def appointment(coach, episode):
    return book(coach, episode)


def error_on(exc: pytest.ExceptionInfo, field: str) -> str:
    return " ".join(exc.value.message_dict[field])


class TestBook:
    def test_booked_with_the_worker_by_default(self, coach, episode, appointment):
        appointment.refresh_from_db()
        assert appointment.status == Appointment.Status.BOOKED
        assert appointment.with_whom == coach and appointment.created_by == coach
        assert appointment.version == 1 and appointment.reminded_at is None
        assert appointment.ends_at == appointment.starts_at + dt.timedelta(minutes=45)

    def test_with_someone_else_in_the_team(self, coach, manager, episode):
        appointment = book(coach, episode, with_whom=manager)
        assert appointment.with_whom == manager

    def test_not_with_someone_outside_the_team(self, coach, stranger, episode):
        with pytest.raises(ValidationError) as exc:
            book(coach, episode, with_whom=stranger)
        assert "worker or someone in their team" in error_on(exc, "with_whom")

    def test_it_is_on_the_persons_audit_trail(self, episode, appointment):
        trail = audit.person_trail(episode.person)
        assert trail.filter(content_type__model="appointment").exists()

    def test_text_is_tidied(self, coach, episode):
        appointment = book(coach, episode, place="  Phone   call ", purpose=" Plan\nnext week ")
        assert appointment.place == "Phone call" and appointment.purpose == "Plan next week"

    def test_in_the_past_is_refused_on_the_date(self, coach, episode):
        with pytest.raises(ValidationError) as exc:
            book(coach, episode, starts_at=timezone.now() - dt.timedelta(minutes=5))
        assert "must be in the future" in error_on(exc, "starts_at")
        assert not Appointment.objects.exists()

    def test_more_than_a_year_ahead_is_refused(self, coach, episode):
        with pytest.raises(ValidationError) as exc:
            book(coach, episode, starts_at=at(400))
        assert "within a year" in error_on(exc, "starts_at")

    def test_before_the_episode_began_is_refused(self, coach, team):
        later = EpisodeFactory(
            team=team, worker=coach, started_on=timezone.localdate() + dt.timedelta(days=10)
        )
        with pytest.raises(ValidationError) as exc:
            book(coach, later, starts_at=at(5))
        assert "when this episode of support began" in error_on(exc, "starts_at")

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("place", "   ", "Enter where the appointment is"),
            ("purpose", "", "Enter what the appointment is for"),
            ("minutes", 0, "between 5 and 480 minutes"),
            ("minutes", 600, "between 5 and 480 minutes"),
            ("place", "x" * 201, "200 characters or fewer"),
        ],
    )
    def test_each_field_is_checked_by_name(self, coach, episode, field, value, message):
        with pytest.raises(ValidationError) as exc:
            book(coach, episode, **{field: value})
        assert message in error_on(exc, field)

    def test_a_closed_episode_is_refused(self, coach, manager, episode):
        services.close_episode(manager, episode, reason="withdrew", on=timezone.localdate())
        with pytest.raises(IllegalTransition, match="closed"):
            book(coach, episode)

    def test_someone_who_may_not_work_the_episode_is_refused(self, stranger, episode):
        with pytest.raises(PermissionDenied, match="worker or their team"):
            book(stranger, episode)
        assert not Appointment.objects.exists()

    def test_an_intake_officer_who_may_see_the_person_is_refused(self, intake, episode):
        with pytest.raises(PermissionDenied):
            book(intake, episode)


class TestChange:
    def test_a_new_time_moves_the_version_on(self, coach, appointment):
        changed = appointments.change_appointment(
            coach, appointment, expected_version=1, starts_at=at(4, 14, 30), place="Phone call"
        )
        changed.refresh_from_db()
        assert changed.starts_at == at(4, 14, 30) and changed.place == "Phone call"
        assert changed.version == 2

    def test_nothing_changed_keeps_the_version(self, coach, appointment):
        same = appointments.change_appointment(
            coach, appointment, expected_version=1, place=appointment.place
        )
        assert same.version == 1

    def test_a_stale_version_is_refused(self, coach, manager, appointment):
        appointments.change_appointment(manager, appointment, expected_version=1, minutes=30)
        with pytest.raises(ConcurrentEdit, match="Someone else changed this appointment"):
            appointments.change_appointment(coach, appointment, expected_version=1, minutes=90)
        appointment.refresh_from_db()
        assert appointment.minutes == 30 and appointment.version == 2

    def test_moving_it_into_the_past_is_refused(self, coach, appointment):
        with pytest.raises(ValidationError) as exc:
            appointments.change_appointment(
                coach, appointment, expected_version=1, starts_at=at(-1)
            )
        assert "future" in error_on(exc, "starts_at")

    def test_moving_it_means_reminding_again(self, coach, appointment):
        Appointment.objects.filter(pk=appointment.pk).update(reminded_at=timezone.now())
        appointment.refresh_from_db()
        moved = appointments.change_appointment(
            coach, appointment, expected_version=1, starts_at=at(6)
        )
        moved.refresh_from_db()
        assert moved.reminded_at is None

    def test_a_new_place_keeps_the_reminder_sent(self, coach, appointment):
        sent = timezone.now()
        Appointment.objects.filter(pk=appointment.pk).update(reminded_at=sent)
        appointment.refresh_from_db()
        appointments.change_appointment(coach, appointment, expected_version=1, place="Café")
        appointment.refresh_from_db()
        assert appointment.reminded_at == sent

    def test_a_cancelled_appointment_cannot_be_changed(self, coach, appointment):
        appointments.cancel_appointment(coach, appointment, expected_version=1, reason="Ill")
        with pytest.raises(IllegalTransition, match="cancelled"):
            appointments.change_appointment(coach, appointment, expected_version=2, minutes=20)

    def test_someone_else_is_refused(self, stranger, appointment):
        with pytest.raises(PermissionDenied):
            appointments.change_appointment(stranger, appointment, expected_version=1, minutes=5)

    def test_only_appointment_fields_change(self, coach, appointment):
        with pytest.raises(TypeError):
            appointments.change_appointment(coach, appointment, expected_version=1, status="done")


class TestCancel:
    def test_cancelled_with_a_reason(self, coach, appointment):
        appointments.cancel_appointment(
            coach, appointment, expected_version=1, reason="Sam is unwell"
        )
        appointment.refresh_from_db()
        assert appointment.status == Appointment.Status.CANCELLED
        assert appointment.cancelled_reason == "Sam is unwell" and appointment.version == 2

    def test_a_reason_is_needed(self, coach, appointment):
        with pytest.raises(ValidationError) as exc:
            appointments.cancel_appointment(coach, appointment, expected_version=1, reason=" ")
        assert "why" in error_on(exc, "reason")
        appointment.refresh_from_db()
        assert appointment.status == Appointment.Status.BOOKED

    def test_a_stale_version_is_refused(self, coach, appointment):
        appointments.change_appointment(coach, appointment, expected_version=1, minutes=30)
        with pytest.raises(ConcurrentEdit):
            appointments.cancel_appointment(coach, appointment, expected_version=1, reason="x")

    def test_someone_else_is_refused(self, stranger, appointment):
        with pytest.raises(PermissionDenied):
            appointments.cancel_appointment(stranger, appointment, expected_version=1, reason="x")

    def test_on_a_closed_episode_is_refused(self, coach, manager, episode, appointment):
        services.close_episode(manager, episode, reason="withdrew", on=timezone.localdate())
        with pytest.raises(IllegalTransition, match="closed"):
            appointments.cancel_appointment(coach, appointment, expected_version=1, reason="x")


class TestDone:
    def test_not_before_it_starts(self, coach, appointment):
        with pytest.raises(IllegalTransition, match="not started"):
            appointments.mark_appointment_done(coach, appointment, expected_version=1)

    def test_once_it_has_started(self, coach, appointment):
        Appointment.objects.filter(pk=appointment.pk).update(starts_at=at(0, 0, 0))
        appointment.refresh_from_db()
        appointments.mark_appointment_done(coach, appointment, expected_version=1)
        appointment.refresh_from_db()
        assert appointment.status == Appointment.Status.DONE


class TestPolicy:
    def test_seen_with_the_episode(self, coach, stranger, appointment):
        assert appointment_policy.can(coach, "view", appointment)
        assert not appointment_policy.can(stranger, "view", appointment)

    def test_changed_by_whoever_works_the_episode(self, coach, manager, intake, appointment):
        assert appointment_policy.can(coach, "change", appointment)
        assert appointment_policy.can(manager, "change", appointment)
        assert not appointment_policy.can(intake, "change", appointment)
