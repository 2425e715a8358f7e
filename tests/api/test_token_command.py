"""``pathways token``: a token shown once, stored hashed, that works until revoked."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connections
from django.test import Client
from django.utils import timezone

from pathways.cli import main
from pathways.core.models import ApiToken, Membership, Role, hash_token
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

HTTPS = {"wsgi.url_scheme": "https"}


def create_token(email: str) -> str:
    out = StringIO()
    call_command("token", "create", email, stdout=out)
    return out.getvalue().rstrip("\n").splitlines()[-1]


def people_status(raw: str) -> int:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", **HTTPS).get("/api/v1/people").status_code


def test_create_prints_the_token_alone_on_the_last_line_and_it_works(intake):
    raw = create_token("Intake@Example.org")

    assert raw.startswith("pw_") and " " not in raw
    assert people_status(raw) == 200
    token = ApiToken.objects.get(user=intake)
    assert token.key_hash == hash_token(raw)
    assert token.prefix == raw[:8]
    assert not ApiToken.objects.filter(key_hash=raw).exists()


def test_issuing_is_audited(intake):
    create_token(intake.email)
    entry = LogEntry.objects.get(additional_data__what="api token created")
    assert entry.object_pk == str(intake.pk)
    assert entry.additional_data["channel"] == "cli"


def test_unknown_email_fails_with_one_line_on_stderr(db, capsys, monkeypatch, server_keys):
    # The command line closes every connection when done, which would end the test's
    # transaction on PostgreSQL.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_:
        main(["pathways", "token", "create", "nobody@example.org"])
    assert exit_.value.code != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "nobody@example.org" in err
    assert not ApiToken.objects.exists()


def test_inactive_account_gets_no_token(intake):
    intake.is_active = False
    intake.save()
    with pytest.raises(CommandError, match="inactive"):
        create_token(intake.email)


def test_revoke_by_prefix_stops_that_token_only(intake):
    first, second = create_token(intake.email), create_token(intake.email)

    out = StringIO()
    call_command("token", "revoke", first[:8], stdout=out)

    assert "Revoked" in out.getvalue()
    assert people_status(first) == 401
    assert people_status(second) == 200


def test_revoke_by_email_stops_all_of_that_persons_tokens(intake, manager):
    mine = [create_token(intake.email) for _ in range(2)]
    theirs = create_token(manager.email)

    call_command("token", "revoke", intake.email, stdout=StringIO())

    assert [people_status(raw) for raw in mine] == [401, 401]
    assert people_status(theirs) == 200
    assert LogEntry.objects.filter(additional_data__what="api token revoked").count() == 2


def test_revoking_an_unknown_prefix_fails(db):
    with pytest.raises(CommandError, match="No API token starts with pw_zzzzz"):
        call_command("token", "revoke", "pw_zzzzz")


# --- access that ends (issue 11, item 6) -------------------------------------------------


def test_a_token_expires_after_the_configured_days(intake, settings):
    settings.PATHWAYS_API_TOKEN_DAYS = 30
    raw = create_token(intake.email)
    token = ApiToken.objects.get(user=intake)
    days = (token.expires_at - token.created_at).days
    assert days == 30
    token.expires_at = timezone.now() - dt.timedelta(seconds=1)
    token.save(update_fields=["expires_at"])
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", **HTTPS).get("/api/v1/people")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_new_password_ends_the_owners_tokens(intake):
    raw = create_token(intake.email)
    assert people_status(raw) == 200
    intake.set_password("a-new-long-password-2026")
    intake.save()
    assert people_status(raw) == 401
    assert ApiToken.objects.get(user=intake).revoked_at is not None


def test_a_change_of_team_or_role_ends_the_members_tokens(intake, other_team):
    raw = create_token(intake.email)
    assert people_status(raw) == 200
    Membership.objects.create(user=intake, team=other_team, role=Role.EMPLOYMENT_SPECIALIST)
    assert people_status(raw) == 401
    again = create_token(intake.email)
    Membership.objects.filter(user=intake, team=other_team).delete()
    assert people_status(again) == 401


def test_signing_in_does_not_end_tokens(client, intake):
    raw = create_token(intake.email)
    assert (
        client.post("/sign-in/", {"username": intake.email, "password": PASSWORD}).status_code
        == 302
    )
    assert people_status(raw) == 200


def test_list_shows_expiry_and_last_use(intake):
    raw = create_token(intake.email)
    people_status(raw)
    out = StringIO()
    call_command("token", "list", intake.email, stdout=out)
    [line] = out.getvalue().splitlines()
    token = ApiToken.objects.get(user=intake)
    assert line.startswith(f"{token.prefix}…  {intake.email}")
    assert "last used never" not in line and "live" in line
    assert f"expires {timezone.localtime(token.expires_at):%Y-%m-%d}" in line
