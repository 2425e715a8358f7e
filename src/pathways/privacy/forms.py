"""Forms for the subject access pages. They parse input; ``privacy.subject_access``
decides and saves (its refusals come back onto these forms)."""

from __future__ import annotations

from django import forms

from pathways.core.forms import DatePartsField
from pathways.privacy.models import SubjectAccessRequest


class LogRequestForm(forms.Form):
    person_ref = forms.CharField(
        label="The person's reference",
        max_length=40,
        help_text="Their client reference in the council's records, for example C100234",
        error_messages={"required": "Enter the person's reference"},
    )
    received_on = DatePartsField(
        label="When was the request received?",
        label_for_errors="date the request was received",
        help_text="The month to answer it starts on this day. For example, 3 11 2026",
    )
    requested_by = forms.CharField(
        label="Who made the request?",
        max_length=200,
        help_text="The person, or who asked on their behalf (for example, their advocate)",
        error_messages={"required": "Enter who made the request"},
    )
    received_how = forms.ChoiceField(
        label="How was the request received?",
        choices=SubjectAccessRequest.ReceivedHow.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the request was received"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="For example, how the person wants the answer sent",
    )
