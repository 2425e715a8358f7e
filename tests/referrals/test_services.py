"""Every front-door transition, the caseload cap and its override, and illegal moves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pathways.casework.models import Episode
from pathways.core.errors import CaseloadCapReached, ConcurrentEdit, IllegalTransition
from pathways.core.models import Role
from pathways.referrals import selectors, services
from pathways.referrals.models import Referral, Source, Status
from tests.factories import EpisodeFactory, PersonFactory, ReferralFactory, staff

pytestmark = pytest.mark.django_db


def fill_caseload(worker, team, n):
    for _ in range(n):
        EpisodeFactory(team=team, worker=worker)


class TestCreate:
    def test_intake_officer_logs_a_front_door_referral(self, intake, team):
        person = PersonFactory(authority=team.authority)
        referral = services.create_referral(
            intake,
            person=person,
            team=team,
            source=Source.ANNUAL_REVIEW,
            received_on=dt.date.today(),
        )
        assert referral.status == Status.RECEIVED
        assert referral.is_front_door
        assert referral.referral_ref.startswith("R")

    def test_second_open_referral_to_same_team_is_refused(self, intake, referral):
        with pytest.raises(IllegalTransition, match="already has an open referral"):
            services.create_referral(
                intake,
                person=referral.person,
                team=referral.team,
                source=Source.SELF,
                received_on=dt.date.today(),
            )

    def test_future_date_is_refused(self, intake, team):
        person = PersonFactory(authority=team.authority)
        with pytest.raises(IllegalTransition, match="future"):
            services.create_referral(
                intake,
                person=person,
                team=team,
                source=Source.SELF,
                received_on=dt.date.today() + dt.timedelta(days=1),
            )

    def test_person_from_another_authority_is_refused(self, intake, team):
        stranger = PersonFactory()
        with pytest.raises((IllegalTransition, PermissionDenied)):
            services.create_referral(
                intake,
                person=stranger,
                team=team,
                source=Source.SELF,
                received_on=dt.date.today(),
            )

    def test_commissioner_cannot_refer(self, team):
        commissioner = staff(Role.COMMISSIONER, team)
        person = PersonFactory(authority=team.authority)
        with pytest.raises(PermissionDenied):
            services.create_referral(
                commissioner,
                person=person,
                team=team,
                source=Source.SELF,
                received_on=dt.date.today(),
            )

    def test_new_person_and_referral_are_all_or_nothing(self, intake, team, referral):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            services.refer_new_person(
                intake,
                team=team,
                source=Source.SELF,
                received_on=dt.date.today(),
                person_fields={
                    "person_ref": referral.person.person_ref,
                    "given_name": "A",
                    "family_name": "B",
                    "date_of_birth": dt.date(1990, 1, 1),
                },
            )
        assert Referral.objects.count() == 1


class TestTriage:
    def test_accept_puts_the_person_on_the_waiting_list(self, intake, referral):
        services.accept_referral(intake, referral)
        referral.refresh_from_db()
        assert referral.status == Status.ACCEPTED
        assert referral.decided_by == intake

    def test_accepting_twice_is_refused(self, intake, referral):
        services.accept_referral(intake, referral)
        with pytest.raises(IllegalTransition, match="only a newly received"):
            services.accept_referral(intake, referral)

    def test_decline_needs_a_reason(self, intake, referral):
        with pytest.raises(IllegalTransition, match="reason"):
            services.decline_referral(intake, referral, reason="  ")
        services.decline_referral(intake, referral, reason="Already in work, no support wanted")
        referral.refresh_from_db()
        assert referral.status == Status.DECLINED
        assert referral.decision_reason == "Already in work, no support wanted"

    def test_redirect_creates_an_onward_referral(self, intake, referral, other_team):
        onward = services.redirect_referral(
            intake, referral, to_team=other_team, reason="Mental health: IPS fits better"
        )
        referral.refresh_from_db()
        assert referral.status == Status.REDIRECTED
        assert referral.redirected_to == onward
        assert onward.team == other_team and onward.status == Status.RECEIVED
        assert onward.person == referral.person

    def test_specialist_cannot_triage(self, coach, referral):
        with pytest.raises(PermissionDenied):
            services.accept_referral(coach, referral)

    def test_another_teams_intake_officer_cannot_triage(self, referral, other_team):
        outsider = staff(Role.TEAM_MANAGER, other_team)
        with pytest.raises(PermissionDenied):
            services.accept_referral(outsider, referral)

    def test_stale_version_is_refused(self, intake, manager, referral):
        seen = referral.version
        services.set_urgent(manager, referral, urgent=True, reason="Carer in hospital")
        with pytest.raises(ConcurrentEdit):
            services.accept_referral(intake, referral, expected_version=seen)

    def test_only_manager_marks_urgent_with_reason(self, intake, manager, referral):
        with pytest.raises(PermissionDenied):
            services.set_urgent(intake, referral, urgent=True, reason="x")
        with pytest.raises(IllegalTransition, match="reason"):
            services.set_urgent(manager, referral, urgent=True, reason="")
        services.set_urgent(manager, referral, urgent=True, reason="Risk of losing tenancy")
        referral.refresh_from_db()
        assert referral.urgent and referral.urgent_reason == "Risk of losing tenancy"

    def test_close_after_allocation_is_refused(self, intake, coach, referral):
        services.accept_referral(intake, referral)
        services.allocate(intake, referral, worker=coach)
        with pytest.raises(IllegalTransition, match="cannot be closed"):
            services.close_referral(intake, referral, reason="Moved away")


class TestAllocation:
    def test_allocation_opens_an_episode(self, intake, coach, referral):
        services.accept_referral(intake, referral)
        episode = services.allocate(intake, referral, worker=coach)
        referral.refresh_from_db()
        assert referral.status == Status.ALLOCATED and referral.worker == coach
        assert episode.person == referral.person and episode.worker == coach
        assert episode.is_open

    def test_cannot_allocate_before_acceptance(self, intake, coach, referral):
        with pytest.raises(IllegalTransition, match="only an accepted referral"):
            services.allocate(intake, referral, worker=coach)

    def test_cannot_allocate_a_declined_referral(self, intake, coach, referral):
        services.decline_referral(intake, referral, reason="Not eligible")
        with pytest.raises(IllegalTransition):
            services.allocate(intake, referral, worker=coach)

    def test_worker_must_carry_a_caseload_in_the_team(self, intake, referral, other_team):
        stranger = staff(Role.EMPLOYMENT_SPECIALIST, other_team)
        services.accept_referral(intake, referral)
        with pytest.raises(IllegalTransition, match="does not carry a caseload"):
            services.allocate(intake, referral, worker=stranger)

    def test_at_cap_the_person_waits(self, intake, coach, team, referral):
        fill_caseload(coach, team, team.caseload_cap)
        services.accept_referral(intake, referral)
        with pytest.raises(CaseloadCapReached, match="2 open cases"):
            services.allocate(intake, referral, worker=coach)
        referral.refresh_from_db()
        assert referral.status == Status.ACCEPTED
        assert not Episode.objects.filter(referral=referral).exists()

    def test_one_below_cap_is_allowed(self, intake, coach, team, referral):
        fill_caseload(coach, team, team.caseload_cap - 1)
        services.accept_referral(intake, referral)
        services.allocate(intake, referral, worker=coach)
        assert services.open_caseload(coach) == team.caseload_cap

    def test_closed_episodes_do_not_count(self, intake, coach, team, referral):
        for _ in range(team.caseload_cap):
            EpisodeFactory(team=team, worker=coach, ended_on=dt.date.today())
        services.accept_referral(intake, referral)
        services.allocate(intake, referral, worker=coach)

    def test_intake_officer_cannot_override_the_cap(self, intake, coach, team, referral):
        fill_caseload(coach, team, team.caseload_cap)
        services.accept_referral(intake, referral)
        with pytest.raises(PermissionDenied, match="team manager"):
            services.allocate(intake, referral, worker=coach, override_reason="Urgent")

    def test_manager_overrides_the_cap_with_a_reason(self, intake, manager, coach, team, referral):
        fill_caseload(coach, team, team.caseload_cap)
        services.accept_referral(intake, referral)
        services.allocate(
            manager, referral, worker=coach, override_reason="Knows the family already"
        )
        referral.refresh_from_db()
        assert referral.override_reason == "Knows the family already"
        assert services.open_caseload(coach) == team.caseload_cap + 1

    def test_override_reason_is_not_kept_under_the_cap(self, intake, manager, coach, referral):
        services.accept_referral(intake, referral)
        services.allocate(manager, referral, worker=coach, override_reason="Not needed")
        referral.refresh_from_db()
        assert referral.override_reason == ""

    def test_team_without_cap_allocates_freely(self, intake, coach, team, referral):
        team.caseload_cap = None
        team.save()
        fill_caseload(coach, team, 50)
        services.accept_referral(intake, referral)
        services.allocate(intake, referral, worker=coach)


def test_waiting_list_order_urgent_then_oldest(intake, manager, team):
    from pathways.referrals.selectors import waiting_list

    today = dt.date.today()
    old = ReferralFactory(
        team=team, received_on=today - dt.timedelta(days=90), status=Status.ACCEPTED
    )
    new = ReferralFactory(
        team=team, received_on=today - dt.timedelta(days=5), status=Status.ACCEPTED
    )
    mid = ReferralFactory(
        team=team, received_on=today - dt.timedelta(days=30), status=Status.ACCEPTED
    )
    services.set_urgent(manager, new, urgent=True, reason="Crisis")
    assert list(waiting_list(intake)) == [new, old, mid]
    assert old.days_waited(today) == 90


# --- referring by client reference ----------------------------------------------------


def test_the_person_to_refer_is_any_resident_of_the_teams_authority_for_a_referrer(
    team, manager, coach, other_team
):
    """Found whether or not the referrer may see them yet; never someone elsewhere, nor
    for someone who may not refer into the team."""
    resident = PersonFactory(authority=team.authority, person_ref="C1")
    elsewhere = PersonFactory(person_ref="C2")
    code = team.authority.code
    assert selectors.person_to_refer(manager, team, code, "C1") == resident
    assert selectors.person_to_refer(coach, team, code, "C1") == resident
    assert selectors.person_to_refer(manager, team, elsewhere.authority.code, "C2") is None
    assert selectors.person_to_refer(manager, team, code, "C2") is None
    assert selectors.person_to_refer(manager, other_team, code, "C1") is None
    commissioner = staff(Role.COMMISSIONER, team)
    assert selectors.person_to_refer(commissioner, team, code, "C1") is None


def test_refer_new_person_refers_the_resident_whose_reference_and_name_are_given(team, coach):
    resident = PersonFactory(
        authority=team.authority,
        person_ref="C1",
        given_name="Sam",
        family_name="Patel",
        date_of_birth=dt.date(1990, 3, 27),
    )
    fields = {
        "person_ref": "C1",
        "given_name": "SAM",
        "family_name": "Patel",
        "date_of_birth": dt.date(1990, 3, 27),
    }
    refer = lambda **changes: services.refer_new_person(  # noqa: E731
        coach,
        team=team,
        person_fields={**fields, **changes},
        source=Source.SELF,
        received_on=dt.date.today(),
    )
    with pytest.raises(ValidationError, match="C1 is already in use"):
        refer(date_of_birth=dt.date(1991, 3, 27))
    assert refer().person == resident
