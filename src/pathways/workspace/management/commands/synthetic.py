"""``pathways synthetic``: fill an empty database with a synthetic world at any scale.

    pathways synthetic --people 1000000 --authorities 150 --activities 10000000 \\
        --placements 300000 --seed 1

Refuses a database that already holds people (it is for benchmarks and trials, never
next to real records) or one that is not migrated. On PostgreSQL the rows go in with
``COPY`` and the database is vacuumed and analysed at the end. Prints a plain line as
each step is done. ``--citus-plan`` prints, instead, how the schema would be spread
over Citus by authority (``synthetic/distribution.py``).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pathways.people.models import Person
from pathways.workspace.synthetic import Scale, distribution, generate


def _scale(options: dict[str, Any]) -> Scale:
    """The scale asked for; what was not asked for follows the people in the
    proportions the benchmarks use (a caseload within the teams' caps for most)."""
    people, authorities = options["people"], max(1, options["authorities"])
    placements = options["placements"]
    per_authority = -(-people // authorities)

    def given(name: str, otherwise: int) -> int:
        value = options[name]
        return otherwise if value is None else value

    opportunities = given("opportunities", max(20, people // 500) if people else 0)
    return Scale(
        authorities=authorities,
        workers_per_team=given("workers_per_team", int(per_authority * 0.0095) + 10),
        people=people,
        referrals=given("referrals", people * 3 // 2),
        seed=options["seed"],
        prefix=options["prefix"],
        employers=given("employers", max(20, placements // 20, opportunities // 4)),
        opportunities=opportunities,
        profiles=given("profiles", people // 10),
        placements=placements,
        activities=given("activities", people * 10),
    )


class Command(BaseCommand):
    help = (
        "Fill an empty, migrated database with a synthetic world (deterministic for a "
        "seed): authorities, staff, people, referrals, episodes with their timelines, "
        "employers, opportunities, profiles and jobs. Refuses a database with people."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=1_000)
        parser.add_argument("--authorities", type=int, default=1)
        parser.add_argument(
            "--activities", type=int, help="timeline entries (default: 10 per person)"
        )
        parser.add_argument("--placements", type=int, default=0, help="job starts")
        parser.add_argument("--referrals", type=int, help="default: 1.5 per person")
        parser.add_argument("--employers", type=int, help="default: a job start in 20")
        parser.add_argument("--opportunities", type=int, help="default: 1 per 500 people")
        parser.add_argument("--profiles", type=int, help="default: 1 person in 10")
        parser.add_argument("--workers-per-team", type=int, help="default: sized to caseloads")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--prefix", default="SYN", help="on codes and references")
        parser.add_argument(
            "--citus-plan",
            action="store_true",
            help="print how the schema would be distributed by authority on Citus, and stop",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["citus_plan"]:
            self.stdout.write(distribution.sql(), ending="")
            return
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not migrated: run `pathways migrate` first.")
        if Person.objects.exists():
            raise CommandError(
                "The database already holds people; synthetic data goes into an empty one."
            )
        scale = _scale(options)
        self.stdout.write(
            f"Generating {scale.people} people over {scale.authorities} authorities "
            f"(seed {scale.seed}) into the {connection.vendor} database "
            f"{connection.settings_dict['NAME']}"
        )
        start = time.perf_counter()

        def progress(step: str) -> None:
            self.stdout.write(f"[{time.perf_counter() - start:7.1f}s] {step}")
            self.stdout.flush()

        world = generate(scale, progress=progress)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                progress("vacuum analyze")
                cursor.execute("VACUUM ANALYZE")
            else:
                cursor.execute("ANALYZE")
        counts = world.counts
        self.stdout.write(
            f"Done in {time.perf_counter() - start:.1f}s: "
            + ", ".join(
                f"{counts[name]} {name}"
                for name in (
                    "people",
                    "referrals",
                    "episodes",
                    "activities",
                    "staff",
                    "employers",
                    "opportunities",
                    "profiles",
                    "placements",
                )
            )
        )
