"""Form pieces shared by every app: the GOV.UK date input (day, month, year), and
putting a service's validation errors on the form that caused them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class DatePartsWidget(forms.MultiWidget):
    """Three boxes for day, month and year, as the GOV.UK date input pattern asks."""

    input_type = "date_parts"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [
            forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
            forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
            forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[int | None]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DatePartsField(forms.MultiValueField):
    widget = DatePartsWidget

    def __init__(self, *, label_for_errors: str = "date", **kwargs: Any) -> None:
        self.label_for_errors = label_for_errors
        fields = [forms.CharField(), forms.CharField(), forms.CharField()]
        super().__init__(fields, require_all_fields=False, **kwargs)
        self.error_messages["required"] = f"Enter the {label_for_errors}"
        self.error_messages["incomplete"] = (
            f"The {label_for_errors} must include a day, month and year"
        )
        # Django reports a missing part with the part's own message, not the field's.
        for part in self.fields:
            part.error_messages["incomplete"] = self.error_messages["incomplete"]

    def compress(self, data_list: list[str | None]) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        day, month, year = (part.strip() if part else "" for part in data_list)
        if not (day and month and year):
            raise ValidationError(self.error_messages["incomplete"])
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValidationError(f"The {self.label_for_errors} must be a real date") from exc
        if len(year) != 4:
            raise ValidationError(f"The year of the {self.label_for_errors} must have 4 digits")
        return value


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's validation errors, on the form's fields where it has them (on the
    form as a whole otherwise), so the error summary links to each. A refusal with a
    link to the record it clashes with (``core.errors.RefusedWithLink``) puts the link
    in the error summary too (``form.refusal_links``)."""
    link = getattr(exc, "link", "")
    if link:
        form.refusal_links = [(link, getattr(exc, "link_text", ""))]  # type: ignore[attr-defined]
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ConfirmUnusualForm(forms.Form):
    """A form whose service may ask to confirm an unusual value (``core.unusual``): its
    ``confirm_unusual`` carries back the key of the warnings the person ticked "Yes, this
    is right" for. Mix it into the form; pass ``confirmed_in(cleaned_data)`` on."""

    confirm_unusual = forms.CharField(required=False, widget=forms.HiddenInput)
