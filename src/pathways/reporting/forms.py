from __future__ import annotations

from django import forms

from pathways.core.models import User


class ReassignForm(forms.Form):
    from_worker = forms.ModelChoiceField(
        label="Whose cases",
        queryset=User.objects.none(),
        empty_label="Choose a worker",
        error_messages={"required": "Choose the worker whose cases move"},
    )
    to_workers = forms.ModelMultipleChoiceField(
        label="Colleagues to take them",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Cases go to whoever has most room under the cap, so the load stays even",
        error_messages={"required": "Choose at least one colleague"},
    )

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_worker"].queryset = workers
        self.fields["to_workers"].queryset = workers
        self.fields["from_worker"].label_from_instance = lambda u: u.get_full_name() or u.email
        self.fields["to_workers"].label_from_instance = lambda u: u.get_full_name() or u.email
