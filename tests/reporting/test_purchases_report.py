"""The purchases report (commissioning spec, "Purchases with a personal budget"): spend
per route in a period, people with a paid job start during a purchase or within 91
days after it, as figures, as ``pathways report purchases``, as a page with its chart
and rows, and through the API; who may see it, and in how many queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pathways.commissioning.models import Purchase
from pathways.commissioning.policy import purchase_policy
from pathways.commissioning.purchase_report import purchases_report, spend_in
from pathways.core.models import Role
from tests.api.conftest import client_for
from tests.factories import AuthorityFactory, PersonFactory, PurchaseFactory, TeamFactory, staff
from tests.reporting.test_outcome_reports import place

pytestmark = pytest.mark.django_db

FROM, TO = dt.date(2025, 4, 1), dt.date(2026, 3, 31)
PERIOD_QUERY = "start_0=1&start_1=4&start_2=2025&end_0=31&end_1=3&end_2=2026"
API_PERIOD = "from=2025-04-01&to=2026-03-31"
DAY = dt.timedelta(days=1)


def report(authority, start=FROM, end=TO) -> dict:
    return purchases_report([authority], start, end)


def cli(*args: str, fmt: str = "json") -> str:
    out = StringIO()
    call_command("report", "purchases", *args, "--format", fmt, stdout=out)
    return out.getvalue()


@pytest.fixture
def commissioner(authority):
    return staff(Role.COMMISSIONER, TeamFactory(authority=authority), email="comm@example.org")


# --- the figures ----------------------------------------------------------------------


def test_a_purchase_spanning_the_periods_start_counts_only_its_days_inside(authority):
    # 1 March to 14 April at £70 a week: 14 days inside, £140.00
    PurchaseFactory(
        person=PersonFactory(authority=authority),
        start_date=dt.date(2025, 3, 1),
        end_date=dt.date(2025, 4, 14),
        weekly_cost="70.00",
    )
    figures = report(authority)
    assert figures["by_route"]["direct_payment"]["spend"] == "140.00"
    assert figures["spend"] == "140.00"
    assert figures["people"] == 1


def test_an_ongoing_purchase_counts_to_the_periods_last_day(authority):
    # 1 to 31 March at £100 a week: 31 days, £442.857… to the penny
    PurchaseFactory(
        person=PersonFactory(authority=authority),
        route="spot_purchase",
        start_date=dt.date(2026, 3, 1),
        weekly_cost="100.00",
    )
    figures = report(authority)
    assert figures["by_route"]["spot_purchase"]["spend"] == "442.86"
    assert figures["by_route"]["direct_payment"] == {
        "people": 0,
        "spend": "0.00",
        "people_with_job": 0,
        "spend_per_person_with_job": None,
    }


def test_spend_to_the_penny():
    # £10.01 a week: for 7 days £10.01; for 1 day £1.43 (1.43); for 2 days £2.86
    assert str(spend_in(Decimal("10.01"), FROM, None, FROM, FROM + 6 * DAY)) == "10.01"
    assert str(spend_in(Decimal("10.01"), FROM, None, FROM, FROM)) == "1.43"
    assert str(spend_in(Decimal("10.01"), FROM, FROM + DAY, FROM, TO)) == "2.86"


def test_purchases_outside_the_period_or_the_authority_are_left_out(authority):
    someone = PersonFactory(authority=authority)
    PurchaseFactory(person=someone, start_date=dt.date(2024, 1, 1), end_date=FROM - DAY)
    PurchaseFactory(person=someone, start_date=TO + DAY)
    PurchaseFactory(person=PersonFactory(authority=AuthorityFactory()))
    figures = report(authority)
    assert figures["people"] == 0 and figures["spend"] == "0.00"


def test_a_job_start_on_day_91_after_the_end_counts_and_day_92_does_not(authority):
    end = dt.date(2025, 6, 30)
    on_91, on_92 = PersonFactory(authority=authority), PersonFactory(authority=authority)
    for person in (on_91, on_92):
        PurchaseFactory(person=person, start_date=FROM, end_date=end, weekly_cost="70.00")
    place(on_91, end + 91 * DAY)
    place(on_92, end + 92 * DAY)
    figures = report(authority)["by_route"]["direct_payment"]
    assert figures["people"] == 2
    assert figures["people_with_job"] == 1
    # 91 days each at £10 a day = £910.00 each; £1,820.00 over the one person with a job
    assert figures["spend"] == "1820.00"
    assert figures["spend_per_person_with_job"] == "1820.00"


def test_which_job_starts_count(authority):
    during, before, unpaid, later, ongoing = (PersonFactory(authority=authority) for _ in range(5))
    for person in (during, before, unpaid, later):
        PurchaseFactory(
            person=person, start_date=dt.date(2025, 5, 1), end_date=dt.date(2025, 8, 31)
        )
    PurchaseFactory(person=ongoing, start_date=dt.date(2025, 5, 1))
    place(during, dt.date(2025, 6, 2))  # during the purchase
    place(before, dt.date(2025, 4, 30))  # the day before it started
    place(unpaid, dt.date(2025, 6, 2), paid=False)  # unpaid work
    place(later, TO + DAY)  # within 91 days, but after the period
    place(ongoing, TO)  # the last day, the purchase still going
    figures = report(authority)
    assert figures["people"] == 5
    assert figures["people_with_job"] == 2


def test_totals_count_a_person_once_across_routes(authority):
    person = PersonFactory(authority=authority)
    PurchaseFactory(person=person, route="direct_payment", weekly_cost="7.00")
    PurchaseFactory(person=person, route="individual_service_fund", weekly_cost="14.00")
    place(person, FROM + 3 * DAY)
    figures = report(authority, FROM, FROM + 6 * DAY)
    assert figures["people"] == 1 and figures["people_with_job"] == 1
    assert figures["by_route"]["direct_payment"]["spend"] == "7.00"
    assert figures["by_route"]["individual_service_fund"]["spend"] == "14.00"
    assert figures["spend"] == "21.00"
    assert figures["spend_per_person_with_job"] == "21.00"


def test_two_queries_whatever_the_size(authority, django_assert_num_queries):
    def build(count: int) -> None:
        for _ in range(count):
            person = PersonFactory(authority=authority)
            PurchaseFactory(person=person)
            place(person, dt.date(2025, 6, 1))

    build(2)
    with django_assert_num_queries(2):
        small = purchases_report([authority], FROM, TO)
    build(20)
    with django_assert_num_queries(2):
        large = purchases_report([authority], FROM, TO)
    assert (small["people"], large["people"]) == (2, 22)


# --- the command ----------------------------------------------------------------------


def _some_purchases(authority, count: int = 6) -> None:
    """``count`` people on direct payments at £70 a week all period; half with a job."""
    for i in range(count):
        person = PersonFactory(authority=authority, person_ref=f"PB{i:03d}")
        PurchaseFactory(person=person, weekly_cost="70.00")
        if i % 2 == 0:
            place(person, dt.date(2025, 9, 1))


def test_the_command_prints_the_json(authority):
    _some_purchases(authority)
    out = json.loads(cli(authority.code, "--from", "2025-04-01", "--to", "2026-03-31"))
    # 365 days at £10 a day = £3,650.00 each, 6 people
    assert out == {
        "from": "2025-04-01",
        "to": "2026-03-31",
        "authorities": [authority.code],
        "people": 6,
        "spend": "21900.00",
        "people_with_job": 3,
        "spend_per_person_with_job": "7300.00",
        "by_route": {
            "direct_payment": {
                "people": 6,
                "spend": "21900.00",
                "people_with_job": 3,
                "spend_per_person_with_job": "7300.00",
            },
            "individual_service_fund": {
                "people": 0,
                "spend": "0.00",
                "people_with_job": 0,
                "spend_per_person_with_job": None,
            },
            "spot_purchase": {
                "people": 0,
                "spend": "0.00",
                "people_with_job": 0,
                "spend_per_person_with_job": None,
            },
        },
    }


def test_the_command_prints_csv_with_a_dash_where_no_one_got_a_job(authority):
    _some_purchases(authority)
    out = cli(authority.code, "--from", "2025-04-01", "--to", "2026-03-31", fmt="csv")
    lines = list(csv.reader(io.StringIO(out)))
    assert lines[0] == [
        "from",
        "to",
        "route",
        "people",
        "spend",
        "people_with_job",
        "spend_per_person_with_job",
    ]
    assert lines[1] == [
        "2025-04-01",
        "2026-03-31",
        "direct_payment",
        "6",
        "21900.00",
        "3",
        "7300.00",
    ]
    assert lines[2] == [
        "2025-04-01",
        "2026-03-31",
        "individual_service_fund",
        "0",
        "0.00",
        "0",
        "—",
    ]
    assert lines[-1] == ["2025-04-01", "2026-03-31", "all", "6", "21900.00", "3", "7300.00"]


def test_the_command_needs_the_period_and_a_known_authority(authority):
    with pytest.raises(CommandError, match="needs --from DATE and --to DATE"):
        cli(authority.code, "--from", "2025-04-01")
    with pytest.raises(CommandError, match="NOWHERE"):
        cli("NOWHERE", "--from", "2025-04-01", "--to", "2026-03-31")


def test_the_command_as_a_commissioner_hides_small_numbers(authority, commissioner):
    _some_purchases(authority, count=6)  # 6 people, 3 of them with a job: a small number
    out = json.loads(
        cli(
            authority.code, "--from", "2025-04-01", "--to", "2026-03-31", "--as", commissioner.email
        )
    )
    assert out["people"] == 6
    assert out["people_with_job"] is None
    assert out["spend_per_person_with_job"] is None
    assert out["spend"] == "21900.00"
    assert "people_with_job" in out["suppressed"]


# --- the page, its chart and rows -----------------------------------------------------


def test_the_page_shows_the_table_beside_the_chart(client, manager, authority):
    _some_purchases(authority)
    client.force_login(manager)
    response = client.get(f"/reports/purchases/?{PERIOD_QUERY}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<caption" in page and "Purchases by route" in page
    assert "Direct payment" in page and "£21,900.00" in page and "£7,300.00" in page
    assert 'aria-label="Purchases by route"' in page
    assert "/reports/purchases/chart.svg?" in page
    chart = client.get(f"/reports/purchases/chart.svg?{PERIOD_QUERY}")
    assert chart.status_code == 200 and chart["Content-Type"].startswith("image/svg+xml")
    assert "People with a paid job" in chart.content.decode()


def test_the_page_is_in_the_reports_list(client, manager):
    client.force_login(manager)
    assert "/reports/purchases/" in client.get("/reports/").content.decode()


def test_a_commissioner_sees_the_report_but_not_the_people(client, commissioner, authority):
    _some_purchases(authority)
    client.force_login(commissioner)
    page = client.get(f"/reports/purchases/?{PERIOD_QUERY}").content.decode()
    assert "&lt;5" in page  # 3 people with a job
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/reports/purchases/rows.csv?{PERIOD_QUERY}").content.decode())
        )
    )
    assert len(rows) == 6
    assert not {r["person_ref"] for r in rows} & {f"PB{i:03d}" for i in range(6)}
    assert all(len(r["start_date"]) == 7 and r["spend"] == "" for r in rows)
    assert rows[0]["weekly_cost"] == "£0 to £99"
    # nor the purchases themselves
    assert not purchase_policy.visible(commissioner, Purchase.objects.all()).exists()
    listed = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__what="purchases report rows (pseudonymised)"
    )
    assert listed.count() == 6


def test_a_coach_may_not_see_the_report(client, coach, authority):
    client.force_login(coach)
    assert client.get(f"/reports/purchases/?{PERIOD_QUERY}").status_code == 403
    assert client.get(f"/reports/purchases/rows.csv?{PERIOD_QUERY}").status_code == 403
    refused = client_for(coach).get(f"/api/v1/reports/purchases?{API_PERIOD}")
    assert refused.status_code == 403


def test_the_page_in_the_same_queries_for_few_or_many(client, manager, authority):
    client.force_login(manager)
    url = f"/reports/purchases/?{PERIOD_QUERY}"

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _some_purchases(authority, 2)
    count()
    few = count()
    for _ in range(20):
        PurchaseFactory(person=PersonFactory(authority=authority), route="spot_purchase")
    assert count() == few


# --- the API --------------------------------------------------------------------------


def test_the_api_answers_what_the_command_prints(manager, authority):
    _some_purchases(authority)
    response = client_for(manager).get(f"/api/v1/reports/purchases?{API_PERIOD}")
    assert response.status_code == 200
    assert response.json() == json.loads(cli("--from", "2025-04-01", "--to", "2026-03-31"))


def test_the_api_rows_for_an_intake_officer(intake, authority, django_assert_max_num_queries):
    """An intake officer reads every record of the authority: rows with references."""
    _some_purchases(authority)
    api = client_for(intake)
    api.get(f"/api/v1/reports/purchases/rows?{API_PERIOD}")  # content types cached
    with django_assert_max_num_queries(12):
        response = api.get(f"/api/v1/reports/purchases/rows?{API_PERIOD}")
    rows = response.json()
    assert [r["person_ref"] for r in rows] == [f"PB{i:03d}" for i in range(6)]
    assert rows[0]["spend"] == "3650.00" and rows[0]["job_start"] == "2025-09-01"
    assert rows[1]["job_start"] is None


def test_the_api_is_in_the_openapi_document(manager):
    paths = client_for(manager).get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/reports/purchases" in paths and "/api/v1/reports/purchases/rows" in paths
