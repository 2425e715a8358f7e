"""The person's own view of their job (``employment.selectors.my_job``): the hours and
pay in force today, who to call, and the support they get and how it fades."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pathways.casework.models import Stage
from pathways.employment import services
from pathways.employment.models import CheckKind
from pathways.employment.selectors import my_job
from tests.factories import EmployerFactory, EpisodeFactory, PersonFactory

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return dt.date.today()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


@pytest.fixture
def episode(team, coach):
    coach.first_name = "Cara"
    coach.save()
    return EpisodeFactory(team=team, worker=coach, stage=Stage.JOB_FINDING, started_on=days(-200))


@pytest.fixture
def person(episode):
    return episode.person


@pytest.fixture
def job(coach, person, team):
    return services.record_job_start(
        coach,
        person,
        start_date=days(-60),
        employer=EmployerFactory(organisation=team.organisation, name="Riverside Library"),
        job_title="Library assistant",
        kind="employed",
        paid=True,
        hours_per_week=Decimal("12"),
        hourly_pay=Decimal("12.21"),
    )


def test_no_job_is_none(person):
    assert my_job(person) is None


def test_the_job_with_todays_hours_and_pay(job, coach, person):
    services.change_terms(
        coach,
        job,
        effective_from=days(-10),
        hours_per_week=Decimal("16"),
        hourly_pay=Decimal("12.60"),
    )
    job.refresh_from_db()
    services.change_terms(
        coach,
        job,
        effective_from=days(20),
        hours_per_week=Decimal("20"),
        hourly_pay=Decimal("12.60"),
    )
    mine = my_job(person)
    assert mine is not None
    assert (mine.job_title, mine.employer, mine.start_date) == (
        "Library assistant",
        "Riverside Library",
        days(-60),
    )
    # The change agreed for next month is not in force yet.
    assert mine.hours_per_week == Decimal("16") and mine.hourly_pay == Decimal("12.60")
    assert mine.weekly_pay == Decimal("201.60")
    assert mine.coach == "Cara" and mine.coach_email == coach.email


def test_who_to_call_is_the_named_contact_once_agreed(job, coach, person):
    assert my_job(person).named_contact == ""
    check = job.checks.get(kind=CheckKind.NAMED_CONTACT)
    services.complete_check(
        coach, check, done_on=today(), notes="Priya, the library supervisor: 020 7946 0000"
    )
    assert my_job(person).named_contact == "Priya, the library supervisor: 020 7946 0000"


def test_the_support_in_order_with_the_current_and_next_step(job, coach, person):
    services.set_fading_plan(
        coach,
        job,
        [
            (days(30), Decimal("2")),
            (days(-60), Decimal("10")),
            (days(-20), Decimal("5")),
        ],
    )
    mine = my_job(person)
    assert [(s.starts_on, s.hours_per_week, s.current) for s in mine.support] == [
        (days(-60), Decimal("10"), False),
        (days(-20), Decimal("5"), True),
        (days(30), Decimal("2"), False),
    ]
    assert mine.next_step is not None and mine.next_step.starts_on == days(30)


def test_no_support_listed_once_it_has_ended(job, coach, person):
    services.set_fading_plan(coach, job, [(days(-60), Decimal("10"))])
    type(job).objects.filter(pk=job.pk).update(support_ended_on=days(-1))
    mine = my_job(person)
    assert mine.support == [] and mine.next_step is None
    assert mine.support_ended_on == days(-1)


def test_an_ended_job_is_not_my_job(job, coach, person):
    services.end_placement(coach, job, end_date=days(-1), reason="resigned")
    assert my_job(person) is None


def test_another_persons_job_is_not_mine(job, team):
    assert my_job(PersonFactory(authority=team.authority)) is None


def test_my_job_takes_four_queries_whatever_it_holds(job, coach, person, django_assert_num_queries):
    services.set_fading_plan(coach, job, [(days(-60 + 7 * n), Decimal(10 - n)) for n in range(6)])
    for n in range(3):
        job.refresh_from_db()
        services.change_terms(
            coach,
            job,
            effective_from=days(-50 + n),
            hours_per_week=Decimal(12 + n),
            hourly_pay=Decimal("12.60"),
        )
    with django_assert_num_queries(4):
        mine = my_job(person)
    assert len(mine.support) == 6
