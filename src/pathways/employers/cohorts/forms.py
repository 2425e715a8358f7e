"""Forms for setting up a cohort, choosing its interns and adding a rotation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from pathways.core.models import Team
from pathways.employers.cohorts.models import InternshipCohort
from pathways.employers.engagement.forms import date_field
from pathways.employers.engagement.models import Employer
from pathways.employers.opportunities.models import Opportunity
from pathways.people.models import Person


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

    def __init__(
        self, *args: Any, teams: QuerySet[Team], hosts: QuerySet[Employer], **kwargs: Any
    ) -> None:
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

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interns"].queryset = people  # type: ignore[attr-defined]


class RotationForm(forms.Form):
    starts_on = date_field("Starts", "start date")
    ends_on = date_field("Ends", "end date", hint="A rotation lasts 10 to 12 weeks")
    opportunities = forms.ModelMultipleChoiceField(
        label="Departments taking interns",
        queryset=Opportunity.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one department"},
    )

    def __init__(self, *args: Any, departments: QuerySet[Opportunity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opportunities"].queryset = departments  # type: ignore[attr-defined]
        self.fields["opportunities"].label_from_instance = (  # type: ignore[attr-defined]
            lambda o: f"{o.title} ({o.places} place{'s' if o.places != 1 else ''})"
        )
