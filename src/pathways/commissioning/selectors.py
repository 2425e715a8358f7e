"""Reads of the directory and of contracts, scoped through the policies, with the
joins each page needs (a fixed number of queries whatever the number of rows).
A person's purchases are read with the person (``purchase_policy``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from pathways.commissioning.models import Contract, Provider, Purchase, Tariff
from pathways.commissioning.policy import (
    COMMISSIONING_ROLES,
    PROVIDER_ROLES,
    contract_policy,
    provider_policy,
    purchase_policy,
)
from pathways.core.models import Authority
from pathways.core.policies import scope_of


def provider_rows() -> QuerySet[Provider]:
    """Providers with their organisation and authorities (two queries)."""
    return Provider.objects.select_related("organisation").prefetch_related(
        Prefetch("authorities", queryset=Authority.objects.order_by("name"))
    )


def directory(
    user: Any,
    *,
    service: str = "",
    need_group: str = "",
    authority: Authority | None = None,
) -> list[Provider]:
    """The directory entries offering ``service``, serving ``need_group`` (an entry
    with no need groups serves all) and working in ``authority``, by name.

    The services and need groups are JSON lists, filtered here rather than in SQL
    (SQLite has no JSON containment); the directory is a market map of tens of
    providers, not thousands."""
    rows = provider_policy.visible(user, provider_rows())
    if authority is not None:
        rows = rows.filter(authorities=authority)
    found = list(rows.order_by("organisation__name"))
    if service:
        found = [p for p in found if service in p.services]
    if need_group:
        found = [p for p in found if not p.need_groups or need_group in p.need_groups]
    return found


def contract_rows() -> QuerySet[Contract]:
    """Contracts with their authority, provider and organisation joined."""
    return Contract.objects.select_related("authority", "provider__organisation")


def contract_page_rows() -> QuerySet[Contract]:
    """A contract with everything its page and the API's detail show."""
    return contract_rows().prefetch_related(
        Prefetch("tariffs", queryset=Tariff.objects.order_by("outcome", "need_group"))
    )


def contracts(
    user: Any, *, authority: Authority | None = None, provider: Provider | None = None
) -> QuerySet[Contract]:
    """The contracts the user may see (their authorities' as a commissioner, their own
    organisation's as a provider's manager), newest first."""
    rows = contract_policy.visible(user, contract_rows())
    if authority is not None:
        rows = rows.filter(authority=authority)
    if provider is not None:
        rows = rows.filter(provider=provider)
    return rows.order_by("-start_date", "authority__code", "contract_ref")


def may_see_contracts(user: Any) -> bool:
    """The contracts menu entry: commissioners and admins, superusers, and team
    managers whose organisation has a contract (one query for them, remembered on
    the user object for the request)."""
    scope = scope_of(user)
    if scope.is_superuser or scope.authorities_for(*COMMISSIONING_ROLES):
        return True
    organisations = scope.organisations_for(*PROVIDER_ROLES)
    if not organisations:
        return False
    cached = getattr(user, "_pathways_has_contracts", None)
    if cached is None:
        cached = Contract.objects.filter(provider__organisation_id__in=organisations).exists()
        user._pathways_has_contracts = cached
    return bool(cached)


def purchases_of_person(user: Any, person_id: int) -> QuerySet[Purchase]:
    """The person's purchases the user may see (with the person's record), newest
    first, with their directory supplier in the same query."""
    return purchase_policy.visible(
        user,
        Purchase.objects.filter(person_id=person_id)
        .select_related("supplier__organisation")
        .order_by("-start_date", "purchase_ref"),
    )
