"""The onward referral form: it parses and validates input; ``onward.refer_onward``
decides."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from pathways.core.models import Team


class OnwardReferralForm(forms.Form):
    from_team = forms.ModelChoiceField(
        label="Refer from",
        queryset=Team.objects.none(),
        empty_label="Choose your team",
        error_messages={"required": "Choose the team you are referring from"},
    )
    to_team = forms.ModelChoiceField(
        label="Provider team to refer to",
        queryset=Team.objects.none(),
        empty_label="Choose a provider team",
        error_messages={
            "required": "Choose the provider team to refer to",
            "invalid_choice": "Choose a provider team from the list",
        },
    )
    reason = forms.CharField(
        label="Why this provider",
        widget=forms.Textarea,
        max_length=4000,
        help_text="What the person wants from them; the receiving team reads this when it triages",
        error_messages={"required": "Say why you are referring them to this provider"},
    )

    def __init__(
        self, *args: Any, from_teams: QuerySet[Team], to_teams: QuerySet[Team], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        from_field = cast(forms.ModelChoiceField, self.fields["from_team"])
        from_field.queryset = from_teams
        if len(from_teams) == 1:
            # One team works with the person: no question to ask.
            from_field.widget = forms.HiddenInput()
            from_field.initial = from_teams[0].pk
        to_field = cast(forms.ModelChoiceField, self.fields["to_team"])
        to_field.queryset = to_teams
        self.fields["to_team"].label_from_instance = lambda t: f"{t.organisation.name}: {t.name}"  # type: ignore[attr-defined]  # stubs type it as Field
