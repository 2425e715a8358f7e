"""The directory, provider, contract list and contract pages, and their forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pathways.commissioning.models import Contract, Provider, Tariff
from pathways.core.models import Organisation
from tests.factories import (
    ContractFactory,
    OrganisationFactory,
    ProviderFactory,
    TariffFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

PROVIDERS = reverse("commissioning:providers")
CONTRACTS = reverse("commissioning:contracts")


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


def dates(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


# --- menu ------------------------------------------------------------------------------


def test_the_menu_offers_providers_to_all_staff_and_contracts_to_those_with_some(
    client, coach, manager, commissioner, charity_manager, contract
):
    for user, contracts in (
        (coach, False),
        (manager, False),
        (commissioner, True),
        (charity_manager, True),
    ):
        text = page(client, user, "/").content.decode()
        assert f'href="{PROVIDERS}"' in text
        assert (f'href="{CONTRACTS}"' in text) is contracts, user.email


# --- the directory ---------------------------------------------------------------------


def test_a_coach_reads_the_directory_with_its_filters(client, coach, charity, authority, elsewhere):
    other = ProviderFactory(
        organisation__name="Bright Futures CIC", services=["supported_internship"]
    )
    other.authorities.set([authority, elsewhere])
    text = page(client, coach, PROVIDERS).content.decode()
    assert "Working Minds" in text and "Bright Futures CIC" in text
    assert "IPS Grow fidelity review 2025: good" in text and ">40<" in text
    assert "Individual Placement and Support (IPS)" in text
    assert "Add a provider" not in text
    filtered = page(client, coach, PROVIDERS + "?service=supported_internship").content.decode()
    assert "Bright Futures CIC" in filtered and "Working Minds" not in filtered
    by_need = page(client, coach, PROVIDERS + "?need_group=learning_disability").content.decode()
    assert "Bright Futures CIC" in by_need and "Working Minds" not in by_need
    nowhere = page(client, coach, PROVIDERS + "?authority=E09000030").content.decode()
    assert "Working Minds" not in nowhere and "Bright Futures CIC" in nowhere


def test_the_directory_queries_do_not_grow(client, coach, authority, django_assert_num_queries):
    ProviderFactory().authorities.set([authority])
    client.force_login(coach)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(PROVIDERS).status_code == 200
    for _ in range(15):
        ProviderFactory().authorities.set([authority])
    with django_assert_num_queries(len(few)):
        response = client.get(PROVIDERS)
    assert "16 providers" in response.content.decode()


@pytest.mark.parametrize("who", ["coach", "charity_manager", "intake"])
def test_staff_who_do_not_commission_may_not_change_the_directory(client, request, who, charity):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(reverse("commissioning:provider-new")).status_code == 403
    edit = reverse("commissioning:provider-edit", args=[charity.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"services": ["ips"], "version": 1}).status_code == 403
    charity.refresh_from_db()
    assert charity.version == 1
    text = client.get(reverse("commissioning:provider", args=[charity.pk])).content.decode()
    assert "Change the directory entry" not in text


def test_a_commissioner_adds_a_provider(client, commissioner, authority):
    org = OrganisationFactory(name="Bright Futures CIC", kind=Organisation.Kind.SOCIAL_ENTERPRISE)
    client.force_login(commissioner)
    response = client.post(
        reverse("commissioning:provider-new"),
        {
            "organisation": org.pk,
            "services": ["supported_internship"],
            "authorities": [authority.pk],
            "places": "12",
            "accreditation": "DFN Project SEARCH licence",
        },
    )
    provider = Provider.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "commissioning:provider", args=[provider.pk]
    )
    assert provider.services == ["supported_internship"] and provider.places == 12


def test_the_provider_form_shows_refusals_at_the_field(client, commissioner, charity, authority):
    client.force_login(commissioner)
    edit = reverse("commissioning:provider-edit", args=[charity.pk])
    response = client.post(
        edit, {"services": ["ips"], "authorities": [authority.pk], "places": "-4", "version": 1}
    )
    assert response.status_code == 400
    assert "places: must be a whole number of 0 or more" in response.content.decode()
    stale = client.post(
        edit, {"services": ["ips"], "authorities": [authority.pk], "places": "4", "version": 0}
    )
    assert stale.status_code == 409 and "Someone else changed" in stale.content.decode()


def test_the_provider_page_shows_contracts_only_to_who_may_see_them(
    client, coach, commissioner, other_commissioner, charity_manager, charity, contract
):
    url = reverse("commissioning:provider", args=[charity.pk])
    for user, sees in (
        (coach, False),
        (other_commissioner, False),
        (commissioner, True),
        (charity_manager, True),
    ):
        text = page(client, user, url).content.decode()
        assert "Working Minds" in text and "Individual Placement and Support (IPS)" in text
        assert ("IPS-2025" in text) is sees, user.email


# --- contracts -------------------------------------------------------------------------


def test_the_contract_list_is_refused_to_staff_without_contracts(client, coach, manager):
    for user in (coach, manager):
        assert page(client, user, CONTRACTS).status_code == 403


def test_a_provider_manager_sees_only_their_own_contracts(
    client, charity_manager, commissioner, contract, authority
):
    rival_org = OrganisationFactory(name="Rival CIC")
    rival = ProviderFactory(organisation=rival_org)
    rival.authorities.set([authority])
    theirs = ContractFactory(authority=authority, provider=rival, contract_ref="RIVAL-1")
    text = page(client, charity_manager, CONTRACTS).content.decode()
    assert "IPS-2025" in text and "RIVAL-1" not in text
    assert (
        page(
            client, charity_manager, reverse("commissioning:contract", args=[theirs.pk])
        ).status_code
        == 404
    )
    everyone = page(client, commissioner, CONTRACTS).content.decode()
    assert "IPS-2025" in everyone and "RIVAL-1" in everyone and "£12500.00" in everyone


def test_the_contract_list_queries_do_not_grow(
    client, commissioner, charity, authority, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ContractFactory(authority=authority, provider=charity)
    client.force_login(commissioner)
    with CaptureQueriesContext(connection) as few:
        assert client.get(CONTRACTS).status_code == 200
    for _ in range(12):
        ContractFactory(authority=authority, provider=charity)
    with django_assert_num_queries(len(few)):
        response = client.get(CONTRACTS)
    assert response.content.decode().count('href="/commissioning/contracts/') == 13 + 2


def test_the_contract_page_shows_the_tariff(client, charity_manager, contract):
    TariffFactory(contract=contract, outcome="job_start", need_group="", price=Decimal("1000.00"))
    TariffFactory(
        contract=contract,
        outcome="job_start",
        need_group="learning_disability",
        price=Decimal("1500.00"),
    )
    text = page(
        client, charity_manager, reverse("commissioning:contract", args=[contract.pk])
    ).content.decode()
    assert "£1500.00" in text and "£1000.00" in text and "Every other group" in text
    assert "£12500.00 a quarter" in text and "£60000.00" in text
    assert "Change the contract" not in text and "Save the price" not in text


def test_another_authoritys_commissioner_is_refused_the_contract(
    client, other_commissioner, contract
):
    client.force_login(other_commissioner)
    assert client.get(reverse("commissioning:contract", args=[contract.pk])).status_code == 404
    assert client.get(reverse("commissioning:contract-edit", args=[contract.pk])).status_code == 404
    response = client.post(
        reverse("commissioning:tariff-set", args=[contract.pk]),
        {"outcome": "job_start", "price": "1"},
    )
    assert response.status_code == 404 and not Tariff.objects.exists()


def test_a_provider_manager_may_not_change_their_contract(client, charity_manager, contract):
    client.force_login(charity_manager)
    assert client.get(reverse("commissioning:contract-edit", args=[contract.pk])).status_code == 403
    response = client.post(
        reverse("commissioning:tariff-set", args=[contract.pk]),
        {"outcome": "job_start", "price": "99999"},
    )
    assert response.status_code == 403 and not Tariff.objects.exists()


def test_a_commissioner_records_a_contract_and_its_prices(client, commissioner, charity, authority):
    client.force_login(commissioner)
    form = {
        "authority": authority.pk,
        "contract_ref": "IPS-2026",
        "provider": charity.pk,
        "service": "ips",
        **dates("start_date", dt.date(2026, 4, 1)),
        **dates("end_date", dt.date(2026, 3, 31)),
        "places": "30",
        "fixed_fee": "9000.00",
    }
    refused = client.post(reverse("commissioning:contract-new"), form)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "end_date: 2026-03-31 is before the start date 2026-04-01" in text
    assert 'href="#id_end_date_0"' in text  # the error summary links to the field
    response = client.post(
        reverse("commissioning:contract-new"), {**form, **dates("end_date", dt.date(2027, 3, 31))}
    )
    contract = Contract.objects.get()
    assert response["Location"] == reverse("commissioning:contract", args=[contract.pk])
    assert contract.fixed_fee == Decimal("9000.00")

    prices = reverse("commissioning:tariff-set", args=[contract.pk])
    client.post(prices, {"outcome": "job_start", "need_group": "", "price": "1000"})
    client.post(
        prices, {"outcome": "job_start", "need_group": "learning_disability", "price": "1500.50"}
    )
    bad = client.post(prices, {"outcome": "job_start", "price": "lots"})
    assert bad.status_code == 400 and "Enter the price in pounds" in bad.content.decode()
    assert {(t.need_group, t.price) for t in Tariff.objects.all()} == {
        ("", Decimal("1000.00")),
        ("learning_disability", Decimal("1500.50")),
    }
    blank = Tariff.objects.get(need_group="")
    client.post(reverse("commissioning:tariff-remove", args=[contract.pk, blank.pk]))
    assert list(Tariff.objects.values_list("need_group", flat=True)) == ["learning_disability"]


def test_editing_a_contract_needs_the_version_read(client, commissioner, contract, charity):
    client.force_login(commissioner)
    url = reverse("commissioning:contract-edit", args=[contract.pk])
    form = {
        "provider": charity.pk,
        "service": "ips",
        **dates("start_date", contract.start_date),
        **dates("end_date", contract.end_date),
        "places": "50",
        "version": "1",
    }
    assert client.post(url, form).status_code == 302
    stale = client.post(url, {**form, "places": "10"})
    assert stale.status_code == 409
    contract.refresh_from_db()
    assert (contract.places, contract.version) == (50, 2)


def test_a_provider_that_does_not_work_there_is_refused_at_the_field(
    client, commissioner, authority
):
    far = ProviderFactory(organisation=OrganisationFactory(name="Far Away Ltd"))
    TeamFactory(organisation=far.organisation)
    client.force_login(commissioner)
    response = client.post(
        reverse("commissioning:contract-new"),
        {
            "authority": authority.pk,
            "contract_ref": "X1",
            "provider": far.pk,
            "service": "ips",
            **dates("start_date", dt.date(2026, 4, 1)),
            **dates("end_date", dt.date(2027, 3, 31)),
            "places": "3",
        },
    )
    assert response.status_code == 400
    assert "Far Away Ltd does not work in Newham" in response.content.decode()
    assert not Contract.objects.exists()
