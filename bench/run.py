"""Front-door selectors against the bare SQL they need, in one run.

Builds a synthetic database (SQLite in a temporary folder, or the PostgreSQL database
named by DATABASE_URL, which must hold no people yet), then times each selector and a
hand-written SQL query returning the same rows, and prints the ratio. A ratio near 1
means the ORM, the permission scope and model building cost little on top of the
database's own work. See bench/README.md.

    uv run python bench/run.py [--people 20000] [--referrals 30000] [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--referrals", type=int, default=30_000)
    parser.add_argument("--authorities", type=int, default=4)
    parser.add_argument("--workers-per-team", type=int, default=25)
    parser.add_argument("--runs", type=int, default=31, help="timed runs per query (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--search", default="khan", help="the name searched for")
    parser.add_argument(
        "--existing",
        action="store_true",
        help="measure the synthetic data already in DATABASE_URL (pathways synthetic)",
    )
    return parser.parse_args()


def medians(calls: list[Callable[[], Any]], runs: int) -> list[float]:
    """Median seconds of each call, taking turns so that other load on the machine falls
    on all of them alike: the ratios between them are what the benchmark reports."""
    for _ in range(3):  # warm caches and connections
        for call in calls:
            call()
    times: list[list[float]] = [[] for _ in calls]
    for _ in range(runs):
        for call, into in zip(calls, times, strict=True):
            start = time.perf_counter()
            call()
            into.append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def main() -> int:
    args = parse_args()
    workdir = None
    if not os.environ.get("DATABASE_URL"):
        workdir = tempfile.TemporaryDirectory(prefix="pathways-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(workdir.name) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")  # no query log: it would skew timings

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pathways.core import policies
    from pathways.core.models import Membership, Role, Team
    from pathways.people.models import Person
    from pathways.people.policy import ended_since
    from pathways.people.selectors import search_people
    from pathways.referrals.models import LIVE_STATUSES, WAITING_STATUSES, Referral, Status
    from pathways.referrals.selectors import waiting_list
    from pathways.workspace.synthetic import Scale, generate

    call_command("migrate", interactive=False, verbosity=0)
    if args.existing:
        if not Person.objects.exists():
            print("--existing: the database named by DATABASE_URL holds no people.")
            return 1
        built = None
        teams = list(Team.objects.filter(memberships__role=Role.TEAM_MANAGER).distinct())
        managers = {
            m.team_id: m.user
            for m in Membership.objects.filter(role=Role.TEAM_MANAGER).select_related("user")
        }
        intake_officers = {
            m.team.authority_id: m.user
            for m in Membership.objects.filter(role=Role.INTAKE_OFFICER).select_related(
                "user", "team"
            )
        }
    else:
        if Person.objects.exists():
            print("The database named by DATABASE_URL already holds people; use an empty one.")
            return 1
        scale = Scale(
            authorities=args.authorities,
            workers_per_team=args.workers_per_team,
            people=args.people,
            referrals=args.referrals,
            seed=args.seed,
            prefix="BENCH",
        )
        start = time.perf_counter()
        world = generate(scale)
        built = time.perf_counter() - start
        teams, managers, intake_officers = world.teams, world.managers, world.intake_officers
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    vendor = connection.vendor
    like = "ILIKE" if vendor == "postgresql" else "LIKE"
    waiting = list(map(str, WAITING_STATUSES))
    live = list(map(str, LIVE_STATUSES))

    # The team with the longest waiting list, and its manager; the intake officer of
    # the same authority for an authority-wide search.
    team = max(
        (t for t in teams if t.pk in managers and t.authority_id in intake_officers),
        key=lambda t: Referral.objects.filter(team=t, status__in=WAITING_STATUSES).count(),
    )
    manager = managers[team.pk]
    intake = intake_officers[team.authority_id]
    pattern = f"%{args.search}%"

    def fresh(user):
        policies.forget_scope(user)  # each request computes the user's scope once
        return user

    def sql(query: str, params: list[Any]) -> Callable[[], list]:
        def run() -> list:
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall()

        return run

    in_list = ", ".join(["%s"] * len(waiting))
    waiting_sql = sql(
        f"""
        SELECT r.*, p.*, t.*, a.*, w.*
        FROM referrals_referral r
        JOIN people_person p ON p.id = r.person_id
        JOIN core_team t ON t.id = r.team_id
        JOIN core_authority a ON a.id = t.authority_id
        LEFT JOIN core_user w ON w.id = r.worker_id
        WHERE r.team_id = %s AND r.status IN ({in_list})
        ORDER BY r.urgent DESC, r.received_on, r.id
        LIMIT 50
        """,
        [team.pk, *waiting],
    )
    name_match = f"(p.given_name {like} %s OR p.family_name {like} %s OR p.person_ref {like} %s)"
    search_all_sql = sql(
        f"""
        SELECT p.*, a.*
        FROM people_person p
        JOIN core_authority a ON a.id = p.authority_id
        WHERE p.authority_id = %s AND {name_match}
        ORDER BY p.family_name, p.given_name, p.person_ref
        LIMIT 50
        """,
        [team.authority_id, pattern, pattern, args.search],
    )
    live_list = ", ".join(["%s"] * len(live))
    decided_list = ", ".join(["%s"] * (len(live) + 1))
    since = ended_since()  # the grace period after a relationship ends
    # The team manager sees people referred to the team (live, or decided within the
    # grace period) and those whose support the team or they give (open, or ended
    # within it): the relationships of people.policy, written by hand.
    search_team_sql = sql(
        f"""
        SELECT p.*, a.*
        FROM people_person p
        JOIN core_authority a ON a.id = p.authority_id
        WHERE {name_match}
          AND p.id IN (SELECT r.person_id FROM referrals_referral r
                       WHERE r.team_id = %s
                         AND (r.status IN ({live_list})
                              OR (r.status = %s AND r.allocated_on > %s)
                              OR (r.status NOT IN ({decided_list}) AND r.decided_on > %s))
                       UNION
                       SELECT e.person_id FROM casework_episode e
                       WHERE (e.ended_on IS NULL OR e.ended_on > %s)
                         AND (e.team_id = %s OR e.worker_id = %s))
        ORDER BY p.family_name, p.given_name, p.person_ref
        LIMIT 50
        """,
        [
            pattern,
            pattern,
            args.search,
            team.pk,
            *live,
            str(Status.ALLOCATED),
            since,
            *live,
            str(Status.ALLOCATED),
            since,
            since,
            team.pk,
            manager.pk,
        ],
    )

    cases = [
        (
            "waiting list, team manager, first 50",
            lambda: waiting_list(fresh(manager), team)[:50],
            waiting_sql,
        ),
        (
            f"people search '{args.search}', intake officer",
            lambda: search_people(fresh(intake), args.search)[:50],
            search_all_sql,
        ),
        (
            f"people search '{args.search}', team manager",
            lambda: search_people(fresh(manager), args.search)[:50],
            search_team_sql,
        ),
    ]

    print(f"database: {vendor} {connection.Database.__name__}")
    if built is not None:
        counts = world.counts
        print(
            f"built in {built:.1f} s: {counts['people']} people, "
            f"{counts['referrals']} referrals, {counts['episodes.open']} open episodes, "
            f"{counts['staff']} staff, {len(teams)} teams in {len(world.authorities)} authorities"
        )
    else:
        print(
            f"existing data: {Person.objects.count()} people, "
            f"{Referral.objects.count()} referrals, {len(teams)} teams"
        )
    queue = Referral.objects.filter(team=team, status__in=WAITING_STATUSES).count()
    print(f"team {team.code}: {queue} waiting; median of {args.runs} runs each")
    print(
        "selector: the call, evaluated; its SQL: the main query it sends, run bare; "
        "bare SQL: hand-written\n"
    )
    print(
        f"{'query':42} {'rows':>4} {'queries':>7} {'selector':>9} {'its SQL':>9} "
        f"{'bare SQL':>9} {'ratio':>6}"
    )
    for label, build, bare in cases:
        rows = [r.pk for r in build()]
        if rows != [row[0] for row in bare()]:
            print(f"{label}: the selector and the hand-written SQL disagree")
            return 1
        own_sql = sql(*build().query.sql_with_params())
        with CaptureQueriesContext(connection) as queries:
            list(build())
        selector, own, raw = medians([lambda b=build: list(b()), own_sql, bare], args.runs)
        print(
            f"{label:42} {len(rows):>4} {len(queries):>7} {selector * 1000:>7.2f}ms "
            f"{own * 1000:>7.2f}ms {raw * 1000:>7.2f}ms {selector / raw:>6.2f}"
        )
    if workdir is not None:
        connection.close()
        workdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
