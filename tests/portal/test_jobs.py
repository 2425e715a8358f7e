"""Jobs for me: the person sees the jobs their coach shared, in plain words, and
answers with one of three buttons; a yes is their own consent for that job and reaches
their coach. Nobody sees or answers another person's jobs, and a supporter sees the
jobs (if the person agreed) but does not answer for them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from pathways.casework.selectors import work_queue
from pathways.employers.candidacies.models import Candidacy
from pathways.employers.candidacies.services import move_candidacy, put_forward, share_with_person
from pathways.employers.engagement.models import EmployerSite
from pathways.people.models import Consent
from pathways.portal.models import Section
from tests.factories import (
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    ProfileFactory,
    portal_account,
)
from tests.portal.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer(team):
    return EmployerFactory(organisation=team.organisation, name="Greenway Garden Centre")


def shared_job(coach, person, employer, title="Plant care assistant", **fields):
    opportunity = OpportunityFactory(
        employer=employer,
        authority=person.authority,
        title=title,
        hours_per_week=Decimal("16"),
        hourly_pay=Decimal("12.60"),
        **fields,
    )
    candidacy = put_forward(coach, person, opportunity)
    return share_with_person(candidacy, by=coach, expected_version=candidacy.version)


@pytest.fixture
def job(coach, person, employer):
    site = EmployerSite.objects.create(
        employer=employer, name="Garden centre", address="Marsh Lane", postcode="E6 6LB"
    )
    ProfileFactory(person=person, travel_modes=["bus"], travel_training_needed=True)
    return shared_job(coach, person, employer, site=site)


def answer(client, candidacy, said):
    return client.post(reverse("portal:job-answer", args=[candidacy.pk]), {"answer": said})


def test_the_person_sees_each_shared_job_in_plain_words(person_client, job):
    response = person_client.get(reverse("portal:jobs"))
    page = response.content.decode()
    assert response.status_code == 200
    for words in (
        "Plant care assistant",
        "The job is at Greenway Garden Centre.",
        "It is: Paid job.",
        "Where: Marsh Lane, E6 6LB.",
        "16 hours a week.",
        "Pay: £12.60 an hour. That is about £201.60 a week.",
        "You said you can get there by: bus.",
        "Your coach can help you learn the way there.",
        "Yes, I'm interested",
        "No thanks",
        "Ask me later",
    ):
        assert words in page, words


def test_no_jobs_says_so(person_client):
    page = person_client.get(reverse("portal:jobs")).content.decode()
    assert "There are no jobs here now." in page


def test_a_job_not_shared_is_not_shown(person_client, coach, person, employer):
    put_forward(coach, person, OpportunityFactory(employer=employer, authority=person.authority))
    assert (
        "There are no jobs here now." in person_client.get(reverse("portal:jobs")).content.decode()
    )


def test_yes_records_their_consent_says_what_happens_next_and_tells_the_coach(
    person_client, person_account, job, coach
):
    response = answer(person_client, job, "yes")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:job-answered", args=[job.pk])
    job.refresh_from_db()
    assert job.person_answer == "yes"
    assert job.person_consent.recorded_by == person_account.user
    page = person_client.get(response["Location"]).content.decode()
    assert "You said yes to this job" in page
    assert "Your coach can now send your details to Greenway Garden Centre." in page
    [item] = [i for i in work_queue(coach, dt.date.today()) if i.kind == "job_answer"]
    assert item.detail.startswith("Yes to Plant care assistant")
    # The jobs page now shows the yes and no buttons to press again.
    jobs_page = person_client.get(reverse("portal:jobs")).content.decode()
    assert "You said yes on" in jobs_page and "No thanks" not in jobs_page


@pytest.mark.parametrize(
    "said, next_words",
    [
        ("no", "We do not send your details to Greenway Garden Centre."),
        ("later", "The job stays on your list."),
    ],
)
def test_no_and_later_say_what_happens_next(person_client, job, said, next_words):
    response = answer(person_client, job, said)
    page = person_client.get(response["Location"]).content.decode()
    assert next_words in page
    job.refresh_from_db()
    assert job.person_answer == said and job.person_consent is None
    assert not Consent.objects.filter(scope="employers").exists()


def test_a_missing_answer_asks_to_press_a_button(person_client, job):
    response = person_client.post(reverse("portal:job-answer", args=[job.pk]), {})
    assert response.status_code == 400
    assert "Press one of the three buttons." in response.content.decode()
    job.refresh_from_db()
    assert job.person_answer == ""


def test_a_job_that_has_ended_is_refused_in_plain_words(person_client, job, coach):
    Candidacy.objects.filter(pk=job.pk).update(status="withdrawn")
    response = answer(person_client, job, "yes")  # from a page opened before it ended
    assert response.status_code == 400
    assert "This job is closed now. Your coach can tell you more." in response.content.decode()
    job.refresh_from_db()
    assert job.person_answer == ""


def test_changing_a_yes_is_refused_in_plain_words(person_client, job):
    answer(person_client, job, "yes")
    response = answer(person_client, job, "no")
    assert response.status_code == 400
    assert "You said yes already. To change your mind, tell your coach." in (
        response.content.decode()
    )
    job.refresh_from_db()
    assert job.person_answer == "yes"


def test_another_persons_job_is_404_and_untouched(team, coach, employer, person_client):
    other = EpisodeFactory(team=team, worker=coach).person
    theirs = shared_job(coach, other, employer)
    assert answer(person_client, theirs, "yes").status_code == 404
    assert person_client.get(reverse("portal:job-answered", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.person_answer == ""
    assert (
        "There are no jobs here now." in person_client.get(reverse("portal:jobs")).content.decode()
    )


def test_a_supporter_without_the_section_is_refused(supporter_client, job, person):
    assert supporter_client.get(reverse("portal:jobs")).status_code == 403
    assert answer(supporter_client, job, "yes").status_code == 403
    job.refresh_from_db()
    assert job.person_answer == ""
    assert LogEntry.objects.filter(
        additional_data__person_id=person.pk,
        additional_data__channel="portal",
        additional_data__outcome="denied",
        additional_data__what="portal: Jobs for me",
    ).exists()


def test_a_supporter_with_the_section_sees_but_does_not_answer(person, coach, mother, job):
    client = signed_in(
        portal_account(person, invited_by=coach, supporter=mother, sections=[Section.JOBS])
    )
    page = client.get(reverse("portal:jobs")).content.decode()
    assert "Plant care assistant" in page
    assert "can say yes or no. You can help them choose." in page
    assert "Yes, I'm interested" not in page
    refused = answer(client, job, "yes")
    assert refused.status_code == 403
    assert f"Only {person.given_name} can answer about a job." in refused.content.decode()
    job.refresh_from_db()
    assert job.person_answer == ""


def test_signed_out_is_sent_to_sign_in(client):
    response = client.get(reverse("portal:jobs"))
    assert response.status_code == 302 and "/my/sign-in/" in response["Location"]


def test_the_look_is_audited_on_the_portal_channel(person_client, person, job):
    person_client.get(reverse("portal:jobs"))
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        additional_data__person_id=person.pk,
        additional_data__channel="portal",
        additional_data__what="portal: Jobs for me",
    ).exists()


def test_the_home_page_asks_about_a_job_waiting_for_an_answer(person_client, job):
    home = person_client.get(reverse("portal:home")).content.decode()
    assert "Your coach found a job for you. Have a look." in home
    answer(person_client, job, "no")
    home = person_client.get(reverse("portal:home")).content.decode()
    assert "Your coach found a job for you." not in home


def test_the_jobs_page_takes_the_same_queries_however_many_jobs(
    person_client, job, coach, person, employer, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12) as few:
        person_client.get(reverse("portal:jobs"))
    for n in range(5):
        shared_job(coach, person, employer, title=f"Job {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = person_client.get(reverse("portal:jobs")).content.decode()
    assert page.count("Ask me later") == 6


def test_a_shared_job_moved_on_by_the_coach_shows_the_yes(person_client, job, coach):
    answer(person_client, job, "yes")
    job.refresh_from_db()
    move_candidacy(coach, job, status="applied")
    page = person_client.get(reverse("portal:jobs")).content.decode()
    assert "You said yes on" in page
