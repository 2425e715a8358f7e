"""A person with something held in every part of the pathway, and the staff who may
(and may not) answer their subject access request."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from pathways.casework import appointments, plans
from pathways.casework import services as casework
from pathways.casework.feedback import give_feedback
from pathways.casework.models import Activity, ActivityKind, Stage
from pathways.core.models import Role
from pathways.employers.candidacies.services import put_forward
from pathways.employers.cohorts.models import InternshipCohort
from pathways.employment import services as employment
from pathways.employment.models import Milestone
from pathways.people.models import CareCost, Consent
from pathways.people.services import add_contact, record_consent
from pathways.privacy.models import SubjectAccessRequest
from pathways.privacy.subject_access import log_subject_access_request
from tests.factories import (
    AuthorityFactory,
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    PersonFactory,
    ProfileFactory,
    ReferralFactory,
    TeamFactory,
    staff,
)

TODAY = dt.date.today  # called in each test: a run may cross midnight


def START() -> dt.date:
    return TODAY() - dt.timedelta(days=200)


@pytest.fixture
def dpo(team):
    return staff(Role.DATA_PROTECTION_OFFICER, team, email="dpo@example.org")


@pytest.fixture
def admin(team):
    return staff(Role.ADMIN, team, email="admin@example.org")


@pytest.fixture
def commissioner(team):
    return staff(Role.COMMISSIONER, team, email="commissioner@example.org")


@pytest.fixture
def elsewhere_dpo(db):
    other = TeamFactory(authority=AuthorityFactory(code="E09000030", name="Tower Hamlets"))
    return staff(Role.DATA_PROTECTION_OFFICER, other, email="dpo@towerhamlets.example.org")


def build_record(team, coach, *, ref, family_name, activities=2, episodes=1, note="Likes mornings"):
    """A person with rows in every section: ``activities`` timeline entries in each of
    ``episodes`` episodes (all but the last closed), and a job in the last one."""
    person = PersonFactory(
        authority=team.authority,
        person_ref=ref,
        given_name="Ada",
        family_name=family_name,
        communication_needs=f"Easy read for {family_name}",
    )
    referral = ReferralFactory(team=team, person=person, referral_ref=f"R-{ref}")
    episode = None
    for number in range(episodes):
        last = number == episodes - 1
        episode = EpisodeFactory(
            team=team,
            worker=coach,
            person=person,
            referral=referral if last else None,
            episode_ref=f"E-{ref}-{number}",
            stage=Stage.ENGAGEMENT,
            started_on=START() - dt.timedelta(days=30 * (episodes - number)),
            ended_on=None if last else START() - dt.timedelta(days=30 * (episodes - number) - 20),
        )
        for i in range(activities):
            Activity.objects.create(
                episode=episode,
                kind=ActivityKind.MEETING,
                occurred_on=episode.started_on + dt.timedelta(days=i),
                with_whom=Activity.With.PERSON,
                notes=f"{note} ({family_name}, meeting {number}.{i})",
                recorded_by=coach,
            )
    assert episode is not None
    add_contact(coach, person, name=f"Mary {family_name}", relationship="mother")
    Consent.objects.create(
        person=person, scope="employers", given=True, given_on=START(), recorded_by=coach
    )
    record_consent(coach, person, scope="family", given=False, given_on=START() + dt.timedelta(1))
    CareCost.objects.create(person=person, effective_from=START(), weekly_cost=Decimal("310.25"))
    casework.change_stage(coach, episode, stage=Stage.JOB_FINDING, on=START())
    casework.propose_package(
        coach,
        episode,
        work_entry=True,
        supported_element="",
        reason=f"Job search support for {family_name}",
        on=START(),
    )
    goal = plans.add_goal(
        coach, episode, description=f"Find a café job ({family_name})", owner="person"
    )
    plans.add_step(coach, goal, description=f"Write a CV ({family_name})")
    appointments.book_appointment(
        coach,
        episode,
        starts_at=timezone.now() + dt.timedelta(days=3),
        minutes=30,
        place=f"Library ({family_name})",
        purpose=f"Look at the CV ({family_name})",
    )
    ProfileFactory(person=person, min_hours=10, max_hours=20, max_travel_km=15)
    employer = EmployerFactory(organisation=team.organisation, name=f"Café {family_name}")
    opportunity = OpportunityFactory(
        employer=employer,
        authority=team.authority,
        title=f"Café assistant {family_name}",
        opened_on=START(),
    )
    put_forward(coach, person, opportunity, on=START() + dt.timedelta(days=2))
    placement = employment.record_job_start(
        coach,
        person,
        start_date=START() + dt.timedelta(days=10),
        employer=employer,
        job_title=f"Barista {family_name}",
        kind="employed",
        paid=True,
        hours_per_week=Decimal("16"),
        hourly_pay=Decimal("12.60"),
    )
    employment.set_fading_plan(coach, placement, [(START() + dt.timedelta(days=40), Decimal("4"))])
    employment.record_access_to_work(
        coach, placement, status="applied", applied_on=START() + dt.timedelta(days=12)
    )
    Milestone.objects.create(
        placement=placement,
        weeks=13,
        reached_on=START() + dt.timedelta(days=101),
        found_on=START() + dt.timedelta(days=101),
    )
    cohort = InternshipCohort.objects.create(
        authority=team.authority,
        team=team,
        host=employer,
        name=f"Project SEARCH {family_name}",
        programme="project_search",
        academic_year="2026-27",
    )
    cohort.interns.add(person)
    give_feedback(person, by=None, feeling="not_happy", words=f"Too far to go ({family_name})")
    return person


@pytest.fixture
def person(team, coach):
    return build_record(team, coach, ref="C200001", family_name="Lovelace")


@pytest.fixture
def someone_else(team, coach):
    return build_record(team, coach, ref="C200002", family_name="Hopper", note="Prefers email")


@pytest.fixture
def sar(dpo, person):
    return log_subject_access_request(
        dpo,
        person,
        received_on=TODAY() - dt.timedelta(days=3),
        requested_by="Ada Lovelace",
        received_how=SubjectAccessRequest.ReceivedHow.EMAIL,
    )
