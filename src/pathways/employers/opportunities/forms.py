"""The form for adding an opportunity."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from pathways.core.forms import ConfirmUnusualForm
from pathways.core.models import Authority, InterestTag, OpportunityKind
from pathways.employers.engagement.forms import date_field
from pathways.employers.engagement.models import EmployerSite


class OpportunityForm(ConfirmUnusualForm):
    opportunity_ref = forms.CharField(
        label="Reference", max_length=40, error_messages={"required": "Enter a reference"}
    )
    authority = forms.ModelChoiceField(
        label="Offered to residents of", queryset=Authority.objects.none(), empty_label=None
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the title"}
    )
    kind = forms.ChoiceField(
        label="Kind of opportunity",
        choices=OpportunityKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of opportunity"},
    )
    instead_of_interview = forms.BooleanField(
        label="A work trial instead of a formal interview", required=False
    )
    paid = forms.TypedChoiceField(
        label="Is it paid?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether it is paid"},
    )
    hours_per_week = forms.DecimalField(
        label="Hours a week",
        min_value=0.5,
        max_value=80,
        decimal_places=1,
        error_messages={"required": "Enter the hours a week"},
    )
    hourly_pay = forms.DecimalField(
        label="Hourly pay in pounds (optional)",
        min_value=0,
        max_digits=7,
        decimal_places=2,
        required=False,
    )
    places = forms.IntegerField(label="Places", min_value=1, initial=1)
    site = forms.ModelChoiceField(
        label="Site",
        queryset=EmployerSite.objects.none(),
        required=False,
        empty_label="No particular site",
    )
    tags = forms.ModelMultipleChoiceField(
        label="Interests it fits",
        queryset=InterestTag.objects.order_by("label"),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    closes_on = date_field("Closing date (optional)", "closing date", required=False)
    description = forms.CharField(
        label="Description", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    accessibility_notes = forms.CharField(
        label="Accessibility",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Step-free access, quiet space, flexible start times, and so on",
    )
    carved_tasks = forms.CharField(
        label="Tasks of a carved job (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One task per line, for a job built from tasks the employer needs done",
    )

    def __init__(
        self,
        *args: Any,
        authorities: QuerySet[Authority],
        sites: QuerySet[EmployerSite],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities  # type: ignore[attr-defined]
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]

    def clean_carved_tasks(self) -> list[str]:
        text = self.cleaned_data.get("carved_tasks") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("paid") is False and data.get("hourly_pay") is not None:
            self.add_error("hourly_pay", "Leave the hourly pay blank for unpaid opportunities")
        if data.get("instead_of_interview") and data.get("kind") != OpportunityKind.WORK_TRIAL:
            self.add_error("instead_of_interview", "Only a work trial can replace an interview")
        return data
