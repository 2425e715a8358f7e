from decimal import Decimal

import pytest

from pathways.core.money import money, to_penny


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("0.125", "0.13"),  # a half penny goes up, not to the even penny
        ("-0.125", "-0.13"),  # and away from zero when it is owed
        ("2.675", "2.68"),
        ("0.124", "0.12"),
        ("5", "5.00"),  # always two decimals
        ("1E+3", "1000.00"),  # never in exponent form
        ("-520", "-520.00"),
        ("1234.5", "1234.50"),
    ],
)
def test_money_is_pounds_to_the_penny_rounded_half_up(amount, shown):
    assert money(Decimal(amount)) == shown


def test_to_penny_rounds_a_half_penny_up_and_keeps_a_decimal():
    assert to_penny(Decimal("0.125")) == Decimal("0.13")
    assert to_penny(Decimal("2") / Decimal("3")) == Decimal("0.67")
    assert isinstance(to_penny(Decimal("1")), Decimal)
