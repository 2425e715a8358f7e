"""GET and POST /api/v1/targets: an authority's targets and comparators, read and
recorded by its commissioners and admins through the page's service; everyone else
refused."""

# ruff: noqa: F811  (the commissioning fixtures, imported by name, are parameters here)

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pathways.commissioning import targets
from pathways.commissioning.models import AuthorityTarget
from pathways.core.models import Role
from tests.api.conftest import client_for
from tests.commissioning.conftest import (  # noqa: F401  (fixtures)
    commissioner,
    elsewhere,
    other_commissioner,
)
from tests.factories import staff

pytestmark = pytest.mark.django_db

YEAR = dt.date(2026, 3, 31)
URL = "/api/v1/targets"


def figure(**kw) -> dict:
    return {
        "authority": "E09000025",
        "measure": "job_starts",
        "kind": "target",
        "year_ending": "2026-03-31",
        "value": "120",
        "label": "Our target",
        **kw,
    }


def keep(user, authority, **kw) -> AuthorityTarget:
    fields = {
        "measure": "job_starts",
        "kind": "target",
        "year_ending": YEAR,
        "value": Decimal("120"),
        "label": "Our target",
        **kw,
    }
    return targets.record_target(user, authority, **fields)


def test_a_commissioner_records_a_figure_and_changes_its_value(commissioner, authority):
    api = client_for(commissioner)
    answer = api.post(URL, figure(), content_type="application/json")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body == {
        "id": body["id"],
        "authority": "E09000025",
        "measure": "job_starts",
        "kind": "target",
        "year_ending": "2026-03-31",
        "value": "120.00",
        "label": "Our target",
    }
    again = api.post(URL, figure(value="135.5"), content_type="application/json")
    assert again.json()["id"] == body["id"] and again.json()["value"] == "135.50"
    kept = AuthorityTarget.objects.get()
    assert kept.value == Decimal("135.50")
    assert LogEntry.objects.get_for_object(kept).count() == 2  # on the trail, as on the page


def test_an_admin_of_the_authority_records_too(team):
    admin = staff(Role.ADMIN, team, email="admin@example.org")
    answer = client_for(admin).post(URL, figure(), content_type="application/json")
    assert answer.status_code == 200
    assert AuthorityTarget.objects.filter(authority=team.authority).exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"year_ending": "2026-04-01"}, "year_ending", "is not a 31 March"),
        ({"measure": "employment_rate_ld", "value": "101"}, "value", "100 or less"),
        ({"label": "  "}, "label", "say what the figure is"),
        ({"authority": "E0000NOPE"}, "authority", "no authority with the code"),
        ({"value": "-1"}, "value", "must not be negative"),
    ],
)
def test_a_bad_figure_is_refused_naming_its_field(commissioner, change, field, message):
    answer = client_for(commissioner).post(URL, figure(**change), content_type="application/json")
    assert answer.status_code == 422
    assert message in answer.json()["errors"][field]
    assert not AuthorityTarget.objects.exists()


def test_the_list_filters_by_measure_and_year(commissioner, authority):
    keep(commissioner, authority)
    keep(commissioner, authority, year_ending=dt.date(2025, 3, 31), value=Decimal("100"))
    keep(
        commissioner,
        authority,
        measure="employment_rate_ld",
        kind="comparator",
        value=Decimal("4.8"),
        label="England (ASCOF 1E)",
    )
    api = client_for(commissioner)
    every = api.get(URL).json()
    assert every["count"] == 3
    starts = api.get(f"{URL}?measure=job_starts").json()["items"]
    assert [(t["year_ending"], t["value"]) for t in starts] == [
        ("2025-03-31", "100.00"),
        ("2026-03-31", "120.00"),
    ]
    year = api.get(f"{URL}?measure=job_starts&year_ending=2026-03-31").json()["items"]
    assert [(t["label"], t["value"]) for t in year] == [("Our target", "120.00")]
    assert api.get(f"{URL}?authority=E09000025").json()["count"] == 3
    assert api.get(f"{URL}?measure=knitting").status_code == 422


def test_another_authoritys_commissioner_neither_reads_nor_records(
    commissioner, authority, other_commissioner, elsewhere
):
    keep(commissioner, authority)
    theirs = keep(other_commissioner, elsewhere, label="Tower Hamlets target")
    api = client_for(other_commissioner)
    listed = api.get(URL).json()["items"]
    assert [t["id"] for t in listed] == [theirs.pk]
    assert api.get(f"{URL}?authority=E09000025").json()["items"] == []
    refused = api.post(URL, figure(value="1"), content_type="application/json")
    assert refused.status_code == 403
    assert "commissioners and admins" in refused.json()["detail"]
    assert AuthorityTarget.objects.get(authority=authority).value == Decimal("120")


def test_a_coach_is_refused_both_ways(coach, commissioner, authority):
    keep(commissioner, authority)
    api = client_for(coach)
    assert api.get(URL).status_code == 403
    refused = api.post(URL, figure(value="1"), content_type="application/json")
    assert refused.status_code == 403
    assert AuthorityTarget.objects.get().value == Decimal("120")


def test_anonymous_is_refused_both_ways(anonymous, commissioner, authority):
    keep(commissioner, authority)
    assert anonymous.get(URL).status_code == 401
    assert anonymous.post(URL, figure(), content_type="application/json").status_code == 401


@pytest.mark.parametrize("years", [1, 8])
def test_the_list_takes_the_same_queries_for_few_or_many_figures(commissioner, authority, years):
    for year in range(2026 - years, 2026):
        keep(commissioner, authority, year_ending=dt.date(year, 3, 31))
    api = client_for(commissioner)
    with CaptureQueriesContext(connection) as queries:
        assert api.get(URL).json()["count"] == years
    # the token with its owner, its last use, the owner's roles, the count and the page
    assert len(queries) == 5
