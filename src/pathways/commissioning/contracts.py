"""Recording contracts and their outcome tariff (spec/commissioning.md, "Contracts").

A commissioner of the contract's authority records a contract with one provider from
the directory that works in that authority, for one service, and sets its price per
outcome (per need group, or blank for every group without its own row). Every rule
refuses with ``FieldRefused`` naming the field, so a page puts it beside that field
and an import beside that column.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from pathways.commissioning.directory import FieldRefused, commissioning_remit
from pathways.commissioning.models import Contract, Outcome, Provider, Service, Tariff
from pathways.core.errors import ConcurrentEdit, PermissionDenied
from pathways.core.models import Authority
from pathways.people.models import SupportReason


def may_commission_for(user: Any, authority: Authority) -> bool:
    remit = commissioning_remit(user)
    return remit is None or authority.pk in remit


def _require_commissioner(user: Any, authority: Authority) -> None:
    if not may_commission_for(user, authority):
        raise PermissionDenied(
            f"Only commissioners and administrators of {authority.name} record its contracts."
        )


def _not_negative(field: str, value: Decimal | int | None) -> None:
    if value is not None and value < 0:
        raise FieldRefused(field, "must be 0 or more")


def check_contract(
    *,
    authority: Authority,
    contract_ref: str,
    provider: Provider | None,
    service: str,
    start_date: dt.date,
    end_date: dt.date,
    places: int,
    fixed_fee: Decimal | None = None,
    budget_cap: Decimal | None = None,
    target_job_starts: int | None = None,
    target_sustained_26: int | None = None,
    provider_authority_ids: frozenset[int] | None = None,
) -> None:
    """Every rule of a contract, refused with ``FieldRefused`` naming the field: the
    service and the import share it. ``provider_authority_ids`` are the authorities
    the provider works in, when the caller has them already (an import's prefetch)."""
    if not contract_ref.strip():
        raise FieldRefused("contract_ref", "give the contract's reference")
    if service not in Service.values:
        raise FieldRefused("service", f"'{service}' is not one of: {', '.join(Service.values)}")
    if provider is None:
        raise FieldRefused("provider", "not in the provider directory; add it there first")
    works_in = (
        authority.pk in provider_authority_ids
        if provider_authority_ids is not None
        else provider.authorities.filter(pk=authority.pk).exists()
    )
    if not works_in:
        raise FieldRefused(
            "provider",
            f"{provider} does not work in {authority.name} according to the "
            "directory; add the authority to its entry first",
        )
    if end_date < start_date:
        raise FieldRefused(
            "end_date",
            f"{end_date.isoformat()} is before the start date {start_date.isoformat()}",
        )
    _not_negative("places", places)
    _not_negative("fixed_fee", fixed_fee)
    _not_negative("budget_cap", budget_cap)
    _not_negative("target_job_starts", target_job_starts)
    _not_negative("target_sustained_26", target_sustained_26)


def check_tariff(*, outcome: str, need_group: str, price: Decimal) -> None:
    """Every rule of a tariff row, refused with ``FieldRefused`` naming the field."""
    if outcome not in Outcome.values:
        raise FieldRefused("outcome", f"'{outcome}' is not one of: {', '.join(Outcome.values)}")
    if need_group and need_group not in SupportReason.values:
        raise FieldRefused(
            "need_group", f"'{need_group}' is not one of: {', '.join(SupportReason.values)}"
        )
    if price < 0:
        raise FieldRefused("price", "must be 0.00 or more")


def record_contract(
    user: Any,
    *,
    authority: Authority,
    contract_ref: str,
    provider: Provider | None,
    service: str,
    start_date: dt.date,
    end_date: dt.date,
    places: int,
    fixed_fee: Decimal | None = None,
    budget_cap: Decimal | None = None,
    target_job_starts: int | None = None,
    target_sustained_26: int | None = None,
    version: int | None = None,
    new: bool = False,
) -> Contract:
    """Create the contract ``contract_ref`` of ``authority``, or change it (``version``:
    the one the commissioner read). ``provider`` None means the organisation named is
    not in the directory. ``new``: refuse a reference already in use rather than
    change that contract."""
    _require_commissioner(user, authority)
    contract_ref = contract_ref.strip()
    check_contract(
        authority=authority,
        contract_ref=contract_ref,
        provider=provider,
        service=service,
        start_date=start_date,
        end_date=end_date,
        places=places,
        fixed_fee=fixed_fee,
        budget_cap=budget_cap,
        target_job_starts=target_job_starts,
        target_sustained_26=target_sustained_26,
    )
    assert provider is not None  # checked above
    fields: dict[str, Any] = {
        "provider": provider,
        "service": service,
        "start_date": start_date,
        "end_date": end_date,
        "places": places,
        "fixed_fee": fixed_fee,
        "budget_cap": budget_cap,
        "target_job_starts": target_job_starts,
        "target_sustained_26": target_sustained_26,
    }
    with transaction.atomic():
        contract = (
            Contract.objects.select_for_update()
            .filter(authority=authority, contract_ref=contract_ref)
            .first()
        )
        if contract is not None and new:
            raise FieldRefused(
                "contract_ref", f"{authority.name} already has a contract {contract_ref}"
            )
        if contract is None:
            return Contract.objects.create(authority=authority, contract_ref=contract_ref, **fields)
        if version is not None and contract.version != version:
            raise ConcurrentEdit(
                f"Someone else changed contract {contract_ref} while you were editing it. "
                "Your changes were not saved: open it again to see theirs."
            )
        changed = [
            name
            for name, value in fields.items()
            if (
                getattr(contract, f"{name}_id") != value.pk
                if name == "provider"
                else getattr(contract, name) != value
            )
        ]
        if changed:
            for name in changed:
                setattr(contract, name, fields[name])
            contract.version += 1
            contract.save(update_fields=[*changed, "version"])
        return contract


def set_tariff(
    user: Any, contract: Contract, *, outcome: str, need_group: str, price: Decimal
) -> Tariff:
    """The contract's price for ``outcome`` for ``need_group`` (blank: every group
    without its own row), replacing the price it had."""
    _require_commissioner(user, contract.authority)
    check_tariff(outcome=outcome, need_group=need_group, price=price)
    with transaction.atomic():
        tariff = (
            Tariff.objects.select_for_update()
            .filter(contract=contract, outcome=outcome, need_group=need_group)
            .first()
        )
        if tariff is None:
            return Tariff.objects.create(
                contract=contract, outcome=outcome, need_group=need_group, price=price
            )
        if tariff.price != price:
            tariff.price = price
            tariff.save(update_fields=["price"])
        return tariff


def remove_tariff(user: Any, tariff: Tariff) -> None:
    """Take a price off the contract (its outcome is then not claimable for that group,
    unless a blank-group row covers it)."""
    _require_commissioner(user, tariff.contract.authority)
    tariff.delete()
