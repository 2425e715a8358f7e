"""`pathways check --deploy`: a production configuration passes, an unsafe one does not.

Run as a real process, because the settings are read from the environment at start-up.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import string
import subprocess
import sys
from pathlib import Path

import pytest

#: Variables that would change what is being checked if inherited from the shell.
CONFIG = (
    "DJANGO_DEBUG",
    "SECRET_KEY",
    "PATHWAYS_PSEUDONYM_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "PATHWAYS_HTTPS",
    "PATHWAYS_SSL_REDIRECT",
    "PATHWAYS_REQUIRE_2FA",
)


def random_key(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def production_env(tmp_path: Path, **env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG}
    clean.update(
        {
            "DJANGO_DEBUG": "false",
            "ALLOWED_HOSTS": "pathways.example.gov.uk",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
            **env,
        }
    )
    return clean


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        env=production_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def deploy_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pathways.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def keys() -> dict[str, str]:
    return {"SECRET_KEY": random_key(), "PATHWAYS_PSEUDONYM_KEY": random_key()}


def test_a_production_configuration_passes_cleanly(tmp_path):
    result = deploy_check(tmp_path, **keys())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in (result.stdout + result.stderr).upper()


def test_the_built_in_development_key_fails(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode != 0
    assert "security.W009" in result.stderr


@pytest.mark.parametrize(
    ("env", "check_id"),
    [
        ({"DJANGO_DEBUG": "true"}, "security.W018"),
        ({"PATHWAYS_HTTPS": "false"}, "security.W004"),
    ],
)
def test_debug_or_plain_http_fails(tmp_path, env, check_id):
    result = deploy_check(tmp_path, **keys(), **env)
    assert result.returncode != 0
    assert check_id in result.stderr


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short-and-guessable"}, "SECRET_KEY is too short"),
        ({"PATHWAYS_PSEUDONYM_KEY": ""}, "PATHWAYS_PSEUDONYM_KEY is not set"),
        ({"SECRET_KEY": "same" * 20, "PATHWAYS_PSEUDONYM_KEY": "same" * 20}, "are the same"),
    ],
)
def test_outside_debug_a_command_refuses_to_run_on_an_unsafe_key(tmp_path, env, says):
    """Not a warning: the app stops with a message naming the key (a production server
    on the key written in the source would let anyone reverse the pseudonyms)."""
    settings = {**keys(), **env}
    if not env:
        settings.pop("SECRET_KEY")
    result = run(tmp_path, "-m", "pathways.cli", "migrate", **settings)
    assert result.returncode != 0
    assert says in result.stderr
    database = tmp_path / "deploy.sqlite3"
    if database.exists():  # connecting may create the file; nothing is migrated into it
        with sqlite3.connect(database) as db:
            assert db.execute("select name from sqlite_master").fetchall() == []


def test_the_wsgi_application_refuses_to_load_on_an_unsafe_key(tmp_path):
    """A server (gunicorn, mod_wsgi) runs no system checks: loading the app refuses."""
    refused = run(tmp_path, "-c", "import pathways.wsgi", SECRET_KEY=random_key())
    assert refused.returncode != 0
    assert "PATHWAYS_PSEUDONYM_KEY is not set" in refused.stderr
    loaded = run(tmp_path, "-c", "import pathways.wsgi", **keys())
    assert loaded.returncode == 0, loaded.stderr


def test_debug_keeps_working_without_keys(tmp_path):
    """A developer's machine and the demo need no keys."""
    result = run(tmp_path, "-m", "pathways.cli", "check", DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr
