"""Feedback from the person ("How is it going?"): giving it, the milestones that prompt
it, the work queue's ``feedback`` kind and its notice, the staff page that marks it
answered, and who is refused (decision 0048)."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pathways.casework import feedback as services
from pathways.casework.models import Feedback, Feeling
from pathways.casework.selectors import feedback_prompts, work_queue
from pathways.core.errors import ActionRefused, IllegalTransition
from pathways.core.models import Role
from pathways.core.notifications import Notification
from tests.factories import EpisodeFactory, TeamFactory, staff
from tests.reporting.test_outcome_reports import place

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return dt.date.today()


@pytest.fixture
def episode(team, coach):
    return EpisodeFactory(team=team, worker=coach, started_on=today() - dt.timedelta(days=200))


@pytest.fixture
def person(episode):
    return episode.person


def feedback_items(user):
    return [i for i in work_queue(user, today()) if i.kind == "feedback"]


# --- giving feedback -----------------------------------------------------------------


class TestGiving:
    def test_it_is_kept_with_the_open_episode_and_its_team(self, person, episode, team):
        given = services.give_feedback(person, by=None, feeling="happy", words="")
        assert (given.episode, given.team, given.feeling) == (episode, team, Feeling.HAPPY)
        assert given.needs_reply is False

    def test_with_support_ended_it_goes_to_the_latest_episode(self, person, episode, team):
        episode.ended_on = today() - dt.timedelta(days=5)
        episode.end_reason = "withdrew"
        episode.save()
        older = EpisodeFactory(
            team=TeamFactory(authority=team.authority),
            person=person,
            started_on=today() - dt.timedelta(days=900),
            ended_on=today() - dt.timedelta(days=600),
        )
        given = services.give_feedback(person, by=None, feeling="okay")
        assert given.episode == episode != older

    def test_the_team_stays_when_the_case_moves(self, person, episode, team, other_team):
        given = services.give_feedback(person, by=None, feeling="happy")
        episode.team = other_team
        episode.save()
        given.refresh_from_db()
        assert given.team == team

    def test_someone_never_supported_is_refused(self, authority):
        from tests.factories import PersonFactory

        with pytest.raises(ActionRefused, match="support has not started"):
            services.give_feedback(PersonFactory(authority=authority), by=None, feeling="happy")

    def test_an_unknown_feeling_is_refused_on_its_field(self, person):
        with pytest.raises(ValidationError) as refused:
            services.give_feedback(person, by=None, feeling="furious")
        assert "happy, okay or not happy" in refused.value.message_dict["feeling"][0]
        assert not Feedback.objects.exists()

    def test_too_many_words_are_refused_on_their_field(self, person):
        with pytest.raises(ValidationError) as refused:
            services.give_feedback(person, by=None, feeling="okay", words="a" * 2001)
        assert "2000 letters or fewer" in refused.value.message_dict["words"][0]

    def test_an_unknown_milestone_is_refused(self, person):
        with pytest.raises(ValidationError) as refused:
            services.give_feedback(person, by=None, feeling="okay", prompted_by="birthday:1")
        assert "prompted_by" in refused.value.message_dict

    @pytest.mark.parametrize(
        ("feeling", "words", "needs"),
        [
            ("happy", "", False),
            ("okay", "  ", False),
            ("not_happy", "", True),
            ("happy", "Hi", True),
        ],
    )
    def test_not_happy_or_any_words_need_a_reply(self, person, feeling, words, needs):
        given = services.give_feedback(person, by=None, feeling=feeling, words=words)
        assert given.needs_reply is needs

    def test_it_is_on_the_persons_audit_trail(self, person):
        given = services.give_feedback(person, by=None, feeling="not_happy")
        entry = LogEntry.objects.get_for_object(given).get()
        assert entry.action == LogEntry.Action.CREATE
        assert entry.additional_data == {"person_id": person.pk}


# --- the work queue and the notice ---------------------------------------------------


class TestQueue:
    def test_feedback_needing_a_reply_is_in_the_workers_queue_until_answered(self, person, coach):
        given = services.give_feedback(person, by=None, feeling="not_happy", words="Too far")
        (item,) = feedback_items(coach)
        assert item.label == "Feedback that needs a reply"
        assert item.url == f"/feedback/{given.pk}/" or item.url.endswith(f"/feedback/{given.pk}/")
        assert item.due_on == today() + dt.timedelta(days=7) and not item.overdue
        assert "Said not happy and wrote to the team" in item.detail
        services.mark_feedback_answered(coach, given)
        assert feedback_items(coach) == []

    def test_happy_without_words_never_enters_the_queue(self, person, coach):
        services.give_feedback(person, by=None, feeling="happy")
        assert feedback_items(coach) == []

    def test_a_week_later_it_is_overdue(self, person, coach):
        services.give_feedback(
            person,
            by=None,
            feeling="not_happy",
            at=timezone.now() - dt.timedelta(days=8),
        )
        (item,) = feedback_items(coach)
        assert item.overdue

    def test_another_teams_worker_does_not_see_it(self, person, other_team):
        services.give_feedback(person, by=None, feeling="not_happy")
        stranger = staff(Role.EMPLOYMENT_SPECIALIST, other_team)
        assert feedback_items(stranger) == []

    def test_the_worker_is_told(self, person, coach):
        given = services.give_feedback(person, by=None, feeling="okay", words="Can we talk?")
        (notice,) = Notification.objects.filter(recipient=coach, kind="feedback")
        assert notice.link.endswith(f"/feedback/{given.pk}/")
        assert "need a reply" in notice.text

    def test_with_no_worker_the_team_is_told(self, person, episode, team, coach, manager):
        episode.worker = None
        episode.save()
        services.give_feedback(person, by=None, feeling="not_happy")
        told = set(Notification.objects.filter(kind="feedback").values_list("recipient", flat=True))
        assert told == {coach.pk, manager.pk}

    def test_happy_feedback_tells_nobody(self, person):
        services.give_feedback(person, by=None, feeling="happy")
        assert not Notification.objects.filter(kind="feedback").exists()

    def test_the_queue_reads_feedback_in_one_query_however_much(self, team, coach):
        def grow(n):
            for _ in range(n):
                e = EpisodeFactory(team=team, worker=coach, started_on=today())
                services.give_feedback(e.person, by=None, feeling="not_happy")

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        grow(2)
        feedback_items(coach)  # the user's scope, read once and kept
        with CaptureQueriesContext(connection) as small:
            assert len(feedback_items(coach)) == 2
        grow(8)
        with CaptureQueriesContext(connection) as large:
            assert len(feedback_items(coach)) == 10
        assert len(small.captured_queries) == len(large.captured_queries)


class TestAnswering:
    def test_someone_without_the_right_is_refused(self, person, other_team):
        given = services.give_feedback(person, by=None, feeling="not_happy")
        stranger = staff(Role.EMPLOYMENT_SPECIALIST, other_team)
        with pytest.raises(PermissionDenied):
            services.mark_feedback_answered(stranger, given)
        given.refresh_from_db()
        assert given.replied_at is None

    def test_a_package_approver_of_the_team_may_see_but_not_answer(self, person, team):
        given = services.give_feedback(person, by=None, feeling="not_happy")
        approver = staff(Role.PACKAGE_APPROVER, team)
        with pytest.raises(PermissionDenied):
            services.mark_feedback_answered(approver, given)

    def test_answering_twice_says_who_answered(self, person, coach, manager):
        given = services.give_feedback(person, by=None, feeling="not_happy")
        services.mark_feedback_answered(coach, given)
        with pytest.raises(IllegalTransition, match="already marked as answered by"):
            services.mark_feedback_answered(manager, given)

    def test_feedback_that_needs_no_reply_cannot_be_answered(self, person, coach):
        given = services.give_feedback(person, by=None, feeling="happy")
        with pytest.raises(IllegalTransition, match="does not need a reply"):
            services.mark_feedback_answered(coach, given)


# --- the milestones that prompt it ---------------------------------------------------


class TestPrompts:
    def test_a_job_started_this_week_prompts_once(self, person):
        job = place(person, today() - dt.timedelta(days=3))
        (prompt,) = feedback_prompts(person)
        assert prompt.key == f"job_start:{job.pk}"
        assert prompt.asks == "You started your job. How is it going?"
        services.give_feedback(person, by=None, feeling="happy", prompted_by=prompt.key)
        assert feedback_prompts(person) == []

    def test_feedback_at_any_time_does_not_clear_a_prompt(self, person):
        place(person, today() - dt.timedelta(days=3))
        services.give_feedback(person, by=None, feeling="happy")
        assert len(feedback_prompts(person)) == 1

    def test_thirteen_weeks_in_work_prompts(self, person):
        job = place(person, today() - dt.timedelta(days=7 * 13 + 2))
        (prompt,) = feedback_prompts(person)
        assert prompt.key == f"weeks_13:{job.pk}"
        assert prompt.label == "13 weeks in work"

    def test_a_milestone_long_past_no_longer_prompts(self, person):
        place(person, today() - dt.timedelta(days=7 * 13 + 40))
        assert feedback_prompts(person) == []

    def test_a_job_left_before_thirteen_weeks_does_not_prompt_for_them(self, person):
        start = today() - dt.timedelta(days=7 * 13 + 2)
        place(person, start, start + dt.timedelta(days=30))
        assert feedback_prompts(person) == []


# --- the staff page ------------------------------------------------------------------


class TestPage:
    def test_the_worker_reads_the_words_and_the_read_is_audited(self, client, person, coach):
        given = services.give_feedback(person, by=None, feeling="not_happy", words="Too far")
        client.force_login(coach)
        response = client.get(f"/feedback/{given.pk}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Too far" in html and "Mark as answered" in html
        assert LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS, additional_data__what=f"feedback {given.pk}"
        ).exists()

    def test_marking_it_answered_from_the_page(self, client, person, coach):
        given = services.give_feedback(person, by=None, feeling="not_happy")
        client.force_login(coach)
        response = client.post(f"/feedback/{given.pk}/", follow=True)
        assert "Marked as answered" in response.content.decode()
        given.refresh_from_db()
        assert given.replied_by == coach
        assert "Mark as answered" not in response.content.decode()

    def test_another_team_gets_not_found_and_it_is_audited(self, client, person, other_team):
        given = services.give_feedback(person, by=None, feeling="not_happy", words="Too far")
        client.force_login(staff(Role.EMPLOYMENT_SPECIALIST, other_team))
        response = client.get(f"/feedback/{given.pk}/")
        assert response.status_code == 404
        assert "Too far" not in response.content.decode()
        assert LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS, additional_data__outcome="denied"
        ).exists()
        assert client.post(f"/feedback/{given.pk}/").status_code == 404
        given.refresh_from_db()
        assert given.replied_at is None


def test_my_work_shows_feedback_that_needs_a_reply_with_a_link_to_it(client, person, coach):
    given = services.give_feedback(person, by=None, feeling="not_happy", words="Too far")
    client.force_login(coach)
    page = client.get("/").content.decode()
    assert "Feedback that needs a reply" in page
    assert f'href="/feedback/{given.pk}/"' in page
    assert "Too far" not in page  # the words are on its own page, read there and audited


def test_the_episode_page_lists_what_the_person_said(client, person, episode, coach):
    services.give_feedback(person, by=None, feeling="not_happy", words="Too far to go")
    client.force_login(coach)
    page = client.get(f"/episodes/{episode.pk}/").content.decode()
    assert "How is it going? What" in page
    assert "Not happy on" in page and "Needs a reply" in page and "Too far to go" in page
