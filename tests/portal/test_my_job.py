"""My job: the person's hours, pay, who to call and their support, in plain words; only
their own job, and a supporter only if the person agreed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from pathways.casework.models import Stage
from pathways.employment import services
from pathways.employment.models import CheckKind
from pathways.portal.models import Section
from tests.factories import EmployerFactory, EpisodeFactory, portal_account
from tests.portal.conftest import signed_in

pytestmark = pytest.mark.django_db


def days(n: int) -> dt.date:
    return dt.date.today() + dt.timedelta(days=n)


def start_job(coach, person, team, title="Library assistant"):
    return services.record_job_start(
        coach,
        person,
        start_date=days(-40),
        employer=EmployerFactory(organisation=team.organisation, name="Riverside Library"),
        job_title=title,
        kind="employed",
        paid=True,
        hours_per_week=Decimal("16"),
        hourly_pay=Decimal("12.60"),
    )


@pytest.fixture
def job(coach, person, team, episode):
    coach.first_name = "Cara"
    coach.save()
    episode.stage = Stage.JOB_FINDING
    episode.started_on = days(-100)
    episode.save()
    placement = start_job(coach, person, team)
    services.complete_check(
        coach,
        placement.checks.get(kind=CheckKind.NAMED_CONTACT),
        done_on=dt.date.today(),
        notes="Priya, the supervisor",
    )
    placement.refresh_from_db()
    services.set_fading_plan(
        coach,
        placement,
        [(days(-40), Decimal("10")), (days(-10), Decimal("6")), (days(20), Decimal("3"))],
    )
    return placement


def test_the_person_sees_their_job_in_plain_words(person_client, job):
    response = person_client.get(reverse("portal:job"))
    page = response.content.decode()
    assert response.status_code == 200
    for words in (
        "You work at Riverside Library.",
        "Your job is: Library assistant.",
        f"You started on {days(-40):%-d %B %Y}.",
        "You work 16 hours a week.",
        "You get £12.60 an hour. That is about £201.60 a week.",
        "At work, talk to this person:",
        "Priya, the supervisor",
        "You can talk to your coach, Cara.",
        f"From {days(-40):%-d %B %Y}: 10 hours a week.",
        f"From {days(-10):%-d %B %Y}: 6 hours a week. <strong>This is now.</strong>",
        f"Next: from {days(20):%-d %B}, your coach helps you 3 hours a week.",
    ):
        assert words in page, words


def test_no_job_says_so(person_client):
    page = person_client.get(reverse("portal:job")).content.decode()
    assert "We do not know about a job for you now." in page


def test_another_persons_job_is_never_shown(person_client, team, coach):
    other = EpisodeFactory(
        team=team, worker=coach, stage=Stage.JOB_FINDING, started_on=days(-100)
    ).person
    start_job(coach, other, team, title="Secret job")
    page = person_client.get(reverse("portal:job")).content.decode()
    assert "Secret job" not in page and "We do not know about a job for you now." in page


def test_a_supporter_without_the_section_is_refused(supporter_client, job, person):
    response = supporter_client.get(reverse("portal:job"))
    assert response.status_code == 403
    assert "Library assistant" not in response.content.decode()
    assert LogEntry.objects.filter(
        additional_data__person_id=person.pk,
        additional_data__channel="portal",
        additional_data__outcome="denied",
        additional_data__what="portal: My job",
    ).exists()


def test_a_supporter_with_the_section_sees_the_job(person, coach, mother, job):
    client = signed_in(
        portal_account(person, invited_by=coach, supporter=mother, sections=[Section.JOB])
    )
    assert "Library assistant" in client.get(reverse("portal:job")).content.decode()


def test_the_look_is_audited_and_the_queries_are_few(
    person_client, person, job, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        person_client.get(reverse("portal:job"))
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        additional_data__person_id=person.pk,
        additional_data__channel="portal",
        additional_data__what="portal: My job",
    ).exists()
