"""Staff confirm sign-in with an authenticator-app code before seeing any page."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

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


def test_first_sign_in_sets_up_an_authenticator_app(client, coach):
    sign_in(client, coach)
    response = client.get("/people/")
    assert response.status_code == 302
    assert response["Location"].startswith("/two-factor/setup/")

    page = client.get(response["Location"])
    assert b"Set up two-step sign-in" in page.content
    assert b"data:image/svg+xml" in page.content  # the QR code
    device = TOTPDevice.objects.get(user=coach, confirmed=False)

    done = client.post("/two-factor/setup/", {"code": code_for(device), "next": "/people/"})
    assert done.status_code == 302 and done["Location"] == "/people/"
    assert client.get("/people/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_later_sign_ins_ask_for_a_code(client, coach):
    device = TOTPDevice.objects.create(user=coach, name="phone", confirmed=True)
    sign_in(client, coach)
    response = client.get("/")
    assert response["Location"].startswith("/two-factor/verify/")
    bad = client.post("/two-factor/verify/", {"code": "12ab56"})
    assert b"The code must be 6 digits" in bad.content
    assert client.get("/").status_code == 302
    ok = client.post("/two-factor/verify/", {"code": code_for(device), "next": "/"})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200


def wrong_code_for(device: TOTPDevice) -> str:
    return f"{(int(code_for(device)) + 1) % 1_000_000:06d}"


def test_a_wrong_code_is_refused_and_the_device_stays_unconfirmed(client, coach):
    sign_in(client, coach)
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
