"""Adding an employer to a provider's list and changing its details. Thin, as
everywhere: parse a form, call ``engagement.services``, redirect with a banner, or show
the form again with what was wrong. The employer list and an employer's page (with its
opportunities, pledges and engagement log) are in ``overview.views``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from pathways.core.pages import attempt
from pathways.core.types import AuthedRequest
from pathways.employers.engagement import forms as employer_forms
from pathways.employers.engagement import services
from pathways.employers.engagement.pages import employer_to_change


@login_required
def employer_new(request: AuthedRequest) -> HttpResponse:
    organisations = services.organisations_keeping_employers(request.user)
    if not organisations:
        raise PermissionDenied("Only specialists and managers of a provider can add employers.")
    form = employer_forms.EmployerForm(request.POST or None, organisations=organisations)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = {
                k: v for k, v in form.cleaned_data.items() if k not in ("organisation", "version")
            }
            outcome = attempt(
                form,
                lambda _data: services.create_employer(
                    request.user,
                    form.chosen_organisation(),
                    relationship_owner=request.user,
                    **data,
                ),
            )
            employer, status = outcome.result, outcome.status
            if employer is not None:
                messages.success(request, f"{employer.name} added to your employer list.")
                return redirect("employers:employer", employer.pk)
    return render(request, "employers/employer_new.html", {"form": form}, status=status)


@login_required
def employer_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    found = employer_to_change(request, pk)
    fields = ("name", "sector", "size", "website", "disability_confident")
    initial = {name: getattr(found, name) for name in fields}
    initial.update(
        disability_confident_on=found.disability_confident_on,
        notes=found.notes,
        version=found.version,
    )
    form = employer_forms.EmployerForm(
        request.POST or None, organisations=[], initial=initial, editing=True
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            outcome = attempt(
                form,
                lambda _data: services.update_employer(
                    request.user, found, expected_version=version, **data
                ),
            )
            saved, status = outcome.result, outcome.status
            if saved is not None:
                messages.success(request, f"{saved.name} saved.")
                return redirect("employers:employer", found.pk)
    return render(
        request,
        "employers/employer_new.html",
        {"form": form, "employer": found},
        status=status,
    )
