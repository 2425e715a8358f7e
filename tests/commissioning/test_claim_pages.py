"""The claim pages: the provider's manager prepares and submits, a commissioner decides
each line; names never shown, only references; lists in a fixed number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from pathways.commissioning import claims
from pathways.commissioning.models import Claim, ClaimStatus, LineStatus
from pathways.core.models import Role
from tests.commissioning.factories import ContractFactory, PlacementFactory
from tests.factories import EpisodeFactory, TeamFactory, UserFactory, staff

pytestmark = pytest.mark.django_db

PERIOD = {
    "period_from_0": "1",
    "period_from_1": "4",
    "period_from_2": "2025",
    "period_to_0": "31",
    "period_to_1": "3",
    "period_to_2": "2026",
}


def as_user(client, user):
    client.force_login(user)
    return client


def submitted(w):
    claim = claims.save_claim(w.manager, w.contract, *period())
    return claims.submit_claim(w.manager, claim, claim.version)


def period():
    return dt.date(2025, 4, 1), dt.date(2026, 3, 31)


def test_the_manager_previews_then_saves_a_draft_and_submits_it(client, world):
    c = as_user(client, world.manager)
    page = c.get(f"/commissioning/claims/contracts/{world.contract.pk}/prepare/")
    assert page.status_code == 200
    preview = c.post(
        f"/commissioning/claims/contracts/{world.contract.pk}/prepare/", {**PERIOD, "preview": "1"}
    )
    text = preview.content.decode()
    assert "total £1000.00" in text
    assert world.jobs[0].person.person_ref in text
    assert world.jobs[0].person.family_name not in text
    assert not Claim.objects.exists()
    saved = c.post(
        f"/commissioning/claims/contracts/{world.contract.pk}/prepare/", {**PERIOD, "save": "1"}
    )
    claim = Claim.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/commissioning/claims/{claim.pk}/"
    assert "Submit the claim" in c.get(saved["Location"]).content.decode()
    c.post(f"/commissioning/claims/{claim.pk}/submit/", {"version": claim.version})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_a_period_past_the_contract_is_shown_on_its_field(client, world):
    c = as_user(client, world.manager)
    bad = {**PERIOD, "period_to_2": "2027", "period_to_1": "4", "period_to_0": "1", "save": "1"}
    page = c.post(f"/commissioning/claims/contracts/{world.contract.pk}/prepare/", bad)
    assert page.status_code == 400
    text = page.content.decode()
    assert "There is a problem" in text and "must end by 2027-03-31" in text


def test_the_commissioner_rejects_with_a_reason_and_approves(client, world):
    claim = submitted(world)
    first, second = claim.lines.order_by("achieved_on")
    c = as_user(client, world.commissioner)
    home = c.get("/commissioning/claims/").content.decode()
    assert f"/commissioning/claims/{claim.pk}/" in home
    page = c.get(f"/commissioning/claims/{claim.pk}/").content.decode()
    assert first.person.person_ref in page and first.person.given_name not in page
    no_reason = c.post(
        f"/commissioning/claims/{claim.pk}/lines/{first.pk}/decide/",
        {f"line-{first.pk}-decision": "reject", f"line-{first.pk}-version": claim.version},
    )
    assert no_reason.status_code == 400
    assert "Say why the line is rejected" in no_reason.content.decode()
    c.post(
        f"/commissioning/claims/{claim.pk}/lines/{first.pk}/decide/",
        {
            f"line-{first.pk}-decision": "reject",
            f"line-{first.pk}-reason": "No payslip",
            f"line-{first.pk}-version": claim.version,
        },
    )
    claim.refresh_from_db()
    c.post(
        f"/commissioning/claims/{claim.pk}/lines/{second.pk}/decide/",
        {f"line-{second.pk}-decision": "approve", f"line-{second.pk}-version": claim.version},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    claim.refresh_from_db()
    assert (first.status, first.reason, second.status, claim.status) == (
        LineStatus.REJECTED,
        "No payslip",
        LineStatus.APPROVED,
        ClaimStatus.DECIDED,
    )
    provider_view = as_user(client, world.manager).get(f"/commissioning/claims/{claim.pk}/")
    assert "No payslip" in provider_view.content.decode()


@pytest.mark.parametrize("who", ["coach", "other_manager", "other_commissioner"])
def test_outsiders_do_not_see_the_claim(client, world, who):
    claim = submitted(world)
    users = {
        "coach": world.coach,
        "other_manager": staff(Role.TEAM_MANAGER, TeamFactory(authority=world.authority)),
        "other_commissioner": staff(Role.COMMISSIONER, TeamFactory()),
    }
    c = as_user(client, users[who])
    for path in ("", "claim.csv", "claim.xlsx"):
        assert c.get(f"/commissioning/claims/{claim.pk}/{path}").status_code == 404
    assert c.get(f"/commissioning/claims/contracts/{world.contract.pk}/prepare/").status_code == 404


@pytest.mark.parametrize("who", ["manager", "superuser_in_provider", "commissioner_in_provider"])
def test_nobody_decides_their_own_organisations_claim_on_the_page(client, world, who):
    claim = submitted(world)
    line = claim.lines.first()
    if who == "manager":
        user = world.manager
    elif who == "superuser_in_provider":
        user = UserFactory(is_superuser=True)
        user.memberships.create(team=world.provider_team, role=Role.EMPLOYMENT_SPECIALIST)
    else:
        user = world.commissioner
        user.memberships.create(team=world.provider_team, role=Role.EMPLOYMENT_SPECIALIST)
    c = as_user(client, user)
    assert "Decide each line" not in c.get(f"/commissioning/claims/{claim.pk}/").content.decode()
    refused = c.post(
        f"/commissioning/claims/{claim.pk}/lines/{line.pk}/decide/",
        {f"line-{line.pk}-decision": "approve", f"line-{line.pk}-version": claim.version},
    )
    assert refused.status_code == 403
    line.refresh_from_db()
    assert line.status == LineStatus.PENDING


def test_a_commissioner_may_not_prepare_nor_submit(client, world):
    draft = claims.save_claim(world.manager, world.contract, *period())
    c = as_user(client, world.commissioner)
    assert c.get(f"/commissioning/claims/contracts/{world.contract.pk}/prepare/").status_code == 403
    assert (
        c.post(f"/commissioning/claims/{draft.pk}/submit/", {"version": draft.version}).status_code
        == 403
    )
    draft.refresh_from_db()
    assert draft.status == ClaimStatus.DRAFT


def test_exports_are_formula_safe_and_audited(client, world):
    claim = submitted(world)
    line = claim.lines.first()
    claims.decide_line(world.commissioner, line, False, '=HYPERLINK("x")', claim.version)
    c = as_user(client, world.manager)
    rows = list(
        csv.reader(
            io.StringIO(c.get(f"/commissioning/claims/{claim.pk}/claim.csv").content.decode())
        )
    )
    assert rows[0][:7] == [
        "person_ref",
        "placement_ref",
        "outcome",
        "achieved_on",
        "need_group",
        "price",
        "over_cap",
    ]
    assert '\'=HYPERLINK("x")' in [r[8] for r in rows[1:]]
    book = load_workbook(io.BytesIO(c.get(f"/commissioning/claims/{claim.pk}/claim.xlsx").content))
    sheet = book.active
    reasons = [sheet.cell(row=r, column=9) for r in range(2, sheet.max_row + 1)]
    hostile = next(cell for cell in reasons if cell.value == '=HYPERLINK("x")')
    assert hostile.data_type == "s"
    assert (
        sheet.cell(row=2, column=6).value == Decimal("500.00")
        or sheet.cell(row=2, column=6).value == 500
    )
    exports = LogEntry.objects.filter(additional_data__channel="export", actor=world.manager)
    assert exports.count() == 4  # two people, two downloads


def test_lists_and_the_claim_page_do_not_grow_with_lines(client, world, django_assert_num_queries):
    """Measured with one claim of two lines, then asserted with two claims, the second
    of five lines: the same number of queries."""
    small = submitted(world)

    def count(user, path):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    pages = {
        "contract": (world.manager, f"/commissioning/claims/contracts/{world.contract.pk}/"),
        "home": (world.commissioner, "/commissioning/claims/"),
        "manager_home": (world.manager, "/commissioning/claims/"),
    }
    before = {name: count(*page) for name, page in pages.items()}
    before["claim"] = count(world.commissioner, f"/commissioning/claims/{small.pk}/")
    for _ in range(5):
        episode = EpisodeFactory(team=world.provider_team, started_on=world.contract.start_date)
        PlacementFactory(episode=episode, start_date=world.contract.start_date)
    for ref in ("K2", "K3"):  # more contracts on the manager's home page
        ContractFactory(
            authority=world.authority, provider=world.contract.provider, contract_ref=ref
        )
    big = claims.save_claim(world.manager, world.contract, *period())
    claims.submit_claim(world.manager, big, big.version)
    assert big.lines.count() == 5
    pages["claim"] = (world.commissioner, f"/commissioning/claims/{big.pk}/")
    for name, (user, path) in pages.items():
        client.force_login(user)
        with django_assert_num_queries(before[name]):
            client.get(path)
