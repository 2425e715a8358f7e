from __future__ import annotations

from django import forms


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Name, reference or date of birth",
        required=False,
        max_length=100,
        help_text="For example, Sam Patel, C102345 or 27/03/1990",
    )
