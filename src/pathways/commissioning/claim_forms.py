"""Forms of the claim pages. They parse input; ``claims`` decides."""

from __future__ import annotations

from typing import Any

from django import forms

from pathways.core.forms import DatePartsField


class PeriodForm(forms.Form):
    period_from = DatePartsField(
        label="First day of the period",
        label_for_errors="first day of the period",
        help_text="For example, 1 4 2025",
    )
    period_to = DatePartsField(
        label="Last day of the period",
        label_for_errors="last day of the period",
        help_text="For example, 31 3 2026",
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approve", "Approve"), ("reject", "Reject")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve or reject"},
    )
    reason = forms.CharField(
        label="Reason (needed to reject)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why the line is rejected")
        return data
