"""The outcome reports against the bare SQL they need, in one run.

Builds a synthetic borough with people, episodes and placements (SQLite in a temporary
folder, or the empty PostgreSQL database named by DATABASE_URL), or with ``--existing``
uses the data already in the database named by DATABASE_URL (e.g. a copy of the
million-person database: it only reads, after applying migrations), then times, for
the authority with the most people and for all authorities together:

- ``employment_rate`` on one date, against one hand-written query returning each
  cohort member's paid hours on that date (the counting left to Python, as little as
  possible);
- the employment-rate trend (the rate on 8 quarter ends, in one query), against the
  bare query 8 times;
- ``outcomes`` for a year, against one hand-written query of the paid starts that can
  count;
- the work queue of the busiest coach (every kind, in-work support included), for
  scale, with its query count.

Each pair is checked to give the same figures before it is timed. Each line prints
the report's time, its bare-SQL floor measured in the same run, the ratio and the
issue's target (printed, never asserted). See bench/README.md.

    uv run python bench/reports.py [--people 20000] [--placements 8000] [--runs 15]
    DATABASE_URL=postgres://.../pg_copy uv run python bench/reports.py --existing --runs 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import medians  # noqa: E402  (bench/run.py: the same timing rule)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--placements", type=int, default=8_000)
    parser.add_argument("--authorities", type=int, default=1)
    parser.add_argument("--runs", type=int, default=15, help="timed runs per query (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--existing",
        action="store_true",
        help="time the data already in the database (no generating; nothing is written)",
    )
    parser.add_argument(
        "--scope",
        choices=["one", "all", "both"],
        default="both",
        help="time the authority with the most people, all authorities, or both",
    )
    parser.add_argument(
        "--skip-queue", action="store_true", help="leave out the busiest coach's work queue"
    )
    return parser.parse_args()


RATE_SQL = """
SELECT p.date_of_birth, p.primary_support_reason, p.long_term_support,
       p.secondary_mental_health,
       (SELECT SUM(COALESCE(
                 (SELECT t.hours_per_week FROM employment_placementterms t
                  WHERE t.placement_id = pl.id AND t.effective_from <= %s
                  ORDER BY t.effective_from DESC LIMIT 1),
                 pl.hours_per_week))
        FROM employment_placement pl
        WHERE pl.person_id = p.id AND pl.paid = %s AND pl.start_date <= %s
          AND (pl.end_date IS NULL OR pl.end_date >= %s)) AS hours
FROM people_person p
WHERE p.authority_id IN ({ids})
  AND ((p.primary_support_reason = 'learning_disability' AND p.long_term_support = %s
        AND p.date_of_birth <= %s AND p.date_of_birth > %s)
       OR (p.secondary_mental_health = %s AND p.date_of_birth <= %s AND p.date_of_birth > %s))
"""

OUTCOMES_SQL = """
SELECT pl.start_date, pl.end_date{need}
FROM employment_placement pl{join}
WHERE pl.authority_id IN ({ids}) AND pl.paid = %s AND pl.start_date >= %s AND pl.start_date <= %s
"""


def main() -> int:
    args = parse_args()
    workdir = None
    if not os.environ.get("DATABASE_URL"):
        if args.existing:
            print("--existing needs DATABASE_URL naming the database to read.")
            return 1
        workdir = tempfile.TemporaryDirectory(prefix="pathways-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(workdir.name) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from pathways.casework.models import Episode
    from pathways.casework.queue import build_queue
    from pathways.core.models import Authority
    from pathways.employment.models import Placement
    from pathways.employment.services import find_milestones
    from pathways.people.models import Person
    from pathways.reporting import outcomes as reports
    from pathways.reporting.figures import rate_trend
    from pathways.reporting.periods import quarter_ends
    from pathways.workspace.synthetic import Scale, generate

    call_command("migrate", interactive=False, verbosity=0)
    today = dt.date.today()
    if args.existing:
        if not Person.objects.exists():
            print("The database named by DATABASE_URL holds nobody; drop --existing.")
            return 1
    else:
        if Person.objects.exists():
            print("The database named by DATABASE_URL already holds people; use an empty one.")
            return 1
        generate(
            Scale(
                people=args.people,
                referrals=args.people,
                authorities=args.authorities,
                employers=max(20, args.placements // 20),
                placements=args.placements,
                seed=args.seed,
                prefix="BENCH",
            ),
            today=today,
        )
        find_milestones(today)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    biggest = (
        Person.objects.values("authority_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "authority_id")
        .first()
    )
    assert biggest is not None
    authority = Authority.objects.get(pk=biggest["authority_id"])
    everyone = list(Authority.objects.order_by("pk"))
    on = dt.date(today.year if today.month > 3 else today.year - 1, 3, 31)
    quarters = quarter_ends(on, 8)
    start = on - dt.timedelta(days=364)

    def bare_rate(ids: list[int], day: dt.date) -> dict:
        ld_young = reports.latest_birth_date(day, 18)
        ld_old = reports.latest_birth_date(day, 65)
        mh_old = reports.latest_birth_date(day, 70)
        with connection.cursor() as cursor:
            cursor.execute(
                RATE_SQL.format(ids=", ".join(["%s"] * len(ids))),
                [day, True, day, day, *ids, True, ld_young, ld_old] + [True, ld_young, mh_old],
            )
            rows = cursor.fetchall()
        counts = {c: [0, 0] for c in reports.COHORTS}
        for born, reason, long_term, mental_health, hours in rows:
            age = reports.age_on(born, day)
            if reason == "learning_disability" and long_term and 18 <= age <= 64:
                counts[reports.LEARNING_DISABILITY][0] += 1
                counts[reports.LEARNING_DISABILITY][1] += hours is not None
            if mental_health and 18 <= age <= 69:
                counts[reports.SECONDARY_MENTAL_HEALTH][0] += 1
                counts[reports.SECONDARY_MENTAL_HEALTH][1] += hours is not None
        return counts

    def bare_outcomes(ids: list[int], need: bool = False) -> dict:
        """The rows the totals need; ``need`` also reads each job's person's need (the
        join the report's by-need figures cost), to show where the time goes."""
        earliest = start - dt.timedelta(days=364)
        sql = OUTCOMES_SQL.format(
            ids=", ".join(["%s"] * len(ids)),
            need=", pp.primary_support_reason" if need else "",
            join=" JOIN people_person pp ON pp.id = pl.person_id" if need else "",
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*ids, True, earliest, on])
            rows = cursor.fetchall()
        counts = dict.fromkeys(reports.OUTCOME_MEASURES, 0)
        for started, ended, *_ in rows:
            if start <= started <= on:
                counts["job_starts"] += 1
            for name, days in reports.MILESTONES.items():
                reached = started + dt.timedelta(days=days)
                if start <= reached <= on and (ended is None or ended >= reached):
                    counts[name] += 1
        return counts

    def cohorts(figures: dict) -> dict:
        return {c: [figures[c]["denominator"], figures[c]["numerator"]] for c in reports.COHORTS}

    cases: list[tuple[str, Any, Any, str]] = []
    scopes = [(f"{authority.code}", [authority]), ("all authorities", everyone)]
    scopes = {"one": scopes[:1], "all": scopes[1:], "both": scopes}[args.scope]
    for scope, chosen in scopes:
        ids = [a.pk for a in chosen]
        wide = len(chosen) > 1
        rate_target = "< 3 s" if wide else "< 0.3 s"

        def orm_rate(chosen: list = chosen) -> dict:
            return cohorts(reports.employment_rate(chosen, on))

        def sql_rate(ids: list[int] = ids) -> dict:
            return bare_rate(ids, on)

        def orm_trend(chosen: list = chosen) -> list:
            return [cohorts(point) for point in rate_trend(chosen, on)]

        def sql_trend(ids: list[int] = ids) -> list:
            return [bare_rate(ids, day) for day in quarters]

        def orm_outcomes(chosen: list = chosen) -> dict:
            figures = reports.outcomes(chosen, start, on)
            return {m: figures[m] for m in reports.OUTCOME_MEASURES}

        def sql_outcomes(ids: list[int] = ids) -> dict:
            return bare_outcomes(ids)

        def sql_outcomes_need(ids: list[int] = ids) -> dict:
            return bare_outcomes(ids, need=True)

        assert orm_rate() == sql_rate(), (orm_rate(), sql_rate())
        assert orm_outcomes() == sql_outcomes() == sql_outcomes_need(), (
            orm_outcomes(),
            sql_outcomes(),
        )
        with CaptureQueriesContext(connection) as ctx:
            trend = orm_trend()
        assert trend == sql_trend(), (trend, sql_trend())
        control = ("SAVEPOINT", "RELEASE SAVEPOINT", "SET LOCAL")  # bookkeeping, not reads
        trend_queries = sum(1 for q in ctx.captured_queries if not q["sql"].startswith(control))
        cases += [
            (f"employment rate, one date, {scope}", orm_rate, sql_rate, rate_target),
            (
                f"trend, 8 quarters ({trend_queries} query), {scope}",
                orm_trend,
                sql_trend,
                "1 query",
            ),
            (f"outcomes, one year, {scope}", orm_outcomes, sql_outcomes, "ratio <= 1.5"),
            (
                f"  (floor reading the need too), {scope}",
                orm_outcomes,
                sql_outcomes_need,
                "ratio <= 1.5",
            ),
        ]

    rate = reports.employment_rate([authority], on)[reports.LEARNING_DISABILITY]
    print(f"database: {connection.vendor}")
    print(
        f"{Person.objects.count()} people in {len(everyone)} authorities, "
        f"{Placement.objects.count()} placements; {authority.code} has {biggest['n']} people, "
        f"its learning disability cohort on {on}: {rate['numerator']} of "
        f"{rate['denominator']} in paid work; median of {args.runs} runs each\n"
    )
    print(f"{'report':52} {'report':>10} {'bare SQL':>10} {'ratio':>6}  target")
    for name, report, bare, target in cases:
        report_s, bare_s = medians([report, bare], args.runs)
        ratio = Decimal(report_s / bare_s).quantize(Decimal("0.01"))
        print(
            f"{name:52} {report_s * 1000:8.1f}ms {bare_s * 1000:8.1f}ms {ratio:>6}  {target}",
            flush=True,
        )
    if not args.skip_queue:
        coach_episodes = (
            Episode.objects.filter(ended_on__isnull=True, worker__isnull=False)
            .values("worker_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "worker_id")
            .first()
        )
        if coach_episodes is not None:
            busiest = coach_episodes["worker_id"]

            def queue() -> list:
                return build_queue(Episode.objects.filter(worker_id=busiest), today)

            with CaptureQueriesContext(connection) as ctx:
                items = queue()
            [queue_s] = medians([queue], args.runs)
            print(
                f"\nwork queue of the busiest coach: {len(items)} items, "
                f"{len(ctx.captured_queries)} queries, {queue_s * 1000:.1f} ms"
            )
    if workdir:
        workdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
