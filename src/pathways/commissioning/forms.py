"""Forms of the directory and contract pages. They parse input; ``directory`` and
``contracts`` decide and save."""

from __future__ import annotations

from typing import Any

from django import forms

from pathways.commissioning.models import Outcome, Provider, Service
from pathways.core.forms import DatePartsField
from pathways.core.models import Authority, Organisation
from pathways.people.models import SupportReason

STALE = "This page was out of date. Open the record again and make your changes there."


def _version(form: forms.Form, editing: bool) -> None:
    """Editing needs the version the form was read at, so a save never silently
    undoes someone else's."""
    field = form.fields["version"]
    field.required = editing
    field.error_messages["required"] = STALE


def money_field(label: str, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={"invalid": f"Enter the {label.lower()} in pounds, like 1250.00"},
    )


def count_field(label: str, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
        error_messages={
            "invalid": f"Enter the {label.lower()} as a whole number",
            "required": f"Enter the {label.lower()}",
        },
    )


class ProviderForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        error_messages={"required": "Choose the organisation"},
    )
    services = forms.MultipleChoiceField(
        label="Services offered",
        choices=Service.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one service"},
    )
    need_groups = forms.MultipleChoiceField(
        label="Need groups served",
        help_text="Leave all unticked if it serves every group",
        choices=SupportReason.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    authorities = forms.ModelMultipleChoiceField(
        label="Authorities it works in",
        queryset=Authority.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one authority"},
    )
    places = count_field("Places")
    accreditation = forms.CharField(
        label="Framework or accreditation", max_length=300, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, remit: frozenset[int] | None, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _version(self, editing)
        authorities = self.fields["authorities"]
        assert isinstance(authorities, forms.ModelMultipleChoiceField)
        every = Authority.objects.order_by("name")
        authorities.queryset = every if remit is None else every.filter(pk__in=remit)
        if editing:
            del self.fields["organisation"]
        else:
            organisation = self.fields["organisation"]
            assert isinstance(organisation, forms.ModelChoiceField)
            organisation.queryset = Organisation.objects.filter(provider__isnull=True)


class ContractForm(forms.Form):
    authority = forms.ModelChoiceField(
        label="Commissioning authority",
        queryset=Authority.objects.none(),
        empty_label=None,
    )
    contract_ref = forms.CharField(
        label="Contract reference",
        max_length=40,
        error_messages={"required": "Enter the contract reference"},
    )
    provider = forms.ModelChoiceField(
        label="Provider",
        queryset=Provider.objects.none(),
        error_messages={"required": "Choose the provider"},
    )
    service = forms.ChoiceField(label="Service", choices=Service.choices)
    start_date = DatePartsField(label="Start date", label_for_errors="start date")
    end_date = DatePartsField(
        label="End date", label_for_errors="end date", help_text="The contract's last day"
    )
    places = count_field("Places", required=True)
    fixed_fee = money_field("Fixed fee per quarter")
    budget_cap = money_field("Budget cap for outcome payments")
    target_job_starts = count_field("Target job starts")
    target_sustained_26 = count_field("Target jobs sustained 26 weeks")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, remit: frozenset[int] | None, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _version(self, editing)
        if editing:
            del self.fields["authority"]
            del self.fields["contract_ref"]
        else:
            authority = self.fields["authority"]
            assert isinstance(authority, forms.ModelChoiceField)
            every = Authority.objects.order_by("name")
            authority.queryset = every if remit is None else every.filter(pk__in=remit)
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ModelChoiceField)
        provider.queryset = Provider.objects.select_related("organisation").order_by(
            "organisation__name"
        )


class TariffForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=Outcome.choices)
    need_group = forms.ChoiceField(
        label="Need group",
        choices=[("", "Every group without its own price"), *SupportReason.choices],
        required=False,
    )
    price = money_field("Price", required=True)
