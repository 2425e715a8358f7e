"""`pathways serve --production` for real: gunicorn with two workers on a migrated
database (PostgreSQL when the suite runs on it, else SQLite), on the loopback address;
bounded (each wait has a deadline) and stopped at the end. It answers /health/, serves
pages and compressed static files, logs JSON lines carrying each response's request
id, and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PATHWAYS = Path(sys.executable).parent / "pathways"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database(tmp: Path) -> tuple[str, Callable[[], None]]:
    """A database of the server's own: on the PostgreSQL server the suite runs against
    (CI's second run) a new database, dropped afterwards; else a SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / 'pathways.sqlite3'}", lambda: None
    import psycopg

    name = f"pathways_production_test_{os.getpid()}"
    server_url = url.rsplit("/", 1)[0]

    def run(sql: str) -> None:
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
            connection.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}"')
    run(f'CREATE DATABASE "{name}"')
    return f"{server_url}/{name}", lambda: run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(tmp: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PATHWAYS_"))}
    env.update(
        DJANGO_DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        PATHWAYS_PSEUDONYM_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        PATHWAYS_HTTPS="false",
        DATABASE_URL=database_url,
        PATHWAYS_STATIC_ROOT=str(tmp / "static"),
        PATHWAYS_LOG_FORMAT="json",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("production")
    database_url, drop = _database(tmp)
    env = _env(tmp, database_url)
    subprocess.run(
        [str(PATHWAYS), "migrate", "--no-input", "-v", "0"], env=env, check=True, timeout=300
    )
    port = _free_port()
    log = (tmp / "server.log").open("w+")
    process = subprocess.Popen(
        [str(PATHWAYS), "serve", "--production", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if _get(f"{base}/health/")[0] == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.seek(0)
            pytest.fail(f"the production server did not start:\n{log.read()[-3000:]}")
        time.sleep(0.5)
    yield base, process, log
    if process.poll() is None:
        process.kill()
        process.wait(timeout=30)
    log.close()
    drop()


def test_it_answers_health_with_a_request_id(server):
    base, _, _ = server
    status, headers, body = _get(f"{base}/health/")
    assert status == 200
    assert json.loads(body)["checks"] == {"database": "ok", "migrations": "ok"}
    assert headers["Server"] == "gunicorn"
    assert len(headers["X-Request-ID"]) == 32


def test_it_serves_pages_behind_sign_in(server):
    base, _, _ = server
    status, _, body = _get(f"{base}/sign-in/")
    assert status == 200 and b"Sign in" in body
    status, _, body = _get(f"{base}/my/sign-in/")
    assert status == 200 and b"Get a link to sign in" in body


def test_it_serves_compressed_static_files(server):
    base, _, _ = server
    status, headers, _ = _get(f"{base}/static/build/pathways.css", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("Content-Encoding") == "gzip"


def test_each_request_is_one_json_log_line_with_its_id(server):
    base, _, log = server
    _, headers, _ = _get(f"{base}/health/", **{"X-Request-ID": "probe-0123456789"})
    assert headers["X-Request-ID"] == "probe-0123456789"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        log.seek(0)
        lines = [json.loads(line) for line in log if line.startswith("{")]
        found = [e for e in lines if e.get("request_id") == "probe-0123456789"]
        if found:
            break
        time.sleep(0.2)
    assert found, "no JSON log line carries the request id"
    assert found[0]["logger"] == "pathways.requests"
    assert found[0]["path"] == "/health/" and found[0]["status"] == 200


def test_it_stops_cleanly_on_sigterm(server):
    _, process, _ = server
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=45) == 0
