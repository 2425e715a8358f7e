"""The outcome reports against the bare SQL they need, in one run.

Builds a synthetic borough with people, episodes and placements (SQLite in a temporary
folder, or the empty PostgreSQL database named by DATABASE_URL), then times:

- ``employment_rate`` on one date, against one hand-written query returning each
  cohort member's paid hours on that date (the counting left to Python, as little as
  possible);
- the employment-rate trend (the rate on 8 quarter ends), against the bare query 8
  times;
- ``outcomes`` for a year, against one hand-written query of the paid starts that can
  count;
- the work queue of the busiest coach (every kind, in-work support included), for
  scale, with its query count.

Each pair is checked to give the same figures before it is timed. See bench/README.md.

    uv run python bench/reports.py [--people 20000] [--placements 8000] [--runs 15]
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
    parser.add_argument("--runs", type=int, default=15, help="timed runs per query (median)")
    parser.add_argument("--seed", type=int, default=1)
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
WHERE p.authority_id = %s
  AND ((p.primary_support_reason = 'learning_disability' AND p.long_term_support = %s
        AND p.date_of_birth <= %s AND p.date_of_birth > %s)
       OR (p.secondary_mental_health = %s AND p.date_of_birth <= %s AND p.date_of_birth > %s))
"""

OUTCOMES_SQL = """
SELECT pl.start_date, pl.end_date
FROM employment_placement pl
WHERE pl.authority_id = %s AND pl.paid = %s AND pl.start_date >= %s AND pl.start_date <= %s
"""


def main() -> int:
    args = parse_args()
    workdir = None
    if not os.environ.get("DATABASE_URL"):
        workdir = tempfile.TemporaryDirectory(prefix="pathways-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(workdir.name) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pathways.casework.models import Episode
    from pathways.casework.queue import build_queue
    from pathways.employment.services import find_milestones
    from pathways.people.models import Person
    from pathways.reporting import outcomes as reports
    from pathways.reporting.figures import rate_trend
    from pathways.reporting.periods import quarter_ends
    from pathways.workspace.synthetic import Scale, generate

    call_command("migrate", interactive=False, verbosity=0)
    if Person.objects.exists():
        print("The database named by DATABASE_URL already holds people; use an empty one.")
        return 1
    today = dt.date.today()
    world = generate(
        Scale(
            people=args.people,
            referrals=args.people,
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
    authority = world.authorities[0]
    on = dt.date(today.year if today.month > 3 else today.year - 1, 3, 31)

    def bare_rate(day: dt.date) -> dict:
        ld_young = reports.latest_birth_date(day, 18)
        ld_old = reports.latest_birth_date(day, 65)
        mh_old = reports.latest_birth_date(day, 70)
        with connection.cursor() as cursor:
            cursor.execute(
                RATE_SQL,
                [day, True, day, day, authority.pk, True, ld_young, ld_old]
                + [True, ld_young, mh_old],
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

    def orm_rate(day: dt.date) -> dict:
        figures = reports.employment_rate([authority.code], day)
        return {c: [figures[c]["denominator"], figures[c]["numerator"]] for c in reports.COHORTS}

    quarters = quarter_ends(on, 8)

    def bare_trend() -> list:
        return [bare_rate(day) for day in quarters]

    def orm_trend() -> list:
        return rate_trend([authority], on)

    start = on - dt.timedelta(days=364)

    def bare_outcomes() -> dict:
        earliest = start - dt.timedelta(days=364)
        with connection.cursor() as cursor:
            cursor.execute(OUTCOMES_SQL, [authority.pk, True, earliest, on])
            rows = cursor.fetchall()
        counts = dict.fromkeys(reports.OUTCOME_MEASURES, 0)
        for started, ended in rows:
            if start <= started <= on:
                counts["job_starts"] += 1
            for name, days in reports.MILESTONES.items():
                reached = started + dt.timedelta(days=days)
                if start <= reached <= on and (ended is None or ended >= reached):
                    counts[name] += 1
        return counts

    def orm_outcomes() -> dict:
        figures = reports.outcomes([authority.code], start, on)
        return {m: figures[m] for m in reports.OUTCOME_MEASURES}

    assert orm_rate(on) == bare_rate(on), (orm_rate(on), bare_rate(on))
    assert orm_outcomes() == bare_outcomes(), (orm_outcomes(), bare_outcomes())
    coach_episodes = (
        Episode.objects.filter(ended_on__isnull=True, worker__isnull=False)
        .values_list("worker_id", flat=True)
        .order_by()
    )
    busiest = max(set(coach_episodes), key=list(coach_episodes).count)

    def queue() -> list:
        return build_queue(Episode.objects.filter(worker_id=busiest), today)

    with CaptureQueriesContext(connection) as ctx:
        items = queue()
    queue_queries = len(ctx.captured_queries)

    rate = orm_rate(on)[reports.LEARNING_DISABILITY]
    print(f"database: {connection.vendor}")
    print(
        f"{world.counts['people']} people, {world.counts.get('placements', '?')} placements; "
        f"learning disability cohort on {on}: {rate[1]} of {rate[0]} in paid work; "
        f"median of {args.runs} runs each\n"
    )
    cases: list[tuple[str, Any, Any]] = [
        ("employment rate, one date", lambda: orm_rate(on), lambda: bare_rate(on)),
        ("employment-rate trend, 8 quarters", orm_trend, bare_trend),
        ("outcomes, one year", orm_outcomes, bare_outcomes),
    ]
    print(f"{'report':36} {'report':>9} {'bare SQL':>9} {'ratio':>6}")
    for name, report, bare in cases:
        report_s, bare_s = medians([report, bare], args.runs)
        ratio = Decimal(report_s / bare_s).quantize(Decimal("0.01"))
        print(f"{name:36} {report_s * 1000:7.1f}ms {bare_s * 1000:7.1f}ms {ratio:>6}")
    [queue_s] = medians([queue], args.runs)
    print(
        f"\nwork queue of the busiest coach: {len(items)} items, {queue_queries} queries, "
        f"{queue_s * 1000:.1f} ms"
    )
    if workdir:
        workdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
