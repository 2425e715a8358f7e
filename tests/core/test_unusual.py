"""The "unusual, confirm to go on" mechanism (``core.unusual``) and the pay bounds every
page, the API and the imports share."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pathways.core.errors import ActionRefused, NeedsConfirmation
from pathways.core.importing import hourly_pay as hourly_pay_cell
from pathways.core.unusual import Unusual, check_hourly_pay, confirmed_in, key_of, settle

ODD = [Unusual("date_of_birth", "This date of birth makes the person 90.")]


def test_nothing_unusual_goes_on_unconfirmed():
    settle([], False)


def test_something_unusual_is_asked_about_with_its_key():
    with pytest.raises(NeedsConfirmation) as asked:
        settle(ODD, False)
    assert asked.value.unusual == ODD
    assert asked.value.key == key_of(ODD)
    assert "makes the person 90" in asked.value.message
    # A caller that knows nothing of questions refuses it like any other refusal.
    assert isinstance(asked.value, ActionRefused)


def test_the_key_of_the_same_warnings_confirms_them_and_no_others():
    settle(ODD, key_of(ODD))
    other = [Unusual("date_of_birth", "This date of birth makes the person 12.")]
    with pytest.raises(NeedsConfirmation):
        settle(other, key_of(ODD))  # the value changed after the question: ask again
    with pytest.raises(NeedsConfirmation):
        settle(ODD, "not-a-key")


def test_callers_that_ask_nobody_confirm_everything():
    settle(ODD, True)


def test_a_page_confirms_what_its_checkbox_carried():
    assert confirmed_in({"confirm_unusual": "abc"}) == "abc"
    assert confirmed_in({"confirm_unusual": ""}) is False
    assert confirmed_in({}) is False


@pytest.mark.parametrize("pay", ["0", "-1", "0.00"])
def test_no_pay_or_less_is_refused_on_the_field(pay):
    with pytest.raises(ValidationError) as refused:
        check_hourly_pay(Decimal(pay))
    assert "more than £0" in refused.value.message_dict["hourly_pay"][0]


def test_absurd_pay_is_refused_on_the_field():
    with pytest.raises(ValidationError) as refused:
        check_hourly_pay(Decimal("1000"))
    assert "£500 or less" in refused.value.message_dict["hourly_pay"][0]
    check_hourly_pay(Decimal("500"))  # the bound itself is unusual, not impossible


@pytest.mark.parametrize(
    ("pay", "says"),
    [("4.99", "under any minimum wage"), ("60.01", "more than £60"), ("500", "more than £60")],
)
def test_unusual_pay_is_asked_about(pay, says):
    (unusual,) = check_hourly_pay(Decimal(pay))
    assert unusual.field == "hourly_pay" and says in unusual.message


@pytest.mark.parametrize("pay", ["5", "7.55", "12.21", "60", None])
def test_ordinary_pay_and_no_pay_pass(pay):
    assert check_hourly_pay(Decimal(pay) if pay else None) == []


def test_an_imported_pay_cell_keeps_the_same_bounds():
    assert hourly_pay_cell("£4.10") == Decimal("4.10")  # unusual: imported as it is
    assert hourly_pay_cell("75") == Decimal("75")
    for cell, says in [("0", "more than 0"), ("1000", "more than £500")]:
        with pytest.raises(ValueError, match=says):
            hourly_pay_cell(cell)
