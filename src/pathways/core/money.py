"""Sums of money as the reports, the API and the downloads give them: pounds to the
penny, rounded half up (a half penny goes up, as a finance team rounds), as text such
as ``"1234.50"`` so JSON and CSV carry the exact amount, never a float.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")


def to_penny(value: Decimal) -> Decimal:
    """``value`` to the penny, half up: the amount a sum of pro-rata parts comes to."""
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    """``value`` to the penny, half up, as text."""
    return str(to_penny(value))
