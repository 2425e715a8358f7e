"""The `opportunities` import: opportunities keyed by their reference, with the employer
found by name on a provider's list (or added to it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook

from pathways.core import importing
from pathways.core.models import InterestTag, Organisation, Role
from pathways.employers.engagement.models import Employer, EmployerSite
from pathways.employers.opportunities.models import Opportunity
from tests.factories import (
    AuthorityFactory,
    EmployerFactory,
    OpportunityFactory,
    OrganisationFactory,
    PersonFactory,
    TeamFactory,
    staff,
)
from tests.imports.conftest import Result, csv_text

pytestmark = pytest.mark.django_db

HEADER = (
    "opportunity_ref,authority,employer,title,kind,paid,hours_per_week,hourly_pay,"
    "latitude,longitude,places,tags,closes_on"
)
CAFE = (
    "OPP1,E09000025,Green Leaf Café,Café assistant,employed,yes,16,12.60,51.5416,0.0081,2,"
    "catering;customer_service,2099-03-31"
)
GARDEN = (
    "OPP2,E09000025,Newham Parks,Gardening volunteer,volunteering,no,8.5,,,,,outdoors;gardening,"
)
REQUIRED = "opportunity_ref,authority,employer,title,kind,paid,hours_per_week"


@pytest.fixture
def run(tmp_path):
    """Run `pathways import opportunities FILE ...` in-process, as an operator would."""

    def run_import(content: str | bytes, *args: str, name: str = "opportunities.csv") -> Result:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        out, err = io.StringIO(), io.StringIO()
        status = 0
        try:
            call_command("import", "opportunities", str(path), *args, stdout=out, stderr=err)
        except SystemExit as exc:
            status = int(exc.code or 0)
        return Result(str(path), status, out.getvalue().splitlines(), err.getvalue().splitlines())

    return run_import


@pytest.fixture
def provider(team) -> Organisation:
    """The only provider with a team working for Newham (the `team` fixture's)."""
    return team.organisation


@pytest.fixture
def second_provider(authority) -> Organisation:
    """Another provider working for Newham."""
    organisation = OrganisationFactory(name="Ability Works", kind=Organisation.Kind.CHARITY)
    TeamFactory(code="AW1", authority=authority, organisation=organisation)
    return organisation


def tags_of(opportunity: Opportunity) -> list[str]:
    return sorted(t.code for t in opportunity.tags.all())


def import_entries():
    return LogEntry.objects.filter(additional_data__what__startswith="import of ")


# --- creating, importing again, updating ----------------------------------------------


def test_rows_create_opportunities_and_their_employers(run, provider):
    result = run(csv_text(HEADER, CAFE, GARDEN))
    assert result.status == 0, result.err
    assert result.last == "imported: 2 created, 0 updated, 0 unchanged"

    cafe = Opportunity.objects.get(opportunity_ref="OPP1")
    assert (cafe.authority.code, cafe.title, cafe.kind, cafe.paid) == (
        "E09000025",
        "Café assistant",
        "employed",
        True,
    )
    assert (cafe.hours_per_week, cafe.hourly_pay, cafe.places) == (
        Decimal("16"),
        Decimal("12.60"),
        2,
    )
    assert (cafe.latitude, cafe.longitude) == (Decimal("51.541600"), Decimal("0.008100"))
    assert tags_of(cafe) == ["catering", "customer_service"]
    assert cafe.closes_on == dt.date(2099, 3, 31)
    assert cafe.opened_on == timezone.localdate()
    assert cafe.version == 1
    assert cafe.employer.name == "Green Leaf Café"
    assert cafe.employer.organisation == provider

    garden = Opportunity.objects.get(opportunity_ref="OPP2")
    assert (garden.paid, garden.hours_per_week, garden.hourly_pay) == (False, Decimal("8.5"), None)
    assert (garden.latitude, garden.longitude, garden.places) == (None, None, 1)
    assert garden.closes_on is None
    assert tags_of(garden) == ["gardening", "outdoors"]
    assert Employer.objects.count() == 2


def test_importing_the_same_file_again_changes_nothing(run, provider):
    content = csv_text(HEADER, CAFE, GARDEN)
    run(content)
    again = run(content)
    assert again.status == 0, again.err
    assert again.last == "imported: 0 created, 0 updated, 2 unchanged"
    assert Employer.objects.count() == 2
    assert set(Opportunity.objects.values_list("version", flat=True)) == {1}


def test_one_changed_column_updates_only_that_column(run, provider):
    run(csv_text(HEADER, CAFE))
    cafe = Opportunity.objects.get()
    Opportunity.objects.filter(pk=cafe.pk).update(opened_on=dt.date(2024, 1, 8))

    changed = run(csv_text(HEADER, CAFE.replace(",16,", ",20.5,")), "--dry-run")
    assert changed.out == [
        f"{changed.file}:2: update OPP1 (hours_per_week)",
        "dry run: would import: 0 created, 1 updated, 0 unchanged",
    ]
    result = run(csv_text(HEADER, CAFE.replace(",16,", ",20.5,")))
    assert result.last == "imported: 0 created, 1 updated, 0 unchanged"
    cafe.refresh_from_db()
    assert cafe.hours_per_week == Decimal("20.5")
    assert cafe.version == 2
    assert cafe.opened_on == dt.date(2024, 1, 8)  # never changed by an import
    assert (cafe.hourly_pay, cafe.places, tags_of(cafe)) == (
        Decimal("12.60"),
        2,
        ["catering", "customer_service"],
    )


def test_a_column_left_out_keeps_its_value_and_a_blank_cell_clears_it(run, provider):
    run(csv_text(HEADER, CAFE))
    only_required = run(
        csv_text(REQUIRED, "OPP1,E09000025,Green Leaf Café,Café assistant,employed,yes,16")
    )
    assert only_required.last == "imported: 0 created, 0 updated, 1 unchanged"

    cleared = run(
        csv_text(
            REQUIRED + ",closes_on,tags,places",
            "OPP1,E09000025,Green Leaf Café,Café assistant,employed,yes,16,,,",
        )
    )
    assert cleared.last == "imported: 0 created, 1 updated, 0 unchanged"
    cafe = Opportunity.objects.get()
    assert cafe.closes_on is None and tags_of(cafe) == []
    assert cafe.places == 1  # a blank cell means the default, one place
    assert cafe.hourly_pay == Decimal("12.60") and cafe.latitude == Decimal("51.5416")
    assert cafe.version == 2


def test_a_change_of_tags_alone_is_an_update(run, provider):
    run(csv_text(HEADER, CAFE))
    result = run(csv_text(HEADER, CAFE.replace("catering;customer_service", "Retail")), "-v", "2")
    assert result.out[0] == f"{result.file}:2: update OPP1 (tags)"
    cafe = Opportunity.objects.get()
    assert tags_of(cafe) == ["retail"] and cafe.version == 2


def test_changing_the_employer_moves_the_opportunity_and_drops_the_old_site(run, provider):
    run(csv_text(HEADER, CAFE))
    cafe = Opportunity.objects.get()
    cafe.site = EmployerSite.objects.create(employer=cafe.employer, name="High Street")
    cafe.save()
    result = run(csv_text(HEADER, CAFE.replace("Green Leaf Café", "Corner Café")))
    assert result.last == "imported: 0 created, 1 updated, 0 unchanged"
    cafe.refresh_from_db()
    assert cafe.employer.name == "Corner Café" and cafe.site is None
    assert Employer.objects.count() == 2


# --- problems -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("kind", "gig", "'gig' is not one of: employed, self_employed, apprenticeship,"),
        ("paid", "maybe", "'maybe' is not yes or no"),
        ("hours_per_week", "0", "'0' is not more than 0 hours"),
        ("hours_per_week", "81", "'81' is more than 80"),
        (
            "hours_per_week",
            "7.25",
            "'7.25' is not a number of hours with at most one decimal place",
        ),
        ("hourly_pay", "£12.605", "'£12.605' is not an amount in pounds"),
        ("latitude", "95", "'95' is not between -90 and 90"),
        ("longitude", "east", "'east' is not a number of degrees"),
        ("places", "0", "'0' is not a whole number of 1 or more"),
        ("places", "1.5", "'1.5' is not a whole number of 1 or more"),
        ("places", "1001", "'1001' is more than 1000 places"),
        ("closes_on", "31/02/2099", "'31/02/2099' is not a real date"),
        ("closes_on", "next week", "'next week' is not a date"),
        ("title", "", "required, but blank"),
        ("employer", "", "required, but blank"),
        ("authority", "E0", "no authority has the code 'E0'"),
    ],
)
def test_each_bad_cell_is_reported_by_line_and_column(run, provider, column, value, message):
    columns = HEADER.split(",")
    cells = CAFE.split(",")
    cells[columns.index(column)] = value
    result = run(csv_text(HEADER, GARDEN, ",".join(cells)))
    assert result.status == 1
    assert result.err[0].startswith(f"{result.file}:3: {column}: {message}"), result.err
    assert result.last == "1 errors, nothing imported"
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            "OPP9,E09000025,Corner Café,Helper,volunteering,no,10,9.50,,,,,",
            "hourly_pay: an unpaid opportunity has no hourly pay; leave it blank",
        ),
        (
            "OPP9,E09000025,Corner Café,Helper,employed,yes,10,,51.5,,,,",
            "longitude: give the longitude with the latitude, or neither",
        ),
        (
            "OPP9,E09000025,Corner Café,Helper,employed,yes,10,,,0.01,,,",
            "latitude: give the latitude with the longitude, or neither",
        ),
    ],
)
def test_rules_between_columns_name_the_column_to_fix(run, provider, row, problem):
    result = run(csv_text(HEADER, row))
    assert result.err == [f"{result.file}:2: {problem}", "1 errors, nothing imported"]


def test_a_closing_date_before_opening_is_refused(run, provider):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    row = f"OPP9,E09000025,Corner Café,Helper,employed,yes,10,,,,,,{yesterday:%d/%m/%Y}"
    result = run(csv_text(HEADER, row))
    assert result.err[0] == (
        f"{result.file}:2: closes_on: is before the opportunity opens (today), "
        f"{timezone.localdate():%d/%m/%Y}"
    )


def test_unpaid_with_a_stored_hourly_pay_asks_for_the_pay_to_be_cleared(run, provider):
    run(csv_text(HEADER, CAFE))
    result = run(
        csv_text(REQUIRED, "OPP1,E09000025,Green Leaf Café,Café assistant,work_trial,no,16")
    )
    assert result.err[0] == (
        f"{result.file}:2: paid: an unpaid opportunity has no hourly pay, but £12.60 is "
        "stored; add an hourly_pay column with a blank cell to remove it"
    )
    fixed = run(
        csv_text(
            REQUIRED + ",hourly_pay",
            "OPP1,E09000025,Green Leaf Café,Café assistant,work_trial,no,16,",
        )
    )
    assert fixed.last == "imported: 0 created, 1 updated, 0 unchanged"
    assert Opportunity.objects.get().hourly_pay is None


def test_a_tag_new_to_the_vocabulary_is_added_and_is_the_one_profiles_use(run, provider):
    """Profiles and opportunities share one vocabulary, so matching compares like with
    like: a tag a profiles import added is the same tag here, and a new one is added."""
    person = PersonFactory(authority=provider.teams.get().authority, person_ref="C1")
    profiles = importing.run_import(
        importing.kinds()["profiles"],
        "profiles.csv",
        b"authority,person_ref,interests\nE09000025,C1,Knitting\n",
    )
    assert profiles.ok, profiles.problems
    assert profiles.addition_lines() == ["added to the interest vocabulary: knitting"]
    result = run(
        csv_text(HEADER, CAFE.replace("catering;customer_service", "knitting;Bee keeping"))
    )
    assert result.out[-2:] == [
        "added to the interest vocabulary: bee_keeping",
        "imported: 1 created, 0 updated, 0 unchanged",
    ]
    knitting = InterestTag.objects.get(profiles__person=person)
    assert sorted(Opportunity.objects.get().tags.all(), key=str) == [
        InterestTag.objects.get(code="bee_keeping"),
        knitting,
    ]


def test_the_same_reference_twice_is_an_error(run, provider):
    result = run(csv_text(HEADER, CAFE, GARDEN.replace("OPP2", "OPP1")))
    assert result.err[0] == (
        f"{result.file}:3: opportunity_ref: OPP1 is also on line 2; "
        "each record may appear only once"
    )


def test_unknown_and_missing_columns_are_errors(run, provider):
    result = run(csv_text("opportunity_ref,authority,employer,title,kind,paid,salary", "x"))
    assert result.err[0].startswith(
        f"{result.file}:1: salary: unknown column; the columns for opportunities are "
        "opportunity_ref, authority, employer, title,"
    )
    assert result.err[1] == f"{result.file}:1: hours_per_week: required column is missing"


def test_an_opportunity_keeps_its_authority(run, provider):
    OpportunityFactory(
        opportunity_ref="OPP1", authority=AuthorityFactory(code="E09000030", name="Tower Hamlets")
    )
    result = run(csv_text(HEADER, CAFE))
    assert result.err[0] == (
        f"{result.file}:2: authority: OPP1 is an opportunity for Tower Hamlets; an "
        "opportunity's authority cannot change (give the new one its own reference)"
    )


def test_one_bad_row_means_nothing_is_written(run, provider):
    bad = GARDEN.replace("OPP2", "OPP3").replace(",8.5,", ",eighty,")
    result = run(csv_text(HEADER, CAFE, GARDEN, bad))
    assert result.status == 1
    assert result.err == [
        f"{result.file}:4: hours_per_week: 'eighty' is not a number of hours with at most "
        "one decimal place, like 16.5",
        "1 errors, nothing imported",
    ]
    assert not Opportunity.objects.exists()
    assert not Employer.objects.exists()


def test_an_admin_imports_only_within_their_remit(provider):
    other = AuthorityFactory(code="E09000030", name="Tower Hamlets")
    outcome = importing.run_import(
        importing.kinds()["opportunities"],
        "opportunities.csv",
        csv_text(HEADER, CAFE).encode(),
        authority_ids=frozenset({other.pk}),
    )
    assert outcome.problem_lines() == [
        "opportunities.csv:2: authority: you are not an administrator for Newham"
    ]
    assert not Opportunity.objects.exists()


# --- finding the employer -------------------------------------------------------------


def test_a_new_employer_named_by_several_rows_is_created_once(run, provider):
    result = run(
        csv_text(
            HEADER,
            "OPP1,E09000025,Acme Stores,Shelf stacker,employed,yes,16,11.44,,,,,",
            "OPP2,E09000025,ACME STORES,Till assistant,employed,yes,20,11.44,,,,,",
            "OPP3,E09000025,acme stores,Warehouse helper,work_trial,no,10,,,,,,",
        )
    )
    assert result.last == "imported: 3 created, 0 updated, 0 unchanged"
    employer = Employer.objects.get()
    assert employer.name == "Acme Stores"  # as the first row names it
    assert employer.organisation == provider
    assert set(employer.opportunities.values_list("opportunity_ref", flat=True)) == {
        "OPP1",
        "OPP2",
        "OPP3",
    }


def test_an_employer_is_matched_whatever_its_letter_case(run, provider):
    known = EmployerFactory(name="GREEN LEAF CAFÉ", organisation=provider)
    # The same name on the list of a provider working elsewhere is a different employer.
    elsewhere = TeamFactory(authority=AuthorityFactory(code="E09000030", name="Tower Hamlets"))
    EmployerFactory(name="Green Leaf Café", organisation=elsewhere.organisation)
    result = run(csv_text(HEADER, CAFE))
    assert result.last == "imported: 1 created, 0 updated, 0 unchanged"
    assert Opportunity.objects.get().employer == known
    assert Employer.objects.count() == 2


def test_a_new_employer_needs_to_know_which_provider_when_several_work_there(
    run, provider, second_provider
):
    result = run(csv_text(HEADER, CAFE))
    assert result.status == 1
    assert result.err[0] == (
        f"{result.file}:2: employer: 'Green Leaf Café' is not on an employer list yet, and "
        "several providers work for Newham: run the import as a member of the provider it "
        f"belongs to (--as EMAIL) (the providers: Ability Works, {provider.name})"
    )
    assert not Employer.objects.exists()

    member = staff(Role.EMPLOYMENT_SPECIALIST, second_provider.teams.get(), email="aw@example.org")
    result = run(csv_text(HEADER, CAFE), "--as", member.email)
    assert result.last == "imported: 1 created, 0 updated, 0 unchanged"
    assert Employer.objects.get().organisation == second_provider


def test_the_same_name_on_two_providers_lists_prefers_the_importers_provider(
    run, provider, second_provider, coach
):
    EmployerFactory(name="Green Leaf Café", organisation=provider)
    theirs = EmployerFactory(name="green leaf café", organisation=second_provider)
    result = run(csv_text(HEADER, CAFE))
    assert result.err[0] == (
        f"{result.file}:2: employer: several providers working for Newham have an employer "
        "called 'Green Leaf Café': run the import as a member of the provider it belongs to "
        f"(--as EMAIL) (the providers: Ability Works, {provider.name})"
    )
    member = staff(Role.TEAM_MANAGER, second_provider.teams.get(), email="aw@example.org")
    result = run(csv_text(HEADER, CAFE), "--as", member.email)
    assert result.status == 0, result.err
    assert Opportunity.objects.get().employer == theirs
    # Once imported, the opportunity keeps its employer whoever imports it again.
    again = run(csv_text(HEADER, CAFE), "--as", coach.email)
    assert again.last == "imported: 0 created, 0 updated, 1 unchanged"


def test_no_provider_working_for_the_authority_is_a_problem(run, authority):
    result = run(csv_text(HEADER, CAFE))
    assert result.err[0] == (
        f"{result.file}:2: employer: 'Green Leaf Café' is not on any employer list, and no "
        "provider has a team working for Newham to add it to; import the provider's teams first"
    )


# --- files, dry runs and the audit trail ----------------------------------------------


def test_an_xlsx_workbook_is_read_like_a_csv(run, provider):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            "OPP1",
            "E09000025",
            "Green Leaf Café",
            "Café assistant",
            "employed",
            True,
            16.5,
            12.6,
            51.5416,
            0.0081,
            2,
            "catering;customer_service",
            dt.datetime(2099, 3, 31),
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(buffer.getvalue(), name="opportunities.xlsx")
    assert result.status == 0, result.err
    assert result.last == "imported: 1 created, 0 updated, 0 unchanged"
    cafe = Opportunity.objects.get()
    assert (cafe.paid, cafe.hours_per_week, cafe.hourly_pay, cafe.places) == (
        True,
        Decimal("16.5"),
        Decimal("12.60"),
        2,
    )
    assert cafe.latitude == Decimal("51.5416") and cafe.closes_on == dt.date(2099, 3, 31)
    # The same data as CSV is the same import.
    assert run(csv_text(HEADER, CAFE.replace(",16,", ",16.5,"))).last == (
        "imported: 0 created, 0 updated, 1 unchanged"
    )


def test_a_dry_run_writes_nothing(run, provider):
    result = run(csv_text(HEADER, CAFE, GARDEN), "--dry-run")
    assert result.status == 0, result.err
    assert result.out == [
        f"{result.file}:2: create OPP1",
        f"{result.file}:3: create OPP2",
        "dry run: would import: 2 created, 0 updated, 0 unchanged",
    ]
    assert not Opportunity.objects.exists()
    assert not Employer.objects.exists()
    assert not import_entries().exists()


def test_the_import_is_in_the_audit_trail_with_its_records(run, provider, coach):
    content = csv_text(HEADER, CAFE)
    result = run(content, "--as", coach.email)
    assert result.status == 0, result.err
    entry = import_entries().get()
    assert entry.actor == coach
    assert entry.additional_data["kind"] == "opportunities"
    assert entry.additional_data["file_name"] == "opportunities.csv"
    assert entry.additional_data["sha256"] == hashlib.sha256(content.encode()).hexdigest()
    assert entry.additional_data["counts"] == {"created": 1, "updated": 0, "unchanged": 0}
    opportunity = Opportunity.objects.get()
    for record in (opportunity, opportunity.employer):
        created = LogEntry.objects.get_for_object(record).get(action=LogEntry.Action.CREATE)
        assert created.actor == coach and created.cid == entry.cid


def test_a_refused_import_is_in_the_audit_trail(run, provider):
    run(csv_text(HEADER, CAFE.replace("employed", "gig")))
    entry = import_entries().get()
    assert entry.additional_data["outcome"] == "refused"
    assert entry.additional_data["errors"] == 1


def test_checking_a_file_takes_the_same_queries_however_many_rows(provider):
    def rows(n: int) -> bytes:
        lines = [
            f"OPP{i},E09000025,Employer {i % 4},Helper,employed,yes,16,,,,,retail,"
            for i in range(n)
        ]
        return csv_text(HEADER, *lines).encode()

    kind = importing.kinds()["opportunities"]
    importing.run_import(kind, "a.csv", rows(5))  # some of them known, the rest new

    def queries(n: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            outcome = importing.run_import(kind, "a.csv", rows(n), dry_run=True)
        assert outcome.ok, outcome.problem_lines()
        return len(captured)

    assert queries(40) == queries(8)
