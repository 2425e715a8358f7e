"""Forms of the staff pages."""

from __future__ import annotations

from typing import Any

from django import forms

from pathways.core.models import Role, Team, User
from pathways.core.policies import administered_teams

ROLE_CHOICES = [("", "Choose a role"), *Role.choices]


class StaffSearchForm(forms.Form):
    q = forms.CharField(label="Name or email address", required=False, max_length=100)


class _TeamRoleForm(forms.Form):
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        empty_label="Choose a team",
        error_messages={"required": "Choose a team", "invalid_choice": "Choose a team"},
    )
    role = forms.ChoiceField(
        label="Role",
        choices=ROLE_CHOICES,
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role"},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = administered_teams(user)  # type: ignore[attr-defined]


class InviteForm(_TeamRoleForm):
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter their first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter their last name"}
    )
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter their work email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    field_order = ["first_name", "last_name", "email", "team", "role"]


class MembershipForm(_TeamRoleForm):
    pass


class DeactivateForm(forms.Form):
    hand_to = forms.ModelMultipleChoiceField(
        label="Who takes their cases?",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, colleagues: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hand_to"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=[c.pk for c in colleagues]
        )
