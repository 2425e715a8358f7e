from __future__ import annotations

import datetime as dt

import pytest

from pathways.core.models import Role
from tests.factories import EpisodeFactory, staff


@pytest.fixture
def approver(team):
    return staff(Role.PACKAGE_APPROVER, team, email="approver@example.org")


@pytest.fixture
def episode(team, coach):
    return EpisodeFactory(team=team, worker=coach, started_on=dt.date(2024, 1, 15))
