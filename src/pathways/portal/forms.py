"""Forms the person (or their supporter) fills in: their words, held to easy read."""

from __future__ import annotations

from django import forms


class NewLinkForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        error_messages={
            "required": "Type your email address",
            "invalid": "Type your email address like this: name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class Radios(forms.RadioSelect):
    """Radios whose field links to its first choice, so the error list's link lands on it."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class ReminderForm(forms.Form):
    """Yes or no to an email the day before each appointment."""

    wanted = forms.TypedChoiceField(
        label="Do you want an email the day before?",
        choices=[("yes", "Yes, send me an email"), ("no", "No, thank you")],
        coerce=lambda value: value == "yes",
        widget=Radios,
        error_messages={"required": "Choose yes or no", "invalid_choice": "Choose yes or no"},
    )
