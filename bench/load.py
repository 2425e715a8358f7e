"""A bounded load test of the production server (issue 15): how many signed-in page
requests a second it serves, and how fast, on this machine.

It starts ``pathways serve --production`` on the loopback address against a database
with the demo borough (PostgreSQL when ``DATABASE_URL`` names one; else the demo in a
temporary SQLite file), gives ``--users`` simulated staff members a signed-in session
each (both sign-in steps done, ``bench/load_prepare.py``), and has them ask, as fast as
they can for ``--seconds``, for My work, a person on their caseload, an episode, their
team's waiting list and the caseload report (locust, headless, in this process). First,
for a few seconds each, the same clients ask for ``/health/`` (the server's floor: one
query, no session) and then for their notifications (the signed-in floor: the lightest
page a member of staff can open, with everything every page pays for: the session, the
user, the second sign-in step, the menu and the page layout), measured in the same run,
so the ratios say what the pages cost on top of serving anything and on top of being
signed in.
Every answer must be a 200 (a redirect to sign-in would count as a failure). It ends by
itself and stops the server.

    uv run python bench/load.py                          # the demo on SQLite
    createdb -h 127.0.0.1 -U postgres pathways_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pathways_load uv run python bench/load.py

With ``--existing`` it uses the data already in ``DATABASE_URL`` (a copy of a synthetic
database made by ``pathways synthetic``) instead of loading the demo.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATHWAYS = Path(sys.executable).parent / "pathways"
TARGET_RPS = 300
TARGET_P95_MS = 100
#: The floors, measured before the pages: the server's own, and a signed-in page's.
FLOORS = {"health": "/health/", "notifications": "/notifications/"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(database_url: str, static_root: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATHWAYS_")}
    env.update(
        DJANGO_DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        PATHWAYS_PSEUDONYM_KEY=os.environ.get("PATHWAYS_PSEUDONYM_KEY")
        or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        PATHWAYS_HTTPS="false",
        DATABASE_URL=database_url,
        PATHWAYS_STATIC_ROOT=static_root,
        PATHWAYS_ACCESS_LOG="false",
        PATHWAYS_TASKS="database",
    )
    return env


def _run(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(PATHWAYS), *args], env=env, check=True, cwd=ROOT, **kwargs)


def prepare(env: dict[str, str], users: int, existing: bool) -> dict:
    """Migrate, load the demo (once: it refuses real data) unless the data is already
    there, and make the sessions."""
    _run(["migrate", "--no-input", "-v", "0"], env, timeout=900)
    if not existing:
        env_demo = {**env, "DJANGO_DEBUG": "true"}
        _run(["demo"], env_demo, timeout=900, stdout=subprocess.DEVNULL)
    made = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load_prepare.py"), str(users)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    return json.loads(made.stdout.strip().splitlines()[-1])


def start_server(env: dict[str, str], workers: int, threads: int) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            str(PATHWAYS),
            "serve",
            "--production",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/health/", timeout=5) as answer:
                if answer.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.5)
        if process.poll() is not None:
            break
    process.kill()
    raise SystemExit(f"the server did not start: {process.stderr.read().decode()[-2000:]}")


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the web server (its master and workers), PostgreSQL
    (every ``postgres`` process on the machine: run on a quiet one) and this process
    (locust, the clients)."""
    import psutil

    def used(process: psutil.Process) -> float:
        try:
            times = process.cpu_times()
        except psutil.Error:
            return 0.0
        return times.user + times.system

    server = psutil.Process(server_pid)
    web = used(server) + sum(used(child) for child in server.children(recursive=True))
    database = sum(
        used(process)
        for process in psutil.process_iter(["name"])
        if process.info["name"] == "postgres"
    )
    return {"web": web, "database": database, "clients": used(psutil.Process())}


def measure(
    base: str, plan: dict, users: int, seconds: float, only: str | None, server_pid: int
) -> dict:
    """Run locust for ``seconds``; the statistics per page, and the CPU each side used
    for a request ("cpu": milliseconds of web server, database and clients)."""
    import gevent
    from locust import FastHttpUser, constant, task
    from locust.env import Environment

    accounts = plan["users"]
    cookie_name = plan["cookie_name"]

    class Staff(FastHttpUser):
        host = base
        wait_time = constant(0)
        number = 0

        def on_start(self) -> None:
            account = accounts[Staff.number % len(accounts)]
            Staff.number += 1
            self.headers = {"Cookie": f"{cookie_name}={account['cookie']}"}
            self.pages = {only: FLOORS[only]} if only else account["pages"]

        @task
        def browse(self) -> None:
            for name, url in self.pages.items():
                with self.client.get(
                    url,
                    name=name,
                    headers=self.headers,
                    allow_redirects=False,
                    catch_response=True,
                ) as answer:
                    if answer.status_code != 200:
                        answer.failure(f"{answer.status_code} for {url}")

    environment = Environment(user_classes=[Staff])
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(min(3.0, seconds / 5))  # everyone ramped up and warm
    environment.stats.reset_all()
    before = cpu_seconds(server_pid)
    gevent.sleep(seconds)
    after = cpu_seconds(server_pid)
    runner.quit()
    stats = {}
    for entry in environment.stats.entries.values():
        stats[entry.name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "rps": entry.num_requests / seconds,
            "median": entry.get_response_time_percentile(0.5),
            "p95": entry.get_response_time_percentile(0.95),
            "p99": entry.get_response_time_percentile(0.99),
        }
    total = environment.stats.total
    stats["all"] = {
        "cpu": {
            side: 1000 * (after[side] - before[side]) / max(total.num_requests, 1) for side in after
        },
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": total.num_requests / seconds,
        "median": total.get_response_time_percentile(0.5),
        "p95": total.get_response_time_percentile(0.95),
        "p99": total.get_response_time_percentile(0.99),
    }
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent clients (50)")
    parser.add_argument("--seconds", type=float, default=30, help="measured seconds (30)")
    parser.add_argument("--web-workers", type=int, default=os.cpu_count() * 2 + 1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--existing",
        action="store_true",
        help="use the data already in DATABASE_URL (pathways synthetic) instead of the demo",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/load.sqlite3"
        env = _environment(database_url, f"{tmp}/static")
        print(f"Preparing {database_url.split('@')[-1]} (migrate, demo, sessions)...", flush=True)
        if args.existing and not os.environ.get("DATABASE_URL"):
            raise SystemExit("--existing needs DATABASE_URL")
        plan = prepare(env, args.users, args.existing)
        server, base = start_server(env, args.web_workers, args.threads)
        try:
            floor_seconds = min(10.0, args.seconds)
            floors = {
                name: measure(base, plan, args.users, floor_seconds, name, server.pid)
                for name in FLOORS
            }
            pages = measure(base, plan, args.users, args.seconds, only=None, server_pid=server.pid)
        finally:
            server.terminate()
            server.wait(timeout=60)

    floor, signed_in = floors["health"]["all"], floors["notifications"]["all"]
    print(
        f"\n{args.users} clients, {args.web_workers} web workers x {args.threads} threads, "
        f"{os.cpu_count()} CPUs, {args.seconds:.0f} s; client and server share the machine."
    )
    print(f"Floor: /health/ at {floor['rps']:.0f} requests/s, p95 {floor['p95']:.0f} ms")
    print(
        f"Signed-in floor: /notifications/ at {signed_in['rps']:.0f} requests/s, "
        f"p95 {signed_in['p95']:.0f} ms\n"
    )
    print(
        f"{'page':<14}{'requests':>10}{'failed':>8}{'req/s':>8}{'median':>8}{'p95':>7}"
        f"{'p99':>7}{'floor ÷':>9}{'signed-in ÷':>13}"
    )
    for name, row in pages.items():
        whole = row["rps"] and name == "all"
        ratios = (
            f"{floor['rps'] / row['rps']:>8.1f}x{signed_in['rps'] / row['rps']:>12.1f}x"
            if whole
            else ""
        )
        print(
            f"{name:<14}{row['requests']:>10}{row['failures']:>8}{row['rps']:>8.0f}"
            f"{row['median']:>6.0f}ms{row['p95']:>5.0f}ms{row['p99']:>5.0f}ms{ratios}"
        )
    total = pages["all"]
    print("\nCPU a request (ms): web server, PostgreSQL, the clients (locust)")
    for name, row in (("/health/", floor), ("/notifications/", signed_in), ("pages", total)):
        cpu = row["cpu"]
        print(
            f"  {name:<16}{cpu['web']:>7.1f}{cpu['database']:>7.1f}{cpu['clients']:>7.1f}"
            f"   all: {sum(cpu.values()):.1f} ms, so at most "
            f"{1000 * (os.cpu_count() or 1) / max(sum(cpu.values()), 0.001):.0f} requests/s "
            "on these cores"
        )
    print(
        f"\ntarget: {TARGET_RPS} requests/s with p95 under {TARGET_P95_MS} ms: "
        f"{'met' if total['rps'] >= TARGET_RPS and total['p95'] < TARGET_P95_MS else 'not met'}"
        f" ({total['rps']:.0f} requests/s, p95 {total['p95']:.0f} ms)"
    )
    if total["failures"] or signed_in["failures"]:
        raise SystemExit(f"{total['failures'] + signed_in['failures']} requests failed")


if __name__ == "__main__":
    main()
