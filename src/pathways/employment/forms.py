"""Forms for the job-start and placement pages. They parse and check input;
``employment.services`` decides and saves (its refusals come back onto these forms)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from pathways.core.forms import ConfirmUnusualForm, DatePartsField
from pathways.core.models import OpportunityKind
from pathways.employers.engagement.models import Employer
from pathways.employment.models import (
    AccessToWorkStatus,
    FadingStep,
    MilestoneEvidence,
    PlacementEndReason,
)

YES_NO = [("yes", "Yes"), ("no", "No")]

#: Rows of the fading-plan form: at least this many, and one spare beyond the plan.
FADING_ROWS = 6
#: At most this many rows are read from a posted fading plan.
MAX_FADING_ROWS = 52


def _date(
    label: str, what: str, required: bool = True, hint: str = "For example, 3 11 2026"
) -> DatePartsField:
    return DatePartsField(label=label, label_for_errors=what, help_text=hint, required=required)


def _yes_no(label: str, required_message: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
    )


def _hours(
    label: str, *, max_value: int, required: bool = True, **kwargs: Any
) -> forms.DecimalField:
    """Hours a week: of work (at least half an hour, at most 80) or of coaching."""
    min_value = Decimal("0.5") if max_value == 80 else Decimal("0")
    return forms.DecimalField(
        label=label,
        min_value=min_value,
        max_value=max_value,
        max_digits=4,
        decimal_places=1,
        required=required,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"The {label.lower()} must be a number, like 16 or 7.5",
            "max_value": f"The {label.lower()} must be {max_value} or fewer",
            "min_value": f"The {label.lower()} must be at least {min_value}",
            "max_decimal_places": f"Give the {label.lower()} to one decimal place at most",
        },
        **kwargs,
    )


def _pay() -> forms.DecimalField:
    return forms.DecimalField(
        label="Hourly pay in pounds (optional)",
        min_value=0,
        max_digits=7,
        decimal_places=2,
        required=False,
        help_text="For example, 12.60",
        error_messages={
            "invalid": "The hourly pay must be an amount in pounds, like 12.60",
            "min_value": "The hourly pay cannot be negative",
            "max_decimal_places": "Give the hourly pay in pounds and pence",
        },
    )


def _notes(label: str = "Notes (optional)") -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 2}), required=False)


class JobStartForm(ConfirmUnusualForm):
    employer = forms.ModelChoiceField(
        label="Employer",
        queryset=Employer.objects.none(),
        empty_label="Choose the employer",
        error_messages={
            "required": "Choose the employer",
            "invalid_choice": "Choose an employer from your list",
        },
    )
    job_title = forms.CharField(
        label="Job title", max_length=200, error_messages={"required": "Enter the job title"}
    )
    kind = forms.ChoiceField(
        label="Kind of work",
        choices=[("", "Choose the kind of work"), *OpportunityKind.choices],
        error_messages={"required": "Choose the kind of work"},
    )
    paid = _yes_no("Is the work paid?", "Say whether the work is paid")
    start_date = _date("Start date", "start date")
    hours_per_week = _hours("Hours a week", max_value=80)
    hourly_pay = _pay()
    supported = _yes_no(
        "Will the person get in-work support from the service?",
        "Say whether the person will get in-work support",
    )

    def __init__(self, *args: Any, employers: QuerySet[Employer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("paid") is False and data.get("hourly_pay") is not None:
            self.add_error("hourly_pay", "Unpaid work has no hourly pay: leave it blank")
        return data


class CheckForm(forms.Form):
    """Tick off one post-start check."""

    done_on = _date("Date done", "date it was done")
    notes = _notes()


class MilestoneForm(forms.Form):
    """Confirm a 13, 26 or 52-week milestone."""

    evidence = forms.ChoiceField(
        label="How do you know the person is still in work?",
        choices=MilestoneEvidence.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you know the person is still in work"},
    )
    confirmed_on = _date("Date confirmed", "date confirmed")
    notes = _notes()


class FadingPlanForm(forms.Form):
    """The fading plan as rows of "from this date, this many coaching hours a week";
    blank rows are left out. The whole plan replaces the one before."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    rows = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, rows: int = FADING_ROWS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.row_count = max(1, min(rows, MAX_FADING_ROWS))
        self.initial.setdefault("rows", self.row_count)
        for n in range(1, self.row_count + 1):
            self.fields[f"from_{n}"] = _date(
                f"Step {n}: from", f"date step {n} starts", required=False, hint=""
            )
            self.fields[f"hours_{n}"] = _hours(
                f"Step {n}: coaching hours a week", max_value=40, required=False
            )
            # The error messages read well without the step's own label.
            hours = self.fields[f"hours_{n}"]
            hours.error_messages["min_value"] = f"Step {n}: the hours cannot be negative"
            hours.error_messages["max_value"] = f"Step {n}: plan at most 40 coaching hours a week"

    @classmethod
    def initial_for(cls, steps: list[FadingStep], version: int) -> dict[str, Any]:
        initial: dict[str, Any] = {"version": version}
        for n, step in enumerate(steps, start=1):
            initial[f"from_{n}"] = step.starts_on
            initial[f"hours_{n}"] = step.planned_hours
        return initial

    def row_fields(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(n, self[f"from_{n}"], self[f"hours_{n}"]) for n in range(1, self.row_count + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        steps: list[tuple[dt.date, Decimal]] = []
        for n in range(1, self.row_count + 1):
            day, hours = data.get(f"from_{n}"), data.get(f"hours_{n}")
            if f"from_{n}" in self.errors or f"hours_{n}" in self.errors:
                continue
            if day is None and hours is None:
                continue
            if day is None:
                self.add_error(f"from_{n}", f"Enter the date step {n} starts")
            elif hours is None:
                self.add_error(f"hours_{n}", f"Enter the coaching hours a week for step {n}")
            else:
                steps.append((day, hours))
        data["steps"] = steps
        return data


def fading_rows_posted(data: Any) -> int:
    """How many rows a posted fading plan has (the form says, within bounds)."""
    try:
        return max(1, min(int(data.get("fading-rows", FADING_ROWS)), MAX_FADING_ROWS))
    except (TypeError, ValueError):
        return FADING_ROWS


class AccessToWorkForm(forms.Form):
    #: 0 when no record exists yet: a record someone else made meanwhile is a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    status = forms.ChoiceField(
        label="Where the application stands",
        choices=AccessToWorkStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the application stands"},
    )
    funds = forms.CharField(
        label="What it funds",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="For example a job coach, taxis to work, specialist equipment",
    )
    applied_on = _date("Date applied (optional)", "date applied", required=False)
    decided_on = _date("Date of the decision (optional)", "date of the decision", required=False)
    award_ends_on = _date("Award ends on (optional)", "date the award ends", required=False)


class TermsForm(ConfirmUnusualForm):
    """New hours or pay from a date."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    effective_from = _date("From", "date the change starts")
    hours_per_week = _hours("Hours a week", max_value=80)
    hourly_pay = _pay()


class EndForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    end_date = _date("Last day in the job", "last day in the job")
    end_reason = forms.ChoiceField(
        label="Why did the job end?",
        choices=PlacementEndReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the job ended"},
    )
