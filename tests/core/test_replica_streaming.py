"""Reports on a real streaming replica (issue 15, decision 0055).

The suite's PostgreSQL server allows no replication connections, so the fixture makes
a primary cluster of its own with ``initdb`` in a temporary folder on a free port, loads
the test database's schema into it, copies it with ``pg_basebackup -R`` into a standby
on another free port, and starts both: the same PostgreSQL binaries the server runs on
(``pg_config --bindir``; as the ``postgres`` user when the suite runs as root, since they
refuse root). A Django process (``replica_driver``) runs on the pair as a deployment
would, with DATABASE_URL and DATABASE_REPLICA_URL, and the test asks it for reports
while it pauses, stops and restarts the standby. Every wait has a deadline, and the
clusters are stopped and their folder removed whatever happens.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pathways.core.replica import LAG_SQL

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

pytestmark = [
    pytest.mark.skipif(
        not ON_POSTGRES,
        reason="a streaming replica needs PostgreSQL: this runs in the suite's PostgreSQL "
        "step (make test-postgres), which makes its own primary and standby clusters",
    ),
    # for the test database, whose schema the primary cluster is given
    pytest.mark.django_db,
]

#: Generous for a loaded 2-core machine; the whole test takes seconds when idle.
DEADLINE = 30.0


def _bindir() -> Path | None:
    """The PostgreSQL server binaries: pg_config's, else the newest Debian install."""
    candidates = []
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidates.append(out.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _wait(what: str, done: Callable[[], bool], deadline: float = DEADLINE) -> None:
    end = time.monotonic() + deadline
    while not done():
        if time.monotonic() > end:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


class Clusters:
    """A primary and a streaming standby in one temporary folder."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        self.dir = Path(tempfile.mkdtemp(prefix="pg_r_replica_"))
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self.dir.chmod(0o700)
        self.primary_port, self.replica_port = _free_ports(2)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(
            command, capture_output=True, text=True, check=check, timeout=DEADLINE, cwd=self.dir
        )

    def options(self, port: int) -> str:
        return (
            f"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir}"
            " -c fsync=off -c shared_buffers=16MB -c max_connections=30"
        )

    def start(self, name: str, port: int) -> None:
        self.run(
            "pg_ctl", "-D", str(self.dir / name), "-l", str(self.dir / f"{name}.log"),
            "-w", "-t", str(int(DEADLINE)), "-o", self.options(port), "start",
        )  # fmt: skip

    def stop(self, name: str) -> None:
        self.run("pg_ctl", "-D", str(self.dir / name), "-m", "immediate", "-w", "stop")

    def url(self, port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/pathways"

    def query(self, port: int, sql: str, *params: Any) -> Any:
        with psycopg.connect(self.url(port), autocommit=True, connect_timeout=5) as connection:
            row = connection.execute(sql, params).fetchone()
            return None if row is None else row[0]

    def cleanup(self) -> None:
        try:
            for name in ("replica", "primary"):
                if (self.dir / name / "postmaster.pid").exists():
                    self.run(
                        "pg_ctl", "-D", str(self.dir / name), "-m", "immediate", "stop", check=False
                    )
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def log(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text()[-2000:]}" for p in sorted(self.dir.glob("*.log"))
        )


class Driver:
    """The Django process on the pair: one JSON request a line, one answer a line."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log_path = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.core.replica_driver"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log.open("w"),
            text=True,
        )
        assert self.ask_raw() == {"ready": True}, self.log()

    def ask_raw(self) -> dict[str, Any]:
        """The next answer; the process is killed if it does not come within the deadline."""
        assert self.process.stdout is not None
        watchdog = threading.Timer(DEADLINE, self.process.kill)
        watchdog.start()
        try:
            line = self.process.stdout.readline()
        finally:
            watchdog.cancel()
        if not line:
            pytest.fail(f"the Django process ended or did not answer in time:\n{self.log()}")
        return json.loads(line)

    def ask(self, op: str, **args: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self.process.stdin.flush()
        answer = self.ask_raw()
        assert answer.pop("ok"), f"{op}: {answer.get('error')}\n{self.log()}"
        return answer

    def log(self) -> str:
        return self.log_path.read_text()[-4000:]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=DEADLINE)


@pytest.fixture
def pair(django_db_setup) -> Iterator[tuple[Clusters, Driver]]:
    """The clusters, streaming, with the test database's schema; and the Django process."""
    from django.db import connection

    bindir = _bindir()
    if bindir is None:
        message = "no PostgreSQL server binaries (Debian: apt-get install postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    test_database = connection.settings_dict
    clusters = Clusters(bindir)
    driver: Driver | None = None
    try:
        clusters.run(
            "initdb", "-D", str(clusters.dir / "primary"), "-U", "postgres", "-A", "trust",
            "--no-sync", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        clusters.start("primary", clusters.primary_port)
        # The schema the suite migrated, copied rather than migrated again (seconds saved).
        dump = subprocess.run(
            [
                str(bindir / "pg_dump"), "--no-owner", "--no-privileges",
                "-h", str(test_database["HOST"] or "127.0.0.1"),
                "-p", str(test_database["PORT"] or 5432),
                "-U", str(test_database["USER"] or "postgres"),
                str(test_database["NAME"]),
            ],
            capture_output=True, check=True, timeout=DEADLINE,
            env={**os.environ, "PGPASSWORD": str(test_database.get("PASSWORD") or "")},
        )  # fmt: skip
        with psycopg.connect(
            clusters.url(clusters.primary_port).rsplit("/", 1)[0] + "/postgres", autocommit=True
        ) as admin:
            admin.execute("CREATE DATABASE pathways")
        subprocess.run(
            [
                str(bindir / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                "-p", str(clusters.primary_port), "-U", "postgres", "-d", "pathways",
            ],
            input=dump.stdout, capture_output=True, check=True, timeout=DEADLINE,
        )  # fmt: skip
        clusters.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(clusters.primary_port),
            "-U", "postgres", "-D", str(clusters.dir / "replica"), "-R", "-X", "stream",
            "-c", "fast", "--no-sync",
        )  # fmt: skip
        clusters.start("replica", clusters.replica_port)
        _wait("the standby to stream", lambda: streaming(clusters))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PATHWAYS_"))}
        env.update(
            DJANGO_DEBUG="true",
            ALLOWED_HOSTS="testserver",
            DATABASE_URL=clusters.url(clusters.primary_port),
            DATABASE_REPLICA_URL=clusters.url(clusters.replica_port),
            PATHWAYS_REPLICA_MAX_LAG_SECONDS="300",
            PATHWAYS_REPLICA_CHECK_SECONDS="0.5",
            PATHWAYS_LOG_FORMAT="text",
            PYTHONPATH=str(ROOT),
        )
        driver = Driver(env, clusters.dir / "driver.log")
        yield clusters, driver
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"{exc.cmd[:6]} failed: {exc.stderr}\n{clusters.log()}")
    finally:
        if driver is not None:
            driver.close()
        clusters.cleanup()


def streaming(clusters: Clusters) -> bool:
    try:
        status = clusters.query(clusters.replica_port, "SELECT status FROM pg_stat_wal_receiver")
    except Exception:  # starting up
        return False
    return status == "streaming"


def replayed(clusters: Clusters, code: str) -> bool:
    return bool(
        clusters.query(
            clusters.replica_port, "SELECT count(*) FROM core_team WHERE code = %s", code
        )
    )


def lag(clusters: Clusters) -> float:
    with psycopg.connect(clusters.url(clusters.replica_port), autocommit=True) as connection:
        row = connection.execute(LAG_SQL).fetchone()
    assert row is not None
    return float(row[1] or 0)


def test_reports_read_from_the_replica_and_fall_back_to_the_primary(pair):
    clusters, driver = pair
    driver.ask("setup")
    driver.ask("team", code="FIRST")
    _wait("FIRST on the standby", lambda: replayed(clusters, "FIRST"))

    # Reports read from the standby.
    assert driver.ask("where") == {"alias": "replica", "in_recovery": True}
    assert driver.ask("report")["teams"] == ["FIRST"]
    health = driver.ask("health")
    assert (health["http_status"], health["status"]) == (200, "ok")
    assert health["checks"]["replica"].startswith("ok (lag ")

    # With replay paused, a team added on the primary is not in the report: it was read
    # from the standby (the limit on lag is 300 s here).
    clusters.query(clusters.replica_port, "SELECT pg_wal_replay_pause()")
    driver.ask("team", code="SECOND")
    assert driver.ask("report")["teams"] == ["FIRST"]
    assert driver.ask("page", code="FIRST") == {"status": 200, "shows": True}
    assert driver.ask("page", code="SECOND") == {"status": 200, "shows": False}
    # So do the report routes of the API: an authority only the primary has is unknown.
    driver.ask("authority", code="E09000100")
    assert driver.ask("api", authority="E09000099") == {"status": 200}
    assert driver.ask("api", authority="E09000100") == {"status": 404}

    # A write made while reporting goes to the primary, even about a row the report read
    # from the standby (which would refuse it: it is read-only).
    assert driver.ask("audit_while_reporting", code="FIRST") == {
        "read_from": "replica",
        "written_to": "default",
    }
    assert clusters.query(
        clusters.primary_port,
        "SELECT count(*) FROM auditlog_logentry WHERE additional_data->>'what' = %s",
        "replica test FIRST",
    )

    # The standby more than the limit behind: reports read from the primary, once the
    # cached check has expired, and see SECOND.
    driver.ask("configure", max_lag=1, check=0.5)
    _wait("the standby to lag more than 1 s", lambda: lag(clusters) > 1.5)
    time.sleep(0.6)
    assert driver.ask("where") == {"alias": "default", "in_recovery": False}
    assert driver.ask("report")["teams"] == ["FIRST", "SECOND"]
    assert driver.ask("api", authority="E09000100") == {"status": 200}

    # Replay resumed: the standby catches up and is used again after the cache period
    # (with the limit generous again, so that WAL in flight cannot count as lag).
    driver.ask("configure", max_lag=300, check=0.5)
    clusters.query(clusters.replica_port, "SELECT pg_wal_replay_resume()")
    _wait("SECOND on the standby", lambda: replayed(clusters, "SECOND"))
    _wait("the standby to catch up", lambda: lag(clusters) == 0)
    time.sleep(0.6)
    assert driver.ask("where") == {"alias": "replica", "in_recovery": True}

    # The standby stopped in the middle, while the cached check still says it is fine
    # (60 s): the next report still answers, from the primary, with the right teams.
    driver.ask("configure", max_lag=300, check=60)
    assert driver.ask("report")["teams"] == ["FIRST", "SECOND"]
    driver.ask("team", code="THIRD")
    clusters.stop("replica")
    assert driver.ask("report")["teams"] == ["FIRST", "SECOND", "THIRD"]
    assert driver.ask("page", code="THIRD") == {"status": 200, "shows": True}
    assert driver.ask("where") == {"alias": "default", "in_recovery": False}
    assert driver.ask("report")["teams"] == ["FIRST", "SECOND", "THIRD"]
    assert driver.log().count("the replica is unreachable") == 1, driver.log()
    # /health/ says so, and still answers 200: reports are being served from the primary.
    health = driver.ask("health")
    assert (health["http_status"], health["status"]) == (200, "ok")
    assert health["checks"]["replica"] == "unreachable: OperationalError"

    # The standby back: used again once the cached answer expires.
    driver.ask("configure", max_lag=300, check=0.5)
    clusters.start("replica", clusters.replica_port)
    _wait("the standby to stream again", lambda: streaming(clusters))
    _wait("THIRD on the standby", lambda: replayed(clusters, "THIRD"))
    time.sleep(0.6)
    assert driver.ask("where") == {"alias": "replica", "in_recovery": True}
    assert driver.ask("report")["teams"] == ["FIRST", "SECOND", "THIRD"]
