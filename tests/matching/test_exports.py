"""The shortlist workbook: read back with openpyxl, as a spreadsheet program would."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from pathways.matching.exports import shortlist_workbook
from pathways.matching.selectors import Match
from tests.factories import EmployerFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

EXPORTED = dt.date(2025, 6, 2)


@pytest.fixture
def opportunity(authority):
    return OpportunityFactory(
        authority=authority,
        employer=EmployerFactory(name="Green Leaf Café"),
        opportunity_ref="OPP1",
        title="Café assistant",
        hours_per_week=Decimal("16.5"),
        hourly_pay=Decimal("12.60"),
        closes_on=dt.date(2025, 7, 31),
    )


def match(person_id: int, ref: str, name: str, score: int, **kwargs) -> Match:
    return Match(
        person_id=person_id,
        person_ref=ref,
        person_name=name,
        opportunity_id=1,
        opportunity_ref="OPP1",
        opportunity_title="Café assistant",
        score=score,
        reasons=kwargs.pop("reasons", ["Likes catering", "16.5 hours suits them"]),
        **kwargs,
    )


def read(data: bytes):
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Shortlist"]
    return workbook["Shortlist"]


def values(sheet) -> list[tuple]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_the_title_block_names_the_opportunity(opportunity):
    sheet = read(shortlist_workbook(opportunity, [], {}, exported_on=EXPORTED))
    rows = values(sheet)
    assert rows[0][0] == "Shortlist for OPP1: Café assistant"
    assert [r[:2] for r in rows[1:8]] == [
        ("Reference", "OPP1"),
        ("Title", "Café assistant"),
        ("Employer", "Green Leaf Café"),
        ("Hours a week", 16.5),
        ("Pay", 12.6),
        ("Closing date", dt.datetime(2025, 7, 31)),
        ("Exported on", dt.datetime(2025, 6, 2)),
    ]
    assert sheet["B6"].number_format == '"£"#,##0.00" an hour"'
    assert sheet["B7"].number_format == sheet["B8"].number_format == "DD/MM/YYYY"
    assert rows[9][:7] == (
        "Rank",
        "Person ref",
        "Name",
        "Score",
        "Candidacy status",
        "Reasons",
        "Benefits note",
    )
    assert len(rows) == 10  # no matches, no rows under the heading


def test_unpaid_and_open_ended_opportunities_say_so(authority):
    unpaid = OpportunityFactory(authority=authority, paid=False, hourly_pay=None, closes_on=None)
    rows = values(read(shortlist_workbook(unpaid, [], {})))
    assert rows[5][:2] == ("Pay", "Unpaid")
    assert rows[6][:2] == ("Closing date", "No closing date")
    assert rows[7][1] is not None  # exported today


def test_one_row_per_match_in_rank_order_with_the_candidacy_status(opportunity):
    matches = [
        match(7, "C7", "Sam", 91, benefits_note="Permitted work: £207.90 a week is over the limit"),
        match(3, "C3", "Ola", 88, reasons=["Close to home"]),
        match(5, "C5", "Jo", 60, reasons=[]),
    ]
    data = shortlist_workbook(opportunity, matches, {7: "interview", 5: "suggested"})
    sheet = read(data)
    assert values(sheet)[10:] == [
        (
            1,
            "C7",
            "Sam",
            91,
            "Interview or trial",
            "Likes catering; 16.5 hours suits them",
            "Permitted work: £207.90 a week is over the limit",
        ),
        (2, "C3", "Ola", 88, None, "Close to home", None),
        (3, "C5", "Jo", 60, "Suggested", None, None),
    ]
    assert sheet.freeze_panes == "A11"  # the heading row stays in view
    assert sheet.auto_filter.ref == "A10:G13"
    assert sheet.column_dimensions["F"].width == 80
    assert sheet.column_dimensions["C"].width == 28


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil.example","Click")', "+44 20 7946 0000", "-1+2", "@SUM(A1:A2)"],
)
def test_text_that_looks_like_a_formula_stays_text(authority, text):
    opportunity = OpportunityFactory(
        authority=authority, title=text, employer=EmployerFactory(name=text)
    )
    matches = [match(1, text, text, 50, reasons=[text], benefits_note=text)]
    sheet = read(shortlist_workbook(opportunity, matches, {}))
    cells = [sheet["B3"], sheet["B4"], sheet["B11"], sheet["C11"], sheet["F11"], sheet["G11"]]
    for cell in cells:
        assert cell.value == text  # as written: no apostrophe added
        assert cell.data_type == "s"  # a string, never a formula
        assert cell.quotePrefix  # and Excel keeps it as text if the cell is edited
    # Ordinary text is left alone.
    assert sheet["A3"].value == "Title" and not sheet["A3"].quotePrefix


def test_there_are_no_formulas_anywhere(opportunity):
    matches = [match(1, "=1+1", "=cmd|' /C calc'!A0", 50)]
    data = shortlist_workbook(opportunity, matches, {1: "applied"})
    sheet = read(data)
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert b"<f>" not in _sheet_xml(data)


def _sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")
