"""The outcomes report sets its job starts, year by year, beside the authority's
job-start targets and published comparators: on the page (a chart with a table beside
it), in its JSON (command and API), and never another authority's figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pathways.commissioning import targets
from pathways.core.models import Role
from pathways.reporting import charts
from tests.api.conftest import client_for
from tests.factories import AuthorityFactory, TeamFactory, staff
from tests.reporting.test_outcome_reports import ld, place, report

pytestmark = pytest.mark.django_db

#: Two financial years, each cut by the period: 1 Jan 2025 to 30 Sep 2025.
PERIOD = "start_0=1&start_1=1&start_2=2025&end_0=30&end_1=9&end_2=2025"
PAGE = f"/reports/outcomes/?{PERIOD}"
CHART = f"/reports/outcomes/years.svg?{PERIOD}"


@pytest.fixture
def commissioner(team):
    return staff(Role.COMMISSIONER, team, email="commissioner@example.org")


@pytest.fixture
def elsewhere():
    authority = AuthorityFactory(code="E09000001", name="City of London")
    keeper = staff(Role.COMMISSIONER, TeamFactory(authority=authority), email="c@city.example")
    return authority, keeper


def keep(user, authority, **kw):
    fields = {
        "measure": "job_starts",
        "kind": "target",
        "year_ending": dt.date(2026, 3, 31),
        "value": Decimal("40"),
        "label": "Our target",
        **kw,
    }
    return targets.record_target(user, authority, **fields)


@pytest.fixture
def figures(commissioner, authority, elsewhere):
    """Newham's target for 2025-26 and England's comparator for 2024-25; the City's own
    target for 2025-26; and 3 job starts in 2024-25, 2 in 2025-26 (in the period)."""
    keep(commissioner, authority)
    keep(
        commissioner,
        authority,
        kind="comparator",
        year_ending=dt.date(2025, 3, 31),
        value=Decimal("31.5"),
        label="England average",
    )
    city, keeper = elsewhere
    keep(keeper, city, label="City of London target", value=Decimal("977"))
    for day in (dt.date(2025, 1, 10), dt.date(2025, 2, 3), dt.date(2025, 3, 31)):
        place(ld(authority), day)
    for day in (dt.date(2025, 4, 1), dt.date(2025, 9, 30)):
        place(ld(authority), day)
    place(ld(authority), dt.date(2025, 10, 1))  # after the period


def test_the_page_shows_each_years_starts_beside_its_targets(client, manager, figures):
    client.force_login(manager)
    html = client.get(PAGE).content.decode()
    assert "Job starts by financial year" in html
    assert "2024-25 (1 January 2025 to 31 March 2025)" in html
    assert "2025-26 (1 April 2025 to 30 September 2025)" in html
    assert "Job-start targets and comparators" in html
    assert "Our target" in html and "40.00" in html
    assert "England average" in html and "31.50" in html
    assert "City of London target" not in html and "977" not in html
    # the chart's words say the same as its table
    assert (
        "2024-25 (1 January 2025 to 31 March 2025): 3; "
        "2025-26 (1 April 2025 to 30 September 2025): 2." in html
    )
    assert "Our target (target, year ending 31 March 2026): 40.00 job starts." in html


def test_the_chart_draws_the_targets_of_its_years_only(client, manager, figures):
    client.force_login(manager)
    answer = client.get(CHART)
    assert answer["Content-Type"].startswith("image/svg+xml")
    svg = answer.content.decode()
    assert "Our target: 40" in svg and "England average: 31.5" in svg
    assert "City of London" not in svg


def test_a_commissioner_sees_small_yearly_counts_suppressed(client, commissioner, figures):
    client.force_login(commissioner)
    html = client.get(PAGE).content.decode()
    assert "2024-25 (1 January 2025 to 31 March 2025): &lt;5; " in html
    assert "Our target" in html  # the figures themselves are no one's


def test_the_json_carries_the_periods_years_figures(figures):
    data = report(
        "outcomes", "--authority", "E09000025", "--from", "2025-01-01", "--to", "2025-09-30"
    )
    assert data["job_starts"] == 5
    assert [(t["label"], t["year_ending"], t["value"], t["cohort"]) for t in data["targets"]] == [
        ("England average", "2025-03-31", "31.50", None),
        ("Our target", "2026-03-31", "40.00", None),
    ]
    one_year = report(
        "outcomes", "--authority", "E09000025", "--from", "2025-04-01", "--to", "2025-09-30"
    )
    assert [t["label"] for t in one_year["targets"]] == ["Our target"]


def test_the_api_carries_them_as_the_command_does(commissioner, figures):
    answer = client_for(commissioner).get("/api/v1/reports/outcomes?from=2025-04-01&to=2025-09-30")
    assert answer.status_code == 200
    assert answer.json()["targets"] == [
        {
            "authority": "E09000025",
            "measure": "job_starts",
            "cohort": None,
            "kind": "target",
            "year_ending": "2026-03-31",
            "value": "40.00",
            "label": "Our target",
        }
    ]


@pytest.mark.parametrize("url", [PAGE, CHART])
def test_the_same_queries_for_one_figure_or_many(client, manager, commissioner, authority, url):
    keep(commissioner, authority)
    place(ld(authority), dt.date(2025, 5, 1))
    client.force_login(manager)
    client.get(url)  # the first request caches the content types

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = counted()
    for n in range(6):
        keep(commissioner, authority, label=f"Comparator {n}", kind="comparator")
        place(ld(authority), dt.date(2025, 2, 1 + n))
    assert counted() == few


def test_a_year_the_period_covers_whole_is_named_alone():
    counted = {"from": "2024-04-01", "to": "2025-03-31", "job_starts": 3}
    assert charts.year_words("2025-03-31", counted) == "2024-25"
