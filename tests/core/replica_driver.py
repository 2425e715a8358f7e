"""A Django process on a primary and its streaming replica, for test_replica_streaming.

Run as ``python -m tests.core.replica_driver`` with DATABASE_URL (the primary) and
DATABASE_REPLICA_URL (the replica) set. It reads one JSON request a line on standard
input and answers one JSON line on standard output, so that the test can stop, pause
and start the replica between two reports made by the same process (the replica's
health is cached per process). It asks only what a user of the reports would see, plus
which database a report's reads go to (``router.db_for_read`` inside
``reads_from_replica``) and whether that database is a standby.
"""

from __future__ import annotations

import io
import json
import os
import sys
import traceback
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections, router  # noqa: E402
from django.test import Client  # noqa: E402

from pathways.core.audit import record_event  # noqa: E402
from pathways.core.models import Authority, Organisation, Team, User  # noqa: E402
from pathways.core.replica import reads_from_replica  # noqa: E402
from pathways.core.tokens import issue_token  # noqa: E402

BOSS = "boss@example.org"


def setup() -> dict[str, Any]:
    Authority.objects.create(code="E09000099", name="Replica Borough")
    Organisation.objects.create(name="Replica Borough Council", kind=Organisation.Kind.COUNCIL)
    User.objects.create_superuser(email=BOSS, password="not-used-anywhere-here-1")
    return {}


def team(code: str) -> dict[str, Any]:
    Team.objects.create(
        code=code,
        name=f"Team {code}",
        authority=Authority.objects.get(code="E09000099"),
        organisation=Organisation.objects.get(name="Replica Borough Council"),
    )
    return {}


def authority(code: str) -> dict[str, Any]:
    Authority.objects.create(code=code, name=f"Authority {code}")
    return {}


def api(authority: str) -> dict[str, Any]:
    """The employment-rate route of the API for one authority, as a superuser's token:
    404 when the database it reads from does not have the authority."""
    raw = issue_token(BOSS).raw
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", **{"wsgi.url_scheme": "https"})
    response = client.get(
        "/api/v1/reports/employment-rate", {"authority": authority, "on": "2026-03-31"}
    )
    return {"status": response.status_code}


def report() -> dict[str, Any]:
    """``pathways report caseload --format json``: the teams it lists."""
    out = io.StringIO()
    call_command("report", "caseload", "--format", "json", stdout=out)
    return {"teams": sorted(t["team"] for t in json.loads(out.getvalue())["teams"])}


def page(code: str) -> dict[str, Any]:
    """The caseload report page for a superuser: its status, and whether it shows the
    team. Signing in writes a session (to the primary)."""
    client = Client()
    client.force_login(User.objects.get(email=BOSS))
    response = client.get("/reports/caseload/")
    return {"status": response.status_code, "shows": code in response.content.decode()}


def where() -> dict[str, Any]:
    """Which database a report's reads go to now, and whether it is a standby."""
    with reads_from_replica():
        alias = router.db_for_read(Team)
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            (in_recovery,) = cursor.fetchone()
    return {"alias": alias, "in_recovery": in_recovery}


def audit_while_reporting(code: str) -> dict[str, Any]:
    """An audit entry recorded in the middle of a report, about a row the report read."""
    with reads_from_replica():
        found = Team.objects.get(code=code)
        entry = record_event(None, found, channel="cli", what=f"replica test {code}")
    return {"read_from": found._state.db, "written_to": entry._state.db}


def health() -> dict[str, Any]:
    response = Client().get("/health/")
    return {"http_status": response.status_code, **response.json()}


def configure(max_lag: float, check: float) -> dict[str, Any]:
    settings.PATHWAYS_REPLICA_MAX_LAG_SECONDS = max_lag
    settings.PATHWAYS_REPLICA_CHECK_SECONDS = check
    return {}


OPS = {
    "setup": setup,
    "team": team,
    "authority": authority,
    "api": api,
    "report": report,
    "page": page,
    "where": where,
    "audit_while_reporting": audit_while_reporting,
    "configure": configure,
    "health": health,
}


def main() -> None:
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        op = OPS[request.pop("op")]
        try:
            answer = {"ok": True, **op(**request)}
        except Exception as exc:  # the test shows it
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            traceback.print_exc()
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
