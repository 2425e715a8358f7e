"""Packages: the allowed combinations, approval, history and closed episodes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from pathways.casework import services
from pathways.casework.models import EndReason, Package
from pathways.core.errors import IllegalTransition
from pathways.core.models import Role
from tests.factories import EpisodeFactory, staff

pytestmark = pytest.mark.django_db
DAY = dt.date(2024, 2, 1)


def approved(coach, approver, episode, **kwargs):
    package = services.propose_package(coach, episode, reason="Agreed with Sam", on=DAY, **kwargs)
    return services.approve_package(approver, package, on=DAY)


class TestCombinations:
    @pytest.mark.parametrize(
        ("work_entry", "element"),
        [
            (True, ""),
            (False, "transitional"),
            (False, "long_term"),
            (True, "transitional"),
            (True, "long_term"),
        ],
    )
    def test_allowed(self, coach, episode, work_entry, element):
        package = services.propose_package(
            coach,
            episode,
            work_entry=work_entry,
            supported_element=element,
            reason="r",
            on=DAY,
        )
        assert package.status == Package.Status.PROPOSED

    def test_nothing_is_not_a_package(self, coach, episode):
        with pytest.raises(IllegalTransition, match="needs work entry"):
            services.propose_package(
                coach, episode, work_entry=False, supported_element="", reason="r", on=DAY
            )

    def test_transitional_and_long_term_together_are_impossible(self, coach, episode):
        with pytest.raises(IllegalTransition, match="Unknown"):
            services.propose_package(
                coach,
                episode,
                work_entry=True,
                supported_element="transitional;long_term",
                reason="r",
                on=DAY,
            )

    def test_a_reason_is_required(self, coach, episode):
        with pytest.raises(IllegalTransition, match="reason"):
            services.propose_package(
                coach, episode, work_entry=True, supported_element="", reason=" ", on=DAY
            )


class TestApproval:
    def test_a_proposal_is_not_the_package_until_approved(self, coach, approver, episode):
        package = services.propose_package(
            coach, episode, work_entry=True, supported_element="transitional", reason="r", on=DAY
        )
        assert services.current_package(episode) is None
        services.approve_package(approver, package, on=DAY)
        current = services.current_package(episode)
        assert current == package
        assert current.element_started_on == DAY
        assert current.transitional_ends_on == dt.date(2026, 2, 1)

    def test_nobody_approves_their_own_change(self, manager, episode):
        package = services.propose_package(
            manager, episode, work_entry=True, supported_element="", reason="r", on=DAY
        )
        with pytest.raises(IllegalTransition, match="other than the proposer"):
            services.approve_package(manager, package)

    def test_the_coach_cannot_approve(self, coach, manager, episode):
        package = services.propose_package(
            manager, episode, work_entry=True, supported_element="", reason="r", on=DAY
        )
        with pytest.raises(PermissionDenied):
            services.approve_package(coach, package)

    def test_an_approver_of_another_team_cannot_approve(self, coach, episode, other_team):
        outsider = staff(Role.PACKAGE_APPROVER, other_team)
        package = services.propose_package(
            coach, episode, work_entry=True, supported_element="", reason="r", on=DAY
        )
        with pytest.raises(PermissionDenied):
            services.approve_package(outsider, package)

    def test_rejection_needs_a_reason_and_keeps_the_old_package(self, coach, approver, episode):
        first = approved(coach, approver, episode, work_entry=True, supported_element="")
        change = services.propose_package(
            coach, episode, work_entry=True, supported_element="long_term", reason="r", on=DAY
        )
        with pytest.raises(IllegalTransition, match="reason"):
            services.reject_package(approver, change, reason="")
        services.reject_package(approver, change, reason="Try transitional first")
        assert services.current_package(episode) == first
        history = list(episode.packages.values_list("status", "decision_reason"))
        assert history == [("rejected", "Try transitional first"), ("approved", "")]

    def test_one_change_at_a_time(self, coach, episode):
        services.propose_package(
            coach, episode, work_entry=True, supported_element="", reason="r", on=DAY
        )
        with pytest.raises(IllegalTransition, match="already awaiting approval"):
            services.propose_package(
                coach, episode, work_entry=False, supported_element="long_term", reason="r", on=DAY
            )

    def test_deciding_twice_is_refused(self, coach, approver, episode):
        package = approved(coach, approver, episode, work_entry=True, supported_element="")
        with pytest.raises(IllegalTransition, match="approved already"):
            services.reject_package(approver, package, reason="Changed my mind")


class TestClock:
    def test_extension_keeps_the_start_and_sets_a_new_end(self, coach, approver, episode):
        approved(coach, approver, episode, work_entry=False, supported_element="transitional")
        extension = services.propose_package(
            coach,
            episode,
            work_entry=False,
            supported_element="transitional",
            transitional_ends_on=dt.date(2026, 8, 1),
            reason="Six more months",
            on=DAY,
        )
        services.approve_package(approver, extension, on=DAY)
        current = services.current_package(episode)
        assert current.element_started_on == DAY
        assert current.transitional_ends_on == dt.date(2026, 8, 1)

    def test_switching_to_long_term_starts_its_own_clock(self, coach, approver, episode):
        approved(coach, approver, episode, work_entry=False, supported_element="transitional")
        later = dt.date(2025, 12, 1)
        switch = services.propose_package(
            coach, episode, work_entry=False, supported_element="long_term", reason="r", on=later
        )
        services.approve_package(approver, switch, on=later)
        current = services.current_package(episode)
        assert current.element_started_on == later and current.transitional_ends_on is None

    def test_29_february_plus_two_years(self):
        assert services.add_years(dt.date(2024, 2, 29), 2) == dt.date(2026, 2, 28)


class TestClosedEpisodes:
    def test_a_closed_episode_cannot_be_changed(self, coach, episode):
        # Closed today: the team still sees it (the grace period), yet may not change it.
        services.close_episode(coach, episode, reason=EndReason.MOVED_AWAY)
        with pytest.raises(IllegalTransition, match="closed"):
            services.propose_package(
                coach, episode, work_entry=True, supported_element="", reason="r"
            )
        with pytest.raises(IllegalTransition, match="closed"):
            services.record_activity(
                coach, episode, kind="phone", occurred_on=DAY, with_whom="person"
            )
        with pytest.raises(IllegalTransition, match="closed"):
            services.close_episode(coach, episode, reason=EndReason.DIED)

    def test_closing_withdraws_a_pending_change(self, coach, episode):
        package = services.propose_package(
            coach, episode, work_entry=True, supported_element="", reason="r", on=DAY
        )
        services.close_episode(coach, episode, reason=EndReason.WITHDREW, on=DAY)
        package.refresh_from_db()
        assert package.status == Package.Status.WITHDRAWN

    def test_a_returner_is_linked_to_their_last_episode(self, intake, coach, team, episode):
        from pathways.referrals import services as referrals
        from tests.factories import ReferralFactory

        services.close_episode(coach, episode, reason=EndReason.IN_WORK_WITHOUT_SUPPORT, on=DAY)
        referral = ReferralFactory(team=team, person=episode.person, status="accepted")
        again = referrals.allocate(intake, referral, worker=coach)
        assert again.previous == episode and again.is_returner

    def test_a_second_open_episode_in_the_same_team_is_refused(self, intake, coach, team, episode):
        from pathways.referrals import services as referrals
        from tests.factories import ReferralFactory

        referral = ReferralFactory(team=team, person=episode.person, status="accepted")
        with pytest.raises(IllegalTransition, match="already has an open episode"):
            referrals.allocate(intake, referral, worker=coach)


def test_another_teams_coach_cannot_work_the_episode(episode, other_team):
    outsider = staff(Role.EMPLOYMENT_SPECIALIST, other_team)
    with pytest.raises(PermissionDenied):
        services.record_activity(
            outsider, episode, kind="phone", occurred_on=DAY, with_whom="person"
        )
    with pytest.raises(PermissionDenied):
        services.propose_package(
            outsider, episode, work_entry=True, supported_element="", reason="r"
        )


def test_stage_changes_are_dated(coach, episode):
    services.change_stage(coach, episode, stage="vocational_profiling", on=DAY)
    services.change_stage(coach, episode, stage="job_finding", on=DAY + dt.timedelta(days=20))
    episode.refresh_from_db()
    assert episode.stage == "job_finding"
    assert [(e.stage, e.entered_on) for e in episode.stage_entries.all()] == [
        ("vocational_profiling", DAY),
        ("job_finding", DAY + dt.timedelta(days=20)),
    ]
    with pytest.raises(IllegalTransition, match="already"):
        services.change_stage(coach, episode, stage="job_finding")


def test_contact_with_the_person_moves_last_contact(coach, episode):
    services.record_activity(
        coach, episode, kind="employer_contact", occurred_on=DAY, with_whom="employer"
    )
    episode.refresh_from_db()
    assert episode.last_contact_on is None
    services.record_activity(coach, episode, kind="phone", occurred_on=DAY, with_whom="person")
    services.record_activity(
        coach, episode, kind="meeting", occurred_on=DAY - dt.timedelta(days=3), with_whom="person"
    )
    episode.refresh_from_db()
    assert episode.last_contact_on == DAY


def test_returner_flag_is_false_for_a_first_episode(team):
    assert not EpisodeFactory(team=team).is_returner
