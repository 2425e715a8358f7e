"""The vocational profile form. It parses and checks input; ``casework.profiles`` decides
and saves (and repeats the checks, for the import and the API)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from pathways.casework.models import TravelMode, VocationalProfile
from pathways.casework.profiles import HOURS_ORDER
from pathways.core.forms import DatePartsField
from pathways.core.models import InterestTag, OpportunityKind

YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known")]
_ANSWER_VALUES: dict[str, bool | None] = {"yes": True, "no": False, "unknown": None}
_VALUE_ANSWERS = {value: answer for answer, value in _ANSWER_VALUES.items()}
YES_NO_FIELDS = ("wants_paid_only", "travel_training_needed")


def _yes_no_unknown(label: str, **kwargs: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO_UNKNOWN,
        coerce=_ANSWER_VALUES.__getitem__,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        **kwargs,
    )


def _hours(label: str, what: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_value=80,
        decimal_places=1,
        max_digits=3,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "invalid": f"The {what} must be a number, like 16 or 16.5",
            "min_value": f"The {what} must be between 0 and 80",
            "max_value": f"The {what} must be between 0 and 80",
            "max_digits": f"The {what} must be between 0 and 80",
            "max_decimal_places": f"The {what} must have no more than one decimal place",
            "max_whole_digits": f"The {what} must be between 0 and 80",
        },
    )


def _text(label: str, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.Textarea, **kwargs)


class ProfileForm(forms.Form):
    """Every answer of the profile; ``version`` is the one the form was shown at
    (0 when the person has no profile yet)."""

    # What they'd like to do
    interests = forms.MultipleChoiceField(
        label="Interests (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. Opportunities use the same list, for matching.",
    )
    interests_notes = _text(
        "Interests in their own words (optional)",
        help_text="What they said they would like to do, as they put it",
    )
    kinds = forms.MultipleChoiceField(
        label="Kinds of opportunity wanted (optional)",
        required=False,
        choices=OpportunityKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    wants_paid_only = _yes_no_unknown("Do they want paid work only?")
    # Hours and travel
    min_hours = _hours("Fewest hours a week (optional)", "fewest hours")
    max_hours = _hours("Most hours a week (optional)", "most hours")
    max_travel_km = forms.DecimalField(
        label="Furthest they can travel, in km (optional)",
        required=False,
        min_value=0,
        max_value=Decimal("9999.9"),
        decimal_places=1,
        max_digits=5,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "invalid": "The distance they can travel must be a number, like 5 or 7.5",
            "min_value": "The distance they can travel must be 0 km or more",
            "max_value": "The distance they can travel must be less than 10,000 km",
            "max_digits": "The distance they can travel must be less than 10,000 km",
            "max_whole_digits": "The distance they can travel must be less than 10,000 km",
            "max_decimal_places": (
                "The distance they can travel must have no more than one decimal place"
            ),
        },
    )
    travel_modes = forms.MultipleChoiceField(
        label="How they can travel (optional)",
        required=False,
        choices=TravelMode.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    travel_training_needed = _yes_no_unknown("Do they need travel training?")
    # Skills and experience
    skills = _text("Skills (optional)")
    work_history = _text(
        "Work history (optional)", help_text="Jobs, volunteering, work experience and placements"
    )
    # Support and disclosure
    support_needs = _text("Support needs and adjustments (optional)")
    disclosure = _text(
        "What may be told to employers (optional)",
        help_text="Only what the person has agreed may be shared",
    )
    # Benefits
    benefits_situation = _text("Benefits situation (optional)")
    better_off_calculation_on = DatePartsField(
        label="Date of the better-off calculation (optional)",
        label_for_errors="date of the better-off calculation",
        required=False,
        help_text="Leave blank if none has been done. For example, 3 11 2026",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, profile: VocationalProfile | None = None, **kwargs: Any) -> None:
        initial: dict[str, Any] = {"version": 0}
        if profile is not None:
            for name in self.base_fields:
                if name not in ("interests", "version"):
                    initial[name] = getattr(profile, name)
            for name in YES_NO_FIELDS:
                initial[name] = _VALUE_ANSWERS[initial[name]]
            initial["interests"] = [t.code for t in profile.interests.all()]
            initial["version"] = profile.version
        kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        field = self.fields["interests"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = list(InterestTag.objects.order_by("label").values_list("code", "label"))

    def clean_better_off_calculation_on(self) -> dt.date | None:
        day = self.cleaned_data.get("better_off_calculation_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(
                "The date of the better-off calculation must be today or in the past"
            )
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_hours"), data.get("max_hours")
        if low is not None and high is not None and low > high:
            self.add_error("max_hours", HOURS_ORDER)
        return data

    def profile_fields(self) -> dict[str, Any]:
        """The cleaned answers for ``casework.profiles.save_profile`` (all but the version)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}
