"""UK postcode shape check and normalisation (``e15 1ab`` → ``E15 1AB``).

Our own code: the rule is one regular expression from the published format, smaller
than any dependency, and we check shape only (no address lookup; no network here).
"""

from __future__ import annotations

import re

_POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ]"
    r"([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def normalise_postcode(raw: str) -> str:
    """Return the postcode in its standard form, or raise ValueError saying why."""
    text = re.sub(r"\s+", "", raw or "").upper()
    if not text:
        return ""
    if not _POSTCODE.match(text):
        raise ValueError(f"'{raw.strip()}' is not a UK postcode")
    return f"{text[:-3]} {text[-3:]}"
