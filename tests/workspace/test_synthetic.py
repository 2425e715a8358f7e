"""The synthetic-data generator makes what it claims, keeping the front door's rules."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone

from pathways.casework.models import Episode, Stage, VocationalProfile
from pathways.commissioning.models import Contract, Provider
from pathways.core.models import Authority, InterestTag, OpportunityKind, Team
from pathways.employers.engagement.models import Employer, EmployerSite
from pathways.employers.opportunities.models import Opportunity, open_on
from pathways.employment.models import (
    MILESTONE_WEEKS,
    Milestone,
    Placement,
    PlacementTerms,
    PostStartCheck,
)
from pathways.matching.selectors import allocate, matchable_people, people_for
from pathways.people.models import Person
from pathways.people.postcodes import normalise_postcode
from pathways.people.selectors import search_people
from pathways.referrals.models import LIVE_STATUSES, Referral, Status
from pathways.referrals.selectors import waiting_list
from pathways.workspace.synthetic import Scale, generate
from pathways.workspace.synthetic.commissioning import commission

pytestmark = pytest.mark.django_db

SMALL = Scale(authorities=2, workers_per_team=3, people=200, referrals=320, seed=7)
WORK = Scale(
    authorities=2,
    workers_per_team=3,
    people=200,
    referrals=320,
    seed=7,
    employers=25,
    opportunities=150,
    profiles=60,
)
JOBS = Scale(
    authorities=2,
    workers_per_team=3,
    people=200,
    referrals=320,
    seed=7,
    employers=10,
    placements=150,
)


@pytest.fixture
def world():
    return generate(SMALL)


def test_makes_the_numbers_asked_for(world):
    assert Authority.objects.count() == 2
    assert Team.objects.count() == 8
    assert Person.objects.count() == 200
    assert Referral.objects.count() == 320
    assert world.counts["people"] == 200 and world.counts["referrals"] == 320
    assert Episode.objects.count() == world.counts["episodes"]
    assert Episode.objects.filter(ended_on__isnull=True).count() == world.counts["episodes.open"]
    assert world.counts["episodes.open"] > 0


def test_referrals_in_every_state(world):
    assert set(Referral.objects.values_list("status", flat=True)) == set(Status.values)


def test_keeps_the_front_door_rules(world):
    today = timezone.localdate()
    live = Counter(
        Referral.objects.filter(status__in=LIVE_STATUSES).values_list("person_id", "team_id")
    )
    assert max(live.values()) == 1
    open_episodes = Episode.objects.filter(ended_on__isnull=True)
    per_person = Counter(open_episodes.values_list("person_id", flat=True))
    assert max(per_person.values()) == 1
    caps = dict(Team.objects.values_list("pk", "caseload_cap"))
    for (worker, team), cases in Counter(open_episodes.values_list("worker", "team")).items():
        assert cases <= caps[team], worker
    for referral in Referral.objects.filter(status=Status.ALLOCATED).select_related("episode"):
        assert referral.episode.started_on == referral.allocated_on
        assert referral.episode.worker_id == referral.worker_id
    for referral in Referral.objects.filter(status=Status.REDIRECTED).select_related(
        "redirected_to"
    ):
        onward = referral.redirected_to
        assert onward.person_id == referral.person_id and onward.team_id != referral.team_id
        assert onward.received_on == referral.decided_on
    assert not Referral.objects.filter(received_on__gt=today).exists()
    assert not Episode.objects.filter(started_on__gt=today).exists()
    for person in Person.objects.all():
        assert normalise_postcode(person.postcode) == person.postcode
        assert 16 <= person.age_on(today) <= 66


def test_the_selectors_work_on_it(world):
    team = next(t for t in world.teams if t.caseload_cap == 20)
    rows = list(waiting_list(world.managers[team.pk], team)[:50])
    assert rows and all(r.team_id == team.pk for r in rows)
    intake = world.intake_officers[team.authority_id]
    someone = Person.objects.filter(authority=team.authority).first()
    assert someone in search_people(intake, someone.family_name)


def test_the_same_seed_makes_the_same_world():
    def snapshot() -> list[tuple]:
        return list(
            Referral.objects.order_by("referral_ref", "authority__code").values_list(
                "referral_ref", "person__person_ref", "person__given_name", "status", "received_on"
            )
        )

    runs = []
    for _ in range(2):
        with transaction.atomic():
            generate(SMALL)
            runs.append(snapshot())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]


def test_worlds_with_different_prefixes_share_a_database():
    generate(Scale(people=20, referrals=30, prefix="AAA"))
    generate(Scale(people=20, referrals=30, prefix="BBB"))
    assert Person.objects.count() == 40
    # Ids were given out by the generator: the database's own sequence must follow on.
    Person.objects.create(
        authority=Authority.objects.first(),
        person_ref="after",
        given_name="Ada",
        family_name="Lovelace",
        date_of_birth="1990-12-10",
    )


def test_worlds_of_work_with_different_prefixes_share_a_database():
    for prefix in ("AAA", "BBB"):
        generate(
            Scale(people=40, referrals=40, prefix=prefix, employers=3, opportunities=5, profiles=9)
        )
    assert Employer.objects.count() == 6 and Opportunity.objects.count() == 10
    assert VocationalProfile.objects.count() == 18
    # The id sequences follow on after the generator's rows.
    employer = Employer.objects.create(organisation=Employer.objects.first().organisation, name="X")
    EmployerSite.objects.create(employer=employer, name="Main")
    Opportunity.objects.create(
        authority=Authority.objects.first(),
        opportunity_ref="after",
        employer=employer,
        title="After",
        kind=OpportunityKind.EMPLOYED,
        paid=True,
        hours_per_week=10,
        opened_on=timezone.localdate(),
    ).tags.add(InterestTag.objects.first())
    person = Person.objects.filter(vocational_profile__isnull=True).first()
    VocationalProfile.objects.create(person=person).interests.add(InterestTag.objects.first())


@pytest.fixture
def work():
    return generate(WORK)


def test_makes_the_world_of_work_asked_for(work):
    today = timezone.localdate()
    assert Employer.objects.count() == work.counts["employers"] == 25
    assert EmployerSite.objects.count() == work.counts["sites"] >= 25
    assert Opportunity.objects.count() == work.counts["opportunities"] == 150
    assert Opportunity.objects.filter(open_on(today)).count() == work.counts["opportunities.open"]
    assert 0 < work.counts["opportunities.open"] < 150
    # Employers are on the lists of the organisations whose teams do casework.
    providers = set(
        Team.objects.filter(caseload_cap__isnull=False).values_list("organisation", flat=True)
    )
    assert set(Employer.objects.values_list("organisation", flat=True)) == providers
    for site in EmployerSite.objects.all():
        assert 51.48 <= site.latitude <= 51.58 and -0.02 <= site.longitude <= 0.10

    opportunities = Opportunity.objects.prefetch_related("tags").select_related("site")
    assert set(opportunities.values_list("kind", flat=True)) == set(OpportunityKind.values)
    assert {o.authority_id for o in opportunities} == {a.pk for a in work.authorities}
    for opportunity in opportunities:
        assert 1 <= len(opportunity.tags.all()) <= 4
        assert opportunity.site.employer_id == opportunity.employer_id
        assert opportunity.opened_on <= today and 1 <= opportunity.places <= 3
        assert opportunity.paid or opportunity.hourly_pay is None
        if opportunity.closes_on:
            assert opportunity.closes_on >= opportunity.opened_on
    assert opportunities.filter(instead_of_interview=True, kind="work_trial").exists()
    assert any(o.carved_tasks for o in opportunities)
    assert opportunities.filter(paid=True, hourly_pay__isnull=False).count() > 20


def test_profiles_belong_to_people_in_support(work):
    profiles = VocationalProfile.objects.prefetch_related("interests")
    assert profiles.count() == work.counts["profiles"] == 60
    open_episodes = Episode.objects.filter(ended_on__isnull=True)
    profiled = {p.person_id for p in profiles}
    assert profiled <= set(open_episodes.values_list("person_id", flat=True))
    # A profile comes with a stage past engagement; the others have not moved on.
    stages = dict(open_episodes.values_list("person_id", "stage"))
    assert all(stages[p] != Stage.ENGAGEMENT for p in profiled)
    assert all(s == Stage.ENGAGEMENT for p, s in stages.items() if p not in profiled)
    kinds = set(OpportunityKind.values)
    for profile in profiles:
        assert set(profile.kinds) <= kinds and profile.version == 1
        if profile.min_hours is not None and profile.max_hours is not None:
            assert profile.min_hours <= profile.max_hours
        assert profile.max_travel_km is None or profile.max_travel_km > 0
    assert sum(bool(p.interests.all()) for p in profiles) > 50
    assert {p.wants_paid_only for p in profiles} == {True, False, None}
    assert sum(not p.kinds for p in profiles) > 0  # some have not said yet


def test_the_matching_selectors_work_on_it(work):
    authority = work.authorities[0]
    assert matchable_people(authority).count() > 20
    today = timezone.localdate()
    opportunities = Opportunity.objects.filter(open_on(today), authority=authority)
    ranked = max((people_for(o, top=10) for o in opportunities), key=len)
    assert ranked and [m.score for m in ranked] == sorted((m.score for m in ranked), reverse=True)
    plan = allocate(matchable_people(authority), opportunities)
    assert plan.assignments and plan.total_score == sum(m.score for m in plan.assignments)


def test_the_world_of_work_changes_nothing_else():
    def snapshot() -> list[tuple]:
        return list(
            Referral.objects.order_by("referral_ref", "authority__code").values_list(
                "referral_ref", "person__person_ref", "status", "received_on", "worker__email"
            )
        )

    runs = []
    for scale in (SMALL, WORK, WORK, JOBS):
        with transaction.atomic():
            generate(scale)
            work = list(
                Opportunity.objects.order_by("opportunity_ref").values_list(
                    "opportunity_ref", "title", "hours_per_week", "tags__code"
                )
            )
            runs.append((snapshot(), work))
            transaction.set_rollback(True)
    assert runs[0][0] == runs[1][0] == runs[2][0] == runs[3][0]
    assert runs[1][1] == runs[2][1] and runs[1][1]


@pytest.fixture
def jobs():
    return generate(JOBS)


def test_makes_the_jobs_asked_for(jobs):
    from pathways.reporting.outcomes import COHORTS, employment_rate, hours_band

    today = timezone.localdate()
    horizon = today - dt.timedelta(days=3 * 365)
    counts = jobs.counts
    placements = list(
        Placement.objects.select_related("episode", "person").prefetch_related(
            "terms", "checks", "milestones"
        )
    )
    assert len(placements) == counts["placements"] == 150
    assert PlacementTerms.objects.count() == counts["placement_terms"] > 150
    assert PostStartCheck.objects.count() == counts["post_start_checks"]
    assert counts["post_start_checks"] == 6 * counts["placements.supported"]
    assert Milestone.objects.count() == counts["milestones"] > 0
    assert 0 < counts["milestones.confirmed"] < counts["milestones"]
    assert 0 < counts["placements.paid"] < 150 and 0 < counts["placements.ended"] < 150
    assert 0 < counts["placements.supported"] < 150
    assert {p.kind for p in placements} == set(OpportunityKind.values)
    assert len({(p.authority_id, p.placement_ref) for p in placements}) == 150

    for p in placements:
        assert horizon <= p.start_date <= today and p.authority_id == p.person.authority_id
        assert p.end_date is None or p.start_date <= p.end_date <= today
        assert bool(p.end_reason) == (p.end_date is not None)
        assert p.paid or p.hourly_pay is None
        terms = list(p.terms.all())
        assert terms[0].effective_from == p.start_date
        assert terms[-1].hours_per_week == p.hours_per_week
        assert all(t.effective_from <= (p.end_date or today) for t in terms)
        checks, milestones = list(p.checks.all()), list(p.milestones.all())
        if p.episode is None:
            assert p.supported is False and not checks and not milestones
            continue
        episode = p.episode
        assert p.supported and episode.person_id == p.person_id
        assert episode.started_on <= p.start_date <= (episode.ended_on or today)
        assert len(checks) == 6 and all(c.done_on is None or c.done_on <= today for c in checks)
        reached = [
            w
            for w in MILESTONE_WEEKS
            if p.start_date + dt.timedelta(weeks=w) <= min(p.end_date or today, today)
        ]
        assert [m.weeks for m in milestones] == reached
        for m in milestones:
            assert m.reached_on == p.start_date + dt.timedelta(weeks=m.weeks)
            assert m.reached_on <= m.found_on <= today
            if m.confirmed_on:
                assert m.found_on <= m.confirmed_on <= today and m.evidence
                assert m.confirmed_by_id == episode.worker_id
    assert {m.weeks for p in placements for m in p.milestones.all()} == set(MILESTONE_WEEKS)
    moved = [
        p for p in placements if len({hours_band(t.hours_per_week) for t in p.terms.all()}) > 1
    ]
    assert moved

    # The reports read it.
    rate = employment_rate(jobs.authorities, today)
    assert sum(rate[c]["numerator"] for c in COHORTS) > 0


def test_jobs_scale_with_what_is_asked():
    generate(Scale(people=60, referrals=80, prefix="AAA", employers=3, placements=25))
    generate(Scale(people=60, referrals=80, prefix="BBB", employers=3, placements=75))
    assert Placement.objects.count() == 100
    assert Placement.objects.filter(placement_ref__startswith="AAA").count() == 25
    # Without employers to work for there are no jobs.
    world = generate(Scale(people=20, referrals=20, prefix="CCC", placements=10))
    assert "placements" not in world.counts and Placement.objects.count() == 100
    # The id sequences follow on after the generator's rows.
    person = Person.objects.first()
    placement = Placement.objects.create(
        authority=person.authority,
        placement_ref="after",
        person=person,
        employer=Employer.objects.first(),
        job_title="After",
        kind=OpportunityKind.EMPLOYED,
        paid=True,
        start_date=timezone.localdate(),
        hours_per_week=10,
    )
    PlacementTerms.objects.create(
        placement=placement, effective_from=placement.start_date, hours_per_week=10
    )
    PostStartCheck.objects.create(
        placement=placement, kind="transport", due_on=placement.start_date
    )
    Milestone.objects.create(
        placement=placement,
        weeks=13,
        reached_on=placement.start_date,
        found_on=placement.start_date,
    )


def test_providers_spread_the_teams_and_each_has_contracts_for_its_people():
    """``Scale.providers`` deals the teams that hold cases over that many organisations,
    and ``commission`` gives each a contract per authority where it runs one, so the
    providers report compares many providers with people, not three."""
    today = timezone.localdate()
    world = generate(
        Scale(authorities=2, teams_per_authority=8, workers_per_team=2, people=120, providers=5),
        today=today,
    )
    holding = [t for t in world.teams if t.caseload_cap]
    assert len(holding) == 12
    assert len({t.organisation_id for t in holding}) == 5
    front_doors = {t.organisation_id for t in world.teams if not t.caseload_cap}
    assert front_doors.isdisjoint({t.organisation_id for t in holding})

    made = commission(world, today=today, providers=8, contracts=60, seed=1)
    assert made["providers"] == 8
    in_force = set(
        Contract.objects.filter(start_date__lte=today, end_date__gte=today).values_list(
            "provider__organisation_id", "authority_id"
        )
    )
    assert {(t.organisation_id, t.authority_id) for t in holding} <= in_force
    # A provider without teams here holds contracts too, but no cases.
    idle = Provider.objects.exclude(organisation_id__in={t.organisation_id for t in holding})
    assert idle.count() == 3 and Contract.objects.filter(provider__in=idle).exists()
