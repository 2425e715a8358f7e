""" "Forgotten your password?": a reset link by email, which never tells whether an
address has an account, is rate-limited, and does not let anyone set up two-step
sign-in (only an invitation or an administrator's reset does)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from pathways.core.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "harbour violet signal 77"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def ask(client, email):
    return client.post("/sign-in/forgotten-password/", {"email": email}, follow=True)


def reset_path(message) -> str:
    found = re.search(r"http://testserver(/sign-in/reset-password/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_the_sign_in_page_offers_a_reset_not_a_command_line_link(client, db):
    page = client.get("/sign-in/").content.decode()
    assert 'href="/sign-in/forgotten-password/"' in page
    assert "Forgotten your password?" in page
    assert "Ask your team manager or administrator for a new sign-in link" not in page


def test_known_and_unknown_addresses_get_the_same_answer(client, coach):
    known = ask(client, "COACH@example.org")
    unknown = ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert "If a staff account has that address" in known.content.decode()
    assert known.content == unknown.content
    (message,) = mail.outbox
    assert message.to == [coach.email]


def test_the_link_sets_a_new_password_but_does_not_allow_setting_up_two_step(client, coach):
    ask(client, coach.email)
    browser = Client()
    form_url = browser.get(reset_path(mail.outbox[0]))["Location"]
    saved = browser.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert saved.status_code == 302 and saved["Location"] == "/sign-in/?password=set"
    coach.refresh_from_db()
    assert coach.check_password(NEW_PASSWORD)
    assert coach.enrol_two_factor_until is None
    # Signed in with the new password, they are still not allowed to set up an app.
    browser.post("/sign-in/", {"username": coach.email, "password": NEW_PASSWORD})
    assert browser.get("/two-factor/setup/").status_code == 403


def test_a_reset_link_does_not_pass_for_an_invitation(client, coach):
    ask(client, coach.email)
    as_invitation = reset_path(mail.outbox[0]).replace("/sign-in/reset-password/", "/set-password/")
    browser = Client()
    landed = browser.get(as_invitation, follow=True)
    assert "This link has expired or was already used" in landed.content.decode()
    coach.refresh_from_db()
    assert coach.check_password(PASSWORD) and coach.enrol_two_factor_until is None


def test_requests_are_limited_per_address(client, coach, settings):
    settings.PATHWAYS_PASSWORD_RESET_LIMIT = 3
    for _ in range(5):
        page = ask(client, coach.email)
        assert "If a staff account has that address" in page.content.decode()
    assert len(mail.outbox) == 3


def test_requests_are_limited_per_network_address(client, db, settings):
    settings.PATHWAYS_PASSWORD_RESET_LIMIT = 2
    users = [User.objects.create_user(f"u{n}@example.org", PASSWORD) for n in range(4)]
    for user in users:
        ask(client, user.email)
    assert len(mail.outbox) == 2


def test_an_empty_or_malformed_address_is_explained(client, db):
    page = client.post("/sign-in/forgotten-password/", {"email": "not-an-address"})
    assert page.status_code == 200
    assert "Enter an email address in the correct format" in page.content.decode()
    assert not mail.outbox
