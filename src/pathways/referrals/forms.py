"""Forms at the front door. They parse and validate input; services decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from pathways.core.forms import ConfirmUnusualForm, DatePartsField
from pathways.core.models import Team
from pathways.people.forms import PostcodeField
from pathways.people.models import Person, SupportReason
from pathways.referrals.models import Source
from pathways.referrals.selectors import WorkerLoad


class NewReferralForm(ConfirmUnusualForm):
    """Refer someone already known (``person`` given) or someone new."""

    person_ref = forms.CharField(
        label="Client reference",
        max_length=40,
        required=False,
        help_text="The council's client ID from the social-care system",
    )
    given_name = forms.CharField(label="First name", max_length=100, required=False)
    family_name = forms.CharField(label="Last name", max_length=100, required=False)
    date_of_birth = DatePartsField(
        label="Date of birth",
        required=False,
        label_for_errors="date of birth",
        help_text="For example, 27 3 1990",
    )
    postcode = PostcodeField(label="Postcode")
    primary_support_reason = forms.ChoiceField(
        label="Primary support reason",
        required=False,
        choices=[("", "Not known")] + list(SupportReason.choices),
    )
    team = forms.ModelChoiceField(
        label="Team to refer to",
        queryset=Team.objects.none(),
        empty_label="Choose a team",
        error_messages={"required": "Choose the team to refer to"},
    )
    source = forms.ChoiceField(
        label="Where the referral came from",
        choices=Source.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the referral came from"},
    )
    received_on = DatePartsField(
        label="Date received",
        label_for_errors="date the referral was received",
        help_text="For example, 3 11 2026",
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea,
        help_text=(
            "What the person wants from employment support, and anything the team should know"
        ),
    )

    def __init__(
        self, *args: Any, teams: QuerySet[Team], person: Person | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = teams
        self.fields["team"].label_from_instance = lambda t: f"{t.name} ({t.authority.name})"  # type: ignore[attr-defined]  # stubs type it as Field
        if person is not None:
            for name in (
                "person_ref",
                "given_name",
                "family_name",
                "date_of_birth",
                "postcode",
                "primary_support_reason",
            ):
                del self.fields[name]

    def clean_received_on(self) -> dt.date | None:
        day = self.cleaned_data.get("received_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError("The date received must be today or in the past")
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.person is None:
            required = {
                "person_ref": "Enter the client reference",
                "given_name": "Enter the person's first name",
                "family_name": "Enter the person's last name",
                "date_of_birth": "Enter the person's date of birth",
            }
            for name, message in required.items():
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea,
        error_messages={"required": "Enter the reason"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class RedirectForm(ReasonForm):
    to_team = forms.ModelChoiceField(
        label="Team to redirect to",
        queryset=Team.objects.none(),
        empty_label="Choose a team",
        error_messages={"required": "Choose the team to redirect to"},
    )
    field_order = ["to_team", "reason", "version"]

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["to_team"]).queryset = teams


class UrgentForm(forms.Form):
    urgent = forms.BooleanField(label="Urgent", required=False)
    reason = forms.CharField(label="Why is this urgent?", widget=forms.Textarea, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("urgent") and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why this referral is urgent")
        return data


class AllocateForm(forms.Form):
    worker = forms.ChoiceField(
        label="Worker",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a worker"},
    )
    override_reason = forms.CharField(
        label="Reason for allocating over the cap (team managers only)",
        required=False,
        widget=forms.Textarea,
        help_text="Needed only when the worker is at their caseload cap",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, loads: Iterable[WorkerLoad], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["worker"]).choices = [
            (
                str(load.worker.pk),
                f"{load.worker} – {load.open_cases}"
                f"{f' of {load.cap}' if load.cap is not None else ''} open cases"
                f"{' (at cap)' if load.at_cap else ''}",
            )
            for load in loads
        ]


# --- Requests for help (the public form), dealt with by intake officers -------------


class ReferNewPersonForm(ConfirmUnusualForm):
    """Refer the person who asked as someone new: the officer adds the client
    reference, and the date of birth when the person did not give it."""

    team = forms.ModelChoiceField(
        label="Team to refer to",
        queryset=Team.objects.none(),
        empty_label="Choose a team",
        error_messages={"required": "Choose the team to refer to"},
    )
    person_ref = forms.CharField(
        label="Client reference",
        max_length=40,
        help_text="The council's client ID from the social-care system",
        error_messages={"required": "Enter the client reference"},
    )
    date_of_birth = DatePartsField(
        label="Date of birth",
        required=False,
        label_for_errors="date of birth",
        help_text="Only if they did not give it. For example, 27 3 1990",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = teams


class ReferExistingPersonForm(ConfirmUnusualForm):
    """Refer one of the people on record who may be the one asking."""

    person = forms.TypedChoiceField(
        label="Who is asking for help",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who is asking for help"},
    )
    team = forms.ModelChoiceField(
        label="Team to refer to",
        queryset=Team.objects.none(),
        empty_label="Choose a team",
        error_messages={"required": "Choose the team to refer to"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, teams: QuerySet[Team], people: Iterable[Person], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = teams
        cast(forms.TypedChoiceField, self.fields["person"]).choices = [
            (p.pk, f"{p.full_name}, born {p.date_of_birth:%-d %B %Y} ({p.person_ref})")
            for p in people
        ]
