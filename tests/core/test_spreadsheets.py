import datetime as dt
from decimal import Decimal

import pytest

from pathways.core.spreadsheets import cell


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+44 20", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", '=HYPERLINK("x")', "-", "-1e3"],
)
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert cell(text) == "'" + text


@pytest.mark.parametrize("number", ["-520.00", "-520", "0.5", "12"])
def test_a_plain_number_stays_a_number(number):
    assert cell(number) == number


def test_other_values_are_written_as_themselves():
    assert cell(None) == ""
    assert cell(True) == "yes" and cell(False) == "no"
    assert cell(Decimal("-520.00")) == "-520.00"
    assert cell(dt.date(2025, 5, 1)) == "2025-05-01"
    assert cell("Pat O'Neill") == "Pat O'Neill"
