"""Who reaches which portal page: the person sees their own, a supporter only what the
person agreed to while that consent stands, staff never, and every look is audited on
the portal's own channel."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.test import Client

from pathways.people.models import Consent
from tests.factories import EpisodeFactory, portal_account

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.urls_with_a_section")]


def _portal_reads(person, outcome="allowed"):
    return LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        additional_data__person_id=person.pk,
        additional_data__channel="portal",
        additional_data__outcome=outcome,
    )


def test_someone_signed_out_is_sent_to_sign_in():
    response = Client().get("/my/test-messages/")
    assert response.status_code == 302
    assert response["Location"] == "/my/sign-in/?next=/my/test-messages/"


def test_the_person_sees_their_own_pages_and_the_look_is_audited(person_client, person):
    response = person_client.get("/my/test-messages/")
    assert response.content.decode() == f"Messages of {person.person_ref}"
    entry = _portal_reads(person).get()
    assert entry.additional_data["what"] == "portal: Messages"


def test_a_staff_member_is_refused_the_portal(coach, person_account):
    client = Client()
    client.force_login(coach)
    for url in ("/my/", "/my/test-messages/"):
        response = client.get(url)
        assert response.status_code == 403
        assert b"These pages are for the people we support" in response.content


def test_a_person_account_never_reaches_staff_pages_or_the_api(person_client):
    for url in ("/", "/my-work/", "/people/", "/referrals/triage/", "/staff/"):
        response = person_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/my/", url
    assert person_client.get("/api/v1/people").status_code == 401


def test_a_supporter_sees_only_the_sections_the_person_agreed_to(supporter_client, person):
    assert supporter_client.get("/my/test-plan/").status_code == 200
    refused = supporter_client.get("/my/test-messages/")
    assert refused.status_code == 403
    assert f"{person.given_name} has not said you can see this page".encode() in refused.content
    assert _portal_reads(person, "denied").get().additional_data["what"] == "portal: Messages"


def test_the_home_page_offers_a_supporter_only_the_agreed_sections(supporter_client, person):
    response = supporter_client.get("/my/")
    assert response.status_code == 200
    offered = {entry.section for entry, _ in response.context["pages"]}
    assert offered <= {"plan", "appointments"}
    assert f"These are {person.given_name}".encode() in response.content


def test_withdrawn_consent_ends_a_supporters_access_at_once(supporter_client, person, coach):
    assert supporter_client.get("/my/test-plan/").status_code == 200
    Consent.objects.create(
        person=person,
        scope=Consent.Scope.SUPPORTER_PORTAL,
        given=False,
        given_on=dt.date.today(),
        recorded_by=coach,
        notes="Does not want her mother to see it any more",
    )
    response = supporter_client.get("/my/test-plan/")
    assert response.status_code == 302
    assert response["Location"].startswith("/my/sign-in/")


def test_an_account_sees_its_own_person_only(person_client, team, coach, person):
    other = EpisodeFactory(team=team, worker=coach).person
    portal_account(other, invited_by=coach)
    response = person_client.get("/my/test-plan/")
    assert response.content.decode() == f"Plan of {person.person_ref}"
    assert not _portal_reads(other).exists()


def test_an_ended_account_is_signed_out(person_client, person_account, coach):
    from pathways.portal.services import end_portal_access

    end_portal_access(coach, person_account, reason="Asked to close it")
    assert person_client.get("/my/").status_code == 302
