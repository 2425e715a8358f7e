"""Cell parsers: text in, value out, ValueError with a plain-English message.

A kind's columns are declared with these (``Column("email", email_address)``); the
message of the ValueError is what the user reads after ``FILE:LINE: column:``, so each
says what was found and how to write it instead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Choices, Model

from pathways.core.unusual import PAY_MAX

Parser = Callable[[str], Any]


def text(max_length: int) -> Parser:
    def parse(raw: str) -> str:
        if len(raw) > max_length:
            raise ValueError(f"is {len(raw)} characters long; the most allowed is {max_length}")
        return raw

    return parse


def text_of(model: type[Model], field_name: str) -> Parser:
    """Free text no longer than the model field allows."""
    return text(model._meta.get_field(field_name).max_length or 10_000)  # type: ignore[union-attr]


def email_address(raw: str) -> str:
    try:
        validate_email(raw)
    except ValidationError as exc:
        raise ValueError(f"'{raw}' is not an email address") from exc
    return raw.lower()


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def date(raw: str) -> dt.date:
    """``YYYY-MM-DD`` or UK ``DD/MM/YYYY``; never US month-first."""
    iso = _ISO_DATE.match(raw)
    uk = _UK_DATE.match(raw)
    if iso:
        year, month, day = (int(p) for p in iso.groups())
    elif uk:
        day, month, year = (int(p) for p in uk.groups())
    else:
        raise ValueError(f"'{raw}' is not a date; write it as YYYY-MM-DD or DD/MM/YYYY")
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"'{raw}' is not a real date") from exc


_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def yes_no(raw: str) -> bool:
    value = raw.casefold()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError(f"'{raw}' is not yes or no (write yes, no, y, n, true, false, 1 or 0)")


def money(max_digits: int = 10) -> Parser:
    """Pounds and pence as an exact Decimal: ``612.50``, ``612.5`` or ``£612.50``."""

    def parse(raw: str) -> Decimal:
        amount = raw.removeprefix("£").strip()
        if not re.fullmatch(r"\d+(\.\d{1,2})?", amount):
            raise ValueError(
                f"'{raw}' is not an amount in pounds; write it like 612.50 "
                "(no commas, at most two decimal places)"
            )
        value = Decimal(amount)
        if len(amount.split(".")[0].lstrip("0")) > max_digits - 2:
            raise ValueError(f"'{raw}' is too large")
        return value

    return parse


def hourly_pay(raw: str) -> Decimal:
    """An hourly rate within the bounds every page and the API keep
    (``core.unusual.check_hourly_pay``): more than £0 and at most ``PAY_MAX``. Unusual
    rates are imported as they are (an import asks nobody: decision 0036)."""
    value = money(max_digits=7)(raw)
    if value <= 0:
        raise ValueError(f"'{raw}' is not an hourly pay: give more than 0, or leave it blank")
    if value > PAY_MAX:
        raise ValueError(
            f"'{raw}' is more than £{PAY_MAX:.0f} an hour: check it is the pay for one hour"
        )
    return value


def whole_number(minimum: int = 0) -> Parser:
    def parse(raw: str) -> int:
        if not re.fullmatch(r"\d+", raw) or int(raw) < minimum:
            raise ValueError(f"'{raw}' is not a whole number of {minimum} or more")
        return int(raw)

    return parse


def degrees(limit: int) -> Parser:
    """Decimal degrees within ±limit, kept to six places (about ten centimetres)."""

    def parse(raw: str) -> Decimal:
        try:
            value = Decimal(raw)
        except InvalidOperation as exc:
            raise ValueError(f"'{raw}' is not a number of degrees, like 51.5416") from exc
        if not value.is_finite() or not -limit <= value <= limit:
            raise ValueError(f"'{raw}' is not between -{limit} and {limit}")
        return value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN)

    return parse


def _codes(choices: type[Choices]) -> str:
    return ", ".join(str(v) for v in choices.values)


def choice(choices: type[Choices]) -> Parser:
    """One of a model's codes, in any letter case."""
    by_code = {str(v).casefold(): str(v) for v in choices.values}

    def parse(raw: str) -> str:
        try:
            return by_code[raw.casefold()]
        except KeyError:
            raise ValueError(f"'{raw}' is not one of: {_codes(choices)}") from None

    return parse


def choices(choices: type[Choices]) -> Parser:
    """Several codes separated by ``;``, kept once each in the model's order."""
    one = choice(choices)
    order = [str(v) for v in choices.values]

    def parse(raw: str) -> list[str]:
        picked = {one(part.strip()) for part in raw.split(";") if part.strip()}
        return [code for code in order if code in picked]

    return parse
