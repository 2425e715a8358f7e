"""The job coach's pages: the episode page and its forms, proposing a package change,
approvals, and the "Due" section of My work."""

from __future__ import annotations

import datetime as dt
from html import escape

import pytest
from django.utils import timezone

from pathways.casework import services
from pathways.casework.models import Activity, EndReason, LongTermReview, Package, StageEntry
from pathways.core import audit
from pathways.core.models import Role
from tests.factories import EpisodeFactory, PersonFactory, staff

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate  # called in each test: a run may cross midnight


def url(episode, action=""):
    return f"/episodes/{episode.pk}/{action}"


def date_parts(prefix: str, name: str, day: dt.date) -> dict[str, str]:
    key = f"{prefix}-{name}" if prefix else name
    return {f"{key}_0": str(day.day), f"{key}_1": str(day.month), f"{key}_2": str(day.year)}


def activity_data(**overrides) -> dict[str, str]:
    data = {
        "activity-kind": "phone",
        "activity-with_whom": "person",
        "activity-minutes": "20",
        "activity-notes": "Talked about the warehouse job",
        **date_parts("activity", "occurred_on", TODAY()),
    }
    data.update(overrides)
    return data


def propose(user, episode, element="transitional", work_entry=False, reason="Agreed with Sam"):
    return services.propose_package(
        user, episode, work_entry=work_entry, supported_element=element, reason=reason
    )


@pytest.fixture
def sam(team):
    return PersonFactory(
        authority=team.authority,
        given_name="Sam",
        family_name="Patel",
        communication_needs="Easy read; short sentences",
    )


@pytest.fixture
def episode(team, coach, sam):
    return EpisodeFactory(
        team=team, worker=coach, person=sam, started_on=TODAY() - dt.timedelta(days=40)
    )


@pytest.fixture
def with_history(coach, approver, episode):
    """An approved transitional package, an activity, and a pending change."""
    services.approve_package(approver, propose(coach, episode, work_entry=True))
    services.record_activity(
        coach,
        episode,
        kind="meeting",
        occurred_on=TODAY() - dt.timedelta(days=3),
        with_whom="person",
        minutes=45,
        notes="Looked at the café vacancy",
    )
    services.reject_package(
        approver, propose(coach, episode, "long_term", reason="Too soon"), reason="Not yet"
    )
    propose(coach, episode, "long_term", reason="Sam needs support for longer")
    return episode


def page(client, user, episode):
    client.force_login(user)
    response = client.get(url(episode))
    assert response.status_code == 200
    return response.content.decode()


class TestEpisodePage:
    def test_shows_person_package_history_and_timeline(self, client, coach, with_history):
        html = page(client, coach, with_history)
        assert "Communication needs: Easy read; short sentences" in html
        assert f'href="/people/{with_history.person_id}/"' in html
        assert "Work entry and Transitional supported employment" in html
        assert "Transitional support ends" in html and "days left" in html
        # The history: approved, rejected (with its reason) and the pending change.
        assert "Approved (current)" in html and "Rejected" in html and "Decision: Not yet" in html
        assert "Change awaiting approval" in html and "Sam needs support for longer" in html
        assert "Looked at the café vacancy" in html and "Meeting" in html
        # The coach works the case but does not decide packages.
        assert "Record an activity" in html and "Change stage" in html
        assert "Close this episode" in html
        assert "Approve change" not in html and "Reject change" not in html
        # A change is already pending: no second proposal.
        assert "Propose a package change" not in html

    def test_returner_shows_the_previous_episode(self, client, coach, team, sam, episode):
        before = EpisodeFactory(
            team=team,
            person=sam,
            started_on=dt.date(2022, 1, 1),
            ended_on=dt.date(2023, 1, 31),
            end_reason=EndReason.MOVED_AWAY,
        )
        episode.previous = before
        episode.save()
        html = page(client, coach, episode)
        assert "Returning: previous episode" in html and before.episode_ref in html
        assert "ended 31 January 2023" in html

    def test_viewing_is_an_audited_read(self, client, coach, episode):
        page(client, coach, episode)
        entry = audit.person_trail(episode.person).get(
            actor=coach, additional_data__what=f"episode {episode.episode_ref}"
        )
        assert entry.additional_data["outcome"] == audit.ALLOWED
        assert entry.additional_data["channel"] == "web"

    def test_another_teams_coach_gets_404_and_a_denied_entry(self, client, other_team, episode):
        stranger = staff(Role.EMPLOYMENT_SPECIALIST, other_team, email="stranger@example.org")
        client.force_login(stranger)
        assert client.get(url(episode)).status_code == 404
        assert client.post(url(episode, "activities/"), activity_data()).status_code == 404
        denied = audit.person_trail(episode.person).filter(
            actor=stranger, additional_data__outcome=audit.DENIED
        )
        assert denied.count() == 2
        assert denied.first().additional_data["what"] == f"episode {episode.episode_ref}"
        assert not Activity.objects.exists()

    def test_a_refused_action_is_on_the_persons_trail(self, client, approver, episode):
        """Like a refused look, a refused change is recorded for the data protection
        officer, with what was tried."""
        client.force_login(approver)
        assert client.post(url(episode, "activities/"), activity_data()).status_code == 403
        [denied] = audit.person_trail(episode.person).filter(
            actor=approver, additional_data__outcome=audit.DENIED
        )
        assert denied.additional_data["what"] == (
            f"episode {episode.episode_ref} (may read, not work)"
        )

    def test_a_viewer_who_may_not_work_sees_no_forms_and_gets_403(self, client, approver, episode):
        html = page(client, approver, episode)
        assert "Record an activity" not in html and "Change stage" not in html
        assert "Close this episode" not in html and "Propose a package change" not in html
        assert client.post(url(episode, "activities/"), activity_data()).status_code == 403
        assert client.get(url(episode, "package/")).status_code == 403
        assert not Activity.objects.exists()

    def test_the_person_page_links_to_the_episode(self, client, coach, episode):
        client.force_login(coach)
        html = client.get(f"/people/{episode.person_id}/").content.decode()
        assert f'href="/episodes/{episode.pk}/"' in html


class TestForms:
    def test_change_stage(self, client, coach, episode):
        client.force_login(coach)
        data = {
            "stage-stage": "job_finding",
            "stage-version": str(episode.version),
            **date_parts("stage", "entered_on", TODAY()),
        }
        response = client.post(url(episode, "stage/"), data, follow=True)
        assert response.redirect_chain == [(url(episode), 302)]
        assert "Stage changed to Job finding." in response.content.decode()
        episode.refresh_from_db()
        assert episode.stage == "job_finding"
        assert StageEntry.objects.get(episode=episode).entered_on == TODAY()

    def test_change_stage_to_the_same_stage_is_an_error(self, client, coach, episode):
        client.force_login(coach)
        data = {
            "stage-stage": "engagement",
            "stage-version": str(episode.version),
            **date_parts("stage", "entered_on", TODAY()),
        }
        response = client.post(url(episode, "stage/"), data)
        assert response.status_code == 400
        html = response.content.decode()
        assert "There is a problem" in html and "already at Engagement" in html
        assert "<title>Error: " in html

    def test_a_stale_version_is_refused_with_409(self, client, coach, episode):
        client.force_login(coach)
        data = {
            "stage-stage": "job_finding",
            "stage-version": str(episode.version - 1),
            **date_parts("stage", "entered_on", TODAY()),
        }
        response = client.post(url(episode, "stage/"), data)
        assert response.status_code == 409
        assert "Someone else changed this episode" in response.content.decode()

    def test_record_an_activity_with_the_person(self, client, coach, episode):
        client.force_login(coach)
        response = client.post(url(episode, "activities/"), activity_data(), follow=True)
        html = response.content.decode()
        assert f"Phone call on {TODAY():%-d %B %Y} added to the timeline." in html
        assert "Talked about the warehouse job" in html
        activity = Activity.objects.get(episode=episode)
        assert (activity.minutes, activity.recorded_by) == (20, coach)
        episode.refresh_from_db()
        assert episode.last_contact_on == TODAY()

    def test_an_activity_without_a_kind_or_in_the_future_is_an_error(self, client, coach, episode):
        client.force_login(coach)
        tomorrow = TODAY() + dt.timedelta(days=1)
        data = activity_data(
            **{"activity-kind": ""}, **date_parts("activity", "occurred_on", tomorrow)
        )
        response = client.post(url(episode, "activities/"), data)
        assert response.status_code == 400
        html = response.content.decode()
        assert 'href="#id_activity-kind"' in html and "Choose what was done" in html
        assert "The date of the activity must be today or in the past" in html
        assert "Talked about the warehouse job" in html  # what was typed survives
        assert not Activity.objects.exists()

    def test_record_a_review_of_long_term_support(self, client, coach, approver, episode):
        services.approve_package(approver, propose(coach, episode, "long_term"))
        client.force_login(coach)
        assert "Record a review" in client.get(url(episode)).content.decode()
        data = {
            "review-support_still_right": "yes",
            "review-notes": "Going well",
            **date_parts("review", "reviewed_on", TODAY()),
        }
        response = client.post(url(episode, "reviews/"), data, follow=True)
        assert "Review of long-term support on" in response.content.decode()
        review = LongTermReview.objects.get(episode=episode)
        assert review.support_still_right and review.reviewer == coach

    def test_a_review_needs_an_answer(self, client, coach, approver, episode):
        services.approve_package(approver, propose(coach, episode, "long_term"))
        client.force_login(coach)
        response = client.post(
            url(episode, "reviews/"), date_parts("review", "reviewed_on", TODAY())
        )
        assert response.status_code == 400
        assert "Choose whether long-term support is still right" in response.content.decode()
        assert not LongTermReview.objects.exists()

    def test_an_imported_review_without_reviewer_or_answer_shows(
        self, client, coach, approver, episode
    ):
        services.approve_package(approver, propose(coach, episode, "long_term"))
        LongTermReview.objects.create(episode=episode, reviewed_on=TODAY(), notes="Imported")
        html = page(client, coach, episode)
        assert "whether support is still right was not recorded" in html
        assert " by None" not in html

    def test_no_review_form_without_long_term_support(self, client, coach, episode):
        assert "Record a review" not in page(client, coach, episode)

    def test_close_the_episode(self, client, coach, episode):
        client.force_login(coach)
        data = {
            "close-reason": EndReason.WITHDREW,
            "close-notes": "Sam wants a break",
            "close-version": str(episode.version),
            **date_parts("close", "ended_on", TODAY()),
        }
        response = client.post(url(episode, "close/"), data, follow=True)
        html = response.content.decode()
        assert f"Episode {episode.episode_ref} closed: Withdrew." in html
        assert "This episode is closed" in html
        episode.refresh_from_db()
        assert (episode.ended_on, episode.end_reason) == (TODAY(), EndReason.WITHDREW)

    def test_closing_needs_a_reason(self, client, coach, episode):
        client.force_login(coach)
        data = {"close-version": str(episode.version), **date_parts("close", "ended_on", TODAY())}
        response = client.post(url(episode, "close/"), data)
        assert response.status_code == 400
        assert "Choose why support is ending" in response.content.decode()
        episode.refresh_from_db()
        assert episode.is_open


class TestClosedEpisode:
    @pytest.fixture
    def closed(self, coach, episode):
        return services.close_episode(coach, episode, reason=EndReason.MOVED_AWAY, on=TODAY())

    def test_shows_as_closed_with_no_forms(self, client, coach, closed):
        html = page(client, coach, closed)
        assert "This episode is closed" in html and "Moved away" in html
        assert '<form method="post" action="/episodes/' not in html
        assert "Propose a package change" not in html

    def test_posts_are_refused_with_the_message(self, client, coach, closed):
        client.force_login(coach)
        response = client.post(url(closed, "activities/"), activity_data())
        assert response.status_code == 400
        assert "This episode is closed and cannot be changed." in response.content.decode()
        assert not Activity.objects.exists()
        response = client.post(
            url(closed, "package/"),
            {"supported_element": "transitional", "reason": "More support"},
        )
        assert response.status_code == 400
        assert "This episode is closed and cannot be changed." in response.content.decode()
        assert not Package.objects.exists()


class TestProposeAndDecide:
    def test_the_page_explains_the_rules(self, client, coach, episode):
        client.force_login(coach)
        html = client.get(url(episode, "package/")).content.decode()
        assert "up to two years" in html
        assert f"every {episode.team.review_interval_days} days" in html
        assert "never combined" in html and "an approver" in html

    def test_propose_transitional(self, client, coach, episode):
        client.force_login(coach)
        data = {"work_entry": "on", "supported_element": "transitional", "reason": "Agreed"}
        response = client.post(url(episode, "package/"), data, follow=True)
        assert response.redirect_chain == [(url(episode), 302)]
        assert "Package change proposed: Work entry and Transitional" in response.content.decode()
        package = Package.objects.get(episode=episode)
        assert package.status == Package.Status.PROPOSED and package.work_entry
        assert package.transitional_ends_on == services.add_years(TODAY(), 2)

    def test_a_package_needs_an_element(self, client, coach, episode):
        client.force_login(coach)
        response = client.post(
            url(episode, "package/"), {"supported_element": "none", "reason": "r"}
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "Choose work entry, a supported-employment element, or both" in html
        assert not Package.objects.exists()

    def test_an_approver_approves(self, client, coach, approver, episode):
        package = propose(coach, episode)
        html = page(client, approver, episode)
        assert "Approve change" in html and "Reject change" in html
        response = client.post(
            url(episode, f"package/{package.pk}/approve/"), {"approve-reason": "Fine"}, follow=True
        )
        html = response.content.decode()
        assert "Package change approved: Transitional supported employment." in html
        package.refresh_from_db()
        assert (package.status, package.decided_by) == (Package.Status.APPROVED, approver)
        assert "Change awaiting approval" not in html

    def test_an_approver_rejects_with_a_reason(self, client, coach, approver, episode):
        package = propose(coach, episode)
        client.force_login(approver)
        reject = url(episode, f"package/{package.pk}/reject/")
        response = client.post(reject, {"reject-reason": ""})
        assert response.status_code == 400
        assert "Enter the reason for rejecting the change" in response.content.decode()
        response = client.post(reject, {"reject-reason": "Talk to Sam first"}, follow=True)
        assert "Package change rejected" in response.content.decode()
        package.refresh_from_db()
        assert package.status == Package.Status.REJECTED
        assert package.decision_reason == "Talk to Sam first"

    def test_the_proposer_cannot_approve_their_own_change(self, client, manager, episode):
        package = propose(manager, episode)
        html = page(client, manager, episode)
        assert "Approve change" not in html
        assert "You proposed this change: someone else must approve it." in html
        response = client.post(url(episode, f"package/{package.pk}/approve/"), {})
        assert response.status_code == 400
        assert "Someone other than the proposer must approve" in response.content.decode()
        package.refresh_from_db()
        assert package.status == Package.Status.PROPOSED

    def test_the_coach_cannot_decide(self, client, coach, manager, episode):
        package = propose(manager, episode)
        html = page(client, coach, episode)
        assert "Approve change" not in html and "Reject change" not in html
        assert client.post(url(episode, f"package/{package.pk}/approve/"), {}).status_code == 403
        reject = url(episode, f"package/{package.pk}/reject/")
        response = client.post(reject, {"reject-reason": "x"})
        assert response.status_code == 403
        package.refresh_from_db()
        assert package.status == Package.Status.PROPOSED

    def test_approvals_page_lists_the_change_for_the_approver_only(
        self, client, coach, approver, episode
    ):
        propose(coach, episode)
        client.force_login(approver)
        html = client.get("/episodes/approvals/").content.decode()
        assert f'href="/episodes/{episode.pk}/"' in html
        assert "Transitional supported employment" in html and str(coach) in html
        assert 'href="/episodes/approvals/" aria-current="page"' in html  # in the menu
        home = client.get("/").content.decode()
        assert "1 package change is waiting for your approval" in home

        client.force_login(coach)
        html = client.get("/episodes/approvals/").content.decode()
        assert f'href="/episodes/{episode.pk}/"' not in html
        assert 'class="govuk-service-navigation__link" href="/episodes/approvals/"' not in html
        assert "waiting for your approval" not in client.get("/").content.decode()


class TestMyWork:
    def test_a_due_no_contact_item_goes_once_the_person_is_contacted(self, client, coach, episode):
        client.force_login(coach)
        html = client.get("/").content.decode()
        due = html[html.index('id="due"') : html.index("My cases")]
        started = episode.started_on
        assert "No contact" in due
        assert f"No contact recorded since support started on {started:%-d %b %Y}" in due
        assert escape(episode.person.full_name) in due
        assert f'href="/episodes/{episode.pk}/"' in due
        assert "Overdue" in due  # due on day 31, 40 days in

        client.post(url(episode, "activities/"), activity_data())
        html = client.get("/").content.decode()
        due = html[html.index('id="due"') : html.index("My cases")]
        assert "Nothing is due today." in due

    def test_contact_with_someone_else_does_not_clear_it(self, client, coach, episode):
        client.force_login(coach)
        client.post(url(episode, "activities/"), activity_data(**{"activity-with_whom": "family"}))
        html = client.get("/").content.decode()
        assert "No contact recorded since support started" in html

    def test_my_cases_link_to_the_episode(self, client, coach, episode):
        client.force_login(coach)
        html = client.get("/").content.decode()
        cases = html[html.index("My cases") :]
        assert f'href="/episodes/{episode.pk}/"' in cases
