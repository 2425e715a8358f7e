"""`pathways demo`: a realistic borough, loaded once, never over real records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from pathways.casework.models import Activity, EndReason, Episode, StageEntry
from pathways.core.errors import ActionRefused
from pathways.core.models import Membership, OpportunityKind, Role, Team, User
from pathways.employers.candidacies.models import (
    EMPLOYER_FACING,
    Candidacy,
    CandidacyStatus,
    CandidacyStep,
)
from pathways.employers.candidacies.services import employer_consent, move_candidacy
from pathways.employers.cohorts.models import InternshipCohort, Rotation, RotationPlacement
from pathways.employers.engagement.models import DisabilityConfident, Employer, Engagement
from pathways.employers.opportunities.models import Opportunity
from pathways.employers.pledges.models import SocialValuePledge
from pathways.employers.pledges.selectors import pledge_progress
from pathways.employment.models import (
    AccessToWork,
    AccessToWorkStatus,
    FadingStep,
    Milestone,
    Placement,
    PlacementTerms,
    PostStartCheck,
)
from pathways.matching.selectors import allocate, people_for
from pathways.people.models import CareCost, Condition, Consent, Contact, Person
from pathways.people.policy import person_policy
from pathways.people.postcodes import normalise_postcode
from pathways.referrals.models import Referral, Source, Status
from pathways.referrals.selectors import waiting_list, worker_loads
from pathways.workspace import demo
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

#: The states the services can put a referral in (nothing moves one to "waiting": an
#: accepted referral is on the waiting list).
SERVICE_STATES = {s for s in Status if s != Status.WAITING}


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded() -> str:
    return run_demo()


def snapshot() -> dict[str, int]:
    models = (
        Person,
        User,
        Membership,
        Team,
        Referral,
        Episode,
        Contact,
        Consent,
        CareCost,
        Employer,
        Engagement,
        SocialValuePledge,
        Opportunity,
        Candidacy,
        CandidacyStep,
        InternshipCohort,
        Rotation,
        RotationPlacement,
        Activity,
        StageEntry,
        Placement,
        PlacementTerms,
        PostStartCheck,
        FadingStep,
        AccessToWork,
        Milestone,
    )
    return {m.__name__: m.objects.count() for m in models} | {"audit": LogEntry.objects.count()}


def test_loads_about_sixty_demo_people(loaded):
    people = Person.objects.all()
    assert people.count() == 60
    assert not people.filter(is_demo=False).exists()
    today = timezone.localdate()
    ages = [p.age_on(today) for p in people]
    assert min(ages) == 16 and max(ages) == 66
    for person in people:
        assert normalise_postcode(person.postcode) == person.postcode
    conditions = {c for p in people for c in p.conditions}
    assert {
        Condition.LEARNING_DISABILITY,
        Condition.AUTISM,
        Condition.MENTAL_HEALTH,
        Condition.PHYSICAL,
        Condition.SENSORY,
        Condition.SUBSTANCE_MISUSE,
        Condition.ACQUIRED_BRAIN_INJURY,
    } <= conditions
    needs = " ".join(people.values_list("communication_needs", flat=True))
    assert "Easy read" in needs and "BSL interpreter" in needs and "Short sentences" in needs
    assert Contact.objects.count() >= 10
    assert Consent.objects.filter(given=False).exists()  # a change of mind, kept as history
    assert CareCost.objects.values("person").distinct().count() >= 8


def test_teams_carry_their_caseload_caps(loaded):
    caps = dict(Team.objects.values_list("code", "caseload_cap"))
    assert caps == {"RB-FD": None, "RB-SE": 40, "RB-IPS": 20, "RB-YPT": 25}


def test_one_demo_account_per_role_and_several_specialists(loaded):
    roles = Membership.objects.values_list("role", flat=True)
    assert set(roles) == set(Role.values)
    assert not User.objects.filter(is_demo=False).exists()
    specialists = User.objects.filter(memberships__role=Role.EMPLOYMENT_SPECIALIST).distinct()
    assert specialists.count() >= 3
    for role in set(Role.values) - {Role.EMPLOYMENT_SPECIALIST}:
        assert User.objects.filter(memberships__role=role).distinct().count() == 1


def test_referrals_in_every_state_from_every_source(loaded):
    referrals = Referral.objects.all()
    assert set(referrals.values_list("status", flat=True)) == SERVICE_STATES
    assert set(referrals.values_list("source", flat=True)) == set(Source.values)
    front_door = sum(r.is_front_door for r in referrals)
    assert front_door > referrals.count() / 2
    assert all(r.decision_reason for r in referrals.filter(status=Status.DECLINED))
    for redirected in referrals.filter(status=Status.REDIRECTED):
        assert redirected.decision_reason
        assert redirected.redirected_to.person_id == redirected.person_id
    allocated = referrals.filter(status=Status.ALLOCATED)
    assert sorted(Episode.objects.values_list("referral_id", flat=True)) == sorted(
        allocated.values_list("pk", flat=True)
    )
    # One episode has ended since: support ended with the person staying in work.
    closed = Episode.objects.get(ended_on__isnull=False)
    assert closed.end_reason == EndReason.IN_WORK_WITHOUT_SUPPORT


def test_a_real_waiting_list_with_one_urgent_case(loaded):
    manager = User.objects.get(email="manager@riverside.example")
    everyone = list(waiting_list(manager))
    assert len(everyone) == 12
    days = [r.days_waited() for r in everyone]
    assert len(set(days)) >= 10 and max(days) > 120
    se_list = list(waiting_list(manager, Team.objects.get(code="RB-SE")))
    assert se_list[0].urgent and se_list[0].urgent_reason
    assert [r.urgent for r in se_list].count(True) == 1
    # Urgent first, then oldest first: the urgent case is not the longest waiting.
    assert se_list[0].days_waited() < se_list[1].days_waited()


def test_an_ips_specialist_is_at_the_cap(loaded):
    loads = worker_loads(Team.objects.get(code="RB-IPS"))
    full = [w for w in loads if w.at_cap]
    assert len(full) == 1 and full[0].open_cases == 20
    assert any(not w.at_cap and w.open_cases for w in loads)


def test_the_audit_trail_is_the_services_own(loaded):
    intake = User.objects.get(email="intake@riverside.example")
    manager = User.objects.get(email="manager@riverside.example")
    person = Episode.objects.first().person
    trail = LogEntry.objects.filter(additional_data__person_id=person.pk)
    assert trail.filter(actor=intake).exists()  # referred and accepted by the intake officer
    assert trail.filter(actor=manager).exists()  # allocated by the manager
    assert LogEntry.objects.filter(additional_data__outcome="denied").count() == 1


def test_demo_staff_sign_in_with_the_printed_password(loaded):
    assert demo.DEMO_PASSWORD in loaded
    assert "http://127.0.0.1:8000/" in loaded
    for sign_in in demo.sign_ins():
        assert sign_in.email in loaded
    response = Client().post(
        "/sign-in/", {"username": "intake@riverside.example", "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_running_it_twice_changes_nothing(loaded):
    before = snapshot()
    output = run_demo()
    assert "already loaded" in output
    assert demo.DEMO_PASSWORD in output
    assert snapshot() == before


def test_the_same_day_gives_the_same_borough():
    def people() -> list[tuple]:
        return list(
            Person.objects.order_by("person_ref").values_list(
                "person_ref", "given_name", "family_name", "date_of_birth", "postcode"
            )
        )

    def referrals() -> list[tuple]:
        return list(
            Referral.objects.order_by("referral_ref").values_list(
                "referral_ref", "person__person_ref", "team__code", "status", "received_on"
            )
        )

    def work() -> list[tuple]:
        candidacies = Candidacy.objects.order_by(
            "person__person_ref", "opportunity__opportunity_ref"
        ).values_list(
            "person__person_ref", "opportunity__opportunity_ref", "status", "status_on", "score"
        )
        placements = RotationPlacement.objects.order_by(
            "rotation__number", "person__person_ref"
        ).values_list("person__person_ref", "opportunity__opportunity_ref", "score")
        # Placement references come from ids, which PostgreSQL does not give back on a
        # rollback: compare the jobs by person and start.
        jobs = Placement.objects.order_by("person__person_ref", "start_date").values_list(
            "person__person_ref", "job_title", "start_date", "end_date", "hours_per_week"
        )
        milestones = Milestone.objects.order_by(
            "placement__person__person_ref", "placement__start_date", "weeks"
        ).values_list("placement__person__person_ref", "weeks", "found_on", "confirmed_on")
        return [*candidacies, *placements, *jobs, *milestones]

    runs = []
    for _ in range(2):
        with transaction.atomic():
            demo.load()
            runs.append((people(), referrals(), work()))
            transaction.set_rollback(True)
    assert runs[0] == runs[1]


def test_refuses_a_database_with_real_staff():
    UserFactory()
    with pytest.raises(CommandError, match="1 real staff account"):
        run_demo()
    assert not User.objects.filter(is_demo=True).exists()


def test_refuses_a_database_with_real_people(loaded):
    PersonFactory(authority=Team.objects.get(code="RB-SE").authority)
    before = snapshot()
    with pytest.raises(CommandError, match="1 real person"):
        run_demo()
    assert snapshot() == before


def test_the_work_queue_has_something_of_every_kind_due_today(loaded):
    from pathways.casework.models import Package
    from pathways.casework.selectors import work_queue

    specialist = User.objects.get(email="specialist@riverside.example")
    today = timezone.localdate()
    items = work_queue(specialist, today, worker=specialist)
    assert {i.kind for i in items} == {
        "transitional_limit",
        "review_due",
        "no_contact",
        "post_start_check",
        "milestone_due",
        "fading_stalled",
        "feedback",
        "message",
        "job_answer",  # the portal's person said yes to a job their coach shared
    }
    assert any(i.overdue for i in items if i.kind == "transitional_limit")
    assert Package.objects.filter(status=Package.Status.PROPOSED).count() == 1
    assert (
        not Package.objects.filter(episode__ended_on__isnull=True)
        .exclude(status__in=[Package.Status.APPROVED, Package.Status.PROPOSED])
        .exists()
    )


def test_in_work_support_in_the_specialists_queue(loaded):
    from pathways.casework.selectors import work_queue

    specialist = User.objects.get(email="specialist@riverside.example")
    today = timezone.localdate()
    items = work_queue(specialist, today, worker=specialist)
    caseload = set(
        Episode.objects.filter(worker=specialist, ended_on__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    jobs = Placement.objects.filter(person__in=caseload).prefetch_related("checks")
    # A job started in the last fortnight, some of its checks done: the rest are due.
    recent = [j for j in jobs if (today - j.start_date).days <= 14]
    assert len(recent) == 1 and recent[0].candidacy is not None  # from the accepted offer
    done = [c for c in recent[0].checks.all() if c.done_on]
    assert 0 < len(done) < 6 and all(c.done_by == specialist for c in done)
    due = [i for i in items if i.kind == "post_start_check" and not i.overdue]
    assert len(due) == 6 - len(done)
    # An older start whose checks are overdue.
    overdue = [i for i in items if i.kind == "post_start_check" and i.overdue]
    assert overdue and all(i.due_on < today for i in overdue)
    assert len({i.person_ref for i in overdue}) == 1
    # Milestones to confirm: one just reached 13 weeks, one at 26.
    milestones = sorted(i.detail.split(" weeks")[0] for i in items if i.kind == "milestone_due")
    assert milestones == ["13", "26"]
    # Coaching above the fading plan for three weeks and more.
    stalled = [i for i in items if i.kind == "fading_stalled"]
    assert len(stalled) == 1 and "2.0 planned" in stalled[0].detail


def test_in_work_support_at_every_step(loaded):
    from pathways.employment.selectors import fading_of, stalled
    from pathways.employment.services import find_milestones

    today = timezone.localdate()
    jobs = Placement.objects.select_related("person", "episode").prefetch_related(
        "terms", "fading_steps", "checks"
    )
    supported = [j for j in jobs if j.episode_id is not None]
    assert len(supported) >= 15
    # Every job recorded in support has its six checks; all done but on the newest jobs.
    assert all(len(j.checks.all()) == 6 for j in supported)
    assert all(not j.checks.all() for j in jobs if j.episode_id is None)

    # Milestones at 13, 26 and 52 weeks, found by the daily run within a week.
    found = Milestone.objects.select_related("placement")
    assert {m.weeks for m in found} == {13, 26, 52}
    for m in found:
        assert m.reached_on == m.placement.start_date + dt.timedelta(weeks=m.weeks)
        assert m.reached_on <= m.found_on <= min(today, m.reached_on + dt.timedelta(days=6))
        if m.confirmed_on:
            assert m.found_on <= m.confirmed_on <= today and m.evidence and m.confirmed_by
    waiting = {(m.weeks, m.reached_on >= today - dt.timedelta(days=7)) for m in found}
    assert (13, True) in waiting  # one has just reached 13 weeks
    assert found.filter(weeks=26, confirmed_on__isnull=False).exclude(evidence="").exists()
    assert found.filter(weeks=52, confirmed_on__isnull=True).exists()
    assert found.filter(confirmed_on__isnull=True).count() == 3
    assert find_milestones(today) == []  # the daily run has nothing left to find today

    # Fading plans: one on track for three months, one stalled above plan.
    faded = [(j, fading_of(j, today)) for j in jobs if j.fading_steps.all()]
    assert len([j for j, weeks in faded if stalled(weeks)]) == 1
    on_track = [j for j, weeks in faded if len(weeks) >= 12 and not stalled(weeks)]
    assert on_track and any(w.actual_hours for w in fading_of(on_track[0], today))

    # Access to Work at every status; an award that pays for a job coach.
    grants = AccessToWork.objects.all()
    assert set(grants.values_list("status", flat=True)) == set(AccessToWorkStatus.values)
    coach = grants.get(funds__startswith="Job coach")
    assert coach.status == "approved" and coach.decided_on and coach.award_ends_on > today

    # Support ended with the person still in work: progression.
    moved_on = Placement.objects.get(support_ended_on__isnull=False)
    assert moved_on.is_current(today) and moved_on.supported is False
    closed = Episode.objects.get(person=moved_on.person)
    assert closed.end_reason == EndReason.IN_WORK_WITHOUT_SUPPORT
    assert closed.ended_on == moved_on.support_ended_on


def test_years_of_jobs_behind_the_reports(loaded):
    from pathways.reporting import outcomes
    from pathways.reporting.periods import last_twelve_months, last_year_end, quarter_ends

    today = timezone.localdate()
    jobs = Placement.objects.select_related("person").prefetch_related("terms")
    assert min(j.start_date for j in jobs) <= today - dt.timedelta(days=3 * 365)
    assert {j.kind for j in jobs} >= {"employed", "volunteering", "self_employed"}
    assert jobs.filter(paid=False).exists() and jobs.filter(kind="self_employed", paid=True)
    ended = jobs.filter(end_date__isnull=False)
    assert len({j.end_reason for j in ended}) >= 5 and all(j.end_reason for j in ended)
    for job in jobs:
        terms = list(job.terms.all())
        assert terms[0].effective_from == job.start_date
        assert terms[-1].hours_per_week == job.hours_per_week
    moved = [
        j for j in jobs if len({outcomes.hours_band(t.hours_per_week) for t in j.terms.all()}) > 1
    ]
    assert len(moved) >= 4

    # The employment-rate trend moves, in both cohorts, on the report page's default date
    # and up to today.
    authority = [demo.AUTHORITY_CODE]
    for reporting_date in (last_year_end(today), today):
        rates = [outcomes.employment_rate(authority, q) for q in quarter_ends(reporting_date)]
        for cohort in outcomes.COHORTS:
            assert all(r[cohort]["denominator"] >= 10 for r in rates)
            assert len({r[cohort]["numerator"] for r in rates}) >= 2, (reporting_date, cohort)
            assert all(r[cohort]["numerator"] for r in rates)

    # The last twelve months: job starts and sustained jobs for several needs, and care
    # that costs less once people are in work.
    start, end = last_twelve_months(today)
    found = outcomes.outcomes(authority, start, end)
    assert found["job_starts"] >= 10
    assert all(found[m] for m in outcomes.MILESTONES)
    assert sum(1 for need in found["by_need"].values() if need["job_starts"]) >= 4
    saved = outcomes.savings(authority, start, end)
    assert saved["people"] >= 4 and Decimal(saved["annual_saving"]) > 0


def test_about_two_thirds_of_people_in_support_have_a_vocational_profile(loaded):
    from pathways.casework.models import VocationalProfile

    open_episodes = Episode.objects.filter(ended_on__isnull=True)
    open_people = set(open_episodes.values_list("person_id", flat=True))
    profiles = VocationalProfile.objects.prefetch_related("interests")
    profiled = {p.person_id for p in profiles}
    # Made for people in support (one has since moved on to work without support).
    assert profiled <= set(Episode.objects.values_list("person_id", flat=True))
    assert 0.55 <= len(profiled & open_people) / len(open_people) <= 0.8
    # Everyone the demo and transition specialists work with has one (for matching).
    featured = open_episodes.filter(
        worker__email__in=[
            "specialist@riverside.example",
            "transition.specialist@riverside.example",
        ]
    )
    assert set(featured.values_list("person_id", flat=True)) <= profiled
    for profile in profiles:
        assert profile.interests.all() and profile.kinds and profile.version == 1
        assert profile.min_hours is not None and profile.max_hours is not None
        assert profile.min_hours <= profile.max_hours
    # Written by the person's worker, so the trail names them.
    profile = profiles.select_related("person").first()
    worker = Episode.objects.filter(person=profile.person).latest("started_on").worker
    entry = LogEntry.objects.get_for_object(profile).get(action=LogEntry.Action.CREATE)
    assert entry.actor == worker


# --- employers, opportunities, candidacies and the Project SEARCH cohort --------------


def test_employers_with_sites_contacts_engagements_and_pledges(loaded):
    employers = Employer.objects.prefetch_related("sites", "contacts")
    assert employers.count() == 8
    # The council's list (supported employment) and the transition team's (the host).
    assert {e.organisation.name for e in employers} == {
        demo.AUTHORITY_NAME,
        "Riverside Futures CIC",
    }
    assert len({e.sector for e in employers}) >= 5 and len({e.size for e in employers}) == 4
    assert {e.disability_confident for e in employers} >= set(DisabilityConfident.values)
    people = Person.objects.all()
    lats = [float(p.latitude) for p in people]
    lons = [float(p.longitude) for p in people]
    for employer in employers:
        assert employer.contacts.all() and employer.sites.all()
        if employer.disability_confident:
            assert employer.disability_confident_on <= timezone.localdate()
        for site in employer.sites.all():  # in the borough, among the people
            assert min(lats) - 0.01 <= float(site.latitude) <= max(lats) + 0.01
            assert min(lons) - 0.01 <= float(site.longitude) <= max(lons) + 0.01
    kinds = set(Engagement.objects.values_list("kind", flat=True))
    assert {"meeting", "job_carving", "awareness_training"} <= kinds
    training = Engagement.objects.filter(kind="awareness_training")
    assert all(e.attendees for e in training)

    council = Team.objects.get(code="RB-SE").authority
    progress = pledge_progress(None)
    assert len(progress) == 2 and all(p.pledge.authority == council for p in progress)
    assert sorted(p.status for p in progress) == ["In progress", "Kept"]

    opportunities = Opportunity.objects.prefetch_related("tags")
    assert set(opportunities.values_list("kind", flat=True)) == set(OpportunityKind.values)
    assert all(o.authority == council and o.tags.all() for o in opportunities)
    carved = [o for o in opportunities if o.carved_tasks]
    assert carved and all(len(o.carved_tasks) >= 3 for o in carved)
    trial = opportunities.get(instead_of_interview=True, employer__sector="Hospitality")
    assert trial.kind == "work_trial"
    limit = float(settings.PATHWAYS_PERMITTED_WORK_WEEKLY_LIMIT)
    weekly = [float(o.weekly_pay) for o in opportunities if o.weekly_pay is not None]
    assert any(w > limit for w in weekly) and any(w <= limit for w in weekly)
    internships = opportunities.filter(kind="supported_internship")
    assert {o.employer.name for o in internships} == {"Riverside and Thames NHS Foundation Trust"}
    assert all(not o.paid and o.places >= 1 for o in internships)


def test_the_demo_specialists_candidacies_reach_every_step(loaded):
    specialist = User.objects.get(email="specialist@riverside.example")
    candidacies = Candidacy.objects.select_related("person", "opportunity").prefetch_related(
        "steps"
    )
    assert set(candidacies.values_list("status", flat=True)) == set(CandidacyStatus.values)
    caseload = set(
        Episode.objects.filter(worker=specialist, ended_on__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    assert {c.person_id for c in candidacies} <= caseload
    for candidacy in candidacies:
        steps = list(candidacy.steps.all())
        assert steps[0].status == CandidacyStatus.SUGGESTED
        assert steps[-1].status == candidacy.status and steps[-1].on == candidacy.status_on
        assert all(s.recorded_by == specialist for s in steps)
        if candidacy.status in (CandidacyStatus.UNSUCCESSFUL, CandidacyStatus.WITHDRAWN):
            assert steps[-1].reason
        for step in steps:  # consent recorded before anything went to the employer
            if step.status in EMPLOYER_FACING:
                assert step.consent and step.consent.given and step.consent.given_on <= step.on
                assert step.consent.scope == Consent.Scope.SHARE_WITH_EMPLOYERS
        if any(s.status in EMPLOYER_FACING for s in steps):
            assert candidacy.consent is not None
    assert sum(c.score is not None for c in candidacies) >= len(candidacies) - 1

    # One person said no to sharing with employers: their candidacy waits at "discussed".
    today = timezone.localdate()
    waiting = [
        c
        for c in candidacies
        if c.status == CandidacyStatus.DISCUSSED and employer_consent(c.person, today) is None
    ]
    assert len(waiting) == 1
    with pytest.raises(ActionRefused, match="has not agreed"):
        move_candidacy(specialist, waiting[0], status=CandidacyStatus.APPLIED)

    # The café job ranks the specialist's team's people with varied scores.
    cafe_job = Opportunity.objects.get(employer__name="The Riverside Kitchen", kind="employed")
    visible = person_policy.visible(specialist, Person.objects.all())
    matches = people_for(cafe_job, visible)
    scores = [m.score for m in matches]
    assert len(matches) >= 3 and len(set(scores)) >= 3 and scores == sorted(scores, reverse=True)


def test_a_project_search_cohort_with_rotation_one_placed(loaded):
    cohort = InternshipCohort.objects.get()
    today = timezone.localdate()
    assert cohort.programme == InternshipCohort.Programme.PROJECT_SEARCH
    assert cohort.team.code == "RB-YPT"
    assert cohort.host.name == "Riverside and Thames NHS Foundation Trust"
    year = int(cohort.academic_year[:4])
    assert cohort.academic_year == f"{year}-{(year + 1) % 100:02d}"
    interns = list(cohort.interns.all())
    assert 6 <= len(interns) <= 10
    assert all(p.ehc_plan and 16 <= p.age_on(today) <= 24 for p in interns)
    # The transition specialist sees every intern's record.
    ypt = User.objects.get(email="transition.specialist@riverside.example")
    visible = person_policy.visible(ypt, cohort.interns.all())
    assert visible.count() == len(interns)

    first, second = cohort.rotations.order_by("number")
    assert first.starts_on <= today <= first.ends_on < second.starts_on
    for rotation in (first, second):
        assert 10 <= rotation.weeks <= 12
        departments = list(rotation.opportunities.all())
        assert all(o.employer_id == cohort.host_id for o in departments)
        assert all(o.kind == "supported_internship" for o in departments)
        assert sum(o.places for o in departments) >= len(interns)
    placements = list(first.placements.select_related("opportunity"))
    assert sorted(p.person_id for p in placements) == sorted(p.pk for p in interns)
    used: dict[int, int] = {}
    for placement in placements:
        used[placement.opportunity_id] = used.get(placement.opportunity_id, 0) + 1
        assert used[placement.opportunity_id] <= placement.opportunity.places
    assert len({p.score for p in placements}) >= 3
    # Placed by the matching engine: the best total the allocation can reach.
    best = allocate(cohort.interns.all(), first.opportunities.all())
    assert sum(p.score for p in placements) == best.total_score
    assert not second.placements.exists()
