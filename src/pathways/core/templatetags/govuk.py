"""Renders Django form fields as GOV.UK Design System components, with their errors."""

from __future__ import annotations

from typing import Any

from django import forms, template

from pathways.core.forms import DatePartsWidget

register = template.Library()


def _kind(widget: forms.Widget) -> str:
    if isinstance(widget, DatePartsWidget):
        return "date"
    # CheckboxSelectMultiple is a RadioSelect subclass: ask about it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


@register.inclusion_tag("includes/field.html")
def govuk_field(
    field: forms.BoundField, hint: str = "", width: str = "", label_class: str = "govuk-label--s"
) -> dict[str, Any]:
    widget = field.field.widget
    date_parts = []
    if isinstance(widget, DatePartsWidget):
        value = field.value()
        if not isinstance(value, list | tuple):
            value = widget.decompress(value)
        date_parts = [
            (i, label, "" if v is None else v, width)
            for i, (label, v, width) in enumerate(
                zip(("Day", "Month", "Year"), value, (2, 2, 4), strict=True)
            )
        ]
    return {
        "field": field,
        "kind": _kind(widget),
        "hint": hint or field.help_text,
        "width": width,
        "label_class": label_class,
        "date_parts": date_parts,
        "input_type": getattr(widget, "input_type", "text"),
    }
