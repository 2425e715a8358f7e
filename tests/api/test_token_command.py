"""``pathways token``: a token shown once, stored hashed, that works until revoked."""

from __future__ import annotations

from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connections
from django.test import Client

from pathways.cli import main
from pathways.core.models import ApiToken, hash_token

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
