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


class JobAnswerForm(forms.Form):
    """The person's answer to a job their coach shared: one of three big buttons."""

    answer = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No"), ("later", "Later")],
        error_messages={
            "required": "Press one of the three buttons",
            "invalid_choice": "Press one of the three buttons",
        },
    )
