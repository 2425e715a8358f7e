"""Forms for the employer, opportunity, candidacy and cohort pages. They parse and
check input; ``employers.services`` decides and saves."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from pathways.core.forms import DatePartsField
from pathways.core.models import Authority, InterestTag, OpportunityKind, Organisation, Team
from pathways.employers.candidacies.models import CandidacyStatus
from pathways.employers.cohorts.models import InternshipCohort
from pathways.employers.engagement.models import (
    DisabilityConfident,
    Employer,
    EmployerSite,
    Engagement,
)
from pathways.employers.opportunities.models import Opportunity
from pathways.employers.pledges.models import SocialValuePledge
from pathways.people.models import Person


def _date(label: str, what: str, required: bool = True, hint: str = "For example, 3 11 2026"):
    return DatePartsField(label=label, label_for_errors=what, help_text=hint, required=required)


def _not_future(day, what: str):
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
    disability_confident_on = _date(
        "Date the level was reached", "date the level was reached", required=False
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, organisations: list[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        if len(organisations) <= 1:
            del self.fields["organisation"]
        self.organisations = organisations

    def clean_disability_confident_on(self):
        return _not_future(self.cleaned_data.get("disability_confident_on"), "date")

    def clean(self):
        data = super().clean()
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

    def clean(self):
        data = super().clean()
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
    occurred_on = _date("Date", "date")
    attendees = forms.IntegerField(
        label="How many of the employer's staff took part (optional)",
        min_value=0,
        required=False,
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean_occurred_on(self):
        return _not_future(self.cleaned_data.get("occurred_on"), "date")


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
    starts_on = _date("Period starts", "start of the period")
    ends_on = _date("Period ends", "end of the period")

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The period must end after it starts")
        return data


class OpportunityForm(forms.Form):
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
    closes_on = _date("Closing date (optional)", "closing date", required=False)
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

    def __init__(self, *args, authorities, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities
        self.fields["site"].queryset = sites

    def clean_carved_tasks(self):
        text = self.cleaned_data.get("carved_tasks") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean(self):
        data = super().clean()
        if data.get("paid") is False and data.get("hourly_pay") is not None:
            self.add_error("hourly_pay", "Leave the hourly pay blank for unpaid opportunities")
        if data.get("instead_of_interview") and data.get("kind") != OpportunityKind.WORK_TRIAL:
            self.add_error("instead_of_interview", "Only a work trial can replace an interview")
        return data


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
    on = _date("Date", "date")
    reason = forms.CharField(
        label="Notes or reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed when the person was not successful or withdrew",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, statuses: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s, CandidacyStatus(s).label) for s in statuses]

    def clean_on(self):
        return _not_future(self.cleaned_data.get("on"), "date")

    def clean(self):
        data = super().clean()
        if (
            data.get("status") in (CandidacyStatus.UNSUCCESSFUL, CandidacyStatus.WITHDRAWN)
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", "Say why, so that the next match learns from it")
        return data


class CohortForm(forms.Form):
    team = forms.ModelChoiceField(
        label="Team running it", queryset=Team.objects.none(), empty_label=None
    )
    host = forms.ModelChoiceField(
        label="Host employer", queryset=Employer.objects.none(), empty_label=None
    )
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="For example, Project SEARCH at Riverside Hospital",
        error_messages={"required": "Enter the cohort's name"},
    )
    programme = forms.ChoiceField(
        label="Programme", choices=InternshipCohort.Programme.choices, widget=forms.RadioSelect
    )
    academic_year = forms.CharField(
        label="Academic year",
        max_length=7,
        help_text="For example, 2026-27",
        error_messages={"required": "Enter the academic year"},
    )

    def __init__(self, *args, teams, hosts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["host"].queryset = hosts  # type: ignore[attr-defined]


class InternsForm(forms.Form):
    interns = forms.ModelMultipleChoiceField(
        label="Interns",
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="People of the cohort's authority whose records you can see",
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interns"].queryset = people  # type: ignore[attr-defined]


class RotationForm(forms.Form):
    starts_on = _date("Starts", "start date")
    ends_on = _date("Ends", "end date", hint="A rotation lasts 10 to 12 weeks")
    opportunities = forms.ModelMultipleChoiceField(
        label="Departments taking interns",
        queryset=Opportunity.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one department"},
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opportunities"].queryset = departments  # type: ignore[attr-defined]
        self.fields["opportunities"].label_from_instance = (  # type: ignore[attr-defined]
            lambda o: f"{o.title} ({o.places} place{'s' if o.places != 1 else ''})"
        )
