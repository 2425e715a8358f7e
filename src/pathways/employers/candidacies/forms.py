"""Forms for putting a person forward and moving a candidacy on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from pathways.employers.candidacies.models import CandidacyStatus
from pathways.employers.engagement.forms import date_field, not_future


class PutForwardForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    opportunity = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MoveCandidacyForm(forms.Form):
    status = forms.ChoiceField(
        label="What happened",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened"},
    )
    on = date_field("Date", "date")
    reason = forms.CharField(
        label="Notes or reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed when the person was not successful or withdrew",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, statuses: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s, CandidacyStatus(s).label) for s in statuses]

    def clean_on(self) -> dt.date | None:
        return not_future(self.cleaned_data.get("on"), "date")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("status") in (CandidacyStatus.UNSUCCESSFUL, CandidacyStatus.WITHDRAWN)
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", "Say why, so that the next match learns from it")
        return data


class ShareWithPersonForm(forms.Form):
    """The "Share with …" button: the version the coach saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)
