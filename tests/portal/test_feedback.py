""" "How is it going?" in the portal: the person chooses a picture and may write; the
thank-you page says who reads it and when they reply; a milestone asks first on the
home page; supporters need the section; another person's feedback is not found; every
look is on the portal channel (decision 0048)."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pathways.casework.feedback import give_feedback
from pathways.casework.models import Feedback
from pathways.casework.selectors import work_queue
from pathways.portal.models import Section
from tests.factories import EpisodeFactory, portal_account
from tests.portal.conftest import signed_in
from tests.reporting.test_outcome_reports import place

pytestmark = pytest.mark.django_db
URL = "/my/how-is-it-going/"


def test_the_person_says_not_happy_with_words_and_is_told_who_replies_and_when(
    person_client, person, coach
):
    response = person_client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "How is it going?" in page
    for word in ("Happy", "Okay", "Not happy"):
        assert word in page

    response = person_client.post(URL, {"feeling": "not_happy", "words": "The bus is late"})
    given = Feedback.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == f"/my/how-is-it-going/thank-you/{given.pk}/"
    assert (given.feeling, given.words) == ("not_happy", "The bus is late")
    assert given.given_by.is_person and given.given_by.portal_account.person == person

    thanks = person_client.get(response["Location"]).content.decode()
    assert f"Your coach {coach.first_name} will read it." in thanks
    assert f"{coach.first_name} will talk to you in the next 7 days." in thanks
    assert [i.kind for i in work_queue(coach, dt.date.today())] == ["feedback"]


def test_happy_needs_nothing_more(person_client, person):
    response = person_client.post(URL, {"feeling": "happy", "words": ""}, follow=True)
    assert "You do not need to do anything else." in response.content.decode()


def test_with_no_coach_the_team_reads_it(person_client, person, episode):
    episode.worker = None
    episode.save()
    response = person_client.post(URL, {"feeling": "not_happy"}, follow=True)
    page = response.content.decode()
    assert "Your support team will read it." in page
    assert "They will talk to you in the next 7 days." in page


def test_no_picture_chosen_says_what_to_do_and_keeps_the_words(person_client, person):
    response = person_client.post(URL, {"words": "I like my job"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a picture: happy, okay or not happy" in page
    assert 'href="#id_feeling_0"' in page
    assert "I like my job</textarea>" in page
    assert not Feedback.objects.exists()


def test_someone_whose_support_has_not_started_is_told_in_plain_words(coach, authority):
    from tests.factories import PersonFactory

    account = portal_account(PersonFactory(authority=authority), invited_by=coach)
    response = signed_in(account).post(URL, {"feeling": "happy"})
    assert response.status_code == 400
    assert "You can tell us how it is going when your support starts." in response.content.decode()


def test_a_job_start_asks_on_the_home_page_and_the_answer_is_kept_with_it(person_client, person):
    job = place(person, dt.date.today() - dt.timedelta(days=2))
    home = person_client.get("/my/").content.decode()
    assert "You started your job. How is it going?" in home
    link = f"{URL}?about=job_start:{job.pk}"
    assert link in home
    page = person_client.get(link).content.decode()
    assert '<h1 class="govuk-heading-l">You started your job. How is it going?</h1>' in page
    person_client.post(URL, {"feeling": "happy", "about": f"job_start:{job.pk}"})
    assert Feedback.objects.get().prompted_by == f"job_start:{job.pk}"
    assert "You started your job" not in person_client.get("/my/").content.decode()


def test_a_made_up_milestone_is_kept_as_any_time(person_client, person):
    person_client.post(URL, {"feeling": "okay", "about": "job_start:99999"})
    assert Feedback.objects.get().prompted_by == ""


def test_a_supporter_with_the_section_may_say_it_for_the_person(person, coach, mother):
    account = portal_account(
        person, invited_by=coach, supporter=mother, sections=[Section.FEEDBACK]
    )
    response = signed_in(account).post(URL, {"feeling": "okay", "words": "She is tired"})
    assert response.status_code == 302
    assert Feedback.objects.get().given_by == account.user
    staff = Client()
    staff.force_login(coach)
    page = staff.get(f"/feedback/{Feedback.objects.get().pk}/").content.decode()
    assert "Given by" in page and "She is tired" in page


def test_a_supporter_without_the_section_is_refused(supporter_client, person):
    assert supporter_client.get(URL).status_code == 403
    assert supporter_client.post(URL, {"feeling": "happy"}).status_code == 403
    assert not Feedback.objects.exists()
    assert LogEntry.objects.filter(
        additional_data__channel="portal",
        additional_data__outcome="denied",
        additional_data__what="portal: How is it going?",
    ).exists()


def test_a_supporter_without_the_section_is_not_asked_on_the_home_page(supporter_client, person):
    place(person, dt.date.today() - dt.timedelta(days=2))
    assert "How is it going" not in supporter_client.get("/my/").content.decode()


def test_another_persons_thank_you_page_is_not_found(person_client, team, coach):
    someone = EpisodeFactory(team=team, worker=coach).person
    theirs = give_feedback(someone, by=None, feeling="not_happy", words="Private")
    response = person_client.get(f"/my/how-is-it-going/thank-you/{theirs.pk}/")
    assert response.status_code == 404
    assert "Private" not in response.content.decode()


def test_signed_out_goes_to_sign_in():
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/my/sign-in/")


def test_staff_are_refused(coach):
    client = Client()
    client.force_login(coach)
    assert client.get(URL).status_code == 403


def test_each_look_is_on_the_portal_channel(person_client, person):
    person_client.get(URL)
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, additional_data__channel="portal")
    assert entry.additional_data["what"] == "portal: How is it going?"
    assert entry.additional_data["person_id"] == person.pk


def test_the_page_takes_the_same_queries_however_much_was_said(person_client, person):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert person_client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    give_feedback(person, by=None, feeling="happy")
    place(person, dt.date.today() - dt.timedelta(days=3))
    few = count()
    for _ in range(10):
        give_feedback(person, by=None, feeling="okay", words="More")
        place(person, dt.date.today() - dt.timedelta(days=3))
    assert count() == few
