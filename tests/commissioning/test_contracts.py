"""Recording contracts and their tariff: every rule of the spec, every refusal, and who
sees which contracts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pathways.commissioning import contracts, selectors
from pathways.commissioning.directory import FieldRefused
from pathways.commissioning.models import Contract, Tariff
from pathways.core.errors import ConcurrentEdit, PermissionDenied
from tests.factories import ContractFactory, OrganisationFactory, ProviderFactory, TeamFactory

pytestmark = pytest.mark.django_db


def record(user, authority, provider, **kwargs):
    values = {
        "contract_ref": "IPS-2025",
        "service": "ips",
        "start_date": dt.date(2025, 4, 1),
        "end_date": dt.date(2026, 3, 31),
        "places": 40,
        **kwargs,
    }
    return contracts.record_contract(user, authority=authority, provider=provider, **values)


def test_a_commissioner_records_a_contract(commissioner, authority, charity):
    contract = record(
        commissioner,
        authority,
        charity,
        fixed_fee=Decimal("12500.00"),
        budget_cap=Decimal("60000.00"),
        target_job_starts=30,
    )
    assert (contract.authority, contract.provider, contract.places) == (authority, charity, 40)
    assert contract.fixed_fee == Decimal("12500.00") and contract.version == 1


def test_the_last_day_may_be_the_first(commissioner, authority, charity):
    day = dt.date(2025, 4, 1)
    assert record(commissioner, authority, charity, start_date=day, end_date=day).pk


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"end_date": dt.date(2025, 3, 31)}, "end_date"),
        ({"places": -1}, "places"),
        ({"fixed_fee": Decimal("-0.01")}, "fixed_fee"),
        ({"budget_cap": Decimal("-1")}, "budget_cap"),
        ({"service": "knitting"}, "service"),
        ({"contract_ref": "  "}, "contract_ref"),
        ({"target_job_starts": -2}, "target_job_starts"),
    ],
)
def test_each_rule_refuses_naming_its_field(commissioner, authority, charity, kwargs, field):
    with pytest.raises(FieldRefused) as refused:
        record(commissioner, authority, charity, **kwargs)
    assert refused.value.field == field
    assert refused.value.message.startswith(f"{field}: ")
    assert not Contract.objects.exists()


def test_the_provider_must_be_in_the_directory(commissioner, authority):
    with pytest.raises(FieldRefused, match="provider: not in the provider directory"):
        record(commissioner, authority, None)


def test_the_provider_must_work_in_the_contracts_authority(commissioner, authority):
    elsewhere_only = ProviderFactory(organisation=OrganisationFactory(name="Far Away Ltd"))
    with pytest.raises(FieldRefused, match="Far Away Ltd does not work in Newham"):
        record(commissioner, authority, elsewhere_only)


def test_another_authoritys_commissioner_is_refused(other_commissioner, authority, charity):
    with pytest.raises(PermissionDenied, match="of Newham record its contracts"):
        record(other_commissioner, authority, charity)


@pytest.mark.parametrize("who", ["coach", "manager", "charity_manager"])
def test_staff_who_do_not_commission_are_refused(request, who, authority, charity):
    with pytest.raises(PermissionDenied):
        record(request.getfixturevalue(who), authority, charity)
    assert not Contract.objects.exists()


def test_a_change_needs_the_version_read(commissioner, authority, contract, charity):
    changed = record(commissioner, authority, charity, places=45, version=1)
    assert (changed.places, changed.version) == (45, 2)
    with pytest.raises(ConcurrentEdit):
        record(commissioner, authority, charity, places=10, version=1)
    contract.refresh_from_db()
    assert contract.places == 45


def test_a_new_contract_may_not_take_a_reference_in_use(commissioner, authority, contract, charity):
    with pytest.raises(FieldRefused, match="contract_ref: Newham already has a contract IPS-2025"):
        record(commissioner, authority, charity, new=True)


def test_tariff_rows_by_need_group_and_the_blank_fallback(commissioner, contract):
    contracts.set_tariff(
        commissioner, contract, outcome="job_start", need_group="", price=Decimal("1000")
    )
    contracts.set_tariff(
        commissioner,
        contract,
        outcome="job_start",
        need_group="learning_disability",
        price=Decimal("1500"),
    )
    again = contracts.set_tariff(
        commissioner, contract, outcome="job_start", need_group="", price=Decimal("1100")
    )
    assert Tariff.objects.count() == 2 and again.price == Decimal("1100")
    contracts.remove_tariff(commissioner, again)
    assert list(Tariff.objects.values_list("need_group", flat=True)) == ["learning_disability"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"outcome": "bonus"}, "outcome"),
        ({"need_group": "happiness"}, "need_group"),
        ({"price": Decimal("-1")}, "price"),
    ],
)
def test_tariff_rules(commissioner, contract, kwargs, field):
    values = {"outcome": "job_start", "need_group": "", "price": Decimal("10"), **kwargs}
    with pytest.raises(FieldRefused) as refused:
        contracts.set_tariff(commissioner, contract, **values)
    assert refused.value.field == field
    assert not Tariff.objects.exists()


def test_only_the_authoritys_commissioners_set_prices(
    other_commissioner, charity_manager, contract
):
    for user in (other_commissioner, charity_manager):
        with pytest.raises(PermissionDenied):
            contracts.set_tariff(
                user, contract, outcome="job_start", need_group="", price=Decimal("1")
            )


def test_who_sees_which_contracts(
    commissioner, other_commissioner, charity_manager, coach, contract, authority, elsewhere
):
    rival_org = OrganisationFactory(name="Rival CIC")
    TeamFactory(organisation=rival_org, authority=authority)
    rival = ProviderFactory(organisation=rival_org)
    rival.authorities.set([authority, elsewhere])
    theirs = ContractFactory(authority=authority, provider=rival, contract_ref="R1")
    far = ContractFactory(authority=elsewhere, provider=rival, contract_ref="R2")
    assert set(selectors.contracts(commissioner)) == {contract, theirs}
    assert list(selectors.contracts(charity_manager)) == [contract]  # only their own
    assert list(selectors.contracts(other_commissioner)) == [far]
    assert not selectors.contracts(coach).exists()
    assert selectors.may_see_contracts(charity_manager)
    assert selectors.may_see_contracts(commissioner)
    assert not selectors.may_see_contracts(coach)


def test_a_manager_without_contracts_has_no_contracts_menu(manager):
    assert not selectors.may_see_contracts(manager)
