"""Signing in to the portal by emailed link (django-sesame): once, for a limited time,
only for person accounts; and staying signed in on the phone afterwards."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from django.test import Client
from sesame.utils import get_query_string

from pathways.core.middleware import IdleTimeoutMiddleware
from pathways.portal import services

pytestmark = pytest.mark.django_db


def _link_in(message) -> str:
    return re.search(r"http\S+/my/sign-in/\?link=\S+", message.body).group(0)


def _token(link: str) -> str:
    return link.split("link=", 1)[1]


def test_the_invitation_link_opens_a_page_and_only_the_button_signs_in(coach, person):
    client = Client()
    account = services.invite_person(
        coach, person, email="sam@example.org", base_url="http://testserver"
    )
    assert account.user.is_person
    link = services.sign_in_link(account.user, "http://testserver")
    opened = client.get(link.removeprefix("http://testserver"))
    assert opened.status_code == 200
    assert b"Press the button to see your pages" in opened.content
    assert client.get("/my/").status_code == 302  # a mail scanner's visit signed nobody in
    signed = client.post("/my/sign-in/", {"link": _token(link)})
    assert signed.status_code == 302 and signed["Location"] == "/my/"
    home = client.get("/my/")
    assert home.status_code == 200
    assert f"Hello {person.given_name}".encode() in home.content


def test_the_invitation_email_holds_a_working_link(
    coach, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_person(coach, person, email="sam@example.org", base_url="http://testserver")
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    client = Client()
    response = client.post("/my/sign-in/", {"link": _token(_link_in(mail.outbox[0]))})
    assert response.status_code == 302
    assert client.get("/my/").status_code == 200


def test_a_link_works_once(person_account):
    token = _token(services.sign_in_link(person_account.user, "http://testserver"))
    assert Client().post("/my/sign-in/", {"link": token}).status_code == 302
    again = Client().post("/my/sign-in/", {"link": token})
    assert again.status_code == 400
    assert b"This link does not work" in again.content


def test_an_expired_link_is_refused(person_account, settings):
    settings.SESAME_MAX_AGE = 1
    token = _token(services.sign_in_link(person_account.user, "http://testserver"))
    time.sleep(2.1)
    response = Client().post("/my/sign-in/", {"link": token})
    assert response.status_code == 400
    assert b"The link may be old" in response.content


def test_a_staff_account_cannot_use_a_portal_link(coach):
    token = get_query_string(coach, scope=services.SCOPE).split("=", 1)[1]
    client = Client()
    assert client.post("/my/sign-in/", {"link": token}).status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_link_from_another_scope_is_refused(person_account):
    token = get_query_string(person_account.user).split("=", 1)[1]  # the default scope
    assert Client().post("/my/sign-in/", {"link": token}).status_code == 400


def test_an_ended_account_cannot_sign_in(coach, person_account):
    token = _token(services.sign_in_link(person_account.user, "http://testserver"))
    services.end_portal_access(coach, person_account, reason="Moved away")
    assert Client().post("/my/sign-in/", {"link": token}).status_code == 400


def test_the_person_stays_signed_in_on_their_phone(person_account, settings):
    client = Client()
    token = _token(services.sign_in_link(person_account.user, "http://testserver"))
    client.post("/my/sign-in/", {"link": token})
    assert client.session.get_expiry_age() == settings.PATHWAYS_PORTAL_SESSION_DAYS * 86400
    # Staff are signed out after half an hour idle; the person is not.
    session = client.session
    session[IdleTimeoutMiddleware.SESSION_KEY] = int(time.time()) - 10 * 24 * 3600
    session.save()
    assert client.get("/my/").status_code == 200


def test_asking_for_a_new_link_says_the_same_whoever_asks(person_account):
    known = Client().post("/my/new-link/", {"email": person_account.user.email.upper()})
    unknown = Client().post("/my/new-link/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert b"If we know your email, we have sent you a link" in known.content
    # Only the CSRF token differs between the two answers.
    strip = lambda html: re.sub(rb'value="[^"]{40,}"', b"", html)  # noqa: E731
    assert strip(known.content) == strip(unknown.content)


def test_a_new_link_is_emailed_to_a_known_address_only(
    person_account, coach, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/my/new-link/", {"email": "nobody@example.org"})
        Client().post("/my/new-link/", {"email": coach.email})  # staff: never
        Client().post("/my/new-link/", {"email": person_account.user.email})
    assert [m.to for m in mail.outbox] == [[person_account.user.email]]


def test_new_links_are_limited_per_address(
    person_account, settings, django_capture_on_commit_callbacks
):
    settings.PATHWAYS_PORTAL_LINK_LIMIT = 2
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            answer = Client().post("/my/new-link/", {"email": person_account.user.email})
            assert b"Check your email" in answer.content
    assert len(mail.outbox) == 2


def test_a_bad_address_says_what_to_do():
    response = Client().post("/my/new-link/", {"email": "not an address"})
    assert response.status_code == 400
    assert b"Type your email address like this: name@example.org" in response.content
