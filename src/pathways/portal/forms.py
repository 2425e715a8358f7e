"""Forms the person (or their supporter) fills in: their words, held to easy read."""

from __future__ import annotations

from django import forms

from pathways.casework.models import Message


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


class MessageForm(forms.Form):
    """A message to the coach ("Messages")."""

    text = forms.CharField(
        label="Your message",
        max_length=Message.MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Type your message.",
            "max_length": "Your message is too long. Make it shorter.",
        },
    )
