"""Nothing in an episode is dated before it began, and transitional support past its
two-year limit is refused: in the services, so the pages and the API obey them too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pathways.casework import services
from pathways.casework.models import Activity, LongTermReview, Package, StageEntry
from tests.api.conftest import client_for
from tests.factories import EpisodeFactory

pytestmark = pytest.mark.django_db


# Worked out in each test, not at import: a run may cross midnight.
def TODAY() -> dt.date:
    return timezone.localdate()


def BEGAN() -> dt.date:
    return TODAY() - dt.timedelta(days=40)


def DAY_BEFORE() -> dt.date:
    return BEGAN() - dt.timedelta(days=1)


def FIRST_DAY() -> str:
    return f"{BEGAN():%-d %B %Y}"


@pytest.fixture
def episode(team, coach):
    return EpisodeFactory(team=team, worker=coach, started_on=BEGAN())


@pytest.fixture
def long_term(coach, approver, episode):
    package = services.propose_package(
        coach, episode, work_entry=False, supported_element="long_term", reason="r", on=BEGAN()
    )
    services.approve_package(approver, package, on=BEGAN())
    return episode


def activity(coach, episode, day):
    return services.record_activity(
        coach, episode, kind="phone", occurred_on=day, with_whom="person"
    )


def parts(prefix: str, name: str, day: dt.date) -> dict[str, str]:
    key = f"{prefix}-{name}" if prefix else name
    return {f"{key}_0": str(day.day), f"{key}_1": str(day.month), f"{key}_2": str(day.year)}


class TestServices:
    def test_an_activity_on_the_first_day_is_recorded_and_the_day_before_is_refused(
        self, coach, episode
    ):
        assert activity(coach, episode, BEGAN()).occurred_on == BEGAN()
        with pytest.raises(ValidationError) as refused:
            activity(coach, episode, DAY_BEFORE())
        assert refused.value.message_dict == {
            "occurred_on": [
                f"The date of the activity must be on or after {FIRST_DAY()}, "
                "when this episode of support began"
            ]
        }
        assert Activity.objects.count() == 1

    def test_a_stage_on_the_first_day_is_recorded_and_the_day_before_is_refused(
        self, coach, episode
    ):
        with pytest.raises(ValidationError, match="date the stage began must be on or after"):
            services.change_stage(coach, episode, stage="job_finding", on=DAY_BEFORE())
        assert not StageEntry.objects.exists()
        services.change_stage(coach, episode, stage="job_finding", on=BEGAN())
        assert StageEntry.objects.get().entered_on == BEGAN()

    def test_a_stage_cannot_begin_in_the_future(self, coach, episode):
        with pytest.raises(ValidationError, match="cannot be in the future"):
            services.change_stage(
                coach, episode, stage="job_finding", on=TODAY() + dt.timedelta(days=1)
            )
        episode.refresh_from_db()
        assert episode.stage == "engagement"

    def test_a_review_on_the_first_day_is_recorded_and_the_day_before_is_refused(
        self, coach, long_term
    ):
        with pytest.raises(ValidationError, match="date of the review must be on or after"):
            services.record_review(
                coach, long_term, reviewed_on=DAY_BEFORE(), support_still_right=True
            )
        services.record_review(coach, long_term, reviewed_on=BEGAN(), support_still_right=True)
        assert LongTermReview.objects.get().reviewed_on == BEGAN()


class TestPages:
    def test_a_review_dated_before_the_episode_is_an_error_on_its_date(
        self, client, coach, long_term
    ):
        client.force_login(coach)
        data = {"review-support_still_right": "yes", **parts("review", "reviewed_on", DAY_BEFORE())}
        response = client.post(f"/episodes/{long_term.pk}/reviews/", data)
        assert response.status_code == 400
        html = response.content.decode()
        assert 'href="#id_review-reviewed_on_0"' in html  # the summary links to the date
        assert f"The date of the review must be on or after {FIRST_DAY()}" in html
        assert not LongTermReview.objects.exists()

    def test_an_activity_on_the_first_day_is_added_and_the_day_before_is_an_error(
        self, client, coach, episode
    ):
        client.force_login(coach)
        data = {"activity-kind": "phone", "activity-with_whom": "person"}
        response = client.post(
            f"/episodes/{episode.pk}/activities/",
            {**data, **parts("activity", "occurred_on", DAY_BEFORE())},
        )
        assert response.status_code == 400
        assert f"must be on or after {FIRST_DAY()}" in response.content.decode()
        response = client.post(
            f"/episodes/{episode.pk}/activities/",
            {**data, **parts("activity", "occurred_on", BEGAN())},
            follow=True,
        )
        assert f"Phone call on {FIRST_DAY()} added to the timeline." in response.content.decode()

    def test_transitional_support_past_two_years_is_an_error_on_its_end_date(
        self, client, coach, episode
    ):
        client.force_login(coach)
        eight_years = TODAY().replace(year=TODAY().year + 8, day=1)
        data = {
            "supported_element": "transitional",
            "reason": "Agreed with Sam",
            **parts("", "transitional_ends_on", eight_years),
        }
        response = client.post(f"/episodes/{episode.pk}/package/", data)
        assert response.status_code == 400
        html = response.content.decode()
        limit = services.transitional_limit(TODAY())
        assert "Transitional support runs for at most two years: end it on or before " in html
        assert f"{limit:%-d %B %Y}" in html
        assert 'href="#id_transitional_ends_on_0"' in html
        assert not Package.objects.exists()
        data.update(parts("", "transitional_ends_on", limit))
        response = client.post(f"/episodes/{episode.pk}/package/", data)
        assert response.status_code == 302
        assert Package.objects.get().transitional_ends_on == limit


class TestApi:
    def test_an_activity_before_the_episode_is_422_naming_its_date(self, coach, episode):
        response = client_for(coach).post(
            f"/api/v1/episodes/{episode.pk}/activities",
            {"kind": "phone", "occurred_on": DAY_BEFORE().isoformat(), "with_whom": "person"},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert "must be on or after" in response.json()["errors"]["occurred_on"]
        assert not Activity.objects.exists()

    def test_transitional_support_past_two_years_is_422_naming_its_end(self, coach, episode):
        response = client_for(coach).post(
            f"/api/v1/episodes/{episode.pk}/packages",
            {
                "supported_element": "transitional",
                "reason": "r",
                "transitional_ends_on": TODAY().replace(year=TODAY().year + 8, day=1).isoformat(),
            },
            content_type="application/json",
        )
        assert response.status_code == 422
        assert "at most two years" in response.json()["errors"]["transitional_ends_on"]
        assert not Package.objects.exists()
