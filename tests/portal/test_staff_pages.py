"""The staff side: a coach invites the person or, with the person's recorded consent, a
supporter; sends new links; ends access. Whoever does not work with the person is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from pathways.core.models import Role, User
from pathways.people.models import Consent
from pathways.portal.models import PortalAccount
from tests.factories import TeamFactory, staff

pytestmark = pytest.mark.django_db


def _agreed_today() -> dict[str, str]:
    today = dt.date.today()
    return {
        "agreed_on_0": str(today.day),
        "agreed_on_1": str(today.month),
        "agreed_on_2": str(today.year),
    }


@pytest.fixture
def coach_client(coach) -> Client:
    client = Client()
    client.force_login(coach)
    return client


def test_a_coach_invites_the_person(coach_client, person, django_capture_on_commit_callbacks):
    page = coach_client.get(f"/people/{person.pk}/portal/")
    assert page.status_code == 200 and b"Nobody has portal access yet" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = coach_client.post(
            f"/people/{person.pk}/portal/invite/", {"email": "Sam@Example.org"}
        )
    assert response.status_code == 302
    account = PortalAccount.objects.get(person=person)
    assert account.user.email == "sam@example.org" and account.user.is_person
    assert not account.user.has_usable_password()
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert "/my/sign-in/?link=" in mail.outbox[0].body
    listed = coach_client.get(f"/people/{person.pk}/portal/")
    assert b"not signed in yet" in listed.content


def test_a_staff_address_cannot_become_a_portal_account(coach_client, person, manager):
    response = coach_client.post(f"/people/{person.pk}/portal/invite/", {"email": manager.email})
    assert response.status_code == 400
    assert b"A staff account has this email address" in response.content
    assert not PortalAccount.objects.exists()


def test_the_person_has_one_own_account(coach_client, person, person_account):
    response = coach_client.post(
        f"/people/{person.pk}/portal/invite/", {"email": "another@example.org"}
    )
    assert response.status_code == 400
    assert b"already has a portal account" in response.content


def test_a_supporter_is_invited_with_the_persons_recorded_consent(
    coach_client, person, mother, coach, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coach_client.post(
            f"/people/{person.pk}/portal/supporter/",
            {"contact": mother.pk, "sections": ["plan", "jobs"], **_agreed_today()},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    account = PortalAccount.objects.get(supporter=mother)
    assert account.sections == ["plan", "jobs"]
    assert account.consent.scope == Consent.Scope.SUPPORTER_PORTAL and account.consent.given
    assert account.consent.recorded_by == coach
    assert account.consent.notes == "Maria Example (mother) may see: My plan, Jobs for me"
    assert [m.to for m in mail.outbox] == [["maria@example.org"]]


def test_a_supporter_needs_sections_chosen(coach_client, person, mother):
    response = coach_client.post(
        f"/people/{person.pk}/portal/supporter/", {"contact": mother.pk, **_agreed_today()}
    )
    assert response.status_code == 400
    assert b"Choose what the person agreed this supporter may see" in response.content
    assert not PortalAccount.objects.exists()


def test_ending_a_supporters_access_records_the_withdrawn_consent(
    coach_client, person, supporter_account
):
    response = coach_client.post(
        f"/people/{person.pk}/portal/{supporter_account.pk}/end/", {"reason": "Person asked"}
    )
    assert response.status_code == 302
    supporter_account.refresh_from_db()
    assert supporter_account.ended_at is not None
    assert not User.objects.get(pk=supporter_account.user_id).is_active
    latest = Consent.objects.filter(scope=Consent.Scope.SUPPORTER_PORTAL).first()
    assert latest.given is False and "Person asked" in latest.notes


def test_a_new_link_can_be_sent(coach_client, person, person_account):
    response = coach_client.post(f"/people/{person.pk}/portal/{person_account.pk}/resend/")
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[person_account.user.email]]


@pytest.mark.parametrize(
    "url",
    [
        "/people/{p}/portal/",
        "/people/{p}/portal/invite/",
        "/people/{p}/portal/supporter/",
        "/people/{p}/portal/{a}/end/",
    ],
)
def test_staff_who_do_not_work_with_the_person_are_refused(url, person, person_account):
    elsewhere = TeamFactory(code="FAR", authority=person.authority)
    stranger = staff(Role.EMPLOYMENT_SPECIALIST, elsewhere, email="far@example.org")
    client = Client()
    client.force_login(stranger)
    assert client.get(url.format(p=person.pk, a=person_account.pk)).status_code == 404
    resend = client.post(f"/people/{person.pk}/portal/{person_account.pk}/resend/")
    assert resend.status_code == 404
    assert mail.outbox == []


def test_a_commissioner_may_not_manage_portal_access(person, team, person_account):
    commissioner = staff(Role.COMMISSIONER, team, email="comm@example.org")
    client = Client()
    client.force_login(commissioner)
    assert client.get(f"/people/{person.pk}/portal/").status_code in (403, 404)
    answer = client.post(f"/people/{person.pk}/portal/invite/", {"email": "x@example.org"})
    assert answer.status_code in (403, 404)
    assert PortalAccount.objects.count() == 1


def test_a_person_account_never_gets_a_password_link(person_account, server_keys):
    with pytest.raises(CommandError, match="never has a password"):
        call_command("invite", person_account.user.email)
    answer = Client().post("/sign-in/forgotten-password/", {"email": person_account.user.email})
    assert answer.status_code == 302
    assert mail.outbox == []


def test_the_command_line_prints_a_portal_link(person_account, capsys, server_keys):
    call_command("portal_link", person_account.user.email.upper())
    printed = capsys.readouterr().out
    assert "/my/sign-in/?link=" in printed
    token = printed.strip().split("link=", 1)[1]
    assert Client().post("/my/sign-in/", {"link": token}).status_code == 302
