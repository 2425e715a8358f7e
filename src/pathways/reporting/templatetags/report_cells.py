"""How the report pages write a figure that the small-number rules may have hidden
(``reporting.disclosure``: a count is a number or its mark, ``<5`` or ``hidden``)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def percent_cell(value: Any) -> str:
    """``12.5%``, ``none counted`` for no one, or the mark of a hidden percentage."""
    if value is None:
        return "none counted"
    if isinstance(value, str):
        return value
    return f"{value:.1f}%"


@register.filter
def rate_cell(figures: dict[str, Any]) -> str:
    """A cohort's rate with its counts: ``50.0% (1 of 2)``, or ``none counted``."""
    if figures["denominator"] == 0:
        return "none counted"
    return (
        f"{percent_cell(figures['percent'])} ({figures['numerator']} of {figures['denominator']})"
    )
