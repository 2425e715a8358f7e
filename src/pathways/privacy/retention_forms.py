"""Forms of the retention and erasure pages. They parse input; the services decide."""

from __future__ import annotations

from django import forms

from pathways.privacy.models import ErasureReason, StartsFrom


class RuleForm(forms.Form):
    years = forms.IntegerField(
        label="Years to keep the record",
        min_value=1,
        max_value=100,
        error_messages={
            "required": "Enter how many years to keep the record",
            "invalid": "Years must be a whole number, like 6",
            "min_value": "Years must be 1 or more",
            "max_value": "Years must be 100 or fewer",
        },
    )
    starts_from = forms.ChoiceField(
        label="Count the years from",
        choices=StartsFrom.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose when the years start"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ProposeForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why erase this record",
        choices=ErasureReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the record is to be erased"},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, how and when the person asked. Do not write their name: "
        "the notes are blanked when the record is erased.",
    )
    override_reason = forms.CharField(
        label="Reason to erase although support is still open (only if needed)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only when an episode, referral or job is still open and the law still "
        "requires erasure. This reason is kept after the erasure: do not name the person.",
    )


class FindPersonForm(forms.Form):
    ref = forms.CharField(
        label="The person's client reference",
        max_length=40,
        error_messages={"required": "Enter the person's client reference"},
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label="Why the request is refused",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the request is refused"},
    )


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have checked that this record may be erased",
        error_messages={"required": "Confirm that you have checked the request"},
    )


class CarryOutForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that the erasure cannot be undone",
        error_messages={"required": "Confirm that you understand the erasure cannot be undone"},
    )
