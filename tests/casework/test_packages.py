"""Packages: the allowed combinations, approval, history and closed episodes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

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


LIMIT = dt.date(2026, 2, 1)  # two years from DAY
NEAR_LIMIT = LIMIT - dt.timedelta(days=30)  # the work queue asks for a decision


def transitional(coach, episode, ends_on, on=DAY):
    return services.propose_package(
        coach,
        episode,
        work_entry=False,
        supported_element="transitional",
        transitional_ends_on=ends_on,
        reason="Six more months",
        on=on,
    )


class TestClock:
    def test_extension_keeps_the_start_and_sets_a_new_end(self, coach, approver, episode):
        approved(coach, approver, episode, work_entry=False, supported_element="transitional")
        extension = transitional(coach, episode, dt.date(2026, 8, 1), on=NEAR_LIMIT)
        services.approve_package(approver, extension, on=NEAR_LIMIT)
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


class TestTwoYearLimit:
    """Transitional support ends at most two years after it began; only an extension of
    approved transitional support, near its end, goes further."""

    def test_the_limit_is_the_same_day_two_years_on(self):
        assert services.transitional_limit(dt.date(2026, 12, 4)) == dt.date(2028, 12, 4)
        assert services.transitional_limit(dt.date(2024, 2, 29)) == dt.date(2026, 2, 28)

    def test_new_support_may_end_on_the_limit_day(self, coach, episode):
        assert transitional(coach, episode, LIMIT).transitional_ends_on == LIMIT

    @pytest.mark.parametrize("ends_on", [LIMIT + dt.timedelta(days=1), dt.date(2032, 2, 1)])
    def test_new_support_may_not_end_after_it(self, coach, episode, ends_on):
        with pytest.raises(ValidationError) as refused:
            transitional(coach, episode, ends_on)
        assert refused.value.message_dict == {
            "transitional_ends_on": [
                "Transitional support runs for at most two years: end it on or before "
                "1 February 2026. Going past that is an extension, proposed once this "
                "support is approved and its two-year limit is near"
            ]
        }
        assert not Package.objects.exists()

    def test_from_a_leap_day_the_limit_is_28_february(self, coach, episode):
        leap = dt.date(2024, 2, 29)
        episode.started_on = leap
        episode.save()
        assert transitional(coach, episode, dt.date(2026, 2, 28), on=leap)
        Package.objects.all().delete()
        with pytest.raises(ValidationError, match="on or before 28 February 2026"):
            transitional(coach, episode, dt.date(2026, 3, 1), on=leap)

    def test_moving_to_transitional_from_long_term_starts_a_new_two_years(
        self, coach, approver, episode
    ):
        approved(coach, approver, episode, work_entry=False, supported_element="long_term")
        later = dt.date(2025, 1, 10)
        with pytest.raises(ValidationError, match="on or before 10 January 2027"):
            transitional(coach, episode, dt.date(2027, 1, 11), on=later)

    def test_an_extension_waits_until_the_limit_is_near(self, coach, approver, episode):
        approved(coach, approver, episode, work_entry=False, supported_element="transitional")
        too_soon = LIMIT - dt.timedelta(days=92)
        with pytest.raises(ValidationError, match="can be proposed from 2 November 2025"):
            transitional(coach, episode, dt.date(2026, 8, 1), on=too_soon)
        # The day the work queue first asks for a decision.
        assert transitional(coach, episode, dt.date(2026, 8, 1), on=too_soon + dt.timedelta(1))

    def test_an_extension_runs_at_most_two_years_past_the_current_end(
        self, coach, approver, episode
    ):
        approved(coach, approver, episode, work_entry=False, supported_element="transitional")
        with pytest.raises(ValidationError, match="on or before 1 February 2028"):
            transitional(coach, episode, dt.date(2028, 2, 2), on=NEAR_LIMIT)
        extension = transitional(coach, episode, dt.date(2028, 2, 1), on=NEAR_LIMIT)
        services.approve_package(approver, extension, on=NEAR_LIMIT)
        assert services.current_package(episode).transitional_ends_on == dt.date(2028, 2, 1)

    def test_changing_work_entry_keeps_an_approved_extension(self, coach, approver, episode):
        approved(coach, approver, episode, work_entry=False, supported_element="transitional")
        services.approve_package(
            approver, transitional(coach, episode, dt.date(2026, 8, 1), on=NEAR_LIMIT)
        )
        change = services.propose_package(
            coach, episode, work_entry=True, supported_element="transitional", reason="r", on=LIMIT
        )
        assert change.transitional_ends_on == dt.date(2026, 8, 1)

    def test_an_approver_cannot_approve_support_past_the_limit(self, coach, approver, episode):
        """A proposal stored before the rule (or written around the service) is not
        approved: the limit is checked again at the decision."""
        package = Package.objects.create(
            episode=episode,
            supported_element="transitional",
            element_started_on=DAY,
            transitional_ends_on=dt.date(2034, 2, 1),
            reason="r",
            proposed_by=coach,
            proposed_on=DAY,
        )
        with pytest.raises(IllegalTransition, match="cannot be approved: Transitional support"):
            services.approve_package(approver, package, on=DAY)
        package.refresh_from_db()
        assert package.status == Package.Status.PROPOSED


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
