"""Forms for finding and keeping a person's record. They parse and validate input;
``people.services`` decides and saves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from pathways.core.forms import ConfirmUnusualForm, DatePartsField
from pathways.people.models import Condition, Consent, Person, SupportReason
from pathways.people.postcodes import normalise_postcode

POSTCODE_ERROR = "Enter a real UK postcode, like E15 1AB"
EMAIL_ERROR = "Enter an email address in the correct format, like name@example.com"

#: Yes / no / not known answers and the values they stand for.
YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known")]
_ANSWER_VALUES: dict[str, bool | None] = {"yes": True, "no": False, "unknown": None}
_VALUE_ANSWERS = {value: answer for answer, value in _ANSWER_VALUES.items()}


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Name, reference or date of birth",
        required=False,
        max_length=100,
        help_text="For example, Sam Patel, C102345 or 27/03/1990",
    )


class TelInput(forms.TextInput):
    input_type = "tel"


class PostcodeField(forms.CharField):
    """An optional UK postcode, cleaned to its standard form (``e15 1ab`` → ``E15 1AB``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_length=10,
            required=False,
            # Too long to be a postcode is the same mistake as any other non-postcode.
            error_messages={"max_length": POSTCODE_ERROR},
            **kwargs,
        )

    def clean(self, value: Any) -> str:
        try:
            return normalise_postcode(super().clean(value))
        except ValueError:
            raise forms.ValidationError(POSTCODE_ERROR) from None


def _yes_no_unknown(label: str, **kwargs: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO_UNKNOWN,
        coerce=_ANSWER_VALUES.__getitem__,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"required": f"Select yes, no or not known for {label.lower()}"},
        **kwargs,
    )


def _optional_email(label: str) -> forms.EmailField:
    return forms.EmailField(
        label=label,
        required=False,
        max_length=254,
        error_messages={"invalid": EMAIL_ERROR, "max_length": EMAIL_ERROR},
    )


def _optional_phone(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=30,
        widget=TelInput,
        error_messages={"max_length": "The phone number must be 30 characters or fewer"},
    )


class PersonForm(ConfirmUnusualForm):
    """The person's own details. ``version`` is the one the form was shown at."""

    given_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={
            "required": "Enter the person's first name",
            "max_length": "The first name must be 100 characters or fewer",
        },
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={
            "required": "Enter the person's last name",
            "max_length": "The last name must be 100 characters or fewer",
        },
    )
    preferred_name = forms.CharField(
        label="Preferred name (optional)",
        max_length=100,
        required=False,
        help_text="What they like to be called, if not their first name",
        error_messages={"max_length": "The preferred name must be 100 characters or fewer"},
    )
    date_of_birth = DatePartsField(
        label="Date of birth",
        label_for_errors="date of birth",
        help_text="For example, 27 3 1990",
    )
    postcode = PostcodeField(label="Postcode (optional)")
    primary_support_reason = forms.ChoiceField(
        label="Primary support reason",
        required=False,
        choices=[("", "Not known"), *SupportReason.choices],
    )
    conditions = forms.MultipleChoiceField(
        label="Conditions",
        required=False,
        choices=Condition.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    long_term_support = _yes_no_unknown("Long-term support from adult social care")
    secondary_mental_health = _yes_no_unknown("Secondary mental-health services")
    ehc_plan = _yes_no_unknown("EHC plan", help_text="An education, health and care plan")
    email = _optional_email("Email address (optional)")
    phone = _optional_phone("Phone number (optional)")
    communication_needs = forms.CharField(
        label="Communication needs (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="How to communicate well with them, for example easy read or BSL",
    )
    reasonable_adjustments = forms.CharField(
        label="Reasonable adjustments (optional)",
        required=False,
        widget=forms.Textarea,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        initial = {
            name: getattr(person, name)
            for name in self.base_fields
            if name not in ("version", "confirm_unusual")
        }
        for name in ("long_term_support", "secondary_mental_health", "ehc_plan"):
            initial[name] = _VALUE_ANSWERS[initial[name]]
        initial["version"] = person.version
        kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)

    def clean_date_of_birth(self) -> dt.date | None:
        day = self.cleaned_data.get("date_of_birth")
        if day and day >= timezone.localdate():
            raise forms.ValidationError("The date of birth must be in the past")
        return day

    def person_fields(self) -> dict[str, Any]:
        """The cleaned fields for ``people.services.update_person`` (all but the version
        and the confirmation)."""
        return {
            k: v for k, v in self.cleaned_data.items() if k not in ("version", "confirm_unusual")
        }


class ContactForm(forms.Form):
    """Someone in the person's circle of support."""

    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={
            "required": "Enter the contact's name",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    relationship = forms.CharField(
        label="Relationship to the person",
        max_length=100,
        help_text="For example, mother, advocate or social worker",
        error_messages={
            "required": "Enter how the contact knows the person",
            "max_length": "The relationship must be 100 characters or fewer",
        },
    )
    phone = _optional_phone("Phone number (optional)")
    email = _optional_email("Email address (optional)")
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="For example, when to contact them, or what they help with",
    )


class ConsentForm(forms.Form):
    """One consent decision. A change of mind is a new decision: nothing is edited."""

    scope = forms.ChoiceField(
        label="What is the consent for?",
        choices=Consent.Scope.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the consent is for"},
    )
    given = forms.TypedChoiceField(
        label="Did they give consent?",
        choices=[("yes", "Yes"), ("no", "No, they refused or withdrew consent")],
        coerce=_ANSWER_VALUES.__getitem__,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if they gave consent, or no if they did not"},
    )
    given_on = DatePartsField(
        label="Date of the decision",
        label_for_errors="date of the decision",
        help_text="For example, 3 11 2026",
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="For example, how they told you, or any limits on what may be shared",
    )

    def clean_given_on(self) -> dt.date | None:
        day = self.cleaned_data.get("given_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError("The date of the decision must be today or earlier")
        return day
