"""The synthetic generator against PostgreSQL's own loading of the same rows, in one run.

Needs an empty PostgreSQL database named by DATABASE_URL (it migrates it). Generates a
world of the size asked for (as ``pathways synthetic`` does, with COPY) and times it and
the process's peak memory; then, for every table it filled, copies the rows out and
times loading them back with ``COPY ... FROM STDIN`` into a new table made ``LIKE`` it
``INCLUDING ALL`` (the same indexes, no foreign keys), rolled back. The sum is the
floor: what the database alone needs to take those rows. See bench/README.md.

    DATABASE_URL=postgres://... uv run python bench/generator.py [--people 100000]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--authorities", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("bench/generator.py needs an empty PostgreSQL database in DATABASE_URL.")
        return 1
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from pathways.people.models import Person
    from pathways.workspace.management.commands.synthetic import _scale
    from pathways.workspace.synthetic import generate

    call_command("migrate", interactive=False, verbosity=0)
    if Person.objects.exists():
        print("The database named by DATABASE_URL already holds people; use an empty one.")
        return 1
    people = args.people
    scale = _scale(
        {
            "people": people,
            "authorities": args.authorities,
            "placements": people * 3 // 10,
            "activities": None,
            "referrals": None,
            "employers": None,
            "opportunities": None,
            "profiles": None,
            "workers_per_team": None,
            "seed": args.seed,
            "prefix": "GEN",
        }
    )
    start = time.perf_counter()
    world = generate(scale)
    made = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT c.relname, c.reltuples::bigint FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.reltuples > 0 "
            "ORDER BY c.reltuples DESC"
        )
        tables = cursor.fetchall()

    floor, rows = 0.0, 0
    print(f"{'table':40} {'rows':>10} {'COPY FROM':>10}")
    for table, count in tables:
        with tempfile.TemporaryFile() as data, connection.cursor() as cursor:
            with cursor.copy(f'COPY "{table}" TO STDOUT') as out:
                for block in out:
                    data.write(block)
            data.seek(0)
            with transaction.atomic():
                cursor.execute(f'CREATE TABLE bench_floor (LIKE "{table}" INCLUDING ALL)')
                began = time.perf_counter()
                with cursor.copy("COPY bench_floor FROM STDIN") as into:
                    while block := data.read(1 << 20):
                        into.write(block)
                took = time.perf_counter() - began
                transaction.set_rollback(True)
        floor += took
        rows += count
        print(f"{table:40} {count:>10} {took:>9.1f}s")
    print()
    print(
        f"{people:,} people, {world.counts['activities']:,} activities, "
        f"{world.counts['placements']:,} placements over {scale.authorities} authorities; "
        f"{rows:,} rows in all"
    )
    print(f"generate (COPY):      {made:7.1f} s, peak memory {peak_mb:,.0f} MB")
    print(f"floor (COPY FROM):    {floor:7.1f} s")
    print(f"ratio:                {made / floor:7.2f}   (target: a million people in minutes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
