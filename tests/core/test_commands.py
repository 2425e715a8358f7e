"""`pathways invite` and `pathways audit person`: the operator's commands."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path
from urllib.parse import urlparse

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.test import Client

from pathways.core import audit
from pathways.core.models import Role, User
from pathways.people import services as people_services
from tests.command_line import server_env
from tests.factories import PersonFactory, staff

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lantern orchard copper 42"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- invite ---------------------------------------------------------------------------


@pytest.fixture
def newcomer(team):
    user = User.objects.create_user("new.starter@example.org", first_name="Noor")
    user.memberships.create(team=team, role=Role.EMPLOYMENT_SPECIALIST)
    return user


def test_invite_prints_a_link_to_set_a_password(newcomer):
    link = run("invite", "New.Starter@example.org").strip()
    assert link.startswith("http://127.0.0.1:8000/set-password/")
    assert len(link.splitlines()) == 1
    entry = LogEntry.objects.filter(object_pk=str(newcomer.pk)).latest("timestamp")
    assert entry.additional_data["what"] == "invitation link issued"
    assert entry.additional_data["channel"] == "cli"


def test_invite_uses_the_base_url_given(newcomer):
    link = run("invite", newcomer.email, "--base-url", "https://pathways.example.gov.uk/")
    assert link.startswith("https://pathways.example.gov.uk/set-password/")


def test_the_invitation_link_works_once(newcomer):
    path = urlparse(run("invite", newcomer.email).strip()).path
    browser = Client()
    # Django swaps the token for a session marker so it does not leak via Referer.
    landing = browser.get(path)
    assert landing.status_code == 302
    form_url = landing["Location"]
    assert form_url.endswith("/set-password/")
    form = browser.get(form_url)
    assert form.status_code == 200 and form.context["validlink"]
    saved = browser.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert saved.status_code == 302

    signed_in = Client().post("/sign-in/", {"username": newcomer.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302

    again = Client().get(path, follow=True)
    assert again.status_code == 200
    assert not again.context["validlink"]
    assert b"expired or was already used" in again.content


def test_invite_refuses_an_unknown_email(db):
    with pytest.raises(CommandError, match="No staff account has the email address"):
        run("invite", "nobody@example.org")


def test_invite_refuses_an_inactive_account(newcomer):
    newcomer.is_active = False
    newcomer.save()
    with pytest.raises(CommandError, match="inactive"):
        run("invite", newcomer.email)


# --- audit person ---------------------------------------------------------------------


@pytest.fixture
def dpo(team):
    return staff(Role.DATA_PROTECTION_OFFICER, team, email="dpo@example.org")


@pytest.fixture
def person_with_history(authority, team, intake, coach, other_team):
    """A person whose record was read, changed, then refused to an outsider, in order."""
    person = PersonFactory(authority=authority, person_ref="C555001")
    audit.record_access(intake, person, channel="web", remote_addr="10.0.0.5")
    with set_actor(intake):  # as the web middleware does for a signed-in user
        people_services.update_person(
            intake, person, expected_version=person.version, phone="07700 900123"
        )
    outsider = staff(Role.EMPLOYMENT_SPECIALIST, other_team, email="outsider@example.org")
    audit.record_access(outsider, person, channel="web", outcome=audit.DENIED)
    return person


def audit_json(*extra: str) -> list[dict]:
    return json.loads(run("audit", "person", "E09000025", "C555001", "--format", "json", *extra))


def test_audit_json_lists_the_trail_newest_first(person_with_history):
    entries = audit_json()
    whens = [e["when"] for e in entries]
    assert whens == sorted(whens, reverse=True)
    own, denied, change, read = entries[:4]
    assert (own["channel"], own["what"], own["action"]) == ("cli", "audit trail", "read")
    assert own["who"] == "operator"
    assert (denied["who"], denied["outcome"]) == ("outsider@example.org", "denied")
    assert (change["who"], change["action"]) == ("intake@example.org", "update")
    assert "phone" in change["changes"]
    assert (read["who"], read["outcome"], read["from"]) == (
        "intake@example.org",
        "allowed",
        "10.0.0.5",
    )


def test_audit_table_shows_the_same_trail(person_with_history):
    lines = run("audit", "person", "E09000025", "C555001").splitlines()
    assert lines[0].split() == ["when", "who", "action", "what", "channel", "outcome", "from"]
    assert "audit trail" in lines[1] and "cli" in lines[1]
    assert "outsider@example.org" in lines[2] and "denied" in lines[2]
    assert "intake@example.org" in lines[3] and "update" in lines[3]


def test_each_audit_read_is_itself_recorded(person_with_history):
    def cli_reads() -> int:
        return (
            audit.person_trail(person_with_history)
            .filter(additional_data__channel="cli", additional_data__what="audit trail")
            .count()
        )

    run("audit", "person", "E09000025", "C555001")
    audit_json()
    assert cli_reads() == 2


def test_audit_as_the_data_protection_officer(person_with_history, dpo):
    entries = audit_json("--as", dpo.email)
    assert entries[0]["who"] == dpo.email


def test_audit_as_someone_not_allowed_is_refused_and_recorded(person_with_history, coach):
    with pytest.raises(CommandError, match="may not see this audit trail"):
        audit_json("--as", coach.email)
    latest = audit.person_trail(person_with_history).first()
    assert latest.actor == coach
    assert latest.additional_data["outcome"] == audit.DENIED
    assert latest.additional_data["channel"] == "cli"


@pytest.mark.parametrize(
    ("authority_code", "ref", "message"),
    [("E09999999", "C555001", "No authority"), ("E09000025", "NOPE", "no person")],
)
def test_audit_refuses_unknown_authority_or_person(
    person_with_history, authority_code, ref, message
):
    with pytest.raises(CommandError, match=message):
        run("audit", "person", authority_code, ref)


# --- the real command line ------------------------------------------------------------


def pathways(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    env = server_env(DATABASE_URL=f"sqlite:///{database}")
    return subprocess.run(
        [sys.executable, "-m", "pathways.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_command_line_failures_exit_non_zero_with_one_line(tmp_path):
    database = tmp_path / "demo.sqlite3"
    assert pathways("demo", database=database).returncode == 0
    again = pathways("demo", database=database)
    assert again.returncode == 0 and "already loaded" in again.stdout

    for args in (
        ("invite", "nobody@example.org"),
        ("audit", "person", "E09000099", "NO-SUCH-REF"),
        ("audit", "person", "E09999999", "RB10001"),
    ):
        result = pathways(*args, database=database)
        assert result.returncode == 1, args
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr

    link = pathways("invite", "dpo@riverside.example", database=database)
    assert link.returncode == 0 and "/set-password/" in link.stdout
    trail = pathways(
        "audit", "person", "E09000099", "RB10001", "--format", "json", database=database
    )
    assert trail.returncode == 0
    assert json.loads(trail.stdout)[0]["channel"] == "cli"
