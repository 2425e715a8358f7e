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
- times ``outcomes.claimable`` for the busiest contract and the quarter of the year
  with most outcomes, and says how many lines it priced.

See bench/README.md.

    uv run python bench/providers.py [--people 20000] [--placements 8000] [--runs 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import medians  # noqa: E402  (bench/run.py: the same timing rule)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--placements", type=int, default=8_000)
    parser.add_argument("--authorities", type=int, default=1)
    parser.add_argument("--teams", type=int, default=8, help="teams per authority (4 kinds)")
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--contracts", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per query (median)")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


REFERRALS_SQL = """
SELECT t.organisation_id, r.received_on, r.status
FROM referrals_referral r JOIN core_team t ON t.id = r.team_id
JOIN people_person p ON p.id = r.person_id
WHERE p.authority_id = %s AND t.organisation_id = ANY(%s)
  AND r.received_on BETWEEN %s AND %s
"""

EPISODES_SQL = """
SELECT e.id, e.person_id, t.organisation_id, e.started_on, e.ended_on,
       COALESCE(e.last_contact_on, e.started_on), t.no_contact_days,
       (SELECT MAX(s.entered_on) FROM casework_stageentry s
        WHERE s.episode_id = e.id AND s.entered_on <= %s)
FROM casework_episode e JOIN core_team t ON t.id = e.team_id
JOIN people_person p ON p.id = e.person_id
WHERE p.authority_id = %s AND t.organisation_id = ANY(%s)
  AND e.started_on <= %s AND (e.ended_on IS NULL OR e.ended_on >= %s)
"""

JOBS_SQL = """
SELECT pl.id, pl.person_id, pl.start_date, pl.end_date, pl.support_ended_on
FROM employment_placement pl JOIN people_person p ON p.id = pl.person_id
WHERE p.authority_id = %s AND pl.paid AND pl.kind IN ('employed', 'self_employed',
  'apprenticeship') AND (pl.supported OR pl.support_ended_on IS NOT NULL)
"""

MILESTONES_SQL = """
SELECT m.placement_id, m.weeks FROM employment_milestone m
JOIN employment_placement pl ON pl.id = m.placement_id
JOIN people_person p ON p.id = pl.person_id
WHERE p.authority_id = %s AND m.confirmed_on IS NOT NULL AND m.evidence <> ''
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
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pathways.commissioning.models import Contract
    from pathways.commissioning.outcomes import achieved_outcomes, claimable
    from pathways.commissioning.performance import in_force, providers_report
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
            cursor.execute(JOBS_SQL, [authority.pk])
            jobs: dict[int, list[tuple]] = {}
            for row in cursor.fetchall():
                jobs.setdefault(row[1], []).append(row)
            cursor.execute(MILESTONES_SQL, [authority.pk])
            cursor.fetchall()
            cursor.execute(LINES_SQL, [[c.pk for c in contracts], start, end])
            cursor.fetchall()
        for _id, person_id, _org, started, ended, _contact, _days, _stage in episodes:
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

    # The busiest contract and quarter (of the year asked about) for the claim.
    quarters = [
        (dt.date(start.year + (3 + 3 * q) // 12, (3 + 3 * q) % 12 + 1, 1), None) for q in range(4)
    ]
    quarters = [
        (
            q_start,
            (quarters[i + 1][0] if i < 3 else end + dt.timedelta(days=1)) - dt.timedelta(days=1),
        )
        for i, (q_start, _) in enumerate(quarters)
    ]
    tally: dict[tuple[int, int], int] = {}
    for a in achieved_outcomes(contracts, start, end):
        q = next(i for i, (s_, e_) in enumerate(quarters) if s_ <= a.achieved_on <= e_)
        tally[(a.contract_id, q)] = tally.get((a.contract_id, q), 0) + 1
    (busiest_pk, q), _n = max(tally.items(), key=lambda kv: kv[1])
    quarter = quarters[q]
    everything = Contract.objects.select_related("provider")
    busiest = everything.get(pk=busiest_pk)

    def claim() -> int:
        return len(claimable(busiest, *quarter).lines)

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
    [claim_s] = medians([claim], args.runs)
    print(
        f"claim of contract {busiest.contract_ref}, {quarter[0]} to {quarter[1]}: "
        f"{claim()} lines in {claim_s * 1000:.1f} ms"
    )
    if workdir:
        workdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
