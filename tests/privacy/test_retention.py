"""The retention schedule and what is due for erasure."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied

from pathways.core.models import Role
from pathways.privacy import retention
from pathways.privacy.models import RecordType, RetentionRule, StartsFrom
from pathways.referrals.models import Status
from tests.factories import EpisodeFactory, PersonFactory, ReferralFactory, TeamFactory, staff
from tests.privacy.retention_data import TODAY, closed_episode, dpo, job

pytestmark = pytest.mark.django_db


def test_the_schedule_starts_with_six_years_for_supported_people_and_two_for_referrals(team):
    rules = {r.record_type: r for r in retention.schedule(dpo(team))}
    assert rules[RecordType.SUPPORTED].years == 6
    assert rules[RecordType.REFERRAL_ONLY].years == 2
    assert {r.starts_from for r in rules.values()} == {StartsFrom.LAST_CLOSURE}
    assert RetentionRule.objects.filter(authority=team.authority).count() == 2


def test_nobody_but_a_dpo_has_a_schedule(team, manager, intake):
    assert retention.schedule(manager) == []
    assert retention.schedule(intake) == []


def test_the_dpo_changes_a_rule_and_the_change_is_audited(team):
    officer = dpo(team)
    rule = next(r for r in retention.schedule(officer) if r.record_type == RecordType.SUPPORTED)
    changed = retention.change_rule(
        officer, rule, years=8, starts_from=StartsFrom.LAST_CLOSURE, version=rule.version
    )
    assert changed.years == 8
    entry = LogEntry.objects.get_for_object(changed).order_by("-id").first()
    assert entry.changes["years"] == ["6", "8"]


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.DATA_PROTECTION_OFFICER])
def test_only_the_dpo_changes_the_schedule(team, role):
    rule = retention.schedule(dpo(team))[0]
    other = staff(role, team)
    with pytest.raises(PermissionDenied):
        retention.change_rule(
            other, rule, years=1, starts_from=StartsFrom.LAST_CLOSURE, version=rule.version
        )
    rule.refresh_from_db()
    assert rule.years != 1


def test_a_dpo_of_another_authority_cannot_change_the_schedule(team):
    rule = retention.schedule(dpo(team))[0]
    elsewhere = dpo(TeamFactory(), email="dpo2@example.org")
    with pytest.raises(PermissionDenied):
        retention.change_rule(
            elsewhere, rule, years=1, starts_from=StartsFrom.LAST_CLOSURE, version=rule.version
        )


def _due_people(team, today=TODAY):
    return [d.person for d in retention.due_for_erasure([team.authority_id], today)]


def test_an_old_closure_is_due_and_a_recent_one_is_not(team):
    old = closed_episode(team, dt.date(2019, 1, 15))
    recent = closed_episode(team, dt.date(2022, 1, 15))
    due = retention.due_for_erasure([team.authority_id], TODAY)
    assert [d.person for d in due] == [old]
    assert due[0].record_type == RecordType.SUPPORTED
    assert due[0].last_closure == dt.date(2019, 1, 15)
    assert due[0].due_since == dt.date(2025, 1, 15)
    assert recent not in _due_people(team)


def test_an_open_episode_is_never_due(team):
    someone = closed_episode(team, dt.date(2015, 1, 15))
    EpisodeFactory(team=team, person=someone, started_on=dt.date(2015, 6, 1))
    assert _due_people(team) == []


def test_a_live_referral_is_never_due(team):
    someone = closed_episode(team, dt.date(2015, 1, 15))
    ReferralFactory(team=team, person=someone, received_on=dt.date(2016, 1, 1))
    assert _due_people(team) == []


def test_a_job_with_support_still_given_is_never_due(team):
    someone = closed_episode(team, dt.date(2015, 1, 15))
    job(someone, dt.date(2014, 6, 1))
    assert _due_people(team) == []


def test_a_job_that_ended_later_moves_the_closure(team):
    someone = closed_episode(team, dt.date(2015, 1, 15))
    job(someone, dt.date(2014, 6, 1), end=dt.date(2021, 3, 1))
    assert _due_people(team) == []
    assert _due_people(team, dt.date(2027, 3, 1)) == [someone]


def test_a_declined_referral_follows_the_referral_only_rule(team):
    declined = ReferralFactory(
        team=team,
        status=Status.DECLINED,
        received_on=dt.date(2023, 1, 1),
        decided_on=dt.date(2023, 2, 1),
    ).person
    due = retention.due_for_erasure([team.authority_id], TODAY)
    assert [(d.person, d.record_type) for d in due] == [(declined, RecordType.REFERRAL_ONLY)]


def test_a_longer_rule_makes_someone_no_longer_due(team):
    officer = dpo(team)
    closed_episode(team, dt.date(2019, 1, 15))
    rule = next(r for r in retention.schedule(officer) if r.record_type == RecordType.SUPPORTED)
    retention.change_rule(
        officer, rule, years=10, starts_from=StartsFrom.LAST_CLOSURE, version=rule.version
    )
    assert _due_people(team) == []


def test_other_authorities_people_are_not_listed(team):
    closed_episode(TeamFactory(), dt.date(2010, 1, 1))
    assert _due_people(team) == []


def test_the_due_list_takes_a_fixed_number_of_queries(team, django_assert_num_queries):
    retention.schedule(dpo(team))  # the rules exist
    for year in (2010, 2011, 2012):
        closed_episode(team, dt.date(year, 5, 1))
    PersonFactory(authority=team.authority, created_at=dt.datetime(2001, 1, 1, tzinfo=dt.UTC))
    with django_assert_num_queries(2):
        due = retention.due_for_erasure([team.authority_id], TODAY)
    assert len(due) == 4
