"""The counting queries behind the employment rate, its trend and the outcomes give
exactly the figures of the report's own lines (the rows exports list), on random
people, jobs, changes of hours and dates: the fast path is the same rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathways.employment.models import Placement, PlacementTerms
from pathways.people.models import SupportReason
from pathways.reporting import outcomes as reports
from pathways.reporting.figures import rate_trend
from pathways.reporting.periods import quarter_ends
from tests.factories import AuthorityFactory, EmployerFactory, PersonFactory

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

#: Days around the edges the rules care about: leap days, quarter ends, year ends.
EDGES = [dt.date(2024, 2, 29), dt.date(2025, 2, 28), dt.date(2025, 3, 1), dt.date(2026, 3, 31)]
days = st.one_of(st.sampled_from(EDGES), st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)))
#: 0.0 to 40.0 hours, often at the bands' edges (alone, or as two jobs of 8 or 15).
tenths = st.one_of(
    st.sampled_from([Decimal(h) for h in ("8.0", "15.0", "15.9", "16.0", "29.9", "30.0")]),
    st.integers(0, 400).map(lambda n: Decimal(n) / 10),
)


@st.composite
def births(draw) -> dt.date:
    """Dates of birth near the cohorts' age limits on the days asked, and leap days."""
    year = draw(st.integers(1950, 2009))
    if draw(st.booleans()) and year % 4 == 0:
        return dt.date(year, 2, 29)
    return draw(st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31)))


jobs = st.fixed_dictionaries(
    {
        "paid": st.booleans(),
        "start": days,
        "length": st.one_of(st.none(), st.integers(0, 500)),
        "hours": tenths,
        "terms": st.lists(st.tuples(st.integers(-30, 400), tenths), max_size=2),
        # a job recorded against another authority than its person's
        "elsewhere": st.integers(0, 9).map(lambda n: n == 0),
    }
)
people = st.lists(
    st.fixed_dictionaries(
        {
            "authority": st.integers(0, 1),
            "born": births(),
            "reason": st.sampled_from(
                [SupportReason.LEARNING_DISABILITY, SupportReason.MENTAL_HEALTH, "", "physical"]
            ),
            "long_term": st.sampled_from([True, False, None]),
            "mental_health": st.sampled_from([True, False, None]),
            "jobs": st.lists(jobs, max_size=3),
        }
    ),
    max_size=10,
)


def counting(ctx: CaptureQueriesContext) -> list[str]:
    """The statements that read data: not a savepoint or its release, nor ``SET LOCAL``
    (PostgreSQL's trend over many authorities turns JIT off for its transaction)."""
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "SET LOCAL")
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(control)]


def build(world: list[dict]) -> list:
    authorities = [AuthorityFactory(), AuthorityFactory()]
    employer = EmployerFactory()
    n = 0
    for row in world:
        person = PersonFactory(
            authority=authorities[row["authority"]],
            date_of_birth=row["born"],
            primary_support_reason=row["reason"],
            long_term_support=row["long_term"],
            secondary_mental_health=row["mental_health"],
        )
        for job in row["jobs"]:
            n += 1
            start = job["start"]
            end = start + dt.timedelta(days=job["length"]) if job["length"] is not None else None
            where = 1 - row["authority"] if job["elsewhere"] else row["authority"]
            placement = Placement.objects.create(
                authority=authorities[where],
                placement_ref=f"H{n:05d}",
                person=person,
                employer=employer,
                job_title="Gardener",
                kind="employed",
                paid=job["paid"],
                start_date=start,
                end_date=end,
                hours_per_week=job["hours"],
            )
            for offset, hours in {o: h for o, h in job["terms"]}.items():
                PlacementTerms.objects.create(
                    placement=placement,
                    effective_from=start + dt.timedelta(days=offset),
                    hours_per_week=hours,
                )
    return authorities


@EXAMPLES
@given(
    world=people,
    asked=st.lists(days, min_size=1, max_size=8),
    which=st.integers(0, 2),
    narrow=st.booleans(),
)
def test_the_counting_query_gives_the_lines_figures(world, asked, which, narrow):
    """Both shapes of the query (jobs matched to the cohort first, for a few
    authorities, or not, for many) give the lines' figures."""
    with (
        transaction.atomic(),
        mock.patch.object(reports, "NARROW_AUTHORITIES", 10 if narrow else 0),
    ):
        authorities = build(world)
        chosen = [authorities[which]] if which < 2 else authorities
        with CaptureQueriesContext(connection) as ctx:
            counted = reports.employment_rates(chosen, asked)
        assert len(counting(ctx)) == 1
        for day in asked:
            assert counted[day] == reports.employment_rate_by_lines(chosen, day), day
        transaction.set_rollback(True)


@EXAMPLES
@given(world=people, start=days, weeks=st.integers(0, 120), which=st.integers(0, 2))
def test_the_outcome_counts_give_the_lines_figures(world, start, weeks, which):
    with transaction.atomic():
        authorities = build(world)
        chosen = [authorities[which]] if which < 2 else authorities
        end = start + dt.timedelta(weeks=weeks)
        assert reports.outcomes(chosen, start, end) == reports.outcomes_by_lines(chosen, start, end)
        transaction.set_rollback(True)


def test_the_trend_is_one_query_and_reuses_the_reporting_date(authority):
    person = PersonFactory(
        authority=authority,
        date_of_birth=dt.date(1990, 5, 1),
        primary_support_reason=SupportReason.LEARNING_DISABILITY,
        long_term_support=True,
    )
    Placement.objects.create(
        authority=authority,
        placement_ref="T1",
        person=person,
        employer=EmployerFactory(),
        job_title="Gardener",
        kind="employed",
        paid=True,
        start_date=dt.date(2025, 1, 1),
        hours_per_week=Decimal("20.0"),
    )
    on = dt.date(2026, 3, 31)
    with CaptureQueriesContext(connection) as ctx:
        trend = rate_trend([authority], on)
    assert len(counting(ctx)) == 1
    assert [point["reporting_date"] for point in trend] == [
        end.isoformat() for end in quarter_ends(on)
    ]
    working = [point[reports.LEARNING_DISABILITY]["numerator"] for point in trend]
    assert working == [0, 0, 0, 1, 1, 1, 1, 1]  # in work from the quarter ending March 2025
    known = reports.employment_rate([authority], on)
    with CaptureQueriesContext(connection) as ctx:
        again = rate_trend([authority], on, known=known)
    assert len(counting(ctx)) == 1 and again == trend and again[-1] is known


def test_the_trend_over_many_authorities_counts_each_band_edge_and_birthday():
    """The trend's shape for many authorities (each person read once for all the days)
    on people at the hours bands' edges, a change of terms, a job recorded elsewhere
    and an 18th birthday between two quarter ends: the lines' figures, day by day."""

    def job(hours: str, **more) -> dict:
        return {
            "paid": True,
            "start": dt.date(2024, 1, 1),
            "length": None,
            "hours": Decimal(hours),
            "terms": [],
            "elsewhere": False,
            **more,
        }

    def person(reason, born, *jobs, mental_health=None, authority=0) -> dict:
        return {
            "authority": authority,
            "born": born,
            "reason": reason,
            "long_term": True,
            "mental_health": mental_health,
            "jobs": list(jobs),
        }

    ld, mh = SupportReason.LEARNING_DISABILITY, SupportReason.MENTAL_HEALTH
    world = [
        person(ld, dt.date(1990, 3, 27), job("15.9")),
        person(ld, dt.date(1991, 5, 1), job("16.0"), authority=1),
        person(mh, dt.date(1985, 1, 1), job("29.9"), mental_health=True),
        person(
            mh, dt.date(1980, 7, 7), job("30.0", terms=[(100, Decimal("8.0"))]), mental_health=True
        ),
        person(ld, dt.date(2006, 6, 15), job("20.0")),  # 18 on 15 June 2024
        person(ld, dt.date(2006, 9, 30), job("10.0")),  # 18 on the quarter end itself
        person(ld, dt.date(1970, 2, 2), job("12.0", elsewhere=True), authority=1),
        person(ld, dt.date(1975, 4, 4)),  # in the cohort, not in work
    ]
    asked = [dt.date(2024, 3, 31), dt.date(2024, 6, 30), dt.date(2024, 9, 30), dt.date(2025, 3, 31)]
    with (
        transaction.atomic(),
        mock.patch.object(reports, "NARROW_AUTHORITIES", 0),
    ):
        authorities = build(world)
        counted = reports.employment_rates(authorities, asked)
        for day in asked:
            assert counted[day] == reports.employment_rate_by_lines(authorities, day), day
        june = counted[dt.date(2024, 6, 30)]["learning_disability"]
        assert june["denominator"] == 5 and june["numerator"] == 4
        assert june["hours_bands"] == {"under_16": 2, "16_to_29": 2, "30_plus": 0}
        september = counted[dt.date(2024, 9, 30)]["learning_disability"]
        assert september["denominator"] == 6 and september["numerator"] == 5
        march = counted[dt.date(2024, 3, 31)]["secondary_mental_health"]
        assert march["hours_bands"]["30_plus"] == 1  # before the change of terms
        transaction.set_rollback(True)
