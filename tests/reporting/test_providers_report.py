"""The providers report as served: ``pathways report providers``, the page and the
API; who sees which contracts, small numbers, refusals, query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from pathways.core.models import Role
from pathways.referrals.models import Status
from tests.api.conftest import client_for
from tests.commissioning.factories import ContractFactory, PlacementFactory, TariffFactory
from tests.factories import (
    AuthorityFactory,
    EpisodeFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralFactory,
    TeamFactory,
    staff,
)

pytestmark = pytest.mark.django_db

PERIOD = ("--from", "2025-04-01", "--to", "2026-03-31")
QUERY = "start_0=1&start_1=4&start_2=2025&end_0=31&end_1=3&end_2=2026"


def provider(authority, ref, name, starts=0, declined=0):
    team = TeamFactory(authority=authority, organisation=OrganisationFactory(name=name))
    contract = ContractFactory(
        authority=authority,
        contract_ref=ref,
        provider__organisation=team.organisation,
        fixed_fee=Decimal("1000.00"),
    )
    TariffFactory(contract=contract)
    for _ in range(starts):
        ep = EpisodeFactory(
            team=team,
            person=PersonFactory(authority=authority, primary_support_reason="learning_disability"),
            started_on=dt.date(2025, 5, 1),
            last_contact_on=dt.date(2026, 3, 30),
        )
        PlacementFactory(episode=ep, start_date=dt.date(2025, 6, 2))
    for _ in range(declined):
        ReferralFactory(team=team, received_on=dt.date(2025, 6, 2), status=Status.DECLINED)
    contract.team = team
    return contract


@pytest.fixture
def council(authority):
    """Two providers: one with 6 job starts, one with 2 (a small number)."""
    commissioning = TeamFactory(authority=authority, code="COMM")
    return {
        "big": provider(authority, "K-BIG", "Big Charity", starts=6, declined=1),
        "small": provider(authority, "K-SMALL", "Small Enterprise", starts=2),
        "commissioner": staff(Role.COMMISSIONER, commissioning, email="comm@example.org"),
    }


@pytest.fixture
def big_manager(council):
    return staff(Role.TEAM_MANAGER, council["big"].team, email="bigboss@example.org")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "providers", *args, stdout=out)
    return out.getvalue()


def as_json(*args: str) -> dict:
    return json.loads(run(*args, "--format", "json"))


# --- the command -------------------------------------------------------------------------


def test_json_without_as_lists_every_contract_with_exact_figures(authority, council):
    data = as_json(authority.code, *PERIOD)
    assert [(c["contract_ref"], c["job_starts"]) for c in data["contracts"]] == [
        ("K-BIG", 6),
        ("K-SMALL", 2),
    ]
    assert "suppressed" not in data
    assert data["contracts"][0]["fixed_fees"] == "4000.00"


def test_a_commissioner_gets_small_numbers_suppressed(authority, council):
    data = as_json(authority.code, *PERIOD, "--as", "comm@example.org")
    small = data["contracts"][1]
    assert small["job_starts"] is None
    assert small["cost_per_job_start"] is None
    assert "contracts.K-SMALL.job_starts" in data["suppressed"]
    assert data["contracts"][0]["job_starts"] == 6


def test_csv_has_a_line_per_contract_and_marks_small_numbers(authority, council):
    rows = list(
        csv.DictReader(
            io.StringIO(run(authority.code, *PERIOD, "--format", "csv", "--as", "comm@example.org"))
        )
    )
    assert [r["contract_ref"] for r in rows] == ["K-BIG", "K-SMALL"]
    assert rows[0]["job_starts"] == "6"
    assert rows[1]["job_starts"] == "<5"
    assert rows[0]["fixed_fees"] == "4000.00"


def test_a_provider_manager_sees_only_their_own_contract(authority, council, big_manager):
    data = as_json(authority.code, *PERIOD, "--as", big_manager.email)
    assert [c["contract_ref"] for c in data["contracts"]] == ["K-BIG"]
    assert "suppressed" not in data  # they work with these people


def test_a_provider_manager_asking_for_another_providers_contract_is_refused(
    authority, council, big_manager
):
    with pytest.raises(CommandError, match="may not see contract K-SMALL"):
        run(authority.code, *PERIOD, "--contract", "K-SMALL", "--as", big_manager.email)


def test_a_coach_is_refused(authority, council, coach):
    with pytest.raises(CommandError, match="may not see the providers report"):
        run(authority.code, *PERIOD, "--as", coach.email)


def test_another_authoritys_commissioner_is_refused(authority, council):
    elsewhere = TeamFactory(authority=AuthorityFactory())
    outsider = staff(Role.COMMISSIONER, elsewhere, email="far@example.org")
    with pytest.raises(CommandError, match="may not see the providers report"):
        run(authority.code, *PERIOD, "--as", outsider.email)


def test_the_command_needs_the_authority_and_the_period(authority, council):
    with pytest.raises(CommandError, match="needs AUTHORITY"):
        run(*PERIOD)
    with pytest.raises(CommandError, match="needs --from"):
        run(authority.code)
    with pytest.raises(CommandError, match="No authority has the code X1"):
        run("X1", *PERIOD)


# --- the page ----------------------------------------------------------------------------


def test_the_page_shows_every_contract_to_a_commissioner(client, authority, council):
    client.force_login(council["commissioner"])
    response = client.get(f"/reports/providers/?authority={authority.code}&{QUERY}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Big Charity (K-BIG)" in page
    assert "Small Enterprise (K-SMALL)" in page
    assert "&lt;5" in page
    assert 'role="region"' in page
    chart = client.get(f"/reports/providers/outcomes.svg?authority={authority.code}&{QUERY}")
    assert chart.status_code == 200
    assert b"Big Charity" in chart.content


def test_the_page_shows_a_flag_with_its_reason(client, authority, council, big_manager):
    contract = council["big"]
    for _ in range(10):
        EpisodeFactory(
            team=contract.team,
            person=PersonFactory(authority=authority),
            started_on=dt.date(2025, 4, 1),
            last_contact_on=dt.date(2025, 4, 1),
        )
    client.force_login(big_manager)
    page = client.get(f"/reports/providers/?{QUERY}").content.decode()
    assert "Parking" in page
    assert "had no contact for longer than the team" in page
    assert "Small Enterprise" not in page


def test_the_page_refuses_a_coach(client, council, coach):
    client.force_login(coach)
    assert client.get("/reports/providers/").status_code == 403


def test_the_page_refuses_another_providers_contract(client, authority, council, big_manager):
    client.force_login(big_manager)
    response = client.get(f"/reports/providers/?contract=K-SMALL&{QUERY}")
    assert response.status_code == 403


@pytest.mark.parametrize("extra", [0, 4])
def test_the_page_in_a_fixed_number_of_queries(
    client, authority, council, extra, django_assert_max_num_queries
):
    for i in range(extra):
        provider(authority, f"K-X{i}", f"Extra {i}", starts=2, declined=1)
    client.force_login(council["commissioner"])
    with django_assert_max_num_queries(22):
        assert client.get(f"/reports/providers/?{QUERY}").status_code == 200


# --- the API -----------------------------------------------------------------------------

API = "/api/v1/reports/providers?from=2025-04-01&to=2026-03-31&authority="


def test_the_api_answers_the_commands_json(authority, council):
    response = client_for(council["commissioner"]).get(API + authority.code)
    assert response.status_code == 200
    assert response.json() == as_json(authority.code, *PERIOD, "--as", "comm@example.org")


def test_the_api_refuses_a_coach_and_another_providers_contract(
    authority, council, coach, big_manager
):
    assert client_for(coach).get(API + authority.code).status_code == 404
    asked = client_for(big_manager).get(API + authority.code + "&contract=K-SMALL")
    assert asked.status_code == 404


@pytest.mark.parametrize("extra", [0, 4])
def test_the_api_in_a_fixed_number_of_queries(
    authority, council, extra, django_assert_max_num_queries
):
    for i in range(extra):
        provider(authority, f"K-X{i}", f"Extra {i}", starts=2, declined=1)
    api = client_for(council["commissioner"])
    with django_assert_max_num_queries(20):
        assert api.get(API + authority.code).status_code == 200


def test_the_reports_index_links_to_providers_for_a_commissioner_only(client, council, coach):
    client.force_login(council["commissioner"])
    assert 'href="/reports/providers/"' in client.get("/reports/").content.decode()
    client.force_login(staff(Role.TEAM_MANAGER, TeamFactory(), email="other@example.org"))
    assert 'href="/reports/providers/"' not in client.get("/reports/").content.decode()


def _park(contract, authority):
    for _ in range(10):
        EpisodeFactory(
            team=contract.team,
            person=PersonFactory(authority=authority),
            started_on=dt.date(2025, 4, 1),
            last_contact_on=dt.date(2025, 4, 1),
        )


def test_a_commissioner_reads_flags_without_their_numbers(authority, council, big_manager):
    _park(council["big"], authority)
    (flag, *_) = as_json(authority.code, *PERIOD, "--as", "comm@example.org")["contracts"][0][
        "flags"
    ]
    assert flag["code"] == "parking_no_contact"
    assert not any(ch.isdigit() for ch in flag["reason"].replace("25%", ""))
    (own, *_) = as_json(authority.code, *PERIOD, "--as", big_manager.email)["contracts"][0]["flags"]
    assert own["reason"].startswith("10 of 16 open episodes")


def test_each_serving_is_on_the_audit_trail(authority, council):
    from auditlog.models import LogEntry

    before = LogEntry.objects.count()
    run(authority.code, *PERIOD, "--as", "comm@example.org")
    entry = LogEntry.objects.order_by("-pk").first()
    assert LogEntry.objects.count() == before + 1
    assert entry.additional_data["what"] == "Providers report 2025-04-01 to 2026-03-31"
    assert entry.actor_email == "comm@example.org"
