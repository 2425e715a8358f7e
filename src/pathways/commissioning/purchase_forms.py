"""The form for recording or changing a purchase with a personal budget. It parses;
``commissioning.purchases`` decides (its refusals come back onto the form)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from pathways.commissioning.models import Buys, Provider, Route
from pathways.core.forms import DatePartsField


class SupplierChoiceField(forms.ModelChoiceField):
    """A directory provider, said to work elsewhere when it does not work in the
    person's authority (``purchases.suppliers_for`` lists those last)."""

    def label_from_instance(self, obj: Any) -> str:
        name = obj.organisation.name
        return name if getattr(obj, "works_here", True) else f"{name} (works elsewhere)"


class PurchaseForm(forms.Form):
    purchase_ref = forms.CharField(
        label="Reference",
        max_length=40,
        help_text="The council's reference for the purchase, such as DP-2025-014",
        error_messages={"required": "Enter the purchase's reference"},
    )
    route = forms.ChoiceField(
        label="How is it bought?",
        choices=Route.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how it is bought"},
    )
    buys = forms.ChoiceField(
        label="What does it buy?",
        choices=Buys.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what it buys"},
    )
    supplier = SupplierChoiceField(
        label="Supplier from the directory (optional)",
        queryset=Provider.objects.none(),
        required=False,
        empty_label="Not in the directory",
        help_text="Any provider in the directory: a personal budget can buy support from "
        "anywhere. Those working in the person's area come first",
    )
    supplier_name = forms.CharField(
        label="Or the supplier's name",
        max_length=200,
        required=False,
        help_text="When the supplier is not in the directory",
    )
    start_date = DatePartsField(
        label="First day", label_for_errors="first day", help_text="For example, 1 4 2025"
    )
    end_date = DatePartsField(
        label="Last day (optional)",
        label_for_errors="last day",
        help_text="Leave blank while it goes on",
        required=False,
    )
    weekly_hours = forms.DecimalField(
        label="Hours a week",
        min_value=0,
        max_digits=4,
        decimal_places=1,
        error_messages={
            "required": "Enter the hours a week",
            "invalid": "The hours a week must be a number, like 6 or 7.5",
        },
    )
    weekly_cost = forms.DecimalField(
        label="Weekly cost in pounds",
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text="For example, 120.50",
        error_messages={
            "required": "Enter the weekly cost",
            "invalid": "The weekly cost must be an amount in pounds, like 120.50",
            "min_value": "The weekly cost cannot be negative",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, suppliers: QuerySet[Provider], editing: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = suppliers  # type: ignore[attr-defined]
        if editing:  # the reference is the purchase's key
            del self.fields["purchase_ref"]
