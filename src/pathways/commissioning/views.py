"""The directory, provider, contract list and contract pages, and the forms that keep
them (``commissioning:`` namespace). Thin: the policies fetch or refuse, the selectors
read, ``directory`` and ``contracts`` decide and save."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pathways.commissioning import contracts, directory, selectors
from pathways.commissioning.forms import ContractForm, ProviderForm, TariffForm
from pathways.commissioning.models import Contract, Provider, Service, Tariff
from pathways.commissioning.policy import contract_policy, provider_policy
from pathways.core.models import Authority
from pathways.core.pages import attempt, posted
from pathways.core.types import AuthedRequest
from pathways.people.models import SupportReason

T = TypeVar("T")


def on_fields(perform: Callable[[], T]) -> T:
    """A rule's refusal on the field it names (``attempt`` shows it there)."""
    try:
        return perform()
    except directory.FieldRefused as exc:
        raise ValidationError({exc.field: exc.message}) from exc


# --- the directory --------------------------------------------------------------------


@login_required
def provider_list(request: AuthedRequest) -> HttpResponse:
    service = request.GET.get("service", "")
    need_group = request.GET.get("need_group", "")
    code = request.GET.get("authority", "")
    service = service if service in Service.values else ""
    need_group = need_group if need_group in SupportReason.values else ""
    authorities = list(Authority.objects.filter(providers__isnull=False).distinct())
    authority = next((a for a in authorities if a.code == code), None)
    providers = selectors.directory(
        request.user, service=service, need_group=need_group, authority=authority
    )
    return render(
        request,
        "commissioning/provider_list.html",
        {
            "providers": providers,
            "services": Service.choices,
            "need_groups": SupportReason.choices,
            "authorities": authorities,
            "chosen": {"service": service, "need_group": need_group, "authority": code},
            "filtered": bool(service or need_group or authority),
            "may_add": directory.may_keep_directory(request.user),
        },
    )


def _provider_or_404(request: AuthedRequest, pk: int) -> Provider:
    found: Provider = provider_policy.fetch_or_refuse(
        request.user, pk, rows=selectors.provider_rows(), channel="web", request=request
    )
    return found


@login_required
def provider(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _provider_or_404(request, pk)
    return render(
        request,
        "commissioning/provider.html",
        {
            "provider": found,
            "services": [Service(s).label for s in found.services],
            "need_groups": [SupportReason(g).label for g in found.need_groups],
            "contracts": list(selectors.contracts(request.user, provider=found)),
            "may_change": provider_policy.can(request.user, "change", found),
        },
    )


def _require_keeper(request: AuthedRequest) -> frozenset[int] | None:
    if not directory.may_keep_directory(request.user):
        raise PermissionDenied("Only commissioners and administrators keep the provider directory.")
    return directory.commissioning_remit(request.user)


@login_required
def provider_new(request: AuthedRequest) -> HttpResponse:
    remit = _require_keeper(request)
    form = ProviderForm(posted(request), remit=remit)
    status = 200
    if request.method == "POST":
        outcome = attempt(
            form,
            lambda data: on_fields(
                lambda: directory.record_provider(
                    request.user,
                    organisation=data["organisation"],
                    services=data["services"],
                    need_groups=data["need_groups"],
                    authorities=list(data["authorities"]),
                    places=data["places"],
                    accreditation=data["accreditation"],
                )
            ),
        )
        if outcome.result is not None:
            messages.success(request, f"{outcome.result} added to the directory.")
            return redirect("commissioning:provider", outcome.result.pk)
        status = outcome.status
    return render(request, "commissioning/provider_form.html", {"form": form}, status=status)


@login_required
def provider_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    remit = _require_keeper(request)
    found = _provider_or_404(request, pk)
    initial = {
        "services": found.services,
        "need_groups": found.need_groups,
        "authorities": [a for a in found.authorities.all() if remit is None or a.pk in remit],
        "places": found.places,
        "accreditation": found.accreditation,
        "version": found.version,
    }
    form = ProviderForm(posted(request), remit=remit, editing=True, initial=initial)
    status = 200
    if request.method == "POST":
        outcome = attempt(
            form,
            lambda data: on_fields(
                lambda: directory.record_provider(
                    request.user,
                    organisation=found.organisation,
                    services=data["services"],
                    need_groups=data["need_groups"],
                    authorities=list(data["authorities"]),
                    places=data["places"],
                    accreditation=data["accreditation"],
                    version=data["version"],
                )
            ),
        )
        if outcome.result is not None:
            messages.success(request, f"{found} saved.")
            return redirect("commissioning:provider", found.pk)
        status = outcome.status
    return render(
        request,
        "commissioning/provider_form.html",
        {"form": form, "provider": found},
        status=status,
    )


# --- contracts ------------------------------------------------------------------------


@login_required
def contract_list(request: AuthedRequest) -> HttpResponse:
    if not selectors.may_see_contracts(request.user):
        raise PermissionDenied(
            "Contracts are for commissioners and for the managers of providers with a contract."
        )
    return render(
        request,
        "commissioning/contract_list.html",
        {
            "contracts": list(selectors.contracts(request.user)),
            "may_add": directory.may_keep_directory(request.user),
        },
    )


def _contract_or_404(request: AuthedRequest, pk: int) -> Contract:
    found: Contract = contract_policy.fetch_or_refuse(
        request.user, pk, rows=selectors.contract_page_rows(), channel="web", request=request
    )
    return found


def _contract_page(
    request: AuthedRequest,
    found: Contract,
    *,
    tariff_form: TariffForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_change = contract_policy.can(request.user, "change", found)
    return render(
        request,
        "commissioning/contract.html",
        {
            "contract": found,
            "tariffs": list(found.tariffs.all()),
            "may_change": may_change,
            "tariff_form": tariff_form or (TariffForm() if may_change else None),
        },
        status=status,
    )


@login_required
def contract(request: AuthedRequest, pk: int) -> HttpResponse:
    return _contract_page(request, _contract_or_404(request, pk))


def _contract_to_change(request: AuthedRequest, pk: int) -> Contract:
    found = _contract_or_404(request, pk)
    contract_policy.require(
        request.user,
        "change",
        found,
        refusal=f"Only commissioners of {found.authority.name} change its contracts.",
        channel="web",
        request=request,
    )
    return found


def _record(request: AuthedRequest, data: dict[str, Any], **key: Any) -> Contract:
    fields = {
        name: data[name]
        for name in (
            "provider",
            "service",
            "start_date",
            "end_date",
            "places",
            "fixed_fee",
            "budget_cap",
            "target_job_starts",
            "target_sustained_26",
        )
    }
    return on_fields(lambda: contracts.record_contract(request.user, **key, **fields))


@login_required
def contract_new(request: AuthedRequest) -> HttpResponse:
    remit = _require_keeper(request)
    form = ContractForm(posted(request), remit=remit)
    status = 200
    if request.method == "POST":
        outcome = attempt(
            form,
            lambda data: _record(
                request,
                data,
                authority=data["authority"],
                contract_ref=data["contract_ref"],
                new=True,
            ),
        )
        if outcome.result is not None:
            messages.success(request, f"Contract {outcome.result.contract_ref} recorded.")
            return redirect("commissioning:contract", outcome.result.pk)
        status = outcome.status
    return render(request, "commissioning/contract_form.html", {"form": form}, status=status)


@login_required
def contract_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _contract_to_change(request, pk)
    fields = (
        "provider",
        "service",
        "start_date",
        "end_date",
        "places",
        "fixed_fee",
        "budget_cap",
        "target_job_starts",
        "target_sustained_26",
        "version",
    )
    initial = {name: getattr(found, name) for name in fields}
    form = ContractForm(
        posted(request),
        remit=directory.commissioning_remit(request.user),
        editing=True,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        outcome = attempt(
            form,
            lambda data: _record(
                request,
                data,
                authority=found.authority,
                contract_ref=found.contract_ref,
                version=data["version"],
            ),
        )
        if outcome.result is not None:
            messages.success(request, f"Contract {found.contract_ref} saved.")
            return redirect("commissioning:contract", found.pk)
        status = outcome.status
    return render(
        request,
        "commissioning/contract_form.html",
        {"form": form, "contract": found},
        status=status,
    )


@login_required
@require_POST
def tariff_set(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _contract_to_change(request, pk)
    form = TariffForm(request.POST)
    outcome = attempt(
        form,
        lambda data: on_fields(
            lambda: contracts.set_tariff(
                request.user,
                found,
                outcome=data["outcome"],
                need_group=data["need_group"],
                price=data["price"],
            )
        ),
    )
    if outcome.result is not None:
        messages.success(request, f"Price saved: {outcome.result}.")
        return redirect("commissioning:contract", found.pk)
    return _contract_page(request, found, tariff_form=form, status=outcome.status)


@login_required
@require_POST
def tariff_remove(request: AuthedRequest, pk: int, tariff_pk: int) -> HttpResponse:
    found = _contract_to_change(request, pk)
    tariff = Tariff.objects.filter(contract=found, pk=tariff_pk).first()
    if tariff is not None:
        contracts.remove_tariff(request.user, tariff)
        messages.success(request, f"Price removed: {tariff}.")
    return redirect("commissioning:contract", found.pk)
