"""Recovery codes for two-step sign-in: ten single-use codes, shown once; the verify
step takes one in place of the app's code; a new set replaces the old."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _require_2fa(settings):
    settings.PATHWAYS_REQUIRE_2FA = True


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def signed_in(user) -> Client:
    client = Client()
    assert client.post("/sign-in/", {"username": user.email, "password": PASSWORD}).status_code
    return client


def codes_on(page) -> list[str]:
    return re.findall(r"<code[^>]*>([a-z2-7]{8})</code>", page.content.decode())


@pytest.fixture
def phone(coach):
    return TOTPDevice.objects.create(user=coach, name="phone", confirmed=True)


def verified(coach, phone) -> Client:
    client = signed_in(coach)
    assert client.post("/two-factor/verify/", {"code": code_for(phone)}).status_code == 302
    return client


def make_codes(client) -> list[str]:
    made = client.post("/two-factor/recovery-codes/", follow=True)
    codes = codes_on(made)
    assert len(codes) == 10 and len(set(codes)) == 10
    return codes


def test_codes_are_shown_once(coach, phone):
    client = verified(coach, phone)
    make_codes(client)
    again = client.get("/two-factor/recovery-codes/")
    assert codes_on(again) == []
    assert "You have 10 recovery codes left" in again.content.decode()


def test_a_recovery_code_signs_in_once(coach, phone):
    codes = make_codes(verified(coach, phone))
    client = signed_in(coach)
    ok = client.post("/two-factor/verify/", {"code": codes[0].upper(), "next": "/"}, follow=True)
    assert "You used a recovery code. You have 9 left" in ok.content.decode()
    assert client.get("/").status_code == 200
    again = signed_in(coach).post("/two-factor/verify/", {"code": codes[0]})
    assert again.status_code == 200 and "That code did not match" in again.content.decode()
    assert LogEntry.objects.filter(
        object_id=coach.pk, additional_data__what="signed in with a recovery code"
    ).exists()


def test_new_codes_replace_the_old(coach, phone):
    client = verified(coach, phone)
    old = make_codes(client)
    new = make_codes(client)
    assert not set(old) & set(new)
    assert StaticToken.objects.filter(device__user=coach).count() == 10
    refused = signed_in(coach).post("/two-factor/verify/", {"code": old[0]})
    assert "That code did not match" in refused.content.decode()
    assert (
        LogEntry.objects.filter(
            object_id=coach.pk, additional_data__what="recovery codes made"
        ).count()
        == 2
    )


def test_a_password_alone_cannot_make_codes(coach, phone):
    client = signed_in(coach)
    response = client.post("/two-factor/recovery-codes/")
    assert response.status_code == 302
    assert response["Location"].startswith("/two-factor/verify/")
    assert not StaticToken.objects.filter(device__user=coach).exists()


def test_the_header_links_to_the_codes_once_both_steps_are_done(coach, phone):
    client = verified(coach, phone)
    home = client.get("/").content.decode()
    assert 'href="/two-factor/recovery-codes/"' in home
    assert client.get("/two-factor/recovery-codes/").status_code == 200


def test_no_codes_link_after_the_password_alone(coach, phone, settings):
    settings.PATHWAYS_REQUIRE_2FA = False  # the page opens on the password alone
    page = signed_in(coach).get("/").content.decode()
    assert 'href="/two-factor/recovery-codes/"' not in page
