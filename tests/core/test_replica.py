"""The read replica's router and mark, without a replica (decision 0055).

Without DATABASE_REPLICA_URL nothing changes: the reports read and write the one
database as before. The router itself (installed only with a replica) sends every write
to the primary and never migrates the replica. Its behaviour on a real streaming replica
is test_replica_streaming.py (PostgreSQL).
"""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, router
from django.urls import reverse

from pathways.core import replica
from pathways.core.models import Team
from pathways.core.replica import REPLICA, ReplicaRouter, reads_from_replica

pytestmark = pytest.mark.django_db


def test_without_a_replica_reports_read_and_write_the_one_database(team, manager, client):
    assert not replica.configured()
    assert replica.state() is None
    with reads_from_replica():
        assert router.db_for_read(Team) == DEFAULT_DB_ALIAS
        assert Team.objects.get(code=team.code) == team
        Team.objects.filter(pk=team.pk).update(name="Renamed")
    team.refresh_from_db()
    assert team.name == "Renamed"

    client.force_login(manager)
    response = client.get(reverse("reporting:caseload"))
    assert response.status_code == 200
    assert "Renamed" in response.content.decode()


def test_health_says_nothing_of_a_replica_there_is_not(client):
    answer = client.get("/health/").json()
    assert "replica" not in answer["checks"]


def test_the_router_writes_to_the_primary_and_never_migrates_the_replica(team):
    router_ = ReplicaRouter()
    # Outside a report the router has no view on reads: Django's default applies.
    assert router_.db_for_read(Team) is None
    with reads_from_replica():
        # Inside a transaction on the primary (as every test is) reads see its writes.
        assert router_.db_for_read(Team) == DEFAULT_DB_ALIAS
        assert router_.db_for_write(Team) == DEFAULT_DB_ALIAS
    assert router_.db_for_write(Team, instance=team) == DEFAULT_DB_ALIAS
    assert router_.allow_migrate(REPLICA, "core") is False
    assert router_.allow_migrate(DEFAULT_DB_ALIAS, "core") is None
    team._state.db = REPLICA
    assert router_.allow_relation(team, Team(code="X")) is True


def test_a_decorated_report_returns_what_it_read(team):
    @reads_from_replica
    def codes(prefix: str) -> list[str]:
        return list(Team.objects.filter(code__startswith=prefix).values_list("code", flat=True))

    assert codes(team.code) == [team.code]
