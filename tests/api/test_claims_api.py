"""``/api/v1/contracts/{authority}/{contract_ref}/claims`` and ``/api/v1/claims/{id}``."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from pathways.commissioning.models import Claim, ClaimStatus, LineStatus
from pathways.core.models import Role
from tests.api.conftest import client_for
from tests.commissioning.conftest import make_world
from tests.factories import TeamFactory, UserFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(authority):
    return make_world(authority)


PERIOD = {"period_from": "2025-04-01", "period_to": "2026-03-31"}


def post(client, path, body):
    return client.post(f"/api/v1{path}", body, content_type="application/json")


def test_compute_save_submit_and_decide(world):
    manager = client_for(world.manager)
    contract = f"/contracts/{world.contract.authority.code}/{world.contract.contract_ref}/claims"
    computed = post(manager, f"{contract}/compute", PERIOD)
    assert computed.status_code == 200
    assert computed.json()["total"] == "1000.00"
    assert computed.json()["lines"][0]["price"] == "500.00"
    assert not Claim.objects.exists()
    saved = post(manager, contract, PERIOD)
    assert saved.status_code == 201
    claim = saved.json()
    assert (claim["status"], claim["total"], len(claim["lines"])) == ("draft", "1000.00", 2)
    listed = manager.get(f"/api/v1{contract}").json()
    assert [(c["id"], c["total"], c["line_count"]) for c in listed] == [(claim["id"], "1000.00", 2)]
    submitted = post(manager, f"/claims/{claim['id']}/submit", {"version": claim["version"]})
    assert submitted.json()["status"] == "submitted"
    version = submitted.json()["version"]
    commissioner = client_for(world.commissioner)
    first, second = (line["id"] for line in claim["lines"])
    no_reason = post(
        commissioner,
        f"/claims/{claim['id']}/lines/{first}/decide",
        {"decision": "reject", "version": version},
    )
    assert no_reason.status_code == 422
    assert "reason" in no_reason.json()["errors"]
    rejected = post(
        commissioner,
        f"/claims/{claim['id']}/lines/{first}/decide",
        {"decision": "reject", "reason": "No payslip", "version": version},
    ).json()
    stale = post(
        commissioner,
        f"/claims/{claim['id']}/lines/{second}/decide",
        {"decision": "approve", "version": version},
    )
    assert stale.status_code == 409
    done = post(
        commissioner,
        f"/claims/{claim['id']}/lines/{second}/decide",
        {"decision": "approve", "version": rejected["version"]},
    ).json()
    assert done["status"] == ClaimStatus.DECIDED
    assert (done["approved_total"], [line["status"] for line in done["lines"]]) == (
        "500.00",
        [LineStatus.REJECTED, LineStatus.APPROVED],
    )
    assert LogEntry.objects.filter(
        additional_data__channel="api", actor=world.commissioner
    ).exists()


def test_a_bad_period_is_a_422_naming_the_field(world):
    bad = post(
        client_for(world.manager),
        f"/contracts/{world.contract.authority.code}/{world.contract.contract_ref}/claims",
        {"period_from": "2025-04-01", "period_to": "2027-04-01"},
    )
    assert bad.status_code == 422
    assert "period_to" in bad.json()["errors"]


@pytest.mark.parametrize("who", ["coach", "other_manager", "other_commissioner"])
def test_outsiders_get_404(world, who):
    users = {
        "coach": world.coach,
        "other_manager": staff(Role.TEAM_MANAGER, TeamFactory(authority=world.authority)),
        "other_commissioner": staff(Role.COMMISSIONER, TeamFactory()),
    }
    saved = post(
        client_for(world.manager),
        f"/contracts/{world.contract.authority.code}/{world.contract.contract_ref}/claims",
        PERIOD,
    )
    c = client_for(users[who])
    assert (
        post(
            c,
            f"/contracts/{world.contract.authority.code}/{world.contract.contract_ref}/claims/compute",
            PERIOD,
        ).status_code
        == 404
    )
    assert c.get(f"/api/v1/claims/{saved.json()['id']}").status_code == 404
    assert (
        c.get(
            f"/api/v1/contracts/{world.contract.authority.code}/{world.contract.contract_ref}/claims"
        ).status_code
        == 404
    )


def test_a_commissioner_may_not_save_and_nobody_decides_their_own_organisation(world):
    assert (
        post(
            client_for(world.commissioner),
            f"/contracts/{world.contract.authority.code}/{world.contract.contract_ref}/claims",
            PERIOD,
        ).status_code
        == 403
    )
    claim = post(
        client_for(world.manager),
        f"/contracts/{world.contract.authority.code}/{world.contract.contract_ref}/claims",
        PERIOD,
    ).json()
    claim = post(
        client_for(world.manager), f"/claims/{claim['id']}/submit", {"version": claim["version"]}
    ).json()
    superuser = UserFactory(is_superuser=True)
    superuser.memberships.create(team=world.provider_team, role=Role.EMPLOYMENT_SPECIALIST)
    for user in (world.manager, superuser):
        refused = post(
            client_for(user),
            f"/claims/{claim['id']}/lines/{claim['lines'][0]['id']}/decide",
            {"decision": "approve", "version": claim["version"]},
        )
        assert refused.status_code == 403
        assert "outside the provider" in refused.json()["detail"]


def test_the_claim_does_not_cost_more_queries_with_more_lines(world, django_assert_max_num_queries):
    manager = client_for(world.manager)
    claim = post(
        manager,
        f"/contracts/{world.contract.authority.code}/{world.contract.contract_ref}/claims",
        PERIOD,
    ).json()
    with django_assert_max_num_queries(15):
        assert manager.get(f"/api/v1/claims/{claim['id']}").status_code == 200
    with django_assert_max_num_queries(15):
        assert (
            manager.get(
                f"/api/v1/contracts/{world.contract.authority.code}/{world.contract.contract_ref}/claims"
            ).status_code
            == 200
        )
