"""Small numbers (issue 11): commissioners see a count of fewer than 5 people as ``<5``
(null in JSON), never a total that gives it away, and pseudonymised rows with bands in
place of exact ages, dates and care costs; team managers keep exact figures."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command

from pathways.core.models import Role
from pathways.reporting import disclosure
from tests.api.conftest import client_for
from tests.factories import PersonFactory, TeamFactory, staff
from tests.reporting.test_outcome_reports import cost, ld, mh, place

pytestmark = pytest.mark.django_db

ON_QUERY = "on_0=31&on_1=3&on_2=2026"
PERIOD_QUERY = "start_0=1&start_1=4&start_2=2025&end_0=31&end_1=3&end_2=2026"
API = "/api/v1/reports"
PERIOD = "from=2025-04-01&to=2026-03-31"
STARTED = dt.date(2025, 5, 1)


@pytest.fixture
def commissioner(authority):
    return staff(Role.COMMISSIONER, TeamFactory(authority=authority), email="comm@example.org")


def cohorts(authority) -> None:
    """Learning disability: 3 people, none in paid work. Secondary mental health: 7
    people, all in paid work 20 hours a week."""
    for i in range(3):
        ld(authority, person_ref=f"LD{i}")
    for i in range(7):
        place(mh(authority, person_ref=f"MH{i}"), STARTED)


def starts(authority, need: str, count: int) -> None:
    """``count`` people of a need group who started a paid job on 1 May 2025."""
    for _ in range(count):
        place(PersonFactory(authority=authority, primary_support_reason=need), STARTED)


def outcomes_by_need(authority) -> None:
    """Job starts: learning disability 3, mental health 7, physical 6 (16 in all)."""
    starts(authority, "learning_disability", 3)
    starts(authority, "mental_health", 7)
    starts(authority, "physical", 6)


def cli(*args: str, fmt: str = "json") -> str:
    out = StringIO()
    call_command("report", *args, "--format", fmt, stdout=out)
    return out.getvalue()


# --- the rule ---------------------------------------------------------------------------


def test_counts_of_1_to_4_are_small_and_0_is_shown():
    table = disclosure.Table()
    for value in (0, 1, 4, 5):
        table.count((str(value),), value)
    small, hidden = disclosure.suppress(table, 5)
    assert small == {("1",), ("4",)}
    assert hidden == set()


def test_a_total_never_leaves_one_cell_to_work_out():
    """Total 16 = 3 + 7 + 6: the 3 is small, so the smallest other part (6) is hidden
    too; the 7 and the total stay."""
    table = disclosure.Table()
    parts = tuple(table.count(("by_need", n), v) for n, v in (("a", 3), ("b", 7), ("c", 6)))
    table.sums.append((table.count(("total",), 16), parts))
    small, hidden = disclosure.suppress(table, 5)
    assert small == {("by_need", "a")}
    assert hidden == {("by_need", "c")}


def test_an_unpublished_small_difference_hides_what_would_give_it_away():
    """40 people, 38 in paid work: the 2 who are not would follow by subtraction, so
    the 38 (and the percentage) are hidden; the hours bands then hide two cells."""
    data = {
        "learning_disability": {
            "denominator": 40,
            "numerator": 38,
            "percent": 95.0,
            "hours_bands": {"under_16": 10, "16_to_29": 20, "30_plus": 8},
        }
    }
    shown = disclosure.employment_rate(data, 5).json()
    cohort = shown["learning_disability"]
    assert cohort["denominator"] == 40
    assert cohort["numerator"] is None and cohort["percent"] is None
    assert sorted(shown["suppressed"]) == [
        "learning_disability.hours_bands.30_plus",
        "learning_disability.numerator",
        "learning_disability.percent",
    ]
    # 40 people, the bands 10 + 20 + ? = ?: neither the 38 nor the 2 can be worked out
    assert list(cohort["hours_bands"].values()) == [10, 20, None]


# --- pages, charts and the command line -------------------------------------------------


def test_a_commissioners_outcomes_page_shows_small_counts_as_under_5(
    client, commissioner, authority
):
    outcomes_by_need(authority)
    client.force_login(commissioner)
    html = client.get(f"/reports/outcomes/?{PERIOD_QUERY}").content.decode()
    row = html.split("Learning disability</th>")[1].split("</tr>")[0]
    assert "&lt;5" in row and ">3<" not in row
    row = html.split("Mental health</th>")[1].split("</tr>")[0]
    assert ">7<" in row
    # the total is shown, so one more group is hidden: 16 - 7 leaves 3 + 6, not 3
    row = html.split("Physical support</th>")[1].split("</tr>")[0]
    assert ">hidden<" in row and ">6<" not in row
    assert "<strong>16</strong>" in html
    assert "is shown as &lt;5" in html


def test_a_team_manager_still_sees_exact_figures(client, manager, authority):
    outcomes_by_need(authority)
    client.force_login(manager)
    html = client.get(f"/reports/outcomes/?{PERIOD_QUERY}").content.decode()
    row = html.split("Learning disability</th>")[1].split("</tr>")[0]
    assert ">3<" in row
    assert "&lt;5" not in html and ">hidden<" not in html
    rate = client_for(manager).get(f"{API}/employment-rate?on=2026-03-31").json()
    assert "suppressed" not in rate


def test_a_commissioners_employment_rate_page_and_charts(client, commissioner, authority):
    cohorts(authority)
    client.force_login(commissioner)
    response = client.get(f"/reports/employment-rate/?{ON_QUERY}")
    html = response.content.decode()
    learning = html.split('class="govuk-table__header">Learning disability</th>')[1]
    learning = learning.split("</tr>")[0]
    assert "&lt;5" in learning and ">3<" not in learning and ">hidden<" in learning
    mental = html.split('class="govuk-table__header">Secondary mental health</th>')[1]
    assert ">7<" in mental.split("</tr>")[0]
    assert "Learning disability: not shown (0 of <5 people)" in response.context["chart_alt"]
    chart = client.get(f"/reports/employment-rate/chart.svg?{ON_QUERY}").content.decode()
    assert "not shown (0 of &lt;5 people)" in chart and "of 3 people" not in chart


def test_a_commissioners_savings_page_hides_the_money_of_small_groups(
    client, commissioner, authority
):
    """Care costs of 3 people with a learning disability are their costs: hidden with
    the count, and so are the smallest other group's, as the total is shown."""
    for need, count in (("learning_disability", 3), ("mental_health", 7), ("physical", 6)):
        for _ in range(count):
            person = PersonFactory(authority=authority, primary_support_reason=need)
            cost(person, dt.date(2024, 1, 1), "100.00")
            place(person, STARTED)
    client.force_login(commissioner)
    html = client.get(f"/reports/savings/?{PERIOD_QUERY}").content.decode()
    by_need = html.split("by need group</caption>")[1]
    learning = by_need.split("Learning disability</th>")[1].split("</tr>")[0]
    assert learning.count("&lt;5") == 1 and learning.count(">hidden<") == 3
    assert "£300.00" not in by_need  # their weekly costs
    physical = by_need.split("Physical support</th>")[1].split("</tr>")[0]
    assert physical.count(">hidden<") == 4 and "£600.00" not in physical
    mental = by_need.split("Mental health</th>")[1].split("</tr>")[0]
    assert ">7<" in mental and "£700.00" in mental
    assert "£1,600.00" in html  # the total, for 16 people


def test_a_commissioners_outcomes_chart_labels_small_bars(client, commissioner, authority):
    outcomes_by_need(authority)
    client.force_login(commissioner)
    chart = client.get(f"/reports/outcomes/chart.svg?{PERIOD_QUERY}").content.decode()
    assert "&lt;5" in chart and "hidden" in chart


def test_the_command_line_as_a_commissioner(commissioner, authority):
    cohorts(authority)
    data = json.loads(cli("employment-rate", "--year", "2025-26", "--as", commissioner.email))
    assert data["learning_disability"]["denominator"] is None
    assert data["secondary_mental_health"]["denominator"] == 7
    assert "learning_disability.denominator" in data["suppressed"]
    lines = list(
        csv.reader(
            io.StringIO(
                cli("employment-rate", "--year", "2025-26", "--as", commissioner.email, fmt="csv")
            )
        )
    )
    learning = next(line for line in lines if line[2] == "learning_disability")
    assert learning[3:6] == ["<5", "0", "hidden"]
    # without --as (an operator on the server) the figures are exact
    assert (
        json.loads(cli("employment-rate", "--year", "2025-26"))["learning_disability"][
            "denominator"
        ]
        == 3
    )


# --- the API --------------------------------------------------------------------------


def test_a_commissioners_api_answers_null_for_small_counts(commissioner, authority):
    cohorts(authority)
    outcomes_by_need(authority)
    api = client_for(commissioner)
    rate = api.get(f"{API}/employment-rate?on=2026-03-31").json()
    assert rate["learning_disability"]["denominator"] is None
    assert rate["learning_disability"]["percent"] is None
    assert rate["secondary_mental_health"]["denominator"] == 7
    assert rate["secondary_mental_health"]["hours_bands"]["16_to_29"] == 7
    assert "learning_disability.denominator" in rate["suppressed"]
    # secondary suppression: the total is there, so two groups are null, never one
    outcomes = api.get(f"{API}/outcomes?{PERIOD}").json()
    assert outcomes["job_starts"] == 16 + 7  # the cohort's seven jobs start then too
    starts = {need: counts["job_starts"] for need, counts in outcomes["by_need"].items()}
    assert starts["learning_disability"] is None
    assert starts["mental_health"] == 14
    assert starts["physical"] is None
    assert all(
        sum(counts[measure] is None for counts in outcomes["by_need"].values()) != 1
        for measure in ("job_starts", "sustained_13_weeks", "sustained_26_weeks")
    )


def test_a_commissioners_savings_for_3_people_are_null(commissioner, authority):
    for i in range(3):
        person = mh(authority, person_ref=f"C{i}")
        cost(person, dt.date(2024, 1, 1), "500.00")
        place(person, STARTED)
    data = client_for(commissioner).get(f"{API}/savings?{PERIOD}").json()
    assert data["people"] is None and data["annual_saving"] is None
    assert data["suppressed"] == ["annual_saving", "people", "weekly_before", "weekly_now"]


# --- the threshold ----------------------------------------------------------------------


def test_the_threshold_is_the_councils(settings, commissioner, authority):
    cohorts(authority)
    api = client_for(commissioner)
    settings.PATHWAYS_SMALL_NUMBER_THRESHOLD = 3
    rate = api.get(f"{API}/employment-rate?on=2026-03-31").json()
    assert rate["learning_disability"]["denominator"] == 3
    settings.PATHWAYS_SMALL_NUMBER_THRESHOLD = 10
    rate = api.get(f"{API}/employment-rate?on=2026-03-31").json()
    assert rate["secondary_mental_health"]["denominator"] is None
    assert "secondary_mental_health.denominator" in rate["suppressed"]


# --- pseudonymised rows -----------------------------------------------------------------


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_pseudonymised_rows_carry_bands_not_exact_values(client, commissioner, authority):
    person = mh(authority, person_ref="C1", date_of_birth=dt.date(1990, 6, 1))
    cost(person, dt.date(2024, 1, 1), "512.34")
    cost(person, dt.date(2025, 6, 1), "120.00")
    place(person, dt.date(2025, 5, 14), dt.date(2026, 2, 3), hours="22.5")
    client.force_login(commissioner)

    rate = rows_of(client.get("/reports/employment-rate/rows.csv?on_0=31&on_1=1&on_2=2026"))
    assert [(r["age"], r["hours"], r["band"]) for r in rate] == [("35 to 44", "", "16_to_29")]
    jobs = rows_of(client.get(f"/reports/outcomes/rows.csv?{PERIOD_QUERY}"))
    assert [(r["start_date"], r["end_date"]) for r in jobs] == [("2025-05", "2026-02")]
    savings = rows_of(client.get(f"/reports/savings/rows.csv?{PERIOD_QUERY}"))
    assert [
        (r["first_start"], r["weekly_before"], r["weekly_now"], r["annual_saving"]) for r in savings
    ] == [("2025-05", "£500 to £999", "£100 to £249", "£10,000 to £24,999")]
    text = "".join(str(r) for r in [*rate, *jobs, *savings])
    for exact in ("1990", "2025-05-14", "512.34", "120.00", "22.5", "20383.68"):
        assert exact not in text

    api = client_for(commissioner)
    (row,) = api.get(f"{API}/savings/rows?{PERIOD}").json()
    assert (row["first_start"], row["weekly_before"]) == ("2025-05", "£500 to £999")
    (row,) = api.get(f"{API}/employment-rate/rows?on=2026-01-31").json()
    assert (row["age"], row["hours"]) == ("35 to 44", None)


def test_rows_with_real_references_keep_exact_values(authority):
    """An operator on the server (no ``--as``) reads the records themselves."""
    person = mh(authority, person_ref="C1")
    cost(person, dt.date(2024, 1, 1), "512.34")
    place(person, dt.date(2025, 5, 14))
    data = json.loads(cli("savings", "--from", "2025-04-01", "--to", "2026-03-31", "--detail"))
    (row,) = data["rows"]
    assert (row["first_start"], row["weekly_before"]) == ("2025-05-14", "512.34")


def test_bands():
    assert [disclosure.age_band(a) for a in (18, 24, 25, 64, 65, 69, 70)] == [
        "18 to 24",
        "18 to 24",
        "25 to 34",
        "55 to 64",
        "65 to 69",
        "65 to 69",
        "70 or over",
    ]
    assert disclosure.weekly_cost_band("99.99") == "£0 to £99"
    assert disclosure.weekly_cost_band("2500.00") == "£2,000 or more"
    assert disclosure.annual_saving_band("-52.00") == "costs went up"
    assert disclosure.postcode_district("e15 4hq") == "E15"
