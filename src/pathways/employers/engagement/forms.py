"""Forms for the employer list's pages. They parse and check input;
``engagement.services`` decides and saves. The date helpers are shared by the other
employer sub-domains' forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from pathways.core.forms import DatePartsField
from pathways.core.models import Organisation
from pathways.employers.engagement.models import DisabilityConfident, Employer, Engagement


def date_field(
    label: str, what: str, required: bool = True, hint: str = "For example, 3 11 2026"
) -> DatePartsField:
    return DatePartsField(label=label, label_for_errors=what, help_text=hint, required=required)


def not_future(day: dt.date | None, what: str) -> dt.date | None:
    if day and day > timezone.localdate():
        raise forms.ValidationError(f"The {what} must be today or in the past")
    return day


class EmployerForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Whose employer list",
        queryset=Organisation.objects.none(),
        empty_label=None,
        required=False,
    )
    name = forms.CharField(
        label="Employer name", max_length=200, error_messages={"required": "Enter the name"}
    )
    sector = forms.CharField(label="Sector", max_length=100, required=False)
    size = forms.ChoiceField(
        label="Size", choices=[("", "Not known"), *Employer.Size.choices], required=False
    )
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    disability_confident = forms.ChoiceField(
        label="Disability Confident level",
        choices=[("", "Not signed up"), *DisabilityConfident.choices],
        required=False,
    )
    disability_confident_on = date_field(
        "Date the level was reached", "date the level was reached", required=False
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, organisations: list[Organisation], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Editing saves over what the form was read from: without the version it was
        # read at, a save could silently undo someone else's (issue 11: lost updates).
        version = self.fields["version"]
        version.required = editing
        version.error_messages["required"] = (
            "This page was out of date. Open the employer again and make your changes there."
        )
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        if len(organisations) <= 1:
            del self.fields["organisation"]
        self.organisations = organisations

    def clean_disability_confident_on(self) -> dt.date | None:
        return not_future(self.cleaned_data.get("disability_confident_on"), "date")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        level, since = data.get("disability_confident"), data.get("disability_confident_on")
        if level and not since and "disability_confident_on" not in self.errors:
            self.add_error("disability_confident_on", "Enter the date the level was reached")
        if since and not level:
            self.add_error("disability_confident", "Choose the level, or leave the date blank")
        return data

    def chosen_organisation(self) -> Organisation:
        return self.cleaned_data.get("organisation") or self.organisations[0]


class SiteForm(forms.Form):
    name = forms.CharField(
        label="Site name", max_length=200, error_messages={"required": "Enter the site name"}
    )
    address = forms.CharField(
        label="Address", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    postcode = forms.CharField(label="Postcode", max_length=8, required=False)
    latitude = forms.DecimalField(
        label="Latitude",
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
    )
    longitude = forms.DecimalField(
        label="Longitude",
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None) and not self.errors:
            self.add_error("longitude" if lon is None else "latitude", "Give both, or neither")
        return data


class ContactForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the name"}
    )
    job_title = forms.CharField(label="Job title", max_length=200, required=False)
    email = forms.EmailField(label="Email", required=False)
    phone = forms.CharField(label="Phone", max_length=40, required=False)


class EngagementForm(forms.Form):
    kind = forms.ChoiceField(
        label="What happened",
        choices=[("", "Choose what happened"), *Engagement.Kind.choices],
        error_messages={"required": "Choose what happened"},
    )
    occurred_on = date_field("Date", "date")
    attendees = forms.IntegerField(
        label="How many of the employer's staff took part (optional)",
        min_value=0,
        required=False,
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean_occurred_on(self) -> dt.date | None:
        return not_future(self.cleaned_data.get("occurred_on"), "date")
