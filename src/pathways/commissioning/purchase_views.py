"""Pages to record and change a person's purchases with a personal budget, for those
who work with the person (``purchase_policy``; the service checks it again). Showing
the form is a read of the person's record, audited."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from pathways.casework.policy import may_work_with
from pathways.commissioning import purchases
from pathways.commissioning.models import Purchase
from pathways.commissioning.policy import purchase_policy
from pathways.commissioning.purchase_forms import PurchaseForm
from pathways.core import audit
from pathways.core.pages import attempt, posted
from pathways.core.types import AuthedRequest
from pathways.people.models import Person
from pathways.people.policy import person_policy

REFUSAL = "Only the person's worker or their team can record what is bought for them."


def _details(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "route": data["route"],
        "buys": data["buys"],
        "supplier": data["supplier"],
        "supplier_name": data["supplier_name"],
        "start_date": data["start_date"],
        "end_date": data["end_date"],
        "weekly_hours": data["weekly_hours"],
        "weekly_cost": data["weekly_cost"],
    }


@login_required
def new_purchase(request: AuthedRequest, person_pk: int) -> HttpResponse:
    person: Person = person_policy.fetch_or_refuse(
        request.user, person_pk, channel="web", what="purchase", request=request
    )
    if not may_work_with(request.user, person.pk):
        audit.record_access(
            request.user,
            person,
            channel="web",
            outcome=audit.DENIED,
            what="purchase (may read, not record work)",
            request=request,
        )
        raise PermissionDenied(REFUSAL)
    form = PurchaseForm(posted(request), suppliers=purchases.suppliers_for(person), editing=False)
    status = 200
    if request.method == "POST":
        outcome = attempt(
            form,
            lambda data: purchases.record_purchase(
                request.user, person, purchase_ref=data["purchase_ref"], **_details(data)
            ),
        )
        if outcome.result is not None:
            messages.success(request, f"Purchase {outcome.result.purchase_ref} recorded.")
            return redirect("person", person.pk)
        status = outcome.status
    audit.record_access(request.user, person, channel="web", what="purchase", request=request)
    return render(
        request,
        "commissioning/purchase_form.html",
        {"person": person, "form": form, "purchase": None},
        status=status,
    )


@login_required
def change_purchase(request: AuthedRequest, pk: int) -> HttpResponse:
    found: Purchase = purchase_policy.fetch_or_refuse(
        request.user,
        pk,
        channel="web",
        request=request,
        rows=Purchase.objects.select_related("person__authority"),
    )
    purchase_policy.require(
        request.user, "change", found, refusal=REFUSAL, channel="web", request=request
    )
    person = found.person
    initial = {
        **{name: getattr(found, name) for name in purchases.CHANGEABLE},
        "version": found.version,
    }
    form = PurchaseForm(
        posted(request), suppliers=purchases.suppliers_for(person), editing=True, initial=initial
    )
    status = 200
    if request.method == "POST":
        outcome = attempt(
            form,
            lambda data: purchases.change_purchase(
                request.user, found, expected_version=data["version"], **_details(data)
            ),
        )
        if outcome.result is not None:
            messages.success(request, f"Purchase {found.purchase_ref} saved.")
            return redirect("person", person.pk)
        status = outcome.status
    audit.record_access(request.user, person, channel="web", what="purchase", request=request)
    return render(
        request,
        "commissioning/purchase_form.html",
        {"person": person, "form": form, "purchase": found},
        status=status,
    )
