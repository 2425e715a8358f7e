"""The programme's cost beside the savings (commissioning.cost, decision 0028), each
part with numbers checked by hand."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from pathways.commissioning import cost
from pathways.commissioning.models import Claim, ClaimLine, Contract, Provider, Purchase
from pathways.reporting.catalogue import savings_summary
from tests.factories import AuthorityFactory, EpisodeFactory, OrganisationFactory, TeamFactory
from tests.reporting.test_outcome_reports import cost as care_cost
from tests.reporting.test_outcome_reports import place

pytestmark = pytest.mark.django_db

START, END = dt.date(2025, 4, 1), dt.date(2026, 3, 31)
DAY = dt.timedelta(days=1)
_refs = iter(range(1, 10_000))


def provider() -> Provider:
    return Provider.objects.create(
        organisation=OrganisationFactory(), services=["supported_employment"]
    )


def contract(authority, start=START, end=END, fee: str | None = None) -> Contract:
    return Contract.objects.create(
        authority=authority,
        contract_ref=f"C{next(_refs)}",
        provider=provider(),
        service="supported_employment",
        start_date=start,
        end_date=end,
        places=10,
        fixed_fee=None if fee is None else Decimal(fee),
    )


def line(under: Contract, outcome: str, price: str, status: str, on: dt.date, **kw) -> None:
    claim = Claim.objects.create(contract=under, period_from=on, period_to=on)
    episode = EpisodeFactory(team=TeamFactory(authority=under.authority))
    ClaimLine.objects.create(
        claim=claim,
        person=episode.person,
        episode=episode,
        outcome=outcome,
        achieved_on=on,
        price=Decimal(price),
        status=status,
        reason="Not evidenced" if status == "rejected" else "",
        **kw,
    )


def purchase(person, weekly: str, start: dt.date, end: dt.date | None) -> None:
    Purchase.objects.create(
        authority=person.authority,
        purchase_ref=f"PB{next(_refs)}",
        person=person,
        route="direct_payment",
        supplier_name="A job coach",
        buys="job_finding",
        start_date=start,
        end_date=end,
        weekly_hours=Decimal("2.0"),
        weekly_cost=Decimal(weekly),
    )


def benefit(authority, start=START, end=END, saving: str = "0.00") -> dict:
    return cost.cost_benefit([authority.pk], start, end, Decimal(saving))


# --- fixed fees -------------------------------------------------------------------------


def test_add_months_keeps_to_the_month_end():
    assert cost.add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert cost.add_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)


def test_a_year_of_a_year_long_contract_is_four_fees(authority):
    contract(authority, fee="3000.00")
    assert benefit(authority)["programme_cost"]["fixed_fees"] == "12000.00"


def test_part_of_a_quarter_is_paid_pro_rata_by_days(authority):
    contract(authority, fee="3000.00")
    # May is 31 of the first quarter's 91 days (1 April to 30 June): 3000 * 31 / 91
    may = benefit(authority, dt.date(2025, 5, 1), dt.date(2025, 5, 31))
    assert may["programme_cost"]["fixed_fees"] == "1021.98"


def test_a_contract_ending_mid_quarter_pays_the_part_it_ran(authority):
    contract(authority, end=dt.date(2025, 5, 15), fee="3000.00")
    # 1 April to 15 May is 45 of the quarter's 91 days: 3000 * 45 / 91
    assert benefit(authority)["programme_cost"]["fixed_fees"] == "1483.52"


def test_quarters_count_from_the_contracts_own_start(authority):
    contract(authority, start=dt.date(2025, 2, 15), end=dt.date(2026, 2, 14), fee="910.00")
    # quarters from 15 Feb, 15 May, 15 Aug, 15 Nov: the period takes 44 days of the
    # first (1 April to 14 May, of its 89 days), all three after it, and nothing after
    # the contract's end on 14 February: 910 * 44 / 89 + 3 * 910
    expected = Decimal("910.00") * 44 / 89 + 3 * Decimal("910.00")
    assert benefit(authority)["programme_cost"]["fixed_fees"] == str(
        expected.quantize(Decimal("0.01"))
    )
    assert str(expected.quantize(Decimal("0.01"))) == "3179.89"


def test_contracts_without_a_fee_out_of_the_period_or_elsewhere_pay_nothing(authority):
    contract(authority)
    contract(authority, dt.date(2024, 1, 1), START - DAY, fee="1000.00")
    contract(AuthorityFactory(), fee="1000.00")
    assert benefit(authority)["programme_cost"]["fixed_fees"] == "0.00"


# --- outcome payments -------------------------------------------------------------------


def test_outcome_payments_are_approved_lines_in_the_period_within_the_cap(authority):
    mine = contract(authority)
    line(mine, "job_start", "1000.00", "approved", START)
    line(mine, "sustained_26", "500.00", "approved", END)
    line(mine, "sustained_26", "700.00", "approved", END, over_cap=True)
    line(mine, "sustained_13", "300.00", "rejected", END)
    line(mine, "sustained_52", "200.00", "pending", END)
    line(mine, "progression", "400.00", "approved", START - DAY)
    line(contract(AuthorityFactory()), "job_start", "900.00", "approved", START)
    data = benefit(authority)
    assert data["programme_cost"]["outcome_payments"] == "1500.00"
    # the over-cap line is paid nothing, but its job was sustained all the same
    assert data["sustained_26"] == 2
    assert data["cost_per_sustained_26"] == "750.00"


def test_no_sustained_job_means_no_cost_per_job(authority):
    line(contract(authority), "job_start", "1000.00", "approved", START)
    assert benefit(authority)["cost_per_sustained_26"] is None


# --- purchases --------------------------------------------------------------------------


def test_purchases_pay_for_their_days_in_the_period(authority):
    person = EpisodeFactory(team=TeamFactory(authority=authority)).person
    purchase(person, "70.00", dt.date(2025, 3, 25), dt.date(2025, 4, 7))  # 7 days in
    purchase(person, "35.00", dt.date(2026, 3, 25), None)  # still running: 7 days in
    purchase(person, "10.00", dt.date(2025, 6, 1), dt.date(2025, 6, 3))  # 3 days: 4.29
    purchase(person, "999.00", dt.date(2024, 1, 1), START - DAY)  # before the period
    other = EpisodeFactory(team=TeamFactory(authority=AuthorityFactory())).person
    purchase(other, "999.00", START, END)
    assert benefit(authority)["programme_cost"]["purchases"] == "109.29"


# --- the whole: total, net benefit, care costs in and out of work ------------------------


def test_total_net_benefit_and_cost_per_job(authority):
    mine = contract(authority, fee="3000.00")
    line(mine, "sustained_26", "500.00", "approved", END)
    line(mine, "sustained_26", "1000.00", "approved", START)
    person = EpisodeFactory(team=TeamFactory(authority=authority)).person
    purchase(person, "70.00", dt.date(2025, 3, 25), dt.date(2025, 4, 7))
    data = benefit(authority, saving="31200.00")
    assert data["programme_cost"] == {
        "fixed_fees": "12000.00",
        "outcome_payments": "1500.00",
        "purchases": "70.00",
        "total": "13570.00",
    }
    assert data["net_benefit"] == "17630.00"  # 31200 - 13570
    assert data["cost_per_sustained_26"] == "6785.00"  # 13570 / 2


def _with_costs(authority, *rows: str, working: bool, **episode) -> None:
    person = EpisodeFactory(team=TeamFactory(authority=authority), **episode).person
    for i, weekly in enumerate(rows):
        care_cost(person, dt.date(2024, 1, 1) + i * 30 * DAY, weekly)
    if working:
        place(person, dt.date(2025, 6, 1))


def test_weekly_care_cost_of_people_in_and_out_of_work_on_to(authority):
    _with_costs(authority, "200.00", working=True, started_on=START)
    _with_costs(authority, "500.00", "0.00", working=True, started_on=START)
    _with_costs(authority, "300.00", working=False, started_on=dt.date(2024, 1, 1))
    _with_costs(authority, "400.00", working=False, started_on=END)
    # no care costs; an episode ended before the period; another authority: not counted
    EpisodeFactory(team=TeamFactory(authority=authority), started_on=START)
    _with_costs(
        authority,
        "900.00",
        working=False,
        started_on=dt.date(2024, 1, 1),
        ended_on=START - DAY,
    )
    _with_costs(AuthorityFactory(), "900.00", working=False, started_on=START)
    data = benefit(authority)
    assert (data["people_in_work"], data["weekly_care_cost_in_work"]) == (2, "100.00")
    assert (data["people_not_in_work"], data["weekly_care_cost_not_in_work"]) == (2, "350.00")


def test_no_one_means_no_average(authority):
    data = benefit(authority)
    assert data["weekly_care_cost_in_work"] is data["weekly_care_cost_not_in_work"] is None


def test_a_fixed_number_of_queries(authority, django_assert_num_queries):
    for _ in range(3):
        _with_costs(authority, "200.00", working=True, started_on=START)
        line(contract(authority, fee="100.00"), "sustained_26", "1.00", "approved", END)
    with django_assert_num_queries(5):
        benefit(authority)


def test_the_savings_json_carries_the_cost_beside_it(authority):
    contract(authority, fee="3000.00")
    person = EpisodeFactory(team=TeamFactory(authority=authority), started_on=START).person
    care_cost(person, dt.date(2024, 1, 1), "600.00")
    care_cost(person, dt.date(2025, 8, 1), "0.00")
    place(person, dt.date(2025, 7, 1))
    data = savings_summary([authority], START, END)
    assert (data["annual_saving"], data["net_benefit"]) == ("31200.00", "19200.00")
    out = StringIO()
    call_command(
        "report",
        "savings",
        "--from",
        str(START),
        "--to",
        str(END),
        "--format",
        "json",
        stdout=out,
    )
    printed = json.loads(out.getvalue())
    assert printed["programme_cost"]["total"] == "12000.00"
    assert printed["net_benefit"] == "19200.00"
    assert printed["weekly_care_cost_in_work"] == "0.00"


def test_the_savings_page_shows_the_cost_and_those_without_a_baseline(client, manager, authority):
    contract(authority, fee="3000.00")
    person = EpisodeFactory(team=TeamFactory(authority=authority), started_on=START).person
    care_cost(person, dt.date(2025, 9, 1), "600.00")  # after the start: no baseline
    place(person, dt.date(2025, 7, 1))
    client.force_login(manager)
    response = client.get(
        "/reports/savings/?start_0=1&start_1=4&start_2=2025&end_0=31&end_1=3&end_2=2026"
    )
    html = response.content.decode()
    assert response.context["data"]["no_baseline"] == 1
    assert "Left out: no care cost before work (no baseline)" in html
    assert "Programme cost in the period" in html and "£12,000.00" in html
