"""The providers, contracts and tariffs imports: the spec's columns, all or nothing,
every problem at its line and column, and who may import them."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from pathways.commissioning.models import Contract, Provider, Tariff
from pathways.core.models import Organisation
from tests.factories import TeamFactory
from tests.imports.conftest import csv_text

pytestmark = pytest.mark.django_db

PROVIDERS = "organisation,kind,services,need_groups,authorities,places,accreditation"
CONTRACTS = (
    "contract_ref,authority,provider,service,start_date,end_date,places,fixed_fee,"
    "budget_cap,target_job_starts,target_sustained_26"
)
TARIFFS = "authority,contract_ref,outcome,need_group,price"


def test_providers_are_created_with_their_organisation_and_reimport_changes_nothing(run, authority):
    content = csv_text(
        PROVIDERS,
        "Working Minds,charity,ips;supported_employment,mental_health,E09000025,40,IPS Grow",
        "Bright Futures CIC,social_enterprise,supported_internship,,E09000025,,",
    )
    result = run("providers", content)
    assert result.status == 0, result.err
    assert result.last == "imported: 2 created, 0 updated, 0 unchanged"
    minds = Provider.objects.get(organisation__name="Working Minds")
    assert minds.services == ["supported_employment", "ips"]  # the spec's order
    assert minds.need_groups == ["mental_health"] and minds.places == 40
    assert list(minds.authorities.all()) == [authority]
    assert minds.organisation.kind == Organisation.Kind.CHARITY
    assert Provider.objects.get(organisation__name="Bright Futures CIC").need_groups == []
    again = run("providers", content)
    assert again.last == "imported: 0 created, 0 updated, 2 unchanged"


def test_a_provider_row_with_problems_is_reported_at_its_columns_and_nothing_is_written(
    run, authority
):
    result = run(
        "providers",
        csv_text(
            PROVIDERS,
            "Working Minds,charity,ips,mental_health,E09000025,40,",
            "New Org,,ips,,E09000025,,",
            "Bad Services,charity,juggling,,E09000025,,",
            "Bad Groups,charity,ips,sadness,E09000025,,",
            "No Such Place,charity,ips,,X999,,",
            "Negative,charity,ips,,E09000025,-3,",
        ),
    )
    assert result.status == 1
    assert result.err[:-1] == [
        f"{result.file}:3: kind: New Org is a new organisation, so give its kind",
        f"{result.file}:4: services: 'juggling' is not one of: supported_employment, ips, "
        "supported_internship, work_experience, self_employment, job_retention, "
        "travel_training, employment_club",
        f"{result.file}:5: need_groups: 'sadness' is not one of: learning_disability, "
        "mental_health, physical, sensory, memory_cognition, substance_misuse, social_other",
        f"{result.file}:6: authorities: no authority has the code 'X999'",
        f"{result.file}:7: places: '-3' is not a whole number of 0 or more",
    ]
    assert result.last == "5 errors, nothing imported"
    assert not Provider.objects.exists()
    assert not Organisation.objects.filter(name="Working Minds").exists()


def test_unknown_and_missing_columns_are_refused(run):
    result = run("providers", csv_text("organisation,services,colour", "A,ips,blue"))
    assert result.status == 1
    assert any(": colour: unknown column" in line for line in result.err)
    assert f"{result.file}:1: authorities: required column is missing" in result.err


def test_contracts_and_tariffs_from_csv(run, charity, authority):
    result = run(
        "contracts",
        csv_text(
            CONTRACTS,
            "IPS-2025,E09000025,working minds,ips,2025-04-01,31/03/2027,40,12500.00,60000,30,18",
        ),
    )
    assert result.status == 0, result.err
    contract = Contract.objects.get()
    assert (contract.provider, contract.service, contract.end_date) == (
        charity,
        "ips",
        dt.date(2027, 3, 31),
    )
    assert contract.fixed_fee == Decimal("12500.00") and contract.budget_cap == Decimal("60000")
    assert (contract.target_job_starts, contract.target_sustained_26) == (30, 18)

    tariffs = csv_text(
        TARIFFS,
        "E09000025,IPS-2025,job_start,,1000.00",
        "E09000025,IPS-2025,job_start,learning_disability,1500",
        "E09000025,IPS-2025,sustained_26,,2500.50",
    )
    result = run("tariffs", tariffs)
    assert result.status == 0, result.err
    assert result.last == "imported: 3 created, 0 updated, 0 unchanged"
    prices = {(t.outcome, t.need_group): t.price for t in Tariff.objects.all()}
    assert prices == {
        ("job_start", ""): Decimal("1000.00"),
        ("job_start", "learning_disability"): Decimal("1500"),
        ("sustained_26", ""): Decimal("2500.50"),
    }
    changed = run("tariffs", csv_text(TARIFFS, "E09000025,IPS-2025,job_start,,1100.00"))
    assert changed.last == "imported: 0 created, 1 updated, 0 unchanged"
    assert Tariff.objects.get(outcome="job_start", need_group="").price == Decimal("1100.00")


def test_contracts_from_xlsx(run, charity):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(CONTRACTS.split(","))
    sheet.append(
        ["IPS-X", "E09000025", "Working Minds", "ips", "2025-04-01", "2026-03-31", 10] + [None] * 4
    )
    data = io.BytesIO()
    book.save(data)
    result = run("contracts", data.getvalue(), name="contracts.xlsx")
    assert result.status == 0, result.err
    assert Contract.objects.get().places == 10


def test_every_contract_rule_is_reported_at_its_column(run, charity, authority, elsewhere):
    TeamFactory(organisation__name="Not Listed Ltd", authority=authority)
    result = run(
        "contracts",
        csv_text(
            CONTRACTS,
            "C1,E09000025,Working Minds,ips,2025-04-01,2025-03-31,40,,,,",
            "C2,E09000025,Not Listed Ltd,ips,2025-04-01,2026-03-31,40,,,,",
            "C3,E09000030,Working Minds,ips,2025-04-01,2026-03-31,40,,,,",
            "C4,E09000025,Working Minds,knitting,2025-04-01,2026-03-31,40,,,,",
            "C5,E09000025,Working Minds,ips,2025-04-01,2026-03-31,-1,,,,",
            "C6,E09000025,Working Minds,ips,2025-04-01,2026-03-31,4,-10.00,,,",
            "C7,E09000025,Working Minds,ips,2025-04-01,2026-03-31,,,,,",
            "C1,E09000025,Working Minds,ips,2025-04-01,2026-03-31,40,,,,",
        ),
    )
    f = result.file
    assert result.status == 1
    assert result.err[:-1] == [
        f"{f}:2: end_date: 2025-03-31 is before the start date 2025-04-01",
        f"{f}:3: provider: not in the provider directory; add it there first",
        f"{f}:4: provider: Working Minds does not work in Tower Hamlets according to the "
        "directory; add the authority to its entry first",
        f"{f}:5: service: 'knitting' is not one of: supported_employment, ips, "
        "supported_internship, work_experience, self_employment, job_retention, "
        "travel_training, employment_club",
        f"{f}:6: places: '-1' is not a whole number of 0 or more",
        f"{f}:7: fixed_fee: '-10.00' is not an amount in pounds; write it like 612.50 "
        "(no commas, at most two decimal places)",
        f"{f}:8: places: required, but blank",
        f"{f}:9: contract_ref: E09000025 C1 is also on line 2; each record may appear only once",
    ]
    assert result.last == "8 errors, nothing imported"
    assert not Contract.objects.exists()


def test_tariff_problems(run, contract):
    result = run(
        "tariffs",
        csv_text(
            TARIFFS,
            "E09000025,NOPE,job_start,,10",
            "E09000025,IPS-2025,bonus,,10",
            "E09000025,IPS-2025,job_start,happiness,10",
            "E09000025,IPS-2025,job_start,,-5",
            "E09000025,IPS-2025,sustained_13,,",
        ),
    )
    f = result.file
    assert result.err[:-1] == [
        f"{f}:2: contract_ref: Newham has no contract NOPE",
        f"{f}:3: outcome: 'bonus' is not one of: job_start, sustained_13, sustained_26, "
        "sustained_52, progression",
        f"{f}:4: need_group: 'happiness' is not one of: learning_disability, mental_health, "
        "physical, sensory, memory_cognition, substance_misuse, social_other",
        f"{f}:5: price: '-5' is not an amount in pounds; write it like 612.50 "
        "(no commas, at most two decimal places)",
        f"{f}:6: price: required, but blank",
    ]
    assert not Tariff.objects.exists()


def test_a_commissioner_imports_for_their_own_authority_only(
    run, charity, commissioner, other_commissioner, elsewhere
):
    row = "IPS-9,E09000025,Working Minds,ips,2025-04-01,2026-03-31,10,,,,"
    refused = run("contracts", csv_text(CONTRACTS, row), "--as", other_commissioner.email)
    assert refused.status == 1
    assert refused.err[0] == (
        f"{refused.file}:2: authority: you are not a commissioner or administrator for "
        "Newham (E09000025)"
    )
    assert not Contract.objects.exists()
    done = run("contracts", csv_text(CONTRACTS, row), "--as", commissioner.email)
    assert done.status == 0, done.err
    assert Contract.objects.get().contract_ref == "IPS-9"


def test_a_coach_or_a_provider_manager_may_not_import_the_directory(
    run, authority, coach, charity_manager
):
    for user in (coach, charity_manager):
        result = run(
            "providers",
            csv_text(PROVIDERS, "Working Minds,charity,ips,,E09000025,,"),
            "--as",
            user.email,
        )
        assert result.status == 1
        assert (
            "authorities: you are not a commissioner or administrator for Newham" in (result.err[0])
        )
    assert not Provider.objects.exists()


def test_a_commissioner_keeps_another_authoritys_part_of_an_entry(
    run, charity, commissioner, elsewhere
):
    charity.authorities.add(elsewhere)
    result = run(
        "providers",
        csv_text(PROVIDERS, "Working Minds,,ips;job_retention,,E09000025,45,"),
        "--as",
        commissioner.email,
    )
    assert result.status == 0, result.err
    charity.refresh_from_db()
    assert set(charity.authorities.values_list("code", flat=True)) == {"E09000025", "E09000030"}
    assert charity.services == ["ips", "job_retention"] and charity.places == 45
    assert charity.version == 2


def test_the_upload_page_takes_a_commissioners_contracts_not_their_people(
    client, charity, commissioner
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(commissioner)
    assert 'href="/imports/">Imports</a>' in client.get("/").content.decode()

    def upload(kind: str, content: str):
        data = SimpleUploadedFile(f"{kind}.csv", content.encode(), content_type="text/csv")
        return client.post("/imports/", {"kind": kind, "file": data})

    people = upload(
        "people",
        csv_text(
            "authority,person_ref,given_name,family_name,date_of_birth",
            "E09000025,C1,Amy,Smith,1990-01-01",
        ),
    ).content.decode()
    assert "you are not an administrator for Newham" in people
    preview = upload(
        "contracts",
        csv_text(CONTRACTS, "IPS-7,E09000025,Working Minds,ips,2025-04-01,2026-03-31,10,,,,"),
    )
    assert preview.status_code == 200 and "IPS-7" in preview.content.decode()
    sha = client.session["pathways_pending_import"]["sha256"]
    client.post("/imports/confirm/", {"sha256": sha})
    assert Contract.objects.get().contract_ref == "IPS-7"


def test_a_team_manager_still_may_not_open_the_upload_page(client, manager):
    client.force_login(manager)
    assert client.get("/imports/").status_code == 403


def test_an_existing_organisations_kind_is_not_changed_by_the_directory(run, charity):
    result = run("providers", csv_text(PROVIDERS, "working minds,council,ips,,E09000025,,"))
    assert result.err[0] == (
        f"{result.file}:2: kind: Working Minds is recorded as charity; the kind is only "
        "for new organisations"
    )


def test_a_dry_run_writes_nothing(run, charity):
    result = run(
        "contracts",
        csv_text(CONTRACTS, "IPS-X,E09000025,Working Minds,ips,2025-04-01,2026-03-31,10,,,,"),
        "--dry-run",
    )
    assert result.status == 0
    assert result.last == "dry run: would import: 1 created, 0 updated, 0 unchanged"
    assert not Contract.objects.exists()
