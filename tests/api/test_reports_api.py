"""``/api/v1/reports``: the outcome reports as the command line prints them, their rows
(pseudonymised and audited as the exports), who may ask, and the queries they make."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pathways.core.models import Role
from pathways.reporting import outcomes as reports
from tests.api.conftest import client_for
from tests.factories import AuthorityFactory, TeamFactory, staff
from tests.reporting.test_report_pages import people

pytestmark = pytest.mark.django_db

BASE = "/api/v1/reports"
PERIOD = "from=2025-04-01&to=2026-03-31"


def cli(*args: str) -> dict:
    out = StringIO()
    call_command("report", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def commissioner(authority):
    return staff(Role.COMMISSIONER, TeamFactory(authority=authority), email="comm@example.org")


@pytest.fixture
def as_commissioner(commissioner):
    return client_for(commissioner)


# --- the same JSON as the command line ------------------------------------------------


@pytest.mark.parametrize(
    ("query", "args"),
    [
        ("employment-rate?on=2026-03-31", ["employment-rate", "--on", "2026-03-31"]),
        ("employment-rate?on=2025-09-30", ["employment-rate", "--on", "2025-09-30"]),
        ("employment-rate?year=2025-26", ["employment-rate", "--year", "2025-26"]),
        (f"outcomes?{PERIOD}", ["outcomes", "--from", "2025-04-01", "--to", "2026-03-31"]),
        (f"savings?{PERIOD}", ["savings", "--from", "2025-04-01", "--to", "2026-03-31"]),
        (
            "outcomes?from=2025-07-01&to=2025-12-31&authority=E09000025",
            ["outcomes", "--from", "2025-07-01", "--to", "2025-12-31", "--authority", "E09000025"],
        ),
    ],
)
def test_api_json_equals_the_command_lines(as_manager, manager, authority, query, args):
    people(authority, 5)
    response = as_manager.get(f"{BASE}/{query}")
    assert response.status_code == 200, response.content
    assert response.json() == cli(*args, "--as", manager.email)


def test_the_figures_are_the_reports(as_intake, authority):
    people(authority, 3)
    data = as_intake.get(f"{BASE}/employment-rate?on=2026-03-31").json()
    assert data["learning_disability"] == {
        "denominator": 2,
        "numerator": 1,
        "percent": 50.0,
        "hours_bands": {"under_16": 0, "16_to_29": 1, "30_plus": 0},
    }
    assert data["secondary_mental_health"]["percent"] == 100.0
    empty = as_intake.get(f"{BASE}/employment-rate?on=2000-03-31").json()  # all under 18
    assert empty["learning_disability"]["percent"] is None
    savings = as_intake.get(f"{BASE}/savings?{PERIOD}").json()
    assert (savings["people"], savings["annual_saving"]) == (2, "20800.00")
    assert "rows" not in savings


def test_a_commissioner_sees_the_authorities_of_their_teams(as_commissioner, authority):
    elsewhere = AuthorityFactory()
    TeamFactory(authority=elsewhere)
    data = as_commissioner.get(f"{BASE}/outcomes?{PERIOD}").json()
    assert data["authorities"] == [authority.code]


# --- rows -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["employment-rate/rows?on=2026-03-31", f"outcomes/rows?{PERIOD}", f"savings/rows?{PERIOD}"],
)
def test_a_commissioner_gets_pseudonymised_rows(as_commissioner, commissioner, authority, query):
    listed = people(authority, 3)
    response = as_commissioner.get(f"{BASE}/{query}")
    assert response.status_code == 200
    body = response.content.decode()
    rows = response.json()
    assert rows
    for person in listed:
        assert person.person_ref not in body
        assert person.family_name not in body
        assert person.given_name not in body
    aliases = {reports.pseudonym(authority.code, p.person_ref) for p in listed}
    assert {r["person_ref"] for r in rows} <= aliases
    entries = LogEntry.objects.filter(additional_data__channel="api")
    assert entries.count() == len({r["person_ref"] for r in rows})
    assert all(e.additional_data["what"].endswith("(pseudonymised)") for e in entries)
    assert {e.actor_id for e in entries} == {commissioner.pk}


def test_an_intake_officer_gets_rows_with_references(as_intake, authority):
    listed = people(authority, 3)
    rows = as_intake.get(f"{BASE}/savings/rows?{PERIOD}").json()
    first = next(p for p in listed if p.person_ref == "PR000")
    assert rows[0] == {
        "authority": authority.code,
        "person_ref": "PR000",
        "name": first.full_name,
        "first_start": "2025-05-01",
        "weekly_before": "500.00",
        "weekly_now": "300.00",
        "annual_saving": "10400.00",
    }
    assert rows == reports.savings_rows([authority], *_period())
    rate_rows = as_intake.get(f"{BASE}/employment-rate/rows?year=2025-26").json()
    assert rate_rows == reports.employment_rate_rows([authority], _period()[1])
    outcome_rows = as_intake.get(f"{BASE}/outcomes/rows?{PERIOD}").json()
    assert outcome_rows == reports.outcome_rows([authority], *_period())
    entries = LogEntry.objects.filter(additional_data__channel="api")
    assert {e.additional_data["what"] for e in entries} == {
        "savings report rows",
        "employment rate report rows",
        "outcomes report rows",
    }


def _period() -> tuple[dt.date, dt.date]:
    return dt.date(2025, 4, 1), dt.date(2026, 3, 31)


# --- refusals -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "employment-rate?on=2026-03-31",
        "employment-rate/rows?on=2026-03-31",
        f"outcomes?{PERIOD}",
        f"outcomes/rows?{PERIOD}",
        f"savings?{PERIOD}",
        f"savings/rows?{PERIOD}",
    ],
)
def test_refusals(as_coach, anonymous, as_manager, authority, query):
    assert anonymous.get(f"{BASE}/{query}").status_code == 401
    refused = as_coach.get(f"{BASE}/{query}")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Your role does not include outcome reports."}
    elsewhere = AuthorityFactory(code="E09000001")
    TeamFactory(authority=elsewhere)
    outside = as_manager.get(f"{BASE}/{query}&authority={elsewhere.code}")
    assert outside.status_code == 404
    unknown = as_manager.get(f"{BASE}/{query}&authority=NOWHERE")
    assert unknown.status_code == 404
    # the same answer whether the authority exists or not
    assert outside.json()["detail"].replace(elsewhere.code, "X") == unknown.json()[
        "detail"
    ].replace("NOWHERE", "X")


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("employment-rate?on=31/03/2026", "on", "Give a date as YYYY-MM-DD."),
        ("employment-rate?on=2026-02-30", "on", "Give a date as YYYY-MM-DD."),
        ("employment-rate?year=2025-27", "year", "Give a financial year as YYYY-YY"),
        ("employment-rate?year=2025-26&on=2026-03-31", "on", "not both"),
        ("employment-rate", "on", "Give year"),
        ("employment-rate/rows", "on", "Give year"),
        ("outcomes?from=2025-04-01", "to", ""),
        ("outcomes?from=2025-04-01&to=2025-13-01", "to", "Give a date as YYYY-MM-DD."),
        ("outcomes?from=2025-06-30&to=2025-04-01", "from", "is after the last day"),
        ("savings/rows?from=2025-06-30&to=2025-04-01", "from", "is after the last day"),
    ],
)
def test_bad_dates_are_422_with_a_message(as_manager, authority, query, field, message):
    response = as_manager.get(f"{BASE}/{query}")
    assert response.status_code == 422
    body = response.json()
    assert field in body["errors"]
    assert message in body["errors"][field]
    assert body["detail"].startswith(f"{field}: ")


def test_reports_are_in_the_openapi_document(as_manager):
    paths = as_manager.get("/api/v1/openapi.json").json()["paths"]
    for name in ("employment-rate", "outcomes", "savings"):
        assert f"{BASE}/{name}" in paths and f"{BASE}/{name}/rows" in paths


# --- queries --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "employment-rate?on=2026-03-31",
        f"outcomes?{PERIOD}",
        f"savings?{PERIOD}",
        "employment-rate/rows?on=2026-03-31",
        f"outcomes/rows?{PERIOD}",
        f"savings/rows?{PERIOD}",
    ],
)
def test_the_same_queries_for_3_or_30_people(as_commissioner, authority, query):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert as_commissioner.get(f"{BASE}/{query}").status_code == 200
        return len(ctx.captured_queries)

    people(authority, 3)
    count()  # the first request of a test caches the content types
    few = count()
    people(authority, 27, first=3)
    assert count() == few == FIXED[query.split("?")[0]]


#: A commissioner's token: the token with its owner (1; its use is noted at most once a
#: minute, on the first call), their scope (1), the teams of their authority and
#: the authorities (2); then the report's own queries; rows add the people they list,
#: for the audit trail (1), and their audit entries (1).
TOKEN = 4
FIXED = {
    "employment-rate": TOKEN + 1 + 1,  # the rate in one, and the authorities' targets
    "outcomes": TOKEN + 1 + 1,  # and the authorities' job-start targets
    # and the programme's cost: contracts, claim lines, purchases, care costs, placements
    "savings": TOKEN + 2 + 5,
    "employment-rate/rows": TOKEN + 2 + 1 + 1,
    "outcomes/rows": TOKEN + 1 + 1 + 1,
    "savings/rows": TOKEN + 2 + 1 + 1,
}
