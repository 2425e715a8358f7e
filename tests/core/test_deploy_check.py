"""`pathways check --deploy`: a production configuration passes, an unsafe one does not.

Run as a real process, because the settings are read from the environment at start-up.
"""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

#: Variables that would change what is being checked if inherited from the shell.
CONFIG = (
    "DJANGO_DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "PATHWAYS_HTTPS",
    "PATHWAYS_SSL_REDIRECT",
    "PATHWAYS_REQUIRE_2FA",
)


def random_key(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def deploy_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG}
    clean.update(
        {
            "DJANGO_DEBUG": "false",
            "ALLOWED_HOSTS": "pathways.example.gov.uk",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "pathways.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_production_configuration_passes_cleanly(tmp_path):
    result = deploy_check(tmp_path, SECRET_KEY=random_key())
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
    result = deploy_check(tmp_path, SECRET_KEY=random_key(), **env)
    assert result.returncode != 0
    assert check_id in result.stderr
