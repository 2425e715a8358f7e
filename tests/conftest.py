from __future__ import annotations

import secrets

import pytest

from pathways.core.models import Role
from tests.factories import (
    AuthorityFactory,
    ReferralFactory,
    TeamFactory,
    staff,
)

pytest_plugins = ["tests.cafe"]


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Two-step sign-in has its own tests (tests/core/test_two_factor.py); elsewhere a
    # signed-in test user goes straight to the page under test.
    settings.PATHWAYS_REQUIRE_2FA = False
    # The test client speaks plain HTTP; HTTPS behaviour is tested in test_security.py.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def documents_dir(settings, tmp_path):
    """Uploaded documents go to a folder of this test's own."""
    settings.PATHWAYS_DOCUMENTS_DIR = tmp_path / "documents"
    return settings.PATHWAYS_DOCUMENTS_DIR


@pytest.fixture
def authority(db):
    return AuthorityFactory(code="E09000025", name="Newham")


@pytest.fixture
def team(authority):
    return TeamFactory(code="SE1", name="Supported Employment", authority=authority, caseload_cap=2)


@pytest.fixture
def other_team(authority):
    return TeamFactory(code="IPS1", name="IPS Mental Health", authority=authority, caseload_cap=20)


@pytest.fixture
def intake(team):
    return staff(Role.INTAKE_OFFICER, team, email="intake@example.org")


@pytest.fixture
def manager(team):
    return staff(Role.TEAM_MANAGER, team, email="manager@example.org")


@pytest.fixture
def coach(team):
    return staff(Role.EMPLOYMENT_SPECIALIST, team, email="coach@example.org")


@pytest.fixture
def referral(team):
    return ReferralFactory(team=team)


@pytest.fixture
def server_keys(settings):
    """A server's keys, for tests that run the command line in this process: it runs
    the system checks, which refuse the built-in keys outside debug."""
    settings.SECRET_KEY = secrets.token_urlsafe(48)
    settings.PATHWAYS_PSEUDONYM_KEY = secrets.token_urlsafe(48)
