"""An authority's targets and comparators: who may keep them, the import, and the
employment-rate page showing them on its trend."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from pathways.commissioning import targets
from pathways.commissioning.models import AuthorityTarget
from pathways.core.errors import ActionRefused
from pathways.core.models import Role
from tests.factories import AuthorityFactory, TeamFactory, staff
from tests.imports.conftest import csv_text, run, write_file  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

YEAR = dt.date(2026, 3, 31)
PAGE = "/commissioning/targets/"
RATE_PAGE = "/reports/employment-rate/?on_0=31&on_1=3&on_2=2026"
TREND = "/reports/employment-rate/trend.svg?on_0=31&on_1=3&on_2=2026"
HEADER = "authority,measure,kind,year_ending,value,label"


@pytest.fixture
def commissioner(team):
    return staff(Role.COMMISSIONER, team, email="commissioner@example.org")


@pytest.fixture
def elsewhere_commissioner():
    team = TeamFactory(authority=AuthorityFactory(code="E09000001"))
    return staff(Role.COMMISSIONER, team, email="elsewhere@example.org")


def record(user, authority, **kw) -> AuthorityTarget:
    fields = {
        "measure": "employment_rate_ld",
        "kind": "comparator",
        "year_ending": YEAR,
        "value": Decimal("4.80"),
        "label": "England (ASCOF 1E)",
        **kw,
    }
    return targets.record_target(user, authority, **fields)


# --- the service ------------------------------------------------------------------------


def test_a_commissioner_records_and_changes_a_figure_on_the_trail(commissioner, authority):
    figure = record(commissioner, authority)
    again = record(commissioner, authority, value=Decimal("5.10"))
    assert again.pk == figure.pk
    assert AuthorityTarget.objects.get().value == Decimal("5.10")
    assert LogEntry.objects.get_for_object(figure).count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"year_ending": dt.date(2026, 4, 1)}, "year_ending: 2026-04-01 is not a 31 March"),
        ({"value": Decimal("101")}, "value: a percentage must be 100 or less"),
        ({"label": "  "}, "label: say what the figure is"),
    ],
)
def test_bad_figures_are_refused_naming_the_field(commissioner, authority, change, message):
    with pytest.raises(ActionRefused, match=message):
        record(commissioner, authority, **change)
    assert not AuthorityTarget.objects.exists()


def test_a_coach_may_not_record_a_figure(coach, authority):
    with pytest.raises(PermissionDenied):
        record(coach, authority)
    assert not AuthorityTarget.objects.exists()


def test_another_authoritys_commissioner_may_not_record_or_remove(
    elsewhere_commissioner, commissioner, authority
):
    with pytest.raises(PermissionDenied):
        record(elsewhere_commissioner, authority)
    figure = record(commissioner, authority)
    with pytest.raises(PermissionDenied):
        targets.remove_target(elsewhere_commissioner, figure)
    assert AuthorityTarget.objects.filter(pk=figure.pk).exists()


# --- the page ---------------------------------------------------------------------------


def test_the_page_lists_adds_and_removes(client, commissioner, authority):
    client.force_login(commissioner)
    response = client.post(
        PAGE,
        {
            "authority": authority.pk,
            "measure": "employment_rate_ld",
            "kind": "target",
            "year_ending": "2026-03-31",
            "value": "7.5",
            "label": "Our target",
        },
    )
    assert response.status_code == 302
    listed = client.get(PAGE).content.decode()
    assert "Our target" in listed and "7.50" in listed
    figure = AuthorityTarget.objects.get()
    assert client.post(f"{PAGE}{figure.pk}/remove/").status_code == 302
    assert not AuthorityTarget.objects.exists()


def test_the_page_names_the_field_in_error(client, commissioner, authority):
    client.force_login(commissioner)
    response = client.post(PAGE, {"authority": authority.pk, "value": "x"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter the value as a number" in html and "Enter a label" in html


def test_a_coach_is_refused_the_page(client, coach):
    client.force_login(coach)
    assert client.get(PAGE).status_code == 403


def test_another_authoritys_commissioner_sees_nothing_and_cannot_remove(
    client, commissioner, elsewhere_commissioner, authority
):
    figure = record(commissioner, authority, label="London average")
    client.force_login(elsewhere_commissioner)
    assert "London average" not in client.get(PAGE).content.decode()
    assert client.post(f"{PAGE}{figure.pk}/remove/").status_code == 404
    # and may not add one for an authority they do not commission for
    response = client.post(
        PAGE,
        {
            "authority": authority.pk,
            "measure": "employment_rate_ld",
            "kind": "target",
            "year_ending": "2026-03-31",
            "value": "7.5",
            "label": "Sneaky",
        },
    )
    assert response.status_code == 400
    assert AuthorityTarget.objects.count() == 1


def test_the_page_lists_in_a_fixed_number_of_queries(
    client, commissioner, authority, django_assert_max_num_queries
):
    for year in range(2020, 2026):
        record(commissioner, authority, year_ending=dt.date(year, 3, 31))
    client.force_login(commissioner)
    client.get(PAGE)
    with django_assert_max_num_queries(12):
        assert client.get(PAGE).status_code == 200


# --- the import --------------------------------------------------------------------------


def test_the_import_records_figures_and_names_bad_rows(run, authority):  # noqa: F811
    result = run(
        "targets",
        csv_text(
            HEADER,
            "E09000025,employment_rate_ld,comparator,2026-03-31,4.8,England (ASCOF 1E)",
            "E09000025,job_starts,target,31/03/2026,120,Our target",
        ),
    )
    assert result.status == 0, result.err
    assert AuthorityTarget.objects.count() == 2
    bad = run(
        "targets",
        csv_text(
            HEADER,
            "E09000025,employment_rate_mh,target,2026-04-30,5,Our target",
            "E09000025,employment_rate_mh,target,2026-03-31,150,Our target",
        ),
    )
    assert bad.err[0] == (
        f"{bad.file}:2: year_ending: 2026-04-30 is not a 31 March (a financial year's last day)"
    )
    assert bad.err[1] == f"{bad.file}:3: value: a percentage must be 100 or less"
    assert AuthorityTarget.objects.count() == 2


# --- the employment-rate report ----------------------------------------------------------


def test_the_employment_rate_page_shows_a_target_on_the_trend(
    client, manager, commissioner, authority
):
    record(commissioner, authority, kind="target", label="Our target", value=Decimal("7.50"))
    record(commissioner, authority, year_ending=dt.date(2025, 3, 31), value=Decimal("4.80"))
    client.force_login(manager)
    html = client.get(RATE_PAGE).content.decode()
    assert "Targets and comparators on the trend" in html
    assert "Our target" in html and "7.50%" in html
    assert "England (ASCOF 1E)" in html and "4.80%" in html
    svg = client.get(TREND).content.decode()
    assert "Our target: 7.5%" in svg


def test_the_command_json_carries_the_years_figures(commissioner, authority):
    record(commissioner, authority, kind="target", label="Our target", value=Decimal("7.50"))
    record(commissioner, authority, year_ending=dt.date(2025, 3, 31))  # another year
    out = StringIO()
    call_command("report", "employment-rate", "--year", "2025-26", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["targets"] == [
        {
            "authority": "E09000025",
            "measure": "employment_rate_ld",
            "cohort": "learning_disability",
            "kind": "target",
            "year_ending": "2026-03-31",
            "value": "7.50",
            "label": "Our target",
        }
    ]


def test_the_reports_page_links_to_targets_for_commissioners_only(client, commissioner, manager):
    client.force_login(commissioner)
    assert PAGE in client.get("/reports/").content.decode()
    client.force_login(manager)
    assert PAGE not in client.get("/reports/").content.decode()
