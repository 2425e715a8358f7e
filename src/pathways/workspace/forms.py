"""Forms of the workspace pages: opening a record in an emergency, reviewing it, and
narrowing an audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone

from pathways.core import audit
from pathways.core.forms import DatePartsField
from pathways.core.models import User


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


class TrailFilterForm(forms.Form):
    """Which entries of a trail to show (sent by GET; every field optional).

    ``actors`` are the staff who appear on the trail: the only names worth offering. A
    name two of them share is followed by the email, so the choice is never a guess."""

    who = forms.TypedChoiceField(
        label="Who",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose someone from the list"},
    )
    channel = forms.ChoiceField(
        label="How",
        choices=[("", "Any way"), *audit.CHANNELS.items()],
        required=False,
        error_messages={"invalid_choice": "Choose how from the list"},
    )
    action = forms.ChoiceField(
        label="Did",
        choices=[
            ("", "Anything"),
            ("read", "Read"),
            ("create", "Create"),
            ("update", "Update"),
            ("delete", "Delete"),
        ],
        required=False,
        error_messages={"invalid_choice": "Choose what was done from the list"},
    )
    since = DatePartsField(label="Start date", label_for_errors="start date", required=False)
    until = DatePartsField(label="End date", label_for_errors="end date", required=False)

    def __init__(self, data: Any, *, actors: Iterable[User]) -> None:
        super().__init__(data)
        self.actors = {user.pk: user for user in actors}
        names = [str(user) for user in self.actors.values()]
        self.fields["who"].choices = [  # type: ignore[attr-defined]
            ("", "Anyone"),
            *(
                (pk, f"{user} ({user.email})" if names.count(str(user)) > 1 else str(user))
                for pk, user in self.actors.items()
            ),
        ]

    def clean_since(self) -> dt.date | None:
        since: dt.date | None = self.cleaned_data.get("since")
        if since is not None and since > timezone.localdate():
            raise forms.ValidationError("The start date must be today or in the past")
        return since

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date must be the same as or after the start date")
        return data

    def filters(self) -> dict[str, Any]:
        """The cleaned choices as ``audit.narrow`` takes them."""
        data = self.cleaned_data
        return {
            "actor": self.actors.get(data["who"]) if data.get("who") else None,
            "since": data.get("since"),
            "until": data.get("until"),
            "channel": data.get("channel") or None,
            "action": data.get("action") or None,
        }


class RefusalFilterForm(TrailFilterForm):
    """The audit home's list of refused reads: every entry there is a read."""

    action = None  # type: ignore[assignment]
