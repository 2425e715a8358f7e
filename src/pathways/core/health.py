"""``/health/``: whether this process can serve, for a load balancer or an orchestrator.

200 when the database answers and every migration is applied; 503 naming what is wrong
otherwise. It reads no personal data, so it needs no sign-in and writes no audit entry.
With a read replica for reporting (``core.replica``) it says how the replica is too, but
a replica that is down or lagging does not fail it: reports then read from the primary.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pathways.core import replica

#: Once every migration is applied it stays so for the life of the process: the check
#: (which loads every migration file) is then not repeated.
_migrated = False


def _pending_migrations(connection: Any) -> int:
    global _migrated
    if _migrated:
        return 0
    executor = MigrationExecutor(connection)
    pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    _migrated = pending == 0
    return pending


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError as exc:
        checks["database"] = f"unreachable: {type(exc).__name__}"
        return JsonResponse({"status": "unavailable", "checks": checks}, status=503)
    pending = _pending_migrations(connection)
    checks["migrations"] = "ok" if not pending else f"{pending} not applied"
    healthy = not pending
    replica_state = replica.state()
    if replica_state is not None:
        checks["replica"] = (
            replica_state.detail
            if not replica_state.usable
            else f"ok (lag {replica_state.lag or 0.0:.1f} s)"
        )
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
