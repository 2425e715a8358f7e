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
