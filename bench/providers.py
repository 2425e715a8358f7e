"""The providers report against the bare SQL it needs, and a quarter's claim, in one run.

Builds a synthetic world (people, referrals, episodes, jobs and milestones, then 50
providers and 200 contracts with their tariffs: ``workspace.synthetic.commissioning``)
in SQLite in a temporary folder, or the empty PostgreSQL database named by
DATABASE_URL, then:

- times ``commissioning.performance.providers_report`` for the first authority and
  the last financial year against hand-written SQL fetching the same rows (the
  referrals, the episodes with their last change of stage, the qualifying jobs and
  confirmed milestones, the approved claim lines) with the least Python to count
  them, after checking that both give the same referrals, open episodes and job
  starts; prints the ratio and the report's query count;
- builds one provider big enough for a quarter's claim of about 10,000 lines
  (``--claim-people``: one authority, three teams of one organisation), then times
  ``outcomes.claimable`` for its busiest contract quarter, and saving that claim as a
  draft once (rolled back), and says how many lines they priced.

See bench/README.md.

    uv run python bench/providers.py [--people 200000] [--placements 80000]
        [--authorities 10] [--runs 7] [--claim-people 150000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import medians  # noqa: E402  (bench/run.py: the same timing rule)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--placements", type=int, default=80_000)
    parser.add_argument("--authorities", type=int, default=10)
    parser.add_argument("--teams", type=int, default=8, help="teams per authority (4 kinds)")
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--contracts", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per query (median)")
    parser.add_argument(
        "--claim-people",
        type=int,
        default=150_000,
        help="people of the one provider built for the claim (0: claim on the world above)",
    )
    parser.add_argument("--claim-workers", type=int, default=250, help="per team of that provider")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


REFERRALS_SQL = """
SELECT t.organisation_id, r.received_on, r.status, r.allocated_on, p.primary_support_reason
FROM referrals_referral r JOIN core_team t ON t.id = r.team_id
JOIN people_person p ON p.id = r.person_id
WHERE p.authority_id = %s AND t.organisation_id = ANY(%s)
  AND r.received_on BETWEEN %s AND %s
"""

EPISODES_SQL = """
SELECT e.id, e.person_id, t.organisation_id, e.started_on, e.ended_on,
       COALESCE(e.last_contact_on, e.started_on), t.no_contact_days,
       (SELECT MAX(s.entered_on) FROM casework_stageentry s
        WHERE s.episode_id = e.id AND s.entered_on <= %s), p.primary_support_reason
FROM casework_episode e JOIN core_team t ON t.id = e.team_id
JOIN people_person p ON p.id = e.person_id
WHERE p.authority_id = %s AND t.organisation_id = ANY(%s)
  AND e.started_on <= %s AND (e.ended_on IS NULL OR e.ended_on >= %s)
"""

#: The people whose jobs can be outcomes: those with an episode at the providers that
#: began by the end of the period (as the report reads them).
PEOPLE_SQL = """
SELECT e.person_id FROM casework_episode e JOIN core_team t ON t.id = e.team_id
JOIN people_person p ON p.id = e.person_id
WHERE p.authority_id = %s AND t.organisation_id = ANY(%s) AND e.started_on <= %s
"""

JOBS_SQL = f"""
SELECT pl.id, pl.person_id, pl.start_date, pl.end_date, pl.support_ended_on
FROM employment_placement pl
WHERE pl.person_id IN ({PEOPLE_SQL}) AND pl.start_date <= %s
  AND pl.paid AND pl.kind IN ('employed', 'self_employed', 'apprenticeship')
  AND (pl.supported OR pl.support_ended_on IS NOT NULL)
"""

MILESTONES_SQL = f"""
SELECT m.placement_id, m.weeks FROM employment_milestone m
JOIN employment_placement pl ON pl.id = m.placement_id
WHERE pl.person_id IN ({PEOPLE_SQL}) AND pl.start_date <= %s
  AND m.confirmed_on IS NOT NULL AND m.evidence <> ''
"""

LINES_SQL = """
SELECT c.contract_id, SUM(l.price) FROM commissioning_claimline l
JOIN commissioning_claim c ON c.id = l.claim_id
WHERE c.contract_id = ANY(%s) AND l.status = 'approved' AND NOT l.over_cap
  AND l.achieved_on BETWEEN %s AND %s GROUP BY c.contract_id
"""


def main() -> int:  # noqa: C901 - a script, read top to bottom
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
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from pathways.commissioning.claims import save_claim
    from pathways.commissioning.models import Contract
    from pathways.commissioning.outcomes import achieved_outcomes, claimable
    from pathways.commissioning.performance import contract_quarters, in_force, providers_report
    from pathways.employment.services import find_milestones
    from pathways.people.models import Person
    from pathways.workspace.synthetic import Scale, generate
    from pathways.workspace.synthetic.commissioning import commission

    if connection.vendor != "postgresql":
        print("bench/providers.py needs PostgreSQL (its bare SQL uses = ANY): set DATABASE_URL")
        return 1
    call_command("migrate", interactive=False, verbosity=0)
    if Person.objects.exists():
        print("The database named by DATABASE_URL already holds people; use an empty one.")
        return 1
    today = dt.date.today()
    world = generate(
        Scale(
            authorities=args.authorities,
            teams_per_authority=args.teams,
            people=args.people,
            referrals=args.people,
            employers=max(20, args.placements // 20),
            placements=args.placements,
            seed=args.seed,
            prefix="BENCH",
            # Nine in ten providers run teams on the system; the rest are in the
            # directory with contracts but hold no cases here.
            providers=max(1, args.providers * 9 // 10),
        ),
        today=today,
    )
    find_milestones(today)
    made = commission(
        world,
        today=today,
        providers=args.providers,
        contracts=args.contracts,
        seed=args.seed,
        prefix="BENCH",
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    authority = world.authorities[0]
    end = dt.date(today.year if today.month > 3 else today.year - 1, 3, 31)
    start = dt.date(end.year - 1, 4, 1)
    contracts = in_force(authority, start, end)
    orgs = sorted({c.provider.organisation_id for c in contracts})

    def report() -> dict:
        return providers_report(authority, start, end)

    def bare() -> dict:
        """The same rows fetched by hand, counted with the least Python: one contract
        per provider and year here, so each row falls to its organisation's."""
        counts: dict[str, int] = {"referrals": 0, "open": 0, "job_starts": 0}
        with connection.cursor() as cursor:
            cursor.execute(REFERRALS_SQL, [authority.pk, orgs, start, end])
            counts["referrals"] = len(cursor.fetchall())
            cursor.execute(EPISODES_SQL, [end, authority.pk, orgs, end, start])
            episodes = cursor.fetchall()
            cursor.execute(JOBS_SQL, [authority.pk, orgs, end, end])
            jobs: dict[int, list[tuple]] = {}
            for row in cursor.fetchall():
                jobs.setdefault(row[1], []).append(row)
            cursor.execute(MILESTONES_SQL, [authority.pk, orgs, end, end])
            cursor.fetchall()
            cursor.execute(LINES_SQL, [[c.pk for c in contracts], start, end])
            cursor.fetchall()
        for _id, person_id, _org, started, ended, _contact, _days, _stage, _need in episodes:
            if ended is None or ended > end:
                counts["open"] += 1
            inside = [
                j
                for j in jobs.get(person_id, ())
                if j[2] >= started and (ended is None or j[2] <= ended)
            ]
            if inside and start <= min(j[2] for j in inside) <= end:
                counts["job_starts"] += 1
        return counts

    def summed(figures: dict) -> dict:
        rows = figures["contracts"]
        return {
            "referrals": sum(r["referrals_received"] for r in rows),
            "open": sum(r["open_episodes"] for r in rows),
            "job_starts": sum(r["job_starts"] for r in rows),
        }

    mine, floor = summed(report()), bare()
    assert mine == floor, (mine, floor)
    with CaptureQueriesContext(connection) as ctx:
        report()
    queries = len(ctx.captured_queries)

    print(f"database: {connection.vendor}")
    print(
        f"{world.counts['people']} people, {world.counts.get('placements', '?')} placements, "
        f"{made['providers']} providers, {made['contracts']} contracts; authority "
        f"{authority.code}, {start} to {end}: {len(contracts)} contracts in force, "
        f"{mine}; median of {args.runs} runs each\n"
    )
    report_s, bare_s = medians([report, bare], args.runs)
    ratio = Decimal(report_s / bare_s).quantize(Decimal("0.01"))
    print(f"{'':36} {'mine':>9} {'bare SQL':>9} {'ratio':>6}")
    print(
        f"{'providers report, one year':36} {report_s * 1000:7.1f}ms"
        f" {bare_s * 1000:7.1f}ms {ratio:>6}"
    )
    print(f"providers report queries: {queries}")

    # A quarter's claim. No contract above has the ~10,000 lines in a quarter the issue
    # asks about, so a provider that size is built beside them: one authority whose
    # three teams, all one organisation's, hold --claim-people people.
    claim_world = world
    if args.claim_people:
        claim_world = generate(
            Scale(
                authorities=1,
                teams_per_authority=3,
                workers_per_team=args.claim_workers,
                people=args.claim_people,
                referrals=args.claim_people,
                employers=max(20, args.claim_people // 20),
                placements=args.claim_people,
                seed=args.seed,
                prefix="CLAIM",
                providers=1,
            ),
            today=today,
        )
        find_milestones(today)
        commission(
            claim_world, today=today, providers=1, contracts=3, seed=args.seed, prefix="CLAIM"
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    claiming = Contract.objects.filter(
        authority=claim_world.authorities[0], provider__organisation__teams__in=claim_world.teams
    ).distinct()
    busiest, quarter, _n = max(
        (
            (contract, q, n)
            for contract in claiming.select_related("provider")
            for q in contract_quarters(contract.start_date, contract.end_date)
            if (n := len(achieved_outcomes([contract], *q)))
        ),
        key=lambda found: found[2],
    )
    manager = next(
        claim_world.managers[t.pk]
        for t in claim_world.teams
        if t.organisation_id == busiest.provider.organisation_id and t.pk in claim_world.managers
    )

    def claim() -> int:
        return len(claimable(busiest, *quarter).lines)

    def save() -> int:
        with transaction.atomic():
            saved = save_claim(manager, busiest, *quarter, channel="cli").lines.count()
            transaction.set_rollback(True)
        return saved

    [claim_s] = medians([claim], args.runs)
    started = time.perf_counter()
    saved = save()
    save_s = time.perf_counter() - started
    print(
        f"claim of contract {busiest.contract_ref} ({claim_world.counts['people']} people),"
        f" {quarter[0]} to {quarter[1]}: {claim()} lines computed in {claim_s * 1000:.1f} ms"
        f" (median); saved as a draft with their audit entries in {save_s:.1f} s"
        f" ({saved} lines, once)"
    )
    if workdir:
        workdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
