"""The intake officer's "Help requests" pages: who may open them, what they show and
put on the audit trail, the same queries however many requests, and dealing with a
request from the page."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pathways.core.models import Role
from pathways.people.models import Person
from pathways.referrals import help_requests
from pathways.referrals.help_requests import form_started_token
from pathways.referrals.models import HelpRequest, HelpStatus, Referral
from tests.factories import PersonFactory, TeamFactory, staff

pytestmark = pytest.mark.django_db


def ask(authority, n: int = 0, **changes) -> HelpRequest:
    fields = {
        "given_name": "Jordan",
        "family_name": f"Asante{n}",
        "email": f"jordan{n}@example.com",
        "date_of_birth": dt.date(1998, 5, 4),
        "wants": "Work in a shop.",
        "care_and_support": "no",
        "form_started": form_started_token(time.time() - 60),
        **changes,
    }
    made = help_requests.receive_help_request(authority, fields, remote_addr=f"10.0.0.{n}")
    assert made is not None
    return made


def reads_of(help_request) -> int:
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(HelpRequest),
        object_pk=str(help_request.pk),
        action=LogEntry.Action.ACCESS,
    ).count()


def test_the_list_shows_new_requests_with_possible_matches_and_audits_the_reads(
    client, authority, intake
):
    asked = ask(authority)
    known = PersonFactory(authority=authority, email="jordan0@example.com", person_ref="C5551")
    done = ask(authority, 1)
    help_requests.set_aside(intake, done, reason="Spam", expected_version=1)
    client.force_login(intake)
    answer = client.get("/referrals/help-requests/")
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "1 new request, oldest first." in page
    assert "Jordan Asante0" in page and f"{known.full_name} (C5551)" in page
    assert "Jordan Asante1" not in page
    assert reads_of(asked) == 1
    shown = LogEntry.objects.filter(
        additional_data__person_id=known.pk, action=LogEntry.Action.ACCESS
    )
    assert [e.additional_data["what"] for e in shown] == [
        "shown as possibly someone asking for help"
    ]


def test_the_list_takes_the_same_queries_for_many_requests(
    client, authority, intake, django_assert_max_num_queries
):
    ask(authority, 0)
    PersonFactory(authority=authority, email="jordan0@example.com")
    client.force_login(intake)
    with CaptureQueriesContext(connection) as one:
        client.get("/referrals/help-requests/")
    for n in range(1, 12):
        ask(authority, n)
        PersonFactory(authority=authority, email=f"jordan{n}@example.com")
    with django_assert_max_num_queries(len(one)):
        answer = client.get("/referrals/help-requests/")
    assert answer.context["paged"].total == 12


@pytest.mark.parametrize("url", ["/referrals/help-requests/", "/referrals/help-requests/{pk}/"])
def test_staff_who_do_not_triage_are_refused(client, authority, team, coach, url):
    asked = ask(authority)
    client.force_login(coach)
    assert client.get(url.format(pk=asked.pk)).status_code == 403
    assert reads_of(asked) == 0


def test_triage_staff_of_another_authority_do_not_find_the_request(client, authority):
    asked = ask(authority)
    elsewhere = staff(Role.INTAKE_OFFICER, TeamFactory())
    client.force_login(elsewhere)
    assert client.get(f"/referrals/help-requests/{asked.pk}/").status_code == 404
    assert "Jordan" not in client.get("/referrals/help-requests/").content.decode()


def test_the_menu_offers_help_requests_to_triage_staff_only(client, team, intake, coach):
    client.force_login(intake)
    assert 'href="/referrals/help-requests/"' in client.get("/").content.decode()
    client.force_login(coach)
    assert 'href="/referrals/help-requests/"' not in client.get("/").content.decode()


def test_refer_as_a_new_person_from_the_page(client, authority, team, intake):
    asked = ask(authority)
    client.force_login(intake)
    page = client.get(f"/referrals/help-requests/{asked.pk}/").content.decode()
    assert "Refer as a new person" in page and "Work in a shop." in page
    answer = client.post(
        f"/referrals/help-requests/{asked.pk}/refer-new/",
        {"new-team": team.pk, "new-person_ref": "C8001", "new-version": 1},
    )
    referral = Referral.objects.get()
    assert answer.status_code == 302 and answer.url == f"/referrals/{referral.pk}/"
    assert referral.person.person_ref == "C8001"
    asked.refresh_from_db()
    assert asked.status == HelpStatus.REFERRED


def test_refer_someone_on_record_from_the_page(client, authority, team, intake):
    asked = ask(authority)
    known = PersonFactory(authority=authority, email="jordan0@example.com")
    client.force_login(intake)
    answer = client.post(
        f"/referrals/help-requests/{asked.pk}/refer-existing/",
        {"existing-person": known.pk, "existing-team": team.pk, "existing-version": 1},
    )
    assert answer.status_code == 302
    assert Referral.objects.get().person == known


def test_a_second_officer_sees_it_was_dealt_with(client, authority, team, intake, manager):
    asked = ask(authority)
    help_requests.set_aside(manager, asked, reason="A test by IT", expected_version=1)
    client.force_login(intake)
    answer = client.post(
        f"/referrals/help-requests/{asked.pk}/refer-new/",
        {"new-team": team.pk, "new-person_ref": "C8002", "new-version": 1},
    )
    assert answer.status_code == 400
    assert "This request has been dealt with already" in answer.content.decode()
    assert not Person.objects.filter(person_ref="C8002").exists()


def test_not_a_real_request_without_a_reason_says_what_to_enter(client, authority, intake):
    asked = ask(authority)
    client.force_login(intake)
    answer = client.post(
        f"/referrals/help-requests/{asked.pk}/not-real/",
        {"not-real-reason": "", "not-real-version": 1},
    )
    assert answer.status_code == 400 and "Enter the reason" in answer.content.decode()
    answer = client.post(
        f"/referrals/help-requests/{asked.pk}/not-real/",
        {"not-real-reason": "Advert", "not-real-version": 1},
    )
    assert answer.status_code == 302
    asked.refresh_from_db()
    assert asked.status == HelpStatus.NOT_REAL
