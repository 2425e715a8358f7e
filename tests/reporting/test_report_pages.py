"""The outcome report pages: employment rate (with its trend by quarter), job outcomes
and care cost savings; their charts, their row exports, who may see them, and the
queries they make."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pathways.core.charts import CHART_CSP
from pathways.core.models import Membership, Role
from pathways.people.models import Person
from pathways.reporting import outcomes as reports
from pathways.reporting import periods
from pathways.reporting.catalogue import savings_summary
from pathways.reporting.exports import rows_csv
from tests.factories import AuthorityFactory, TeamFactory, staff
from tests.reporting.test_outcome_reports import cost, ld, mh, place

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 3, 31)
START, END = dt.date(2025, 4, 1), dt.date(2026, 3, 31)
ON_QUERY = "on_0=31&on_1=3&on_2=2026"
PERIOD_QUERY = "start_0=1&start_1=4&start_2=2025&end_0=31&end_1=3&end_2=2026"

PAGES = {
    "employment-rate": f"/reports/employment-rate/?{ON_QUERY}",
    "outcomes": f"/reports/outcomes/?{PERIOD_QUERY}",
    "savings": f"/reports/savings/?{PERIOD_QUERY}",
}
CHARTS = {
    "employment-rate": f"/reports/employment-rate/chart.svg?{ON_QUERY}",
    "trend": f"/reports/employment-rate/trend.svg?{ON_QUERY}",
    "outcomes": f"/reports/outcomes/chart.svg?{PERIOD_QUERY}",
    "years": f"/reports/outcomes/years.svg?{PERIOD_QUERY}",
    "savings": f"/reports/savings/chart.svg?{PERIOD_QUERY}",
}
EXPORTS = {
    "employment-rate": f"/reports/employment-rate/rows.csv?{ON_QUERY}",
    "outcomes": f"/reports/outcomes/rows.csv?{PERIOD_QUERY}",
    "savings": f"/reports/savings/rows.csv?{PERIOD_QUERY}",
}
EVERY_URL = ["/reports/", *PAGES.values(), *CHARTS.values(), *EXPORTS.values()]


#: Given and family names of the people ``people`` makes, found nowhere else.
NAMES = (("Ysoldine", "Zyxwarden"), ("Quennabel", "Vortlethwaite"), ("Thaddeo", "Gryceworthy"))


def people(authority, count: int, first: int = 0) -> list:
    """People numbered ``first``.. : even numbers in the learning disability cohort, odd
    in the secondary mental health one; two in three in a paid job of 20 hours a week
    since 1 May 2025; everyone's weekly care cost £500 from 2024, £300 from June 2025.

    For 3 people: learning disability 1 of 2 in work, mental health 1 of 1; 2 job
    starts, 2 sustained 13 and 26 weeks, none 52; savings for 2 people, £1,000.00 a
    week before and £600.00 now, £20,800.00 a year.

    Their names are found nowhere else on a page or in an export, so "no name is shown"
    cannot pass or fail by chance (a random "Price" or "Hall" could match a label).
    """
    made = []
    for i in range(first, first + count):
        build = ld if i % 2 == 0 else mh
        given, family = NAMES[i % len(NAMES)]
        person = build(authority, person_ref=f"PR{i:03d}", given_name=given, family_name=family)
        cost(person, dt.date(2024, 1, 1), "500.00")
        cost(person, dt.date(2025, 6, 1), "300.00")
        if i % 3 != 2:
            place(person, dt.date(2025, 5, 1))
        made.append(person)
    return made


@pytest.fixture
def commissioner(authority):
    return staff(Role.COMMISSIONER, TeamFactory(authority=authority), email="comm@example.org")


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


# --- the index and the menu -----------------------------------------------------------


def test_index_lists_the_four_reports_and_the_menu_links_to_it(client, manager):
    client.force_login(manager)
    html = client.get("/reports/").content.decode()
    for url in ("/reports/employment-rate/", "/reports/outcomes/", "/reports/savings/"):
        assert f'href="{url}"' in html
    assert 'href="/reports/caseload/"' in html
    assert '<a class="govuk-service-navigation__link" href="/reports/" aria-current="page">' in html


def test_the_menu_has_no_reports_for_a_coach(client, coach):
    client.force_login(coach)
    assert 'href="/reports/"' not in client.get("/").content.decode()


# --- who may see them -----------------------------------------------------------------


@pytest.mark.parametrize("url", EVERY_URL)
def test_a_coach_without_report_access_is_refused(client, coach, url):
    client.force_login(coach)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", EVERY_URL)
def test_someone_signed_out_is_sent_to_sign_in(client, authority, url):
    response = client.get(url)
    assert response.status_code == 302
    assert f"?next={url.split('?')[0]}" in response["Location"]


def test_only_the_authorities_a_user_reports_on_are_offered(client, manager, authority):
    elsewhere = AuthorityFactory(name="Elsewhere")
    TeamFactory(authority=elsewhere)
    client.force_login(manager)
    response = client.get("/reports/employment-rate/")
    assert [a.code for a in response.context["chosen"]] == [authority.code]
    assert "Elsewhere" not in response.content.decode()
    refused = client.get(f"/reports/employment-rate/?authority={elsewhere.code}")
    assert refused.status_code == 400
    assert "Select one of the options shown." in refused.content.decode()
    chart = client.get(f"/reports/employment-rate/chart.svg?authority={elsewhere.code}")
    assert chart.status_code == 400


def test_one_authority_of_several(client, authority, settings):
    # which authorities are counted, not how small numbers are shown (test_small_numbers)
    settings.PATHWAYS_SMALL_NUMBER_THRESHOLD = 0
    other = AuthorityFactory(name="Other Borough")
    commissioner = staff(Role.COMMISSIONER, TeamFactory(authority=authority))
    Membership.objects.create(
        user=commissioner, team=TeamFactory(authority=other), role=Role.COMMISSIONER
    )
    people(authority, 3)
    people(other, 1, first=10)
    client.force_login(commissioner)
    both = client.get(f"/reports/outcomes/?{PERIOD_QUERY}")
    assert both.context["data"]["authorities"] == sorted([authority.code, other.code])
    assert both.context["data"]["job_starts"] == 3
    one = client.get(f"/reports/outcomes/?authority={other.code}&{PERIOD_QUERY}")
    assert one.context["data"] == reports.outcomes([other], START, END)
    assert one.context["data"]["job_starts"] == 1


# --- the figures ----------------------------------------------------------------------


def test_employment_rate_page_shows_the_reports_numbers(client, manager, authority):
    people(authority, 3)
    client.force_login(manager)
    response = client.get(PAGES["employment-rate"])
    assert response.status_code == 200
    expected = reports.employment_rate([authority], ON)
    assert response.context["rate"] == expected
    assert expected["learning_disability"]["percent"] == 50.0
    html = response.content.decode()
    assert "In paid work on 31 March 2026" in html
    assert '<th scope="row" class="govuk-table__header">Learning disability</th>' in html
    assert "50.0%" in html and "100.0%" in html
    # by need group, from the same rows
    by_need = {(line.cohort, line.need): line for line in response.context["by_need"]}
    assert by_need["learning_disability", "learning_disability"].numerator == 1
    assert by_need["learning_disability", "learning_disability"].denominator == 2
    assert by_need["secondary_mental_health", "mental_health"].percent == 100.0
    assert "Secondary mental health: Mental health" in html


def test_employment_rate_by_need_adds_up_to_the_cohorts(client, manager, authority):
    people(authority, 7)
    mh(authority, person_ref="MHLD", primary_support_reason="physical")
    mh(authority, person_ref="BLANK", primary_support_reason="")
    client.force_login(manager)
    response = client.get(PAGES["employment-rate"])
    rate = response.context["rate"]
    for cohort in reports.COHORTS:
        lines = [line for line in response.context["by_need"] if line.cohort == cohort]
        assert sum(line.denominator for line in lines) == rate[cohort]["denominator"]
        assert sum(line.numerator for line in lines) == rate[cohort]["numerator"]
    needs = {line.need for line in response.context["by_need"]}
    assert {"physical", "unknown"} <= needs
    assert "Not recorded" in response.content.decode()


def test_trend_shows_the_last_8_quarter_ends(client, manager, authority):
    people(authority, 3)
    client.force_login(manager)
    response = client.get(PAGES["employment-rate"])
    trend = response.context["trend"]
    assert [day for day, _ in trend] == [
        dt.date(2024, 6, 30),
        dt.date(2024, 9, 30),
        dt.date(2024, 12, 31),
        dt.date(2025, 3, 31),
        dt.date(2025, 6, 30),
        dt.date(2025, 9, 30),
        dt.date(2025, 12, 31),
        dt.date(2026, 3, 31),
    ]
    for day, points in trend:
        expected = reports.employment_rate([authority], day)
        assert points == [expected[c] for c in reports.COHORTS]
    # nobody was in work before the jobs started on 1 May 2025
    assert trend[3][1][0]["numerator"] == 0 and trend[4][1][0]["numerator"] == 1
    html = response.content.decode()
    assert "30 June 2024" in html and "50.0% (1 of 2)" in html


def test_trend_from_a_date_between_quarter_ends(client, manager, authority):
    client.force_login(manager)
    response = client.get("/reports/employment-rate/?on_0=15&on_1=5&on_2=2026")
    days = [day for day, _ in response.context["trend"]]
    assert len(days) == 8 and days[-1] == dt.date(2026, 3, 31) and days[0] == dt.date(2024, 6, 30)
    assert response.context["on"] == dt.date(2026, 5, 15)


def test_employment_rate_by_financial_year_and_default(client, manager, authority):
    client.force_login(manager)
    assert client.get("/reports/employment-rate/?year=2024-25").context["on"] == dt.date(
        2025, 3, 31
    )
    default = client.get("/reports/employment-rate/").context["on"]
    assert default == periods.last_year_end(timezone.localdate())
    both = client.get(f"/reports/employment-rate/?year=2024-25&{ON_QUERY}")
    assert both.status_code == 400
    assert "Choose a financial year or give a date, not both" in both.content.decode()
    bad = client.get("/reports/employment-rate/?on_0=31&on_1=2&on_2=2026")
    assert bad.status_code == 400
    assert "The reporting date must be a real date" in bad.content.decode()


def test_outcomes_page_shows_the_reports_numbers(client, manager, authority):
    people(authority, 3)
    client.force_login(manager)
    response = client.get(PAGES["outcomes"])
    expected = reports.outcomes([authority], START, END)
    assert response.context["data"] == expected
    assert (expected["job_starts"], expected["sustained_13_weeks"]) == (2, 2)
    html = response.content.decode()
    assert "1 April 2025 to 31 March 2026" in html
    assert '<th scope="row" class="govuk-table__header">Learning disability</th>' in html
    assert '<th scope="row" class="govuk-table__header">All need groups</th>' in html
    assert '<th scope="col" class="govuk-table__header govuk-table__header--numeric">' in html


def test_outcomes_default_to_the_last_12_months(client, manager, authority):
    client.force_login(manager)
    response = client.get("/reports/outcomes/")
    today = timezone.localdate()
    assert (response.context["start"], response.context["end"]) == periods.last_twelve_months(today)
    backwards = client.get(
        "/reports/outcomes/?start_0=2&start_1=4&start_2=2025&end_0=1&end_1=4&end_2=2025"
    )
    assert backwards.status_code == 400
    assert "The first day must be on or before the last day" in backwards.content.decode()


def test_savings_page_shows_the_reports_numbers(client, manager, authority):
    people(authority, 3)
    client.force_login(manager)
    response = client.get(PAGES["savings"])
    expected = savings_summary([authority], START, END)
    assert response.context["data"] == expected
    assert expected["annual_saving"] == "20800.00"
    html = response.content.decode()
    assert "£1,000.00" in html and "£600.00" in html and "£20,800.00" in html


# --- charts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "labels"),
    [
        ("employment-rate", ["Learning disability", "50.0% (1 of 2 people)"]),
        ("trend", ["Jun", "2024", "Mar", "2026", "50.0%", "100.0%"]),
        ("outcomes", ["Job starts: 2", "In work at 13 weeks: 2", "Mental health"]),
        ("savings", ["£1,000.00 a week", "£600.00 a week", "saving of £20,800.00 a year"]),
    ],
)
def test_chart_urls_answer_svg_with_the_figures_labels(client, manager, authority, name, labels):
    people(authority, 3)
    client.force_login(manager)
    response = client.get(CHARTS[name])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"] == CHART_CSP
    svg = response.content.decode()
    assert svg.startswith("<?xml") and "<svg" in svg
    for label in labels:
        assert label in svg


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_show_charts_as_images_with_alt_text_and_keep_the_strict_policy(
    client, manager, authority, name
):
    people(authority, 3)
    client.force_login(manager)
    response = client.get(PAGES[name])
    html = response.content.decode()
    assert "<svg" not in html
    chart = CHARTS[name].split("?")[0]
    assert f'<img class="govuk-!-width-full" src="{chart}?authority=' in html
    alt = response.context["chart_alt"]
    assert f'alt="{alt}"' in html
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_employment_rate_alt_text_summarises_the_chart(client, manager, authority):
    people(authority, 3)
    client.force_login(manager)
    response = client.get(PAGES["employment-rate"])
    assert response.context["chart_alt"] == (
        "Bar chart of the percentage of each cohort in paid work on 31 March 2026. "
        "Learning disability: 50.0% (1 of 2 people); "
        "secondary mental health: 100.0% (1 of 1 person)."
    )
    assert response.context["trend_alt"].startswith(
        "Line chart of the percentage in paid work at the 8 quarter ends from 30 June 2024 "
        "to 31 March 2026."
    )


# --- row exports ----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(EXPORTS))
def test_a_commissioners_export_has_pseudonyms_not_names_or_references(
    client, commissioner, authority, name
):
    listed = people(authority, 3)
    client.force_login(commissioner)
    response = client.get(EXPORTS[name])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{name}-rows-')
    body = response.content.decode()
    rows = rows_of(response)
    assert rows
    for person in listed:
        assert person.person_ref not in body
        assert person.family_name not in body
        assert person.given_name not in body
    aliases = {reports.pseudonym(authority.code, p.person_ref) for p in listed}
    assert {r["person_ref"] for r in rows} <= aliases
    assert all(r["name"] == r["person_ref"] for r in rows)
    entries = LogEntry.objects.filter(additional_data__channel="export")
    assert entries.count() == len({r["person_ref"] for r in rows})
    assert {e.additional_data["what"] for e in entries} == {
        f"{name.replace('-', ' ')} report rows (pseudonymised)"
    }
    assert {e.actor_id for e in entries} == {commissioner.pk}


def test_a_managers_export_is_pseudonymised_as_the_command_line_does(client, manager, authority):
    """A team manager sees the people their team works with, not every resident the
    report counts, so their rows are pseudonymised like ``pathways report --as``."""
    listed = people(authority, 3)
    client.force_login(manager)
    body = client.get(EXPORTS["savings"]).content.decode()
    assert listed[0].person_ref not in body
    assert reports.pseudonym(authority.code, listed[0].person_ref) in body


@pytest.mark.parametrize("name", list(EXPORTS))
def test_an_intake_officers_export_has_references_and_is_audited(client, intake, authority, name):
    listed = people(authority, 3)
    client.force_login(intake)
    rows = rows_of(client.get(EXPORTS[name]))
    refs = {r["person_ref"] for r in rows}
    assert refs and refs <= {p.person_ref for p in listed}
    names = {r["name"] for r in rows}
    assert names <= {p.full_name for p in listed}
    entries = LogEntry.objects.filter(additional_data__channel="export")
    assert {int(e.object_pk) for e in entries} == {p.pk for p in listed if p.person_ref in refs}
    assert {e.additional_data["what"] for e in entries} == {f"{name.replace('-', ' ')} report rows"}


def test_export_columns(client, intake, authority):
    people(authority, 3)
    client.force_login(intake)
    rate = rows_of(client.get(EXPORTS["employment-rate"]))
    assert list(rate[0]) == [
        "authority",
        "person_ref",
        "name",
        "cohort",
        "age",
        "in_paid_work",
        "hours",
        "band",
    ]
    assert {r["in_paid_work"] for r in rate} == {"yes", "no"}
    assert rows_of(client.get(EXPORTS["savings"]))[0]["annual_saving"] == "10400.00"


def test_an_export_with_no_rows_still_has_its_header(client, intake, authority):
    client.force_login(intake)
    body = client.get(EXPORTS["outcomes"]).content.decode()
    assert body.splitlines() == [
        "authority,person_ref,name,need,placement_ref,start_date,end_date,"
        "job_starts,sustained_13_weeks,sustained_26_weeks,sustained_52_weeks"
    ]


def test_exports_never_start_a_cell_with_a_formula(client, intake, authority):
    person = ld(authority, person_ref="=1+1", given_name="@SUM(A1)", family_name="-2+3")
    place(person, dt.date(2025, 5, 1))
    client.force_login(intake)
    (row,) = rows_of(client.get(EXPORTS["outcomes"]))
    assert row["person_ref"] == "'=1+1"
    assert row["name"] == "'@SUM(A1) -2+3"


def test_rows_csv_refuses_rows_of_another_shape():
    with pytest.raises(ValueError, match="columns"):
        rows_csv("savings", [{"authority": "X"}])


# --- queries --------------------------------------------------------------------------


#: Every request of a manager: the session and the user, the user's scope and the
#: authorities they report on. (The idle sign-out's last activity is written at most
#: once a minute, so not on these requests.)
SIGNED_IN = 4
#: A page (not a chart) has the menu, which asks once whether a manager's organisation
#: holds a contract (Contracts and Claims), and the header's unread notifications (1).
PAGE = SIGNED_IN + 1 + 1


@pytest.mark.parametrize(
    ("url", "fixed"),
    [
        # the employment rate (1), its rows by need (2, and 1 for the people's needs),
        # and the trend: the 7 other quarter ends in 1 (the 8th is the reporting date)
        # and 1 for the authorities' targets and comparators
        (PAGES["employment-rate"], PAGE + 1 + 3 + 1 + 1),
        # the outcomes (1); the job starts by year (1) and the job-start targets (1)
        (PAGES["outcomes"], PAGE + 1 + 2),
        # the savings with their rows (2), and 1 for the people's needs; the programme's
        # cost: contracts, claim lines, purchases, care costs, placements (5)
        (PAGES["savings"], PAGE + 2 + 1 + 5),
        (CHARTS["employment-rate"], SIGNED_IN + 1),
        # the 8 quarter ends in 1, and 1 for the targets and comparators
        (CHARTS["trend"], SIGNED_IN + 1 + 1),
        (CHARTS["outcomes"], SIGNED_IN + 1),
        (CHARTS["years"], SIGNED_IN + 2),
        (CHARTS["savings"], SIGNED_IN + 2),
    ],
)
def test_report_pages_and_charts_make_the_same_queries_for_3_or_30_people(
    client, manager, authority, url, fixed
):
    people(authority, 3)
    client.force_login(manager)
    client.get(url)  # the first request of a test caches the content types
    few = queries(client, url)
    people(authority, 27, first=3)
    assert queries(client, url) == few == fixed


@pytest.mark.parametrize(
    ("name", "fixed"),
    [
        # a commissioner: as a manager, and 1 for the teams of their authority; the rows
        # (pseudonymised), the people they list for the audit trail (1) and their audit
        # entries (1)
        ("employment-rate", SIGNED_IN + 1 + 2 + 1 + 1),
        ("outcomes", SIGNED_IN + 1 + 1 + 1 + 1),
        ("savings", SIGNED_IN + 1 + 2 + 1 + 1),
    ],
)
def test_exports_make_the_same_queries_for_3_or_30_people(
    client, commissioner, authority, name, fixed
):
    people(authority, 3)
    client.force_login(commissioner)
    client.get(EXPORTS[name])
    few = queries(client, EXPORTS[name])
    people(authority, 27, first=3)
    assert queries(client, EXPORTS[name]) == few == fixed


# --- the dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 3, 31), dt.date(2026, 3, 31)),
        (dt.date(2026, 3, 30), dt.date(2025, 12, 31)),
        (dt.date(2026, 1, 1), dt.date(2025, 12, 31)),
        (dt.date(2025, 7, 1), dt.date(2025, 6, 30)),
        (dt.date(2025, 10, 15), dt.date(2025, 9, 30)),
    ],
)
def test_quarter_end_on_or_before(day, expected):
    assert periods.quarter_end_on_or_before(day) == expected


def test_quarter_ends_go_back_8_quarters_oldest_first():
    assert periods.quarter_ends(dt.date(2026, 2, 1)) == [
        dt.date(2024, 3, 31),
        dt.date(2024, 6, 30),
        dt.date(2024, 9, 30),
        dt.date(2024, 12, 31),
        dt.date(2025, 3, 31),
        dt.date(2025, 6, 30),
        dt.date(2025, 9, 30),
        dt.date(2025, 12, 31),
    ]


def test_default_periods():
    assert periods.last_year_end(dt.date(2026, 3, 31)) == dt.date(2026, 3, 31)
    assert periods.last_year_end(dt.date(2026, 3, 30)) == dt.date(2025, 3, 31)
    assert periods.last_twelve_months(dt.date(2026, 5, 15)) == (
        dt.date(2025, 5, 16),
        dt.date(2026, 5, 15),
    )
    assert periods.last_twelve_months(dt.date(2028, 2, 29)) == (
        dt.date(2027, 3, 1),
        dt.date(2028, 2, 29),
    )
    assert periods.financial_year_of(dt.date(2026, 3, 31)) == "2025-26"
    assert periods.financial_year_of(dt.date(2026, 4, 1)) == "2026-27"
    assert periods.financial_year_end("1999-00") == dt.date(2000, 3, 31)
    with pytest.raises(ValueError, match="YYYY-YY"):
        periods.financial_year_end("2025-27")


# --- savings by need group ------------------------------------------------------------


def test_savings_by_need_adds_up_to_the_totals_and_matches_the_rows(client, manager, authority):
    people(authority, 3)  # one learning disability and one mental health person counted
    blank = mh(authority, person_ref="BLANK", primary_support_reason="")
    cost(blank, dt.date(2024, 1, 1), "400.00")
    cost(blank, dt.date(2025, 6, 1), "250.00")
    place(blank, dt.date(2025, 5, 1))
    client.force_login(manager)
    response = client.get(PAGES["savings"])
    data = response.context["data"]
    assert data == savings_summary([authority], START, END)
    assert "rows" not in data
    lines = response.context["by_need"]
    assert [(line.need, line.people) for line in lines] == [
        ("learning_disability", 1),
        ("mental_health", 1),
        ("unknown", 1),
    ]
    # the groups add up to the page's totals
    assert sum(line.people for line in lines) == data["people"] == 3
    for key in ("weekly_before", "weekly_now", "annual_saving"):
        assert sum(Decimal(getattr(line, key)) for line in lines) == Decimal(data[key])
    assert (data["weekly_before"], data["weekly_now"], data["annual_saving"]) == (
        "1400.00",
        "850.00",
        "28600.00",
    )
    # and each group is the sum of its people's rows
    needs = {
        p.person_ref: p.primary_support_reason or "unknown"
        for p in Person.objects.filter(authority=authority)
    }
    rows = reports.savings_rows([authority], START, END)
    for line in lines:
        mine = [r for r in rows if needs[r["person_ref"]] == line.need]
        assert line.people == len(mine)
        for key in ("weekly_before", "weekly_now", "annual_saving"):
            assert Decimal(getattr(line, key)) == sum(Decimal(r[key]) for r in mine)
    unknown = lines[-1]
    assert (unknown.weekly_before, unknown.weekly_now, unknown.annual_saving) == (
        "400.00",
        "250.00",
        "7800.00",
    )
    html = response.content.decode()
    assert "Care costs of the people who started paid work, by need group</caption>" in html
    assert '<th scope="col" class="govuk-table__header">Need group</th>' in html
    assert '<th scope="row" class="govuk-table__header">Learning disability</th>' in html
    assert '<th scope="row" class="govuk-table__header">Not recorded</th>' in html
    assert "£400.00" in html and "£250.00" in html and "£7,800.00" in html
    # the people's references never reach the page
    assert "BLANK" not in html and "PR000" not in html


def test_savings_by_need_with_no_one_counted(client, manager, authority):
    client.force_login(manager)
    response = client.get(PAGES["savings"])
    assert response.context["by_need"] == []
    assert "No one with care costs recorded started paid work" in response.content.decode()


def test_the_index_says_which_reports_have_charts_and_rows(client, manager):
    client.force_login(manager)
    html = client.get("/reports/").content.decode()
    assert "Each report has a chart" not in html
    assert "The caseload report gives figures for the teams you report on" in html
    assert "with no chart and no rows to download" in html
