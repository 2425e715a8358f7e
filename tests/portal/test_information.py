"""My information in the portal: who looked (in plain words, paged), everything held
(to read and as a file, limited per day), what to do when something is wrong, and who
is refused."""

from __future__ import annotations

import datetime as dt
import html
import io
import zipfile

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.utils import timezone

from pathways.core import audit
from pathways.core.models import Notification
from pathways.portal.models import Section
from pathways.privacy.my_information import WHAT
from pathways.privacy.notices import INFORMATION_DOWNLOADED
from pathways.privacy.who_looked import PER_PAGE, day_words
from tests.factories import EpisodeFactory, portal_account
from tests.portal.conftest import signed_in

URL = "/my/information/"
EVERYTHING = "/my/information/everything/"
DOWNLOAD = "/my/information/download/"


def text(response) -> str:
    return html.unescape(response.content.decode())


def read_at(person, actor, *, days_ago, what="person record"):
    """A read by ``actor`` ``days_ago`` days back (the trail's own functions use "now")."""
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return LogEntry.objects.log_create(
        person,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=actor,
        timestamp=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
        additional_data={
            "person_id": person.pk,
            "channel": "web",
            "what": what,
            "outcome": audit.ALLOWED,
        },
    )


@pytest.fixture
def informed_supporter(person, coach, mother):
    """A supporter the person let see My information."""
    return portal_account(
        person, invited_by=coach, supporter=mother, sections=[Section.INFORMATION]
    )


# --- who looked ---------------------------------------------------------------------


def test_the_person_reads_who_looked_by_role_and_team_in_plain_words(person_client, person, coach):
    audit.record_access(coach, person, channel="web", what="episode E-1: action plan")
    response = person_client.get(URL)
    page = text(response)
    assert "A job coach in Supported Employment, today" in page
    assert "<li>Looked at your plan</li>" in page
    assert "coach@example.org" not in page
    assert "We do not show the names of staff." in page
    sentences = [look.sentence() for look, _when in response.context["lines"]]
    assert "You looked at who has looked at your record today." in sentences  # this look


def test_names_are_shown_where_the_authority_chose(person_client, person, coach):
    person.authority.portal_shows_staff_names = True
    person.authority.save()
    audit.record_access(coach, person, channel="web")
    page = text(person_client.get(URL))
    name = coach.get_full_name()
    assert f"{name} (a job coach in Supported Employment), today" in page
    assert "We do not show the names of staff." not in page


def test_who_looked_comes_fifty_lines_a_page_in_a_fixed_number_of_queries(
    person_client, person, coach, django_assert_max_num_queries
):
    for days_ago in range(1, 2 * PER_PAGE + 10):
        read_at(person, coach, days_ago=days_ago)
    person_client.get(URL)  # the session and the account, once
    with django_assert_max_num_queries(10):
        first = person_client.get(URL)
    assert len(first.context["lines"]) == PER_PAGE
    assert "Next" in text(first)

    with django_assert_max_num_queries(10):
        last = person_client.get(URL + "?page=3")
    today = timezone.localdate()
    oldest = day_words(today - dt.timedelta(days=2 * PER_PAGE + 9), today)
    look, when = last.context["lines"][-1]
    assert (look.who, when, look.actions) == (
        "a job coach in Supported Employment",
        oldest,
        ["Looked at your record"],
    )
    more = 2 * PER_PAGE + 10
    for days_ago in range(more, more + 100):
        read_at(person, coach, days_ago=days_ago)
    with django_assert_max_num_queries(10):
        person_client.get(URL + "?page=4")


def test_a_supporter_is_told_who_you_means(informed_supporter, person):
    page = text(signed_in(informed_supporter).get(URL))
    assert f'When it says "you", it means {person.given_name}.' in page
    assert "Maria Example (your supporter), today" in page
    assert "<li>Looked at who has looked at your record</li>" in page


# --- what to do when something is wrong ---------------------------------------------


def test_it_says_who_to_tell_when_something_is_wrong(person_client, coach, settings):
    settings.PATHWAYS_DATA_PROTECTION_CONTACT = "data.protection@riverside.example"
    page = text(person_client.get(URL))
    assert f"Tell your job coach: {coach.get_full_name()}." in page
    assert "data.protection@riverside.example" in page


# --- everything held ------------------------------------------------------------------


def test_the_person_reads_everything_held_in_headed_sections(person_client, person, person_account):
    response = person_client.get(EVERYTHING)
    page = text(response)
    assert response.status_code == 200
    for heading in ("About you", "Your support", "Who has looked at or changed your record"):
        assert f'">{heading}</h2>' in page
    assert person.person_ref in page
    assert LogEntry.objects.filter(
        actor=person_account.user,
        additional_data__channel="portal",
        additional_data__what=WHAT["readable"],
    ).exists()


# --- the file --------------------------------------------------------------------------


def test_the_download_is_a_zip_of_the_persons_own_information(person_client, person, coach):
    someone_else = EpisodeFactory(team=coach.memberships.get().team, worker=coach).person
    response = person_client.post(DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="my-information-{person.person_ref}-'
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        record = archive.read("person.json").decode()
    assert person.person_ref in record
    assert someone_else.person_ref not in record
    assert Notification.objects.get(kind=INFORMATION_DOWNLOADED).recipient == coach


def test_a_get_of_the_download_takes_nothing(person_client, person):
    response = person_client.get(DOWNLOAD)
    assert response.status_code == 302
    assert response["Location"] == URL
    assert not LogEntry.objects.filter(additional_data__what=WHAT["file"]).exists()


def test_past_the_days_limit_the_page_says_when_to_try_again(person_client, settings):
    settings.PATHWAYS_PORTAL_DOWNLOADS_PER_DAY = 2
    assert person_client.post(DOWNLOAD).status_code == 200
    assert person_client.post(DOWNLOAD).status_code == 200
    refused = person_client.post(DOWNLOAD)
    assert refused.status_code == 400
    page = text(refused)
    assert "You cannot download it now" in page
    assert "You can download it 2 times a day." in page
    assert "You can download it again at " in page
    assert Notification.objects.filter(kind=INFORMATION_DOWNLOADED).count() == 2


# --- who is refused -----------------------------------------------------------------


def test_a_supporter_without_the_section_is_refused_every_page(supporter_client, person):
    for url in (URL, EVERYTHING):
        assert supporter_client.get(url).status_code == 403, url
    assert supporter_client.post(DOWNLOAD).status_code == 403
    assert not LogEntry.objects.filter(additional_data__what=WHAT["file"]).exists()
    refused = LogEntry.objects.filter(
        additional_data__person_id=person.pk,
        additional_data__channel="portal",
        additional_data__outcome="denied",
    )
    assert refused.count() == 3


def test_a_supporter_with_the_section_may_download(informed_supporter, person):
    response = signed_in(informed_supporter).post(DOWNLOAD)
    assert response.status_code == 200
    entry = LogEntry.objects.get(additional_data__what=WHAT["file"])
    assert entry.actor == informed_supporter.user


def test_another_persons_account_downloads_only_their_own(team, coach, person):
    other = portal_account(EpisodeFactory(team=team, worker=coach).person, invited_by=coach)
    response = signed_in(other).post(DOWNLOAD)
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        record = archive.read("person.json").decode()
    assert other.person.person_ref in record
    assert person.person_ref not in record
    assert not audit.person_trail(person).filter(additional_data__what=WHAT["file"]).exists()


def test_staff_and_the_signed_out_are_refused(coach, person_account):
    staff_client = Client()
    staff_client.force_login(coach)
    assert staff_client.get(URL).status_code == 403
    assert staff_client.post(DOWNLOAD).status_code == 403
    signed_out = Client().get(URL)
    assert signed_out.status_code == 302
    assert signed_out["Location"] == f"/my/sign-in/?next={URL}"


def test_the_home_page_offers_my_information(person_client):
    assert 'href="/my/information/"' in text(person_client.get("/my/"))
