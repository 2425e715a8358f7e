from __future__ import annotations

import pytest
from django.test import Client

from pathways.api.tokens import issue_token


def client_for(user) -> Client:
    """A client sending a fresh bearer token of ``user``, over HTTPS as in production."""
    raw = issue_token(user.email).raw
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", **{"wsgi.url_scheme": "https"})


@pytest.fixture
def anonymous():
    return Client(**{"wsgi.url_scheme": "https"})


@pytest.fixture
def as_intake(intake):
    return client_for(intake)


@pytest.fixture
def as_manager(manager):
    return client_for(manager)


@pytest.fixture
def as_coach(coach):
    return client_for(coach)
