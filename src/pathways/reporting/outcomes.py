"""The published employment reports (README, "The command line"): the ASCOF-style
employment rate, job outcomes in a period, and care-cost savings after people start
work.

Each report comes as a JSON-ready summary (``employment_rate``, ``outcomes``,
``savings``, exactly the spec's shapes) and as the rows behind its figures
(``employment_rate_rows``, ``outcome_rows``, ``savings_rows``) for exports. Both are
computed from the same lines, in a fixed number of queries whatever the data size:
employment rate 1 (its trend over 8 quarters 1 too), outcomes 1, savings 2 (plus 1 when
authorities are given as codes). The employment rate and outcomes are counted by the
database (``rate_counts``, ``outcome_counts``: SQL built only of fixed text and
placeholders, every value a parameter), and tested to equal the rows' lines.

Rules the spec leaves to us:

- **Age**: a person is N on their Nth birthday. Someone born on 29 February turns a
  year older on 1 March in years without a 29 February (``age_on``, as
  ``Person.age_on``), so they are still 17 on 28 February 2026 and 18 on 1 March.
- **Hours on a date**: a placement's hours are those of its latest ``PlacementTerms``
  with ``effective_from`` on or before the date; a placement with no terms in force
  that day uses its own ``hours_per_week``. A person's hours are the sum over every
  paid placement current that day, so a change of hours moves a person between bands
  from the day the new terms take effect.
- **Authority**: the cohorts are people of the authority (``Person.authority``);
  outcomes and savings count the authority's placements (``Placement.authority``,
  which an import sets to the person's).
- **Money**: ``Decimal`` throughout, quantized to 0.01 with ``ROUND_HALF_UP``; a care
  cost not yet in force on ``--to``, or ended before it (``CareCost.ended_on``), counts
  as 0.00 there. A person with care costs but none in force the day before their first
  paid start has no baseline: counted in ``no_baseline``, not as 0.00 (decision 0028).
- **Pseudonyms**: for commissioners, rows can replace ``person_ref`` and ``name`` with
  the first 12 hex characters of HMAC-SHA256(``PATHWAYS_PSEUDONYM_KEY``, authority
  code + person_ref): stable across runs, different between authorities, not
  reversible without the key (its own key, not ``SECRET_KEY``: see settings).
  Authority codes are fixed-length ONS codes, so the concatenation is unambiguous.
  A pseudonymised row also carries bands in place of exact ages, dates and care costs
  (``disclosure.band_row``), so that it cannot be re-identified by them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import DecimalField, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from pathways.core.models import Authority
from pathways.core.money import money
from pathways.employment.models import Placement, PlacementTerms
from pathways.people.care_costs import cost_on, costs_of, in_force
from pathways.people.models import Person, SupportReason, age_on
from pathways.reporting.disclosure import band_row
from pathways.reporting.periods import financial_years, year_ending

LEARNING_DISABILITY = "learning_disability"
SECONDARY_MENTAL_HEALTH = "secondary_mental_health"
#: Cohort -> (youngest, oldest) age, inclusive, on the reporting date.
COHORT_AGES = {LEARNING_DISABILITY: (18, 64), SECONDARY_MENTAL_HEALTH: (18, 69)}
COHORTS = tuple(COHORT_AGES)
BANDS = ("under_16", "16_to_29", "30_plus")
#: Milestone name -> days after the start (13, 26 and 52 weeks).
MILESTONES = {"sustained_13_weeks": 91, "sustained_26_weeks": 182, "sustained_52_weeks": 364}
OUTCOME_MEASURES = ("job_starts", *MILESTONES)
UNKNOWN_NEED = "unknown"
WEEKS_A_YEAR = 52
PENNY = Decimal("0.01")
ZERO = Decimal("0.00")

#: True: pseudonymise every row; a collection: the rows of these authority codes.
Pseudonymise = bool | Collection[str]
Authorities = Iterable[Authority | str]


# --- shared rules ---------------------------------------------------------------------


def latest_birth_date(day: dt.date, years: int) -> dt.date:
    """The latest date of birth of someone aged at least ``years`` on ``day``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February, and that year has none: born on the 28th is old enough
        return dt.date(day.year - years, 2, 28)


def hours_band(hours: Decimal) -> str:
    if hours < 16:
        return "under_16"
    if hours < 30:
        return "16_to_29"
    return "30_plus"


def percent(numerator: int, denominator: int) -> float | None:
    """``100 * numerator / denominator`` rounded half up to one decimal; None for 0/0."""
    if not denominator:
        return None
    value = (Decimal(100 * numerator) / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return float(value)


def pseudonym(authority_code: str, person_ref: str) -> str:
    """A stable keyed stand-in for a person reference (see the module docstring)."""
    digest = hmac.new(
        settings.PATHWAYS_PSEUDONYM_KEY.encode(),
        (authority_code + person_ref).encode(),
        hashlib.sha256,
    )
    return digest.hexdigest()[:12]


def resolve_authorities(authorities: Authorities) -> dict[int, str]:
    """Authority id -> code for Authority objects or codes (one query when codes are
    given; an unknown code raises ValueError)."""
    items = list(authorities)
    codes = [a for a in items if isinstance(a, str)]
    out = {a.pk: a.code for a in items if isinstance(a, Authority)}
    if codes:
        found = dict(Authority.objects.filter(code__in=codes).values_list("code", "pk"))
        missing = sorted(set(codes) - set(found))
        if missing:
            raise ValueError(f"No authority has the code {', '.join(missing)}")
        out.update({pk: code for code, pk in found.items()})
    return out


@dataclass(frozen=True)
class _Who:
    """The person behind a row, as rows show them."""

    person_id: int
    authority: str
    person_ref: str
    name: str

    def hidden(self, pseudonymise: Pseudonymise) -> bool:
        return pseudonymise is True or (
            not isinstance(pseudonymise, bool) and self.authority in pseudonymise
        )

    def shown(self, pseudonymise: Pseudonymise) -> dict[str, str]:
        if self.hidden(pseudonymise):
            alias = pseudonym(self.authority, self.person_ref)
            return {"authority": self.authority, "person_ref": alias, "name": alias}
        return {"authority": self.authority, "person_ref": self.person_ref, "name": self.name}


def _row(who: _Who, pseudonymise: Pseudonymise, **fields: Any) -> dict[str, Any]:
    """A row about ``who``: pseudonymised with bands, or as it is."""
    if who.hidden(pseudonymise):
        return band_row({**who.shown(pseudonymise), **fields})
    return {**who.shown(pseudonymise), **fields}


def _saw(seen: list[int] | None, people: Iterable[_Who]) -> None:
    """Add the ids of the people behind the rows to ``seen`` (when asked): the rows'
    reader audits each of them without reading the report again."""
    if seen is not None:
        seen.extend(who.person_id for who in people)


def _who(codes: dict[int, str], row: Mapping[str, Any]) -> _Who:
    return _Who(
        row["person_id"],
        codes[row["authority_id"]],
        row["person_ref"],
        f"{row['given_name']} {row['family_name']}".strip(),
    )


_PERSON_FIELDS = {
    "person_ref": F("person__person_ref"),
    "given_name": F("person__given_name"),
    "family_name": F("person__family_name"),
}


# --- employment rate ------------------------------------------------------------------


@dataclass(frozen=True)
class RateLine:
    who: _Who | None  # None when only the figures were asked for
    cohort: str
    age: int
    in_paid_work: bool
    hours: Decimal | None

    @property
    def person(self) -> _Who:
        assert self.who is not None, "this line was read without the person's details"
        return self.who

    @property
    def band(self) -> str | None:
        return hours_band(self.hours) if self.hours is not None else None


def _cohort_people(authority_ids: Collection[int], on: dt.date) -> QuerySet[Person]:
    """People in either cohort on the date (the ages are checked again per cohort)."""
    ld_young, ld_old = COHORT_AGES[LEARNING_DISABILITY]
    mh_young, mh_old = COHORT_AGES[SECONDARY_MENTAL_HEALTH]
    learning_disability = Q(
        primary_support_reason=SupportReason.LEARNING_DISABILITY,
        long_term_support=True,
        date_of_birth__lte=latest_birth_date(on, ld_young),
        date_of_birth__gt=latest_birth_date(on, ld_old + 1),
    )
    mental_health = Q(
        secondary_mental_health=True,
        date_of_birth__lte=latest_birth_date(on, mh_young),
        date_of_birth__gt=latest_birth_date(on, mh_old + 1),
    )
    return Person.objects.filter(
        learning_disability | mental_health, authority_id__in=authority_ids
    )


def paid_on(on: dt.date) -> Q:
    """Placements that make their person in paid employment on the date."""
    return Q(paid=True, start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on))


def hours_on(on: dt.date) -> Coalesce:
    """A placement's hours on the date (its terms in force, else its own hours)."""
    terms = PlacementTerms.objects.filter(placement=OuterRef("pk"), effective_from__lte=on)
    return Coalesce(
        Subquery(terms.order_by("-effective_from").values("hours_per_week")[:1]),
        F("hours_per_week"),
        output_field=DecimalField(max_digits=4, decimal_places=1),
    )


def _rate_lines(
    authorities: Authorities, on: dt.date, *, named: bool = True
) -> tuple[dict[int, str], list[RateLine]]:
    """Each cohort member on the date. ``named=False`` leaves out who they are (and the
    ordering by them): the figures alone need neither, and at tens of thousands of
    people building those is most of the report's time."""
    codes = resolve_authorities(authorities)
    people = _cohort_people(codes, on)
    hours: dict[int, Decimal] = {}
    for person_id, placement_hours in (
        Placement.objects.filter(paid_on(on), person__in=people.values("pk"))
        .annotate(hours_on=hours_on(on))
        .values_list("person_id", "hours_on")
    ):
        hours[person_id] = hours.get(person_id, Decimal("0.0")) + placement_hours
    fields = ["pk", "date_of_birth", "primary_support_reason", "long_term_support"]
    fields += ["secondary_mental_health"]
    if named:
        fields += ["authority_id", "person_ref", "given_name", "family_name"]
    lines = []
    for pk, born, reason, long_term, mental_health, *name in people.values_list(*fields):
        who = None
        if named:
            authority_id, person_ref, given_name, family_name = name
            who = _Who(pk, codes[authority_id], person_ref, f"{given_name} {family_name}".strip())
        age = age_on(born, on)
        cohorts = []
        if reason == SupportReason.LEARNING_DISABILITY and long_term:
            cohorts.append(LEARNING_DISABILITY)
        if mental_health:
            cohorts.append(SECONDARY_MENTAL_HEALTH)
        for cohort in cohorts:
            youngest, oldest = COHORT_AGES[cohort]
            if youngest <= age <= oldest:
                worked = hours.get(pk)
                lines.append(RateLine(who, cohort, age, worked is not None, worked))
    if named:
        lines.sort(key=lambda line: (line.cohort, line.person.authority, line.person.person_ref))
    return codes, lines


def _rate_figures(codes: dict[int, str], on: dt.date, counts: Mapping[str, int]) -> dict:
    """The report's shape from its counts: ``{cohort}_denominator``, ``{cohort}_numerator``
    and ``{cohort}_{band}`` for each cohort and band."""
    out: dict[str, Any] = {"reporting_date": on.isoformat(), "authorities": sorted(codes.values())}
    for cohort in COHORTS:
        denominator = counts[f"{cohort}_denominator"]
        numerator = counts[f"{cohort}_numerator"]
        out[cohort] = {
            "denominator": denominator,
            "numerator": numerator,
            "percent": percent(numerator, denominator),
            "hours_bands": {band: counts[f"{cohort}_{band}"] for band in BANDS},
        }
    return out


def employment_rate_by_lines(authorities: Authorities, on: dt.date) -> dict:
    """``employment_rate`` counted in Python from each cohort member's line (the rows'
    own rule, ``_rate_lines``): the reference the counting query is tested against."""
    codes, lines = _rate_lines(authorities, on, named=False)
    counts: dict[str, int] = {}
    for cohort in COHORTS:
        mine = [line for line in lines if line.cohort == cohort]
        working = [line for line in mine if line.in_paid_work]
        counts[f"{cohort}_denominator"] = len(mine)
        counts[f"{cohort}_numerator"] = len(working)
        for band in BANDS:
            counts[f"{cohort}_{band}"] = sum(1 for line in working if line.band == band)
    return _rate_figures(codes, on, counts)


def employment_rates(authorities: Authorities, days: Iterable[dt.date]) -> dict[dt.date, dict]:
    """``employment_rate`` on each of the days, counted by the database in one query
    whatever the number of days and people (plus one when authorities are codes)."""
    codes = resolve_authorities(authorities)
    wanted = sorted(set(days))
    counted = rate_counts(codes, wanted)
    return {day: _rate_figures(codes, day, counted[day]) for day in wanted}


def employment_rate(authorities: Authorities, on: dt.date) -> dict:
    """The two ASCOF-style cohorts on the reporting date, in one query (``rate_counts``)."""
    return employment_rates(authorities, [on])[on]


#: Up to this many authorities, ``rate_counts`` matches the day's jobs to the cohort
#: first (see ``_rate_sql``); the figures are the same either way.
NARROW_AUTHORITIES = 10


def _rate_sql(authority_count: int, day_count: int, vendor: str) -> str:
    """The counting query of ``rate_counts``: for each day, the people of the
    authorities in either cohort that day, each with their paid hours that day in
    tenths (so that the bands are exact on SQLite's floating point too), counted; one
    branch a day, the days' branches joined by UNION ALL into one query.

    Each day's cohort is a CTE read twice (so PostgreSQL reads the people once): the
    people, and the paid hours of the day's paid jobs of those people, grouped by
    person (not a subquery per person: the database would repeat it in every sum).
    Each day's dates are literals, so that the planner sees how many people each
    condition keeps (one authority: a few index probes; all of them: hash joins)."""
    cast = "::date" if vendor == "postgresql" else ""
    ids = ", ".join(["%s"] * authority_count)
    # Matching the day's paid jobs to the cohort before adding up their hours only
    # pays for a few authorities (the planner probes the jobs' person index for each
    # cohort member: measured 40 ms for one authority of a million people, against
    # 180 ms when written as a join, which it hashes); for many, the day's paid jobs of
    # everyone are fewer than the cohort, and the LEFT JOIN keeps only the cohort's
    # anyway: the same figures, a cheaper plan.
    narrow = authority_count <= NARROW_AUTHORITIES
    if narrow:  # the terms in force: a probe per job
        terms_hours = f"""(SELECT t.hours_per_week FROM employment_placementterms t
            WHERE t.placement_id = pl.id AND t.effective_from <= %s{cast}
            ORDER BY t.effective_from DESC LIMIT 1)"""  # noqa: S608 (fixed text and placeholders; values are parameters)
        jobs_join = ""
        jobs_of = "AND pl.person_id IN (SELECT id FROM c{n})"
    else:  # the terms in force: those with no later terms by the day, joined
        terms_hours = "t.hours_per_week"
        jobs_of = ""
        jobs_join = f"""LEFT JOIN (
    SELECT t.placement_id, t.hours_per_week FROM employment_placementterms t
    WHERE t.effective_from <= %s{cast} AND NOT EXISTS (
      SELECT 1 FROM employment_placementterms later
      WHERE later.placement_id = t.placement_id AND later.effective_from <= %s{cast}
        AND later.effective_from > t.effective_from)
  ) t ON t.placement_id = pl.id"""  # noqa: S608 (fixed text and placeholders; values are parameters)
    learning_disability = (
        "p.primary_support_reason = %s AND p.long_term_support = %s"
        f" AND p.date_of_birth <= %s{cast} AND p.date_of_birth > %s{cast}"
    )
    mental_health = (
        f"p.secondary_mental_health = %s AND p.date_of_birth <= %s{cast}"
        f" AND p.date_of_birth > %s{cast}"
    )
    columns = []
    for cohort in COHORTS:
        flag = "ld" if cohort == LEARNING_DISABILITY else "mh"
        columns += [
            f"SUM(c.{flag}) AS {cohort}_denominator",
            f"SUM(CASE WHEN h.tenths IS NOT NULL THEN c.{flag} ELSE 0 END) AS {cohort}_numerator",
            f"SUM(CASE WHEN h.tenths < 160 THEN c.{flag} ELSE 0 END) AS {cohort}_under_16",
            f"SUM(CASE WHEN h.tenths >= 160 AND h.tenths < 300 THEN c.{flag} ELSE 0 END)"
            f" AS {cohort}_16_to_29",
            f"SUM(CASE WHEN h.tenths >= 300 THEN c.{flag} ELSE 0 END) AS {cohort}_30_plus",
        ]
    cohort = f"""c{{n}} AS (
  SELECT p.id,
         CASE WHEN {learning_disability} THEN 1 ELSE 0 END AS ld,
         CASE WHEN {mental_health} THEN 1 ELSE 0 END AS mh
  FROM people_person p
  WHERE p.authority_id IN ({ids}) AND (({learning_disability}) OR ({mental_health}))
)"""  # noqa: S608 (fixed text and placeholders; values are parameters)
    branch = f"""
SELECT %s{cast} AS day, {", ".join(columns)}
FROM c{{n}} c
LEFT JOIN (
  SELECT pl.person_id, SUM(ROUND(10 * COALESCE({terms_hours}, pl.hours_per_week))) AS tenths
  FROM employment_placement pl {jobs_join}
  WHERE pl.paid = %s AND pl.start_date <= %s{cast}
    AND (pl.end_date IS NULL OR pl.end_date >= %s{cast}) {jobs_of}
  GROUP BY pl.person_id
) h ON h.person_id = c.id
"""  # noqa: S608 (fixed text and placeholders; values are parameters)
    cohorts = ",\n".join(cohort.format(n=n) for n in range(day_count))
    branches = "\nUNION ALL\n".join(branch.format(n=n) for n in range(day_count))
    return f"WITH {cohorts}\n{branches}"


def _trend_sql(authority_count: int, day_count: int, vendor: str) -> str:
    """The counting query of ``rate_counts`` for several days over many authorities:
    each person read once, not once a day. The people who could be in either cohort on
    some day (``b``) are counted against every day for the denominators (``den``: a
    cross join of a few hundred thousand people with the days, added up by day, nothing
    sorted); each day's paid jobs, with the hours of the terms in force that day, are
    added up by person and day (``h``) and matched to those people by id for the
    numerators and bands (``num``). The same rule as ``_rate_sql`` (a hypothesis test
    compares them with the lines), about three times as fast for England's trend: the
    day-by-day shape scans a million people eight times."""
    cast = "::date" if vendor == "postgresql" else ""
    ids = ", ".join(["%s"] * authority_count)
    values = ", ".join([f"(%s{cast}, %s{cast}, %s{cast}, %s{cast}, %s{cast})"] * day_count)
    in_cohort = {
        LEARNING_DISABILITY: "b.ld = 1 AND b.born <= d.ld_latest AND b.born > d.ld_earliest",
        SECONDARY_MENTAL_HEALTH: "b.mh = 1 AND b.born <= d.mh_latest AND b.born > d.mh_earliest",
    }
    denominators, numerators, figures = [], [], []
    for cohort in COHORTS:
        member = in_cohort[cohort]
        denominators.append(f"SUM(CASE WHEN {member} THEN 1 ELSE 0 END) AS {cohort}_denominator")
        numerators += [
            f"SUM(CASE WHEN {member} THEN 1 ELSE 0 END) AS {cohort}_numerator",
            f"SUM(CASE WHEN {member} AND h.tenths < 160 THEN 1 ELSE 0 END) AS {cohort}_under_16",
            f"SUM(CASE WHEN {member} AND h.tenths >= 160 AND h.tenths < 300 THEN 1 ELSE 0 END)"
            f" AS {cohort}_16_to_29",
            f"SUM(CASE WHEN {member} AND h.tenths >= 300 THEN 1 ELSE 0 END) AS {cohort}_30_plus",
        ]
        figures += [f"den.{cohort}_denominator"]
        figures += [f"num.{cohort}_{name}" for name in ("numerator", *BANDS)]
    learning_disability = "p.primary_support_reason = %s AND p.long_term_support = %s"
    return f"""WITH d(day, ld_latest, ld_earliest, mh_latest, mh_earliest) AS (VALUES {values}),
b AS (
  SELECT p.id, p.date_of_birth AS born,
         CASE WHEN {learning_disability} THEN 1 ELSE 0 END AS ld,
         CASE WHEN p.secondary_mental_health = %s THEN 1 ELSE 0 END AS mh
  FROM people_person p
  WHERE p.authority_id IN ({ids})
    AND (({learning_disability}) OR p.secondary_mental_health = %s)
),
den AS (SELECT d.day, {", ".join(denominators)} FROM b CROSS JOIN d GROUP BY d.day),
h AS (
  SELECT d.day, pl.person_id,
         SUM(ROUND(10 * COALESCE((SELECT t.hours_per_week FROM employment_placementterms t
           WHERE t.placement_id = pl.id AND t.effective_from <= d.day
           ORDER BY t.effective_from DESC LIMIT 1), pl.hours_per_week))) AS tenths
  FROM employment_placement pl
  JOIN d ON pl.start_date <= d.day AND (pl.end_date IS NULL OR pl.end_date >= d.day)
  WHERE pl.paid = %s
  GROUP BY d.day, pl.person_id
),
num AS (
  SELECT h.day, {", ".join(numerators)}
  FROM h JOIN b ON b.id = h.person_id JOIN d ON d.day = h.day
  GROUP BY h.day
)
SELECT den.day, {", ".join(figures)}
FROM den LEFT JOIN num ON num.day = den.day"""  # noqa: S608 (fixed text and placeholders; values are parameters)


def rate_counts(authority_ids: Collection[int], days: Collection[dt.date]) -> dict[dt.date, dict]:
    """Per day: each cohort's people counted, those in paid work, and those in each
    hours band (``{cohort}_denominator``, ``{cohort}_numerator``, ``{cohort}_{band}``),
    in one query: the same rule as ``_rate_lines``, counted by the database."""
    keys = [f"{cohort}_{n}" for cohort in COHORTS for n in ("denominator", "numerator", *BANDS)]
    out = {day: dict.fromkeys(keys, 0) for day in days}
    if not authority_ids or not days:
        return out
    ld_young, ld_old = COHORT_AGES[LEARNING_DISABILITY]
    mh_young, mh_old = COHORT_AGES[SECONDARY_MENTAL_HEALTH]
    narrow = len(authority_ids) <= NARROW_AUTHORITIES
    connection = connections[router.db_for_read(Person)]
    if not narrow and len(days) > 1:
        sql = _trend_sql(len(authority_ids), len(days), connection.vendor)
        params: list[Any] = []
        for day in days:
            params += [
                day,
                latest_birth_date(day, ld_young),
                latest_birth_date(day, ld_old + 1),
                latest_birth_date(day, mh_young),
                latest_birth_date(day, mh_old + 1),
            ]
        static = [SupportReason.LEARNING_DISABILITY.value, True, True]
        params += [*static, *authority_ids, *static, True]
        if connection.vendor != "postgresql":
            return _counted(out, keys, connection, sql, params)
        # PostgreSQL would compile this query's expressions (JIT): about 0.5 s, more than
        # the whole count takes for 100,000 people, and never repaid at a million.
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
            return _counted(out, keys, connection, sql, params)
    cohorts: list[Any] = []  # the parameters of each day's cohort, then of each day's count
    branches: list[Any] = []
    for day in days:
        ld = [
            SupportReason.LEARNING_DISABILITY.value,
            True,
            latest_birth_date(day, ld_young),
            latest_birth_date(day, ld_old + 1),
        ]
        mh = [True, latest_birth_date(day, mh_young), latest_birth_date(day, mh_old + 1)]
        cohorts += [*ld, *mh, *authority_ids, *ld, *mh]
        # the narrow shape has the day once (its terms' probe), the wide twice
        branches += [day, day] + ([] if narrow else [day]) + [True, day, day]
    sql = _rate_sql(len(authority_ids), len(days), connection.vendor)
    return _counted(out, keys, connection, sql, cohorts + branches)


def _counted(
    out: dict[dt.date, dict], keys: list[str], connection: Any, sql: str, params: list[Any]
) -> dict[dt.date, dict]:
    """``out`` with the figures of each day the query counted."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for day, *figures in cursor.fetchall():
            if isinstance(day, str):  # SQLite gives a parameter's date back as text
                day = dt.date.fromisoformat(day)
            out[day] = {key: int(value or 0) for key, value in zip(keys, figures, strict=True)}
    return out


def employment_rate_rows(
    authorities: Authorities,
    on: dt.date,
    *,
    pseudonymise: Pseudonymise = False,
    seen: list[int] | None = None,
) -> list[dict]:
    """One row per person per cohort they are counted in, in two queries."""
    _, lines = _rate_lines(authorities, on)
    _saw(seen, (line.person for line in lines))
    return [
        _row(
            line.person,
            pseudonymise,
            cohort=line.cohort,
            age=line.age,
            in_paid_work=line.in_paid_work,
            hours=str(line.hours) if line.hours is not None else None,
            band=line.band,
        )
        for line in lines
    ]


# --- outcomes -------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeLine:
    who: _Who
    need: str
    placement_ref: str
    start_date: dt.date
    end_date: dt.date | None
    measures: tuple[str, ...]


def _outcome_placements(
    authority_ids: Collection[int], start: dt.date, end: dt.date
) -> QuerySet[Placement]:
    """The paid jobs that may count in the period: started in it, or early enough to
    reach a milestone in it."""
    earliest = start - dt.timedelta(days=max(MILESTONES.values()))
    return Placement.objects.filter(
        authority_id__in=authority_ids, paid=True, start_date__gte=earliest, start_date__lte=end
    ).order_by()


def _measures(
    start: dt.date, end: dt.date, started: dt.date, ended: dt.date | None
) -> tuple[str, ...]:
    """The measures a paid job counts towards in the period."""
    measures = []
    if start <= started <= end:
        measures.append("job_starts")
    for name, days in MILESTONES.items():
        milestone = started + dt.timedelta(days=days)
        if start <= milestone <= end and (ended is None or ended >= milestone):
            measures.append(name)
    return tuple(measures)


def outcome_counts(
    authority_ids: Collection[int], start: dt.date, end: dt.date
) -> list[tuple[str | None, int, int, int, int]]:
    """Per primary support reason (as stored: blank or None for none), the paid jobs
    counting towards each measure (OUTCOME_MEASURES, in order), counted by the
    database in one query: the rule of ``_measures`` with each milestone's date
    turned into a range of start dates (a job reaches day N of the period when it
    started N days before a day of it) and its still-there test into the job's
    length in days."""
    if not authority_ids:
        return []
    connection = connections[router.db_for_read(Placement)]
    if connection.vendor == "sqlite":
        length = "julianday(pl.end_date) - julianday(pl.start_date)"
    else:
        length = "pl.end_date - pl.start_date"
    columns = ["SUM(CASE WHEN pl.start_date >= %s AND pl.start_date <= %s THEN 1 ELSE 0 END)"]
    params: list[Any] = [start, end]
    for days in MILESTONES.values():
        columns.append(
            "SUM(CASE WHEN pl.start_date >= %s AND pl.start_date <= %s"
            f" AND (pl.end_date IS NULL OR {length} >= %s) THEN 1 ELSE 0 END)"
        )
        params += [start - dt.timedelta(days=days), end - dt.timedelta(days=days), days]
    earliest = start - dt.timedelta(days=max(MILESTONES.values()))
    ids = ", ".join(["%s"] * len(authority_ids))
    sql = f"""
SELECT pp.primary_support_reason, {", ".join(columns)}
FROM employment_placement pl JOIN people_person pp ON pp.id = pl.person_id
WHERE pl.authority_id IN ({ids}) AND pl.paid = %s
  AND pl.start_date >= %s AND pl.start_date <= %s
GROUP BY pp.primary_support_reason
"""  # noqa: S608 (fixed text and placeholders; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *authority_ids, True, earliest, end])
        return [tuple(row) for row in cursor.fetchall()]  # type: ignore[misc]


def outcomes_by_lines(authorities: Authorities, start: dt.date, end: dt.date) -> dict:
    """``outcomes`` counted in Python from the rows' lines (``_outcome_lines``): the
    reference the counting query is tested against."""
    codes, lines = _outcome_lines(authorities, start, end)
    needs: dict[str, dict[str, int]] = {
        need: dict.fromkeys(OUTCOME_MEASURES, 0) for need in [*SupportReason.values, UNKNOWN_NEED]
    }
    total = dict.fromkeys(OUTCOME_MEASURES, 0)
    for line in lines:
        by_need = needs.setdefault(line.need, dict.fromkeys(OUTCOME_MEASURES, 0))
        for measure in line.measures:
            total[measure] += 1
            by_need[measure] += 1
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "authorities": sorted(codes.values()),
        **total,
        "by_need": needs,
    }


def _outcome_lines(
    authorities: Authorities, start: dt.date, end: dt.date
) -> tuple[dict[int, str], list[OutcomeLine]]:
    codes = resolve_authorities(authorities)
    placements = _outcome_placements(codes, start, end).values(
        "person_id",
        "authority_id",
        "placement_ref",
        "start_date",
        "end_date",
        need=F("person__primary_support_reason"),
        **_PERSON_FIELDS,
    )
    lines = []
    for p in placements:
        measures = _measures(start, end, p["start_date"], p["end_date"])
        if measures:
            lines.append(
                OutcomeLine(
                    _who(codes, p),
                    p["need"] or UNKNOWN_NEED,
                    p["placement_ref"],
                    p["start_date"],
                    p["end_date"],
                    measures,
                )
            )
    lines.sort(key=lambda line: (line.who.authority, line.who.person_ref, line.placement_ref))
    return codes, lines


def outcomes(authorities: Authorities, start: dt.date, end: dt.date) -> dict:
    """Job starts and sustainment milestones in the period (inclusive), overall and by
    need (every support reason, then ``unknown`` for blank), in one query."""
    codes = resolve_authorities(authorities)
    needs: dict[str, dict[str, int]] = {
        need: dict.fromkeys(OUTCOME_MEASURES, 0) for need in [*SupportReason.values, UNKNOWN_NEED]
    }
    total = dict.fromkeys(OUTCOME_MEASURES, 0)
    for need, *counts in outcome_counts(codes, start, end):
        if not any(counts):
            continue  # jobs in the window that count towards nothing: no group for them
        by_need = needs.setdefault(need or UNKNOWN_NEED, dict.fromkeys(OUTCOME_MEASURES, 0))
        for measure, count in zip(OUTCOME_MEASURES, counts, strict=True):
            total[measure] += int(count or 0)
            by_need[measure] += int(count or 0)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "authorities": sorted(codes.values()),
        **total,
        "by_need": needs,
    }


def job_starts_by_year(authorities: Authorities, start: dt.date, end: dt.date) -> dict:
    """The period's job starts (as ``outcomes`` counts them) in each financial year it
    touches, each year cut to the period, to set beside the year's job-start targets;
    in one query."""
    codes, lines = _outcome_lines(authorities, start, end)
    starts = dict.fromkeys((last for last, _, _ in financial_years(start, end)), 0)
    for line in lines:
        if "job_starts" in line.measures:
            starts[year_ending(line.start_date)] += 1
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "authorities": sorted(codes.values()),
        "job_starts": sum(starts.values()),
        "by_year": {
            last.isoformat(): {
                "from": first.isoformat(),
                "to": to.isoformat(),
                "job_starts": starts[last],
            }
            for last, first, to in financial_years(start, end)
        },
    }


def outcome_rows(
    authorities: Authorities,
    start: dt.date,
    end: dt.date,
    *,
    pseudonymise: Pseudonymise = False,
    seen: list[int] | None = None,
) -> list[dict]:
    """One row per paid placement that counts towards any measure, in one query."""
    _, lines = _outcome_lines(authorities, start, end)
    _saw(seen, (line.who for line in lines))
    return [
        _row(
            line.who,
            pseudonymise,
            need=line.need,
            # A job's reference leads to the person as surely as theirs does.
            placement_ref=(
                pseudonym(line.who.authority, line.placement_ref)
                if line.who.hidden(pseudonymise)
                else line.placement_ref
            ),
            start_date=line.start_date.isoformat(),
            end_date=line.end_date.isoformat() if line.end_date else None,
            **{measure: measure in line.measures for measure in OUTCOME_MEASURES},
        )
        for line in lines
    ]


# --- savings --------------------------------------------------------------------------


@dataclass(frozen=True)
class SavingsLine:
    who: _Who
    first_start: dt.date
    weekly_before: Decimal
    weekly_now: Decimal

    @property
    def annual_saving(self) -> Decimal:
        return ((self.weekly_before - self.weekly_now) * WEEKS_A_YEAR).quantize(
            PENNY, rounding=ROUND_HALF_UP
        )

    def as_dict(self, pseudonymise: Pseudonymise = False) -> dict:
        return _row(
            self.who,
            pseudonymise,
            first_start=self.first_start.isoformat(),
            weekly_before=money(self.weekly_before),
            weekly_now=money(self.weekly_now),
            annual_saving=money(self.annual_saving),
        )


def _paid_starts(
    authority_ids: Collection[int], start: dt.date, end: dt.date
) -> QuerySet[Placement]:
    return Placement.objects.filter(
        authority_id__in=authority_ids, paid=True, start_date__gte=start, start_date__lte=end
    )


def _savings_lines(
    authorities: Authorities, start: dt.date, end: dt.date
) -> tuple[dict[int, str], list[SavingsLine], int]:
    """The people counted, and how many had care costs but no baseline (no row in force
    on the day before their first paid start: left out rather than counted as 0.00)."""
    codes = resolve_authorities(authorities)
    starts = _paid_starts(codes, start, end)
    costs = costs_of(starts.values("person_id"))
    firsts = (
        starts.values("person_id", "person__authority_id", **_PERSON_FIELDS)
        .annotate(first_start=Min("start_date"))
        .order_by()
    )
    lines = []
    no_baseline = 0
    for p in firsts:
        mine = costs.get(p["person_id"])
        if not mine:
            continue
        before = in_force(mine, p["first_start"] - dt.timedelta(days=1))
        if before is None:
            no_baseline += 1
            continue
        lines.append(
            SavingsLine(
                _who(codes, {**p, "authority_id": p["person__authority_id"]}),
                p["first_start"],
                before,
                cost_on(mine, end),
            )
        )
    lines.sort(key=lambda line: (line.who.authority, line.who.person_ref))
    return codes, lines, no_baseline


def savings(
    authorities: Authorities,
    start: dt.date,
    end: dt.date,
    detail: bool = False,
    *,
    pseudonymise: Pseudonymise = False,
    seen: list[int] | None = None,
) -> dict:
    """Weekly care costs before and after the first paid start in the period, for people
    with a baseline (``no_baseline`` counts those with care costs but none in force the
    day before), in two queries; ``detail`` adds the rows per person (and their ids
    to ``seen``)."""
    codes, lines, no_baseline = _savings_lines(authorities, start, end)
    before = sum((line.weekly_before for line in lines), ZERO)
    now = sum((line.weekly_now for line in lines), ZERO)
    saving = sum((line.annual_saving for line in lines), ZERO)
    out: dict[str, Any] = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "authorities": sorted(codes.values()),
        "people": len(lines),
        "no_baseline": no_baseline,
        "weekly_before": money(before),
        "weekly_now": money(now),
        "annual_saving": money(saving),
    }
    if detail:
        _saw(seen, (line.who for line in lines))
        out["rows"] = [line.as_dict(pseudonymise) for line in lines]
    return out


def savings_rows(
    authorities: Authorities,
    start: dt.date,
    end: dt.date,
    *,
    pseudonymise: Pseudonymise = False,
    seen: list[int] | None = None,
) -> list[dict]:
    """One row per person counted in the savings, in two queries."""
    _, lines, _ = _savings_lines(authorities, start, end)
    _saw(seen, (line.who for line in lines))
    return [line.as_dict(pseudonymise) for line in lines]
