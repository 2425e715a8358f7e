"""Where a page's time goes: the five pages of the load test and three API lists
(people found by name, episodes, the work queue), one at a time, in this
process (no server, no network), split into the SQL it sends, its templates and the
rest (middleware, permission checks, building queries, the view itself).

For each page, signed in as the staff member the load test uses first, it records the
page's queries once, then takes turns, ``--runs`` times, between asking for the page
(Django's test client) and replaying the same SQL bare on a cursor: the floor, measured
in the same run. Medians are printed, with page ÷ its SQL. Run it on the database the
load test uses (``DATABASE_URL``; the demo must be loaded, ``pathways demo``, or the
synthetic data of ``pathways synthetic``). It writes to that database (a session, an API
token, the audit entries of the reads and of their replays): never run it on real data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pathways_load uv run python bench/pages.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("PATHWAYS_ACCESS_LOG", "false")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.backends import django as django_backend  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from load_prepare import pages_for, session_for, staff_to_load  # noqa: E402

from pathways.api.tokens import issue_token  # noqa: E402


class Clock:
    """Time spent in SQL and in templates while a page is served."""

    def __init__(self) -> None:
        self.sql = 0.0
        self.templates = 0.0
        self.depth = 0

    def execute(self, execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql += time.perf_counter() - start


def replay(statements: list[str]) -> float:
    """Run a page's statements bare, committed one by one as the page did (its audit
    entries too: a commit waits for the disk, and that is part of the floor); the
    seconds it took."""
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            if cursor.description:
                cursor.fetchall()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per page (30)")
    parser.add_argument("--search", default="khan", help="the name the API people search asks")
    args = parser.parse_args()

    clock = Clock()
    render = django_backend.Template.render

    def timed_render(self: Any, *a: Any, **kw: Any) -> Any:
        clock.depth += 1
        start = time.perf_counter()
        try:
            return render(self, *a, **kw)
        finally:
            clock.depth -= 1
            if clock.depth == 0:
                clock.templates += time.perf_counter() - start

    django_backend.Template.render = timed_render  # type: ignore[method-assign]

    user = staff_to_load(1)[0]
    browser = Client(HTTP_HOST="127.0.0.1")
    browser.cookies[settings.SESSION_COOKIE_NAME] = session_for(user)
    print(
        f"{'page':<14}{'page':>8}{'its SQL':>9}{'queries':>9}{'templates':>11}{'rest':>7}"
        f"{'page ÷ SQL':>12}"
    )
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {issue_token(user.email).raw}")
    endpoints = {
        "API people": f"/api/v1/people?q={args.search}",
        "API episodes": "/api/v1/episodes",
        "API queue": "/api/v1/queue",
    }
    for name, url in [*pages_for(user).items(), *endpoints.items()]:
        client = api if name.startswith("API") else browser
        answer = client.get(url)
        assert answer.status_code == 200, (name, answer.status_code)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        statements = [
            q["sql"]
            for q in captured.captured_queries
            if q["sql"].split(" ", 1)[0] not in {"BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"}
        ]
        pages, sqls, bares, templates = [], [], [], []
        for _ in range(args.runs):
            clock.sql = clock.templates = 0.0
            with connection.execute_wrapper(clock.execute):
                start = time.perf_counter()
                client.get(url)
                pages.append(time.perf_counter() - start)
            sqls.append(clock.sql)
            templates.append(clock.templates)
            bares.append(replay(statements))
        page, sql, template = (statistics.median(x) * 1000 for x in (pages, sqls, templates))
        bare = statistics.median(bares) * 1000
        print(
            f"{name:<14}{page:>6.1f}ms{bare:>7.1f}ms{len(statements):>9}{template:>9.1f}ms"
            f"{page - sql - template:>5.1f}ms{page / bare:>11.1f}x"
        )
    print(
        "\n'its SQL' replays the page's own statements bare; 'rest' is the page less the "
        "time inside SQL calls and templates."
    )


if __name__ == "__main__":
    main()
