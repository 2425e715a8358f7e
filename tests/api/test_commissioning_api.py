"""GET /api/v1/providers, /api/v1/contracts and /api/v1/contracts/{authority}/{ref}."""

# ruff: noqa: F811  (the commissioning fixtures, imported by name, are parameters here)

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pathways.core.models import Role
from tests.api.conftest import client_for
from tests.commissioning.conftest import (  # noqa: F401  (fixtures)
    charity,
    charity_manager,
    charity_team,
    commissioner,
    contract,
    elsewhere,
    other_commissioner,
)
from tests.factories import (
    AuthorityFactory,
    ContractFactory,
    OrganisationFactory,
    ProviderFactory,
    TariffFactory,
    TeamFactory,
    staff,
)

pytestmark = pytest.mark.django_db


def test_every_staff_member_reads_the_directory(coach, charity, authority):
    ProviderFactory(organisation__name="Bright Futures CIC", services=["supported_internship"])
    answer = client_for(coach).get("/api/v1/providers")
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert [p["organisation"] for p in items] == ["Bright Futures CIC", "Working Minds"]
    minds = items[1]
    assert minds["services"] == ["ips"] and minds["need_groups"] == ["mental_health"]
    assert minds["authorities"] == ["E09000025"] and minds["places"] == 40
    assert minds["organisation_kind"] == "charity"
    ips = client_for(coach).get("/api/v1/providers?service=ips").json()["items"]
    assert [p["organisation"] for p in ips] == ["Working Minds"]
    here = client_for(coach).get("/api/v1/providers?authority=E09000025").json()["items"]
    assert [p["organisation"] for p in here] == ["Working Minds"]
    assert client_for(coach).get("/api/v1/providers?authority=NOPE").json()["items"] == []
    assert client_for(coach).get("/api/v1/providers?service=knitting").status_code == 422


def test_the_directory_needs_a_token(anonymous):
    assert anonymous.get("/api/v1/providers").status_code == 401


def test_contracts_money_as_strings_and_the_tariff(commissioner, contract):
    TariffFactory(contract=contract, outcome="job_start", need_group="", price=Decimal("1000"))
    TariffFactory(
        contract=contract,
        outcome="job_start",
        need_group="learning_disability",
        price=Decimal("1500.5"),
    )
    api = client_for(commissioner)
    listed = api.get("/api/v1/contracts").json()["items"]
    assert len(listed) == 1
    assert listed[0]["fixed_fee"] == "12500.00" and listed[0]["budget_cap"] == "60000.00"
    assert listed[0]["provider"] == "Working Minds" and listed[0]["authority"] == "E09000025"
    detail = api.get("/api/v1/contracts/E09000025/IPS-2025")
    assert detail.status_code == 200
    body = detail.json()
    assert body["end_date"] == "2027-03-31" and body["target_job_starts"] == 30
    assert body["tariffs"] == [
        {"outcome": "job_start", "need_group": None, "price": "1000.00"},
        {"outcome": "job_start", "need_group": "learning_disability", "price": "1500.50"},
    ]


def test_a_provider_manager_sees_only_their_own_contracts(charity_manager, contract, authority):
    rival = ProviderFactory(organisation=OrganisationFactory(name="Rival CIC"))
    rival.authorities.set([authority])
    ContractFactory(authority=authority, provider=rival, contract_ref="RIVAL-1")
    api = client_for(charity_manager)
    assert [c["contract_ref"] for c in api.get("/api/v1/contracts").json()["items"]] == ["IPS-2025"]
    assert api.get("/api/v1/contracts/E09000025/RIVAL-1").status_code == 404
    assert api.get("/api/v1/contracts/E09000025/IPS-2025").status_code == 200


def test_another_authoritys_commissioner_and_a_coach_are_refused(
    other_commissioner, coach, contract
):
    for user in (other_commissioner, coach):
        api = client_for(user)
        assert api.get("/api/v1/contracts").json()["items"] == []
        missing = api.get("/api/v1/contracts/E09000025/IPS-2025")
        assert missing.status_code == 404 and missing.json()["detail"] == "No such contract."
        # The same answer as for a contract that does not exist.
        assert api.get("/api/v1/contracts/E09000025/NOPE").json() == missing.json()


def test_the_lists_queries_do_not_grow(commissioner, charity, authority, django_assert_num_queries):
    ContractFactory(authority=authority, provider=charity)
    api = client_for(commissioner)
    api.get("/api/v1/contracts")  # the token's first call notes its use
    with CaptureQueriesContext(connection) as contracts_few:
        api.get("/api/v1/contracts")
    with CaptureQueriesContext(connection) as providers_few:
        api.get("/api/v1/providers")
    for _ in range(10):
        ContractFactory(authority=authority, provider=charity)
        org = TeamFactory(authority=AuthorityFactory()).organisation
        ProviderFactory(organisation=org).authorities.set([authority])
    with django_assert_num_queries(len(contracts_few)):
        assert api.get("/api/v1/contracts").json()["count"] == 11
    with django_assert_num_queries(len(providers_few)):
        assert api.get("/api/v1/providers").json()["count"] == 11


def test_a_superuser_token_sees_every_contract(contract, team):
    admin = staff(Role.ADMIN, team, email="root@example.org", is_superuser=True)
    assert client_for(admin).get("/api/v1/contracts").json()["count"] == 1
