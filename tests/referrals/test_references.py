"""References taken at the same moment by parallel requests are all different.

On PostgreSQL the writes run in real parallel connections (threads, each with its own
connection), started together; SQLite lets one transaction write at a time, so there
the same calls run one after another.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from pathways.casework.models import Episode
from pathways.core.models import Role
from pathways.referrals import services
from pathways.referrals.models import Referral, Status
from tests.factories import PersonFactory, ReferralFactory, TeamFactory, staff

pytestmark = pytest.mark.django_db(transaction=True)

PARALLEL = 8


def all_at_once(calls: list[Callable[[], Any]]) -> list[BaseException]:
    """Run the calls together (one thread and connection each) on PostgreSQL, in turn on
    SQLite; the errors they raised."""
    errors: list[BaseException] = []
    if connection.vendor == "sqlite":
        for call in calls:
            try:
                call()
            except Exception as exc:
                errors.append(exc)
        return errors
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> None:
        try:
            start.wait(timeout=30)
            call()
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_parallel_referrals_each_get_their_own_reference():
    team = TeamFactory(caseload_cap=40)
    intake = staff(Role.INTAKE_OFFICER, team, email="intake@example.org")
    people = [PersonFactory(authority=team.authority) for _ in range(PARALLEL)]

    def refer(person: Any) -> Callable[[], Any]:
        return lambda: services.create_referral(
            intake,
            person=person,
            team=team,
            source="self",
            received_on=dt.date.today(),
        )

    errors = all_at_once([refer(p) for p in people])
    assert errors == []
    refs = list(Referral.objects.values_list("referral_ref", flat=True))
    assert len(refs) == PARALLEL == len(set(refs))


def test_parallel_allocations_each_open_an_episode_with_its_own_reference():
    team = TeamFactory(caseload_cap=40)
    manager = staff(Role.TEAM_MANAGER, team, email="manager@example.org")
    workers = [
        staff(Role.EMPLOYMENT_SPECIALIST, team, email=f"worker{i}@example.org")
        for i in range(PARALLEL)
    ]
    waiting = [
        ReferralFactory(team=team, status=Status.ACCEPTED, referral_ref=f"W{i}")
        for i in range(PARALLEL)
    ]

    def allocate(referral: Referral, worker: Any) -> Callable[[], Any]:
        return lambda: services.allocate(manager, referral, worker=worker)

    errors = all_at_once([allocate(r, w) for r, w in zip(waiting, workers, strict=True)])
    assert errors == []
    refs = list(Episode.objects.values_list("episode_ref", flat=True))
    assert len(refs) == PARALLEL == len(set(refs))
