"""Values that are possible but unusual: ask the user to confirm instead of refusing.

A service sorts what it is given into three kinds: impossible (refused with a
``ValidationError`` on the field), unusual (listed as ``Unusual``) and ordinary. Once
nothing is impossible, ``settle(unusual, confirmed)`` lets the action go on when there
is nothing unusual or the caller confirmed it, and otherwise raises
``NeedsConfirmation``, having changed nothing.

``confirmed`` is ``True`` for callers that cannot ask anyone (the API, imports, the
demo: decision 0036), or the ``key`` of the warnings a person saw and ticked "Yes, this
is right" for (a page: ``core.pages.attempt`` puts the warnings on the form and
``includes/confirm_unusual.html`` shows them with the checkbox). A key confirms only
the warnings it was made from: change the values and the page asks again.

The plausible ranges shared by several apps (hourly pay) are here too; each app keeps
its own (a date of birth in ``people``, a goal's target date in ``casework``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from pathways.core.errors import NeedsConfirmation

#: What a caller passes: ``True`` (confirms whatever is unusual), ``False`` (confirms
#: nothing) or the key of the warnings a person confirmed.
Confirmed = bool | str


@dataclass(frozen=True)
class Unusual:
    """One thing to check: the field it is about, and a sentence that says what is
    unusual. ``link`` (with ``link_text``) opens a record the user may see, such as the
    person a new record may duplicate; ``shows`` is the person whose details the warning
    shows, so that the page showing it can record the read."""

    field: str
    message: str
    link: str = ""
    link_text: str = ""
    shows: Any = None


def key_of(unusual: Sequence[Unusual]) -> str:
    """A short fingerprint of the warnings (fields and messages)."""
    text = "\n".join(sorted(f"{u.field}:{u.message}" for u in unusual))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def settle(unusual: Sequence[Unusual], confirmed: Confirmed) -> None:
    """Go on if nothing is unusual or it was confirmed; otherwise ask."""
    if not unusual or confirmed is True:
        return
    if isinstance(confirmed, str) and confirmed and confirmed == key_of(unusual):
        return
    raise NeedsConfirmation(list(unusual), key_of(unusual))


def confirmed_in(data: Mapping[str, Any]) -> Confirmed:
    """What a page's form confirmed: the key it carried back, or nothing."""
    return str(data.get("confirm_unusual") or "") or False


# --- hourly pay: placements, changes of pay, opportunities ----------------------------

#: Pay above this is refused: no supported job pays £500 an hour; it is a typing slip
#: (a weekly or yearly figure in the hourly box).
PAY_MAX = Decimal("500")
#: Below this, ask: under every legal minimum rate, the apprenticeship rate included
#: (£7.55 from April 2025), though not under rates of some years ago an old job may have.
PAY_LOW = Decimal("5")
#: Above this, ask: well over what supported jobs pay, though a skilled job may.
PAY_HIGH = Decimal("60")


def check_hourly_pay(pay: Decimal | None, field: str = "hourly_pay") -> list[Unusual]:
    """Refuse pay of nothing or less (paid work: leave it blank when not known) and pay
    over ``PAY_MAX``; the unusual (under ``PAY_LOW``, over ``PAY_HIGH``) to confirm."""
    if pay is None:
        return []
    if pay <= 0:
        raise ValidationError(
            {field: "Enter the hourly pay in pounds, more than £0, or leave it blank"}
        )
    if pay > PAY_MAX:
        raise ValidationError(
            {
                field: f"The hourly pay must be £{PAY_MAX:,.0f} or less: check it is the pay "
                "for one hour, not a week or a year"
            }
        )
    if pay < PAY_LOW:
        return [
            Unusual(
                field,
                f"£{pay:.2f} an hour is under any minimum wage, the apprenticeship rate "
                "included. Check it is the pay for one hour.",
            )
        ]
    if pay > PAY_HIGH:
        return [
            Unusual(
                field,
                f"£{pay:,.2f} an hour is more than £{PAY_HIGH:.0f}, which is unusual. "
                "Check it is the pay for one hour, not a day or a week.",
            )
        ]
    return []
