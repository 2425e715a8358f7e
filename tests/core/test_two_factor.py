"""Staff confirm sign-in with an authenticator-app code before seeing any page."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from urllib.parse import urlparse

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pathways.core.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _require_2fa(settings):
    settings.PATHWAYS_REQUIRE_2FA = True


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client, user):
    response = client.post("/sign-in/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


NEW_PASSWORD = "lantern orchard copper 42"


def use_link(user, *extra: str) -> None:
    """Follow the one-time link `pathways invite` prints and choose a new password."""
    out = StringIO()
    call_command("invite", user.email, *extra, stdout=out)
    browser = Client()
    form_url = browser.get(urlparse(out.getvalue().strip()).path)["Location"]
    saved = browser.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert saved.status_code == 302


def sign_in_anew(client, user):
    response = client.post("/sign-in/", {"username": user.email, "password": NEW_PASSWORD})
    assert response.status_code == 302
    return response


def enrol(client, next_url="/people/"):
    client.get("/two-factor/setup/")
    device = TOTPDevice.objects.get(user=client.session["_auth_user_id"], confirmed=False)
    return client.post("/two-factor/setup/", {"code": code_for(device), "next": next_url})


def test_first_sign_in_sets_up_an_authenticator_app(client, coach):
    use_link(coach)
    sign_in_anew(client, coach)
    response = client.get("/people/")
    assert response.status_code == 302
    assert response["Location"].startswith("/two-factor/setup/")

    page = client.get(response["Location"])
    assert b"Set up two-step sign-in" in page.content
    assert b"data:image/svg+xml" in page.content  # the QR code
    device = TOTPDevice.objects.get(user=coach, confirmed=False)

    done = client.post("/two-factor/setup/", {"code": code_for(device), "next": "/people/"})
    # The recovery codes come next, shown once, then the page they were going to.
    assert done.status_code == 302
    assert done["Location"] == "/two-factor/recovery-codes/?next=/people/"
    codes = client.get(done["Location"])
    assert b"Your new recovery codes" in codes.content
    assert b'href="/people/"' in codes.content
    assert client.get("/people/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_later_sign_ins_ask_for_a_code(client, coach):
    device = TOTPDevice.objects.create(user=coach, name="phone", confirmed=True)
    sign_in(client, coach)
    response = client.get("/")
    assert response["Location"].startswith("/two-factor/verify/")
    bad = client.post("/two-factor/verify/", {"code": "12ab56"})
    assert b"Enter the 6-digit code from your app, or an 8-character recovery code" in bad.content
    assert client.get("/").status_code == 302
    ok = client.post("/two-factor/verify/", {"code": code_for(device), "next": "/"})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200


def wrong_code_for(device: TOTPDevice) -> str:
    return f"{(int(code_for(device)) + 1) % 1_000_000:06d}"


def test_a_wrong_code_is_refused_and_the_device_stays_unconfirmed(client, coach):
    use_link(coach)
    sign_in_anew(client, coach)
    client.get("/two-factor/setup/")
    device = TOTPDevice.objects.get(user=coach)
    wrong = client.post("/two-factor/setup/", {"code": wrong_code_for(device)})
    assert b"did not match" in wrong.content
    assert client.get("/").status_code == 302
    device.refresh_from_db()
    assert not device.confirmed


def test_next_cannot_send_staff_to_another_site(client, coach):
    device = TOTPDevice.objects.create(user=coach, name="phone", confirmed=True)
    sign_in(client, coach)
    ok = client.post(
        "/two-factor/verify/", {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert ok["Location"] == "/"


def test_the_session_id_is_renewed_after_the_second_step(client, coach):
    """A session id seen before the code was given (on a shared screen, in a log) is
    worth nothing afterwards."""
    device = TOTPDevice.objects.create(user=coach, name="phone", confirmed=True)
    sign_in(client, coach)
    before = client.session.session_key
    ok = client.post("/two-factor/verify/", {"code": code_for(device), "next": "/"})
    assert ok.status_code == 302
    assert client.session.session_key != before
    assert client.get("/").status_code == 200


# --- setting up an app needs proof of the mailbox, not the password alone -------------


def test_the_password_alone_cannot_set_up_an_authenticator_app(client, coach):
    sign_in(client, coach)

    sent = client.get("/people/")
    assert sent["Location"].startswith("/two-factor/setup/")
    page = client.get(sent["Location"])

    assert page.status_code == 403
    html = page.content.decode()
    assert "Use your invitation link to set up two-step sign-in" in html
    assert "ask your administrator" in html
    assert "data:image/svg+xml" not in html  # no QR code, no key
    assert not TOTPDevice.objects.filter(user=coach).exists()
    assert client.post("/two-factor/setup/", {"code": "123456"}).status_code == 403
    assert client.get("/people/").status_code == 302


def test_the_proof_is_used_once(client, coach):
    use_link(coach)
    sign_in_anew(client, coach)
    client.get("/two-factor/setup/")  # this sign-in takes the proof

    other = Client()  # someone else with the password, on another computer
    sign_in_anew(other, coach)
    assert other.get("/two-factor/setup/").status_code == 403

    assert enrol(client).status_code == 302
    client.post("/sign-out/")
    # Enrolled: the next sign-in is asked for a code and cannot set up another app.
    sign_in_anew(client, coach)
    assert client.get("/two-factor/setup/")["Location"].startswith("/two-factor/verify/")
    assert TOTPDevice.objects.filter(user=coach).count() == 1


def test_the_proof_expires(client, coach, settings):
    settings.PATHWAYS_ENROLMENT_PROOF_HOURS = 24
    use_link(coach)
    User.objects.filter(pk=coach.pk).update(
        enrol_two_factor_until=timezone.now() - dt.timedelta(seconds=1)
    )
    sign_in_anew(client, coach)
    assert client.get("/two-factor/setup/").status_code == 403


def test_the_link_gives_a_day_by_default(coach):
    use_link(coach)
    coach.refresh_from_db()
    left = coach.enrol_two_factor_until - timezone.now()
    assert dt.timedelta(hours=23) < left <= dt.timedelta(hours=24)


def test_an_administrator_resets_a_lost_authenticator_app(client, coach):
    TOTPDevice.objects.create(user=coach, name="lost phone", confirmed=True)
    use_link(coach, "--reset-two-factor")

    assert not TOTPDevice.objects.filter(user=coach, name="lost phone").exists()
    entry = LogEntry.objects.filter(
        object_pk=str(coach.pk), additional_data__what="two-step sign-in reset"
    ).get()
    assert entry.additional_data["channel"] == "cli"
    sign_in_anew(client, coach)
    assert enrol(client).status_code == 302
    assert client.get("/people/").status_code == 200


def test_a_plain_invite_does_not_replace_a_working_app(client, coach):
    TOTPDevice.objects.create(user=coach, name="phone", confirmed=True)
    use_link(coach)  # a forgotten password: the app stays, and must be used

    sign_in_anew(client, coach)
    assert client.get("/two-factor/setup/")["Location"].startswith("/two-factor/verify/")
    coach.refresh_from_db()
    assert coach.enrol_two_factor_until is None
