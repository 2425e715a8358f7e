"""Importing people at scale: rows per second and peak memory, against a bare-SQL floor.

Writes a people CSV of ``--rows`` rows (deterministic for ``--seed``) over a few
authorities, then in one run, into SQLite in a temporary folder or the empty
PostgreSQL database named by DATABASE_URL:

- ``pathways import people FILE`` as the command runs it (``call_command``): the file
  streamed, checked and written a batch at a time in one transaction, with one audit
  entry per new person; its rows/s, and its peak memory (tracemalloc, Python's own
  allocations) beside the file's size;
- the floor: the same rows inserted bare, already parsed, with one ``executemany``
  (SQLite) or ``COPY`` (PostgreSQL) of the people and one of their audit entries, in
  one transaction (rolled back, so the import above is measured on an empty table
  first and the floor on the same database after it);
- the same file imported again (every row unchanged): the re-import's rows/s.

Prints each figure, the floor, the ratio and the target (5,000 rows/s on PostgreSQL;
memory that does not grow with the file). No assertions: see bench/README.md.

    uv run python bench/imports.py [--rows 100000] [--authorities 5] [--seed 1]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

TARGET_ROWS_PER_S = 5_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--authorities", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    return parser.parse_args()


COLUMNS = [
    "authority",
    "person_ref",
    "given_name",
    "family_name",
    "date_of_birth",
    "postcode",
    "primary_support_reason",
    "conditions",
    "long_term_support",
    "email",
]
GIVEN = ["Alex", "Sam", "Priya", "Jordan", "Aisha", "Tom", "Mei", "Olu", "Zofia", "Liam"]
FAMILY = ["Smith", "Khan", "Jones", "Patel", "Nowak", "Brown", "Okafor", "Chen", "Evans"]
REASONS = ["learning_disability", "mental_health", "physical", "sensory", ""]
CONDITIONS = ["autism", "learning_disability;autism", "mental_health", ""]


def write_people(path: Path, rows: int, codes: list[str], seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for n in range(rows):
            born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 45))
            writer.writerow(
                [
                    codes[n % len(codes)],
                    f"C{n:07d}",
                    rng.choice(GIVEN),
                    rng.choice(FAMILY),
                    born.isoformat(),
                    f"E{rng.randrange(1, 20)} {rng.randrange(1, 9)}AB",
                    rng.choice(REASONS),
                    rng.choice(CONDITIONS),
                    rng.choice(["yes", "no", ""]),
                    f"p{n}@example.org" if n % 3 == 0 else "",
                ]
            )


def main() -> int:  # noqa: C901 - a script, read top to bottom
    args = parse_args()
    workdir = tempfile.TemporaryDirectory(prefix="pathways-bench-")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(workdir.name) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("PATHWAYS_IMPORT_TIME_LIMIT", "3600")
    os.environ.setdefault("PATHWAYS_IMPORT_MAX_ROWS", str(max(args.rows, 200_000)))

    import django

    django.setup()
    from auditlog.diff import model_instance_diff
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction

    from pathways.core.models import Authority
    from pathways.people.models import Person

    call_command("migrate", interactive=False, verbosity=0)
    if Person.objects.exists():
        print("The database named by DATABASE_URL already holds people; use an empty one.")
        return 1
    codes = [f"E0900{n:04d}" for n in range(args.authorities)]
    for code in codes:
        Authority.objects.get_or_create(code=code, defaults={"name": f"Authority {code}"})
    path = Path(workdir.name) / "people.csv"
    write_people(path, args.rows, codes, args.seed)
    megabytes = path.stat().st_size / 1e6
    vendor = connection.vendor
    print(
        f"{vendor}: {args.rows:,} people in a {megabytes:.1f} MB CSV over {len(codes)} authorities"
    )

    cpu: list[float] = []

    def run_import() -> float:
        out, err = io.StringIO(), io.StringIO()
        started, cpu_started = time.perf_counter(), time.process_time()
        call_command("import", "people", str(path), "--no-progress", stdout=out, stderr=err)
        elapsed = time.perf_counter() - started
        cpu.append(time.process_time() - cpu_started)
        print(f"  {(err.getvalue() or out.getvalue()).strip().splitlines()[-1]}")
        return elapsed

    first = run_import()
    again = run_import()
    peak = None
    if not args.no_memory:
        # A third run (all unchanged) under tracemalloc, which slows Python down: its
        # time is not reported, only the most memory it held at once.
        tracemalloc.start()
        run_import()
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()

    # The floor: the same rows, parsed already, inserted bare with their audit entries.
    authority_ids = dict(Authority.objects.values_list("code", "pk"))
    with path.open(newline="", encoding="utf-8") as source:
        records = list(csv.DictReader(source))
    now = dt.datetime.now(dt.UTC)
    people_rows = [
        (
            authority_ids[r["authority"]],
            "F" + r["person_ref"],
            r["given_name"],
            r["family_name"],
            r["date_of_birth"],
            r["postcode"],
            r["primary_support_reason"],
            "[]",
            r["email"],
            now,
        )
        for r in records
    ]
    person_ct = ContentType.objects.get_for_model(Person).pk
    sample = Person.objects.first()
    changes = model_instance_diff(None, sample) if sample else {}
    import json

    changes_json = json.dumps(changes, default=str)
    insert_people = (
        "INSERT INTO people_person (authority_id, person_ref, given_name, family_name, "
        "date_of_birth, postcode, primary_support_reason, conditions, email, created_at, "
        "preferred_name, phone, communication_needs, reasonable_adjustments, is_demo, version) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '', '', '', '', false, 1)"
    )
    started, cpu_started = time.perf_counter(), time.process_time()
    with transaction.atomic():
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                with cursor.copy(
                    "COPY people_person (authority_id, person_ref, given_name, family_name, "
                    "date_of_birth, postcode, primary_support_reason, conditions, email, "
                    "created_at, preferred_name, phone, communication_needs, "
                    "reasonable_adjustments, is_demo, version) FROM STDIN"
                ) as copy:
                    for row in people_rows:
                        copy.write_row((*row, "", "", "", "", False, 1))
                cursor.execute(
                    "SELECT id FROM people_person WHERE person_ref LIKE 'F%%' ORDER BY id"
                )
                ids = [r[0] for r in cursor.fetchall()]
                with cursor.copy(
                    "COPY auditlog_logentry (content_type_id, object_pk, object_id, "
                    "object_repr, action, changes, timestamp, additional_data, changes_text) "
                    "FROM STDIN"
                ) as copy:
                    for pk in ids:
                        copy.write_row(
                            (person_ct, str(pk), pk, "x", 0, changes_json, now, None, "")
                        )
            else:
                cursor.executemany(insert_people, people_rows)
                cursor.execute("SELECT id FROM people_person WHERE person_ref LIKE 'F%' ")
                ids = [r[0] for r in cursor.fetchall()]
                cursor.executemany(
                    "INSERT INTO auditlog_logentry (content_type_id, object_pk, object_id, "
                    "object_repr, action, changes, timestamp, additional_data, changes_text) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, '')",
                    [(person_ct, str(pk), pk, "x", 0, changes_json, now, None) for pk in ids],
                )
        floor = time.perf_counter() - started
        floor_cpu = time.process_time() - cpu_started
        transaction.set_rollback(True)
    assert len(ids) == args.rows, (len(ids), args.rows)
    assert LogEntry.objects.exists()

    def rate(seconds: float) -> float:
        return args.rows / seconds

    print(f"{'figure':<34} {'rows/s':>9} {'floor rows/s':>13} {'ratio':>6}  target")
    print(
        f"{'import, all new':<34} {rate(first):>9,.0f} {rate(floor):>13,.0f} "
        f"{first / floor:>6.1f}  >= {TARGET_ROWS_PER_S:,} rows/s on PostgreSQL"
    )
    print(
        f"{'import again, all unchanged':<34} {rate(again):>9,.0f} {rate(floor):>13,.0f} "
        f"{again / floor:>6.1f}  >= {TARGET_ROWS_PER_S:,} rows/s on PostgreSQL"
    )
    print(
        "the same in this process's CPU time only (the machine's other load and the "
        "database server's work left out):"
    )
    for name, seconds in (("import, all new", cpu[0]), ("import again, all unchanged", cpu[1])):
        print(
            f"{name + ' (CPU)':<34} {rate(seconds):>9,.0f} {rate(floor_cpu):>13,.0f} "
            f"{seconds / floor_cpu:>6.1f}"
        )
    if peak is not None:
        print(
            f"peak memory of an import (tracemalloc): {peak:.1f} MB for a {megabytes:.1f} MB "
            "file; target: does not grow with the file (was 424 MB at 100,000 rows)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
