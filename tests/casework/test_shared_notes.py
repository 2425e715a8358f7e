"""Notes the coach shares with the person: ticked when recording or editing an
activity, and guarded against two people editing the same entry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pathways.casework import services
from pathways.casework.models import Activity
from pathways.core.errors import IllegalTransition
from pathways.core.models import Role
from tests.factories import EpisodeFactory, staff

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def episode(team, coach):
    return EpisodeFactory(team=team, worker=coach, started_on=today() - dt.timedelta(days=60))


@pytest.fixture
def activity(episode, coach):
    return services.record_activity(
        coach,
        episode,
        kind="meeting",
        occurred_on=today() - dt.timedelta(days=5),
        with_whom="person",
        notes="Talked about the café job",
    )


def form(**changes):
    day = today() - dt.timedelta(days=5)
    data = {
        "activity-kind": "meeting",
        "activity-occurred_on_0": day.day,
        "activity-occurred_on_1": day.month,
        "activity-occurred_on_2": day.year,
        "activity-with_whom": "person",
        "activity-minutes": "30",
        "activity-notes": "You did well at the interview.",
    }
    data.update(changes)
    return data


def edit_form(activity, **changes):
    data = {k.removeprefix("activity-"): v for k, v in form(**changes).items()}
    return {"version": activity.version, **data}


class TestSharing:
    def test_a_note_is_not_shared_unless_the_coach_says_so(self, activity):
        assert activity.shared_with_person is False

    def test_the_coach_shares_a_note_when_recording_it(self, client, episode, coach):
        client.force_login(coach)
        response = client.post(
            f"/episodes/{episode.pk}/activities/", form(**{"activity-shared_with_person": "on"})
        )
        assert response.status_code == 302
        activity = Activity.objects.get()
        assert activity.shared_with_person
        html = client.get(f"/episodes/{episode.pk}/").content.decode()
        assert "Its note is shared with the person." in html
        assert "Shared with the person" in html

    def test_sharing_an_empty_note_is_refused_on_the_notes(self, client, episode, coach):
        client.force_login(coach)
        response = client.post(
            f"/episodes/{episode.pk}/activities/",
            form(**{"activity-shared_with_person": "on", "activity-notes": ""}),
        )
        assert response.status_code == 400
        assert "Write the note to share it with the person" in response.content.decode()
        assert not Activity.objects.exists()


class TestEditing:
    def url(self, activity):
        return f"/episodes/{activity.episode_id}/activities/{activity.pk}/edit/"

    def test_the_coach_shares_an_existing_note_and_stops_sharing_it(self, client, activity, coach):
        client.force_login(coach)
        page = client.get(self.url(activity)).content.decode()
        assert "Talked about the café job" in page and "Share this note with the person" in page
        response = client.post(
            self.url(activity),
            edit_form(activity, **{"activity-shared_with_person": "on"}),
        )
        assert response.status_code == 302
        assert response["Location"].endswith("#timeline")
        activity.refresh_from_db()
        assert activity.shared_with_person and activity.version == 2
        assert activity.notes == "You did well at the interview."
        client.post(self.url(activity), edit_form(activity))
        activity.refresh_from_db()
        assert not activity.shared_with_person and activity.version == 3

    def test_the_episode_page_links_each_entry_to_its_edit_page(self, client, activity, coach):
        client.force_login(coach)
        html = client.get(f"/episodes/{activity.episode_id}/").content.decode()
        assert f'href="{self.url(activity)}"' in html

    def test_a_stale_version_is_refused_with_409(self, client, activity, coach):
        client.force_login(coach)
        stale = edit_form(activity, **{"activity-shared_with_person": "on"})
        services.edit_activity(
            coach, activity, expected_version=activity.version, notes="Changed by someone"
        )
        response = client.post(self.url(activity), stale)
        assert response.status_code == 409
        assert "Someone else changed this activity" in response.content.decode()
        activity.refresh_from_db()
        assert activity.notes == "Changed by someone" and not activity.shared_with_person

    def test_someone_who_may_not_work_the_case_is_refused(self, client, activity, team):
        approver = staff(Role.PACKAGE_APPROVER, team)
        client.force_login(approver)
        assert client.get(self.url(activity)).status_code == 403
        response = client.post(
            self.url(activity), edit_form(activity, **{"activity-shared_with_person": "on"})
        )
        assert response.status_code == 403
        with pytest.raises(PermissionDenied):
            services.edit_activity(approver, activity, expected_version=1, shared_with_person=True)
        activity.refresh_from_db()
        assert not activity.shared_with_person

    def test_another_episodes_activity_is_not_found(self, client, activity, coach, team):
        other = EpisodeFactory(team=team, worker=coach)
        client.force_login(coach)
        response = client.get(f"/episodes/{other.pk}/activities/{activity.pk}/edit/")
        assert response.status_code == 404

    def test_a_closed_episodes_activity_cannot_change(self, activity, coach, episode):
        episode.ended_on = today()
        episode.end_reason = "withdrew"
        episode.save()
        with pytest.raises(IllegalTransition, match="closed"):
            services.edit_activity(coach, activity, expected_version=1, shared_with_person=True)

    def test_a_future_date_is_refused_on_its_field(self, activity, coach):
        with pytest.raises(ValidationError) as refused:
            services.edit_activity(
                coach,
                activity,
                expected_version=1,
                occurred_on=today() + dt.timedelta(days=1),
            )
        assert "cannot be in the future" in refused.value.message_dict["occurred_on"][0]

    def test_a_later_contact_moves_last_contact_on(self, activity, coach, episode):
        services.edit_activity(coach, activity, expected_version=1, occurred_on=today())
        episode.refresh_from_db()
        assert episode.last_contact_on == today()
