"""/health/ for load balancers, and the request id that ties a response to its logs."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from pathways.core import health
from pathways.core.request_log import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


def test_health_says_ok_without_signing_in(django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = Client().get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}
    assert "no-store" in response["Cache-Control"]


def test_health_is_unavailable_while_migrations_are_missing(monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)
    monkeypatch.setattr(health.MigrationExecutor, "migration_plan", lambda self, targets: [1, 2])
    response = Client().get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "2 not applied"


def test_every_response_carries_a_request_id_and_the_log_line_has_it(caplog):
    caplog.set_level(logging.INFO, logger="pathways.requests")
    response = Client().get("/sign-in/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    line = next(r for r in caplog.records if r.name == "pathways.requests")
    assert line.path == "/sign-in/" and line.status == 200
    assert RequestIdFilter().filter(line) and line.request_id == "-"  # outside the request


def test_a_proxys_request_id_is_kept_but_only_if_it_looks_like_one():
    kept = Client().get("/health/", HTTP_X_REQUEST_ID="lb-7f3a9c21e0")
    assert kept["X-Request-ID"] == "lb-7f3a9c21e0"
    replaced = Client().get("/health/", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert replaced["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(replaced["X-Request-ID"]) == 32


def test_log_lines_are_json_with_the_request_id_and_extras():
    record = logging.LogRecord("pathways.requests", logging.INFO, "", 0, "GET %s", ("/x",), None)
    record.request_id = "abc123def456"
    record.status = 200
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "GET /x"
    assert entry["request_id"] == "abc123def456"
    assert entry["status"] == 200 and entry["level"] == "INFO"
    assert entry["time"].endswith("Z")
