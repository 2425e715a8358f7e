"""Forms of the interest vocabulary pages. The rules (names unique in any letter case,
not empty, not too long) are the services' (``matching.services``), so the forms only
carry the fields."""

from __future__ import annotations

from typing import Any

from django import forms

from pathways.core.models import InterestTag


class InterestForm(forms.Form):
    label = forms.CharField(label="Name", required=False)


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label="Merge into",
        queryset=InterestTag.objects.none(),
        empty_label="Choose an interest",
        error_messages={"required": "Choose the interest to merge into."},
    )

    def __init__(self, *args: Any, tag: InterestTag, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["into"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = InterestTag.objects.exclude(pk=tag.pk).order_by("label")
