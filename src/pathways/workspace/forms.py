"""Forms of the workspace pages: opening a record in an emergency and reviewing it."""

from __future__ import annotations

from django import forms


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need this record now?",
        help_text="For example, a safeguarding call about this person. Your reason, and "
        "everything you look at, is recorded and checked by the data protection officer.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why you need this record now"},
    )


class BreakGlassReviewForm(forms.Form):
    note = forms.CharField(
        label="Review note",
        help_text="What you checked and what you decided",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "Say what you checked and what you decided"},
    )
