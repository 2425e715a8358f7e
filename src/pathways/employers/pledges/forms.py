"""The form for recording a social-value pledge."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from pathways.core.models import Authority
from pathways.employers.engagement.forms import date_field
from pathways.employers.pledges.models import SocialValuePledge


class PledgeForm(forms.Form):
    authority = forms.ModelChoiceField(
        label="Made to", queryset=Authority.objects.none(), empty_label=None
    )
    description = forms.CharField(
        label="What was promised",
        max_length=300,
        help_text="For example, 4 supported opportunities this municipal year",
        error_messages={"required": "Say what was promised"},
    )
    source = forms.ChoiceField(
        label="Where it comes from", choices=SocialValuePledge.Source.choices
    )
    source_reference = forms.CharField(label="Contract or agreement reference", required=False)
    target = forms.IntegerField(
        label="Number of supported opportunities",
        min_value=1,
        error_messages={"required": "Enter how many opportunities were promised"},
    )
    starts_on = date_field("Period starts", "start of the period")
    ends_on = date_field("Period ends", "end of the period")

    def __init__(self, *args: Any, authorities: QuerySet[Authority], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The period must end after it starts")
        return data
