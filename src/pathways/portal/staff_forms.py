"""Forms staff fill in about a person's portal access."""

from __future__ import annotations

from django import forms

from pathways.core.forms import DatePartsField
from pathways.people.models import Contact
from pathways.portal.models import Section


class InvitePersonForm(forms.Form):
    email = forms.EmailField(
        label="Their email address",
        max_length=254,
        help_text="The sign-in link goes here. It must not be a staff account's address.",
        error_messages={"required": "Enter the email address to send the link to"},
    )


class InviteSupporterForm(forms.Form):
    contact = forms.ModelChoiceField(
        queryset=Contact.objects.none(),
        label="Who from their circle of support",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who to invite"},
    )
    sections = forms.MultipleChoiceField(
        choices=Section.choices,
        label="What the person agreed they may see",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose what the person agreed this supporter may see"},
    )
    agreed_on = DatePartsField(
        label="When the person agreed",
        label_for_errors="date the person agreed",
        help_text="For example, 3 11 2026",
    )

    def __init__(self, *args: object, person_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["contact"].queryset = Contact.objects.filter(  # type: ignore[attr-defined]
            person_id=person_id
        ).exclude(email="")


class EndAccessForm(forms.Form):
    reason = forms.CharField(
        label="Why is the access ending?",
        max_length=200,
        error_messages={"required": "Say why the access is ending"},
    )
