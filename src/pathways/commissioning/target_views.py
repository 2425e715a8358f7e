"""The authority's targets page: its commissioners and admins list, add and remove the
figures the employment-rate report shows beside its own (``targets``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pathways.commissioning import targets
from pathways.commissioning.models import AuthorityTarget, Measure, TargetKind
from pathways.commissioning.policy import COMMISSIONING_ROLES, target_policy
from pathways.core.errors import ActionRefused
from pathways.core.models import Authority
from pathways.core.policies import scope_of
from pathways.core.types import AuthedRequest

#: Financial years offered, either side of this one.
YEARS_EACH_SIDE = 5


def _years(today: dt.date) -> list[tuple[str, str]]:
    this_end = today.year + (1 if today.month > 3 else 0)
    return [
        (dt.date(end, 3, 31).isoformat(), f"{end - 1}-{str(end)[2:]} (ending 31 March {end})")
        for end in range(this_end + YEARS_EACH_SIDE, this_end - YEARS_EACH_SIDE - 1, -1)
    ]


class TargetForm(forms.Form):
    authority = forms.ModelChoiceField(
        label="Authority",
        queryset=Authority.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the authority"},
    )
    measure = forms.ChoiceField(
        label="Measure",
        choices=Measure.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the figure measures"},
    )
    kind = forms.ChoiceField(
        label="Kind of figure",
        choices=TargetKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether it is your target or a comparator"},
    )
    year_ending = forms.ChoiceField(
        label="Financial year", error_messages={"required": "Choose the financial year"}
    )
    value = forms.DecimalField(
        label="Value",
        help_text="A percentage for an employment rate (for example 6.1), a number of job "
        "starts otherwise",
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        error_messages={"required": "Enter the value", "invalid": "Enter the value as a number"},
    )
    label = forms.CharField(
        label="Label",
        max_length=200,
        help_text="What the figure is, as the chart will say it: for example "
        "England (ASCOF 1E) or Our target",
        error_messages={"required": "Enter a label"},
    )

    def __init__(self, *args: Any, authorities: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["authority"]).queryset = authorities
        cast(forms.ChoiceField, self.fields["year_ending"]).choices = _years(today)


def _kept_authorities(request: AuthedRequest) -> Any:
    """The authorities the user keeps figures for; a 403 for anyone else."""
    if not targets.may_keep(request.user):
        raise PermissionDenied(targets.REFUSAL)
    scope = scope_of(request.user)
    if scope.is_superuser:
        return Authority.objects.all()
    return Authority.objects.filter(pk__in=scope.authorities_for(*COMMISSIONING_ROLES))


@login_required
def targets_page(request: AuthedRequest) -> HttpResponse:
    authorities = _kept_authorities(request)
    form = TargetForm(
        request.POST if request.method == "POST" else None,
        authorities=authorities,
        today=timezone.localdate(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            targets.record_target(
                request.user,
                data["authority"],
                measure=data["measure"],
                kind=data["kind"],
                year_ending=dt.date.fromisoformat(data["year_ending"]),
                value=data["value"],
                label=data["label"],
            )
        except ActionRefused as exc:
            field, _, message = exc.message.partition(": ")
            form.add_error(field if field in form.fields else None, message or exc.message)
        else:
            messages.success(request, f"{data['label']} recorded.")
            return redirect("commissioning-targets:list")
    return render(
        request,
        "commissioning/targets.html",
        {"form": form, "figures": targets.kept_by(request.user)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def remove(request: AuthedRequest, pk: int) -> HttpResponse:
    _kept_authorities(request)
    target: AuthorityTarget = target_policy.fetch_or_refuse(
        request.user, pk, channel="web", request=request
    )
    targets.remove_target(request.user, target)
    messages.success(request, f"{target.label} removed.")
    return redirect("commissioning-targets:list")
