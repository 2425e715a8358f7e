"""Savings, amended (decision 0028): a person without a baseline is counted apart, not
as costing nothing before work; a care cost that ended counts 0.00 on --to."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from pathways.people.models import CareCost
from pathways.reporting import outcomes as reports
from tests.reporting.test_outcome_reports import cost, ld, place

pytestmark = pytest.mark.django_db

START, END = dt.date(2025, 4, 1), dt.date(2026, 3, 31)
JOB = dt.date(2025, 7, 10)
DAY = dt.timedelta(days=1)


def summary(authority) -> dict:
    return reports.savings([authority], START, END, detail=True)


def refs(data: dict) -> list[str]:
    return [r["person_ref"] for r in data["rows"]]


def test_no_care_cost_rows_at_all_is_left_out_and_not_counted(authority):
    place(ld(authority, person_ref="NONE"), JOB)
    data = summary(authority)
    assert (data["people"], data["no_baseline"], refs(data)) == (0, 0, [])


def test_rows_starting_after_the_start_mean_no_baseline(authority):
    person = ld(authority, person_ref="LATE")
    cost(person, JOB + 30 * DAY, "500.00")
    place(person, JOB)
    data = summary(authority)
    assert (data["people"], data["no_baseline"], refs(data)) == (0, 1, [])
    assert data["weekly_before"] == data["annual_saving"] == "0.00"


def test_a_row_starting_on_the_start_day_is_not_a_baseline(authority):
    """The baseline is the day before the first paid start."""
    person = ld(authority, person_ref="SAME_DAY")
    cost(person, JOB, "500.00")
    place(person, JOB)
    data = summary(authority)
    assert (data["people"], data["no_baseline"]) == (0, 1)


def test_a_row_starting_the_day_before_is_the_baseline(authority):
    person = ld(authority, person_ref="DAY_BEFORE")
    cost(person, JOB - DAY, "500.00")
    place(person, JOB)
    data = summary(authority)
    assert (data["people"], data["no_baseline"], data["weekly_before"]) == (1, 0, "500.00")


def test_a_package_that_ended_before_the_start_leaves_no_baseline(authority):
    person = ld(authority, person_ref="ENDED_EARLY")
    CareCost.objects.create(
        person=person,
        effective_from=dt.date(2024, 1, 1),
        weekly_cost=Decimal("300.00"),
        ended_on=JOB - 2 * DAY,
    )
    place(person, JOB)
    assert summary(authority)["no_baseline"] == 1


def ended(person, weekly: str, ended_on: dt.date) -> None:
    CareCost.objects.create(
        person=person,
        effective_from=dt.date(2024, 1, 1),
        weekly_cost=Decimal(weekly),
        ended_on=ended_on,
    )


def test_a_cost_ended_before_to_counts_zero_on_to(authority):
    person = ld(authority, person_ref="STOPPED")
    ended(person, "400.00", END - DAY)
    place(person, JOB)
    row = summary(authority)["rows"][0]
    assert (row["weekly_before"], row["weekly_now"], row["annual_saving"]) == (
        "400.00",
        "0.00",
        "20800.00",  # 400 * 52: the care stopped
    )


def test_a_cost_ended_on_or_after_to_is_still_in_force(authority):
    on_to = ld(authority, person_ref="ENDS_ON_TO")
    ended(on_to, "400.00", END)
    after = ld(authority, person_ref="ENDS_AFTER")
    ended(after, "250.00", END + DAY)
    place(on_to, JOB)
    place(after, JOB)
    data = summary(authority)
    assert [(r["person_ref"], r["weekly_now"]) for r in data["rows"]] == [
        ("ENDS_AFTER", "250.00"),
        ("ENDS_ON_TO", "400.00"),
    ]
    assert data["annual_saving"] == "0.00"


def test_a_later_row_after_an_end_takes_over(authority):
    person = ld(authority, person_ref="RESTARTED")
    ended(person, "400.00", dt.date(2025, 9, 1))
    cost(person, dt.date(2025, 12, 1), "150.00")
    place(person, JOB)
    row = summary(authority)["rows"][0]
    assert (row["weekly_before"], row["weekly_now"]) == ("400.00", "150.00")


def test_the_command_prints_no_baseline(authority):
    counted = ld(authority, person_ref="COUNTED")
    cost(counted, dt.date(2024, 1, 1), "300.00")
    place(counted, JOB)
    late = ld(authority, person_ref="LATE")
    cost(late, JOB + DAY, "900.00")
    place(late, JOB)
    out = StringIO()
    call_command(
        "report",
        "savings",
        "--from",
        str(START),
        "--to",
        str(END),
        "--format",
        "json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert (data["people"], data["no_baseline"], data["weekly_before"]) == (1, 1, "300.00")
    out = StringIO()
    call_command(
        "report",
        "savings",
        "--from",
        str(START),
        "--to",
        str(END),
        "--format",
        "csv",
        stdout=out,
    )
    header, total = out.getvalue().splitlines()
    assert header.endswith(",no_baseline") and total.endswith(",1")
