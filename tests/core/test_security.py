"""Security behaviour a user (or an attacker) would notice."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pathways.core.middleware import IdleTimeoutMiddleware
from tests.factories import PASSWORD, PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def test_pages_with_personal_data_are_never_cached(client, intake, referral):
    client.force_login(intake)
    response = client.get(f"/people/{referral.person_id}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_strict_security_headers(client, intake):
    client.force_login(intake)
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_https_is_enforced_in_production(settings, client):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    plain = client.get("/sign-in/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    secure = client.get("/sign-in/", secure=True)
    assert "max-age=31536000" in secure["Strict-Transport-Security"]


def test_forms_refuse_posts_without_a_csrf_token(intake, referral):
    client = Client(enforce_csrf_checks=True)
    client.force_login(intake)
    response = client.post(f"/referrals/{referral.pk}/accept/", {"version": referral.version})
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == "received"


def test_sign_in_and_out(client, intake):
    page = client.get("/sign-in/")
    assert b"Sign in" in page.content
    bad = client.post("/sign-in/", {"username": intake.email, "password": "wrong"})
    assert b"Enter a correct email address and password" in bad.content
    good = client.post("/sign-in/", {"username": intake.email, "password": PASSWORD})
    assert good.status_code == 302
    assert client.get("/").status_code == 200
    assert client.post("/sign-out/").status_code == 302
    assert client.get("/").status_code == 302


def test_repeated_failures_lock_that_username_from_that_address(settings, intake):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post("/sign-in/", {"username": intake.email, "password": "guess"})
    locked = attacker.post("/sign-in/", {"username": intake.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert b"Too many attempts" in locked.content
    # The real user, from their own desk, can still sign in.
    colleague = Client(REMOTE_ADDR="198.51.100.20")
    ok = colleague.post("/sign-in/", {"username": intake.email, "password": PASSWORD})
    assert ok.status_code == 302


def test_idle_sessions_are_signed_out(settings, client, intake):
    client.force_login(intake)
    assert client.get("/").status_code == 200
    session = client.session
    session[IdleTimeoutMiddleware.SESSION_KEY] = (
        int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    )
    session.save()
    response = client.get("/referrals/waiting/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
    assert client.get("/").status_code == 302


def test_active_sessions_stay_signed_in(settings, client, intake):
    client.force_login(intake)
    session = client.session
    session[IdleTimeoutMiddleware.SESSION_KEY] = (
        int(time.time()) - settings.SESSION_IDLE_TIMEOUT + 60
    )
    session.save()
    assert client.get("/").status_code == 200


def test_search_results_do_not_leak_people_from_elsewhere(client, coach):
    stranger = PersonFactory(family_name="Zebedee")
    ReferralFactory(person=stranger)
    client.force_login(coach)
    html = client.get("/people/", {"q": "Zebedee"}).content.decode()
    assert "0 people found" in html


def test_sign_in_takes_the_email_in_any_case(client, intake):
    """``Intake@Example.org `` is the same account as ``intake@example.org``."""
    typed = f" {intake.email.upper()} "
    response = client.post("/sign-in/", {"username": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_failures_in_any_case_count_towards_one_lockout(settings, intake):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(settings.AXES_FAILURE_LIMIT):
        typed = intake.email.upper() if i % 2 else intake.email
        attacker.post("/sign-in/", {"username": typed, "password": "guess"})
    locked = attacker.post("/sign-in/", {"username": intake.email, "password": PASSWORD})
    assert locked.status_code == 429


def test_pages_do_not_rewrite_the_session_on_every_request(client, intake):
    """The last-seen time is kept to the minute, so reading pages does not write the
    session each time (the cost of a commit per page), yet it still moves on."""
    client.force_login(intake)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/referrals/waiting/").status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]

    session = client.session
    stale = int(time.time()) - IdleTimeoutMiddleware.RESOLUTION - 1
    session[IdleTimeoutMiddleware.SESSION_KEY] = stale
    session.save()
    client.get("/referrals/waiting/")
    assert client.session[IdleTimeoutMiddleware.SESSION_KEY] > stale
