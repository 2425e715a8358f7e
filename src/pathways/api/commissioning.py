"""``/api/v1/providers`` and ``/api/v1/contracts``: the provider directory and the
contracts with their tariff, for a council's finance and contract systems.

Read only, and thin: the selectors scope each list through the policies (a contract
outside the caller's remit answers 404 as if it did not exist). Money is pounds as
strings with two decimals. Claims are another router's.

No ``from __future__ import annotations`` here: ninja reads the parameter types of a
``@paginate``d view from the decorator's module.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.db.models import QuerySet
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pathways.api.pagination import PAGE_SIZE, NumberedPages
from pathways.api.schemas import ComponentName, Error, FieldErrors
from pathways.commissioning import selectors
from pathways.commissioning.models import Contract, Outcome, Provider, Service, Tariff
from pathways.commissioning.policy import contract_policy
from pathways.core.models import Authority
from pathways.core.types import AuthedRequest
from pathways.people.models import SupportReason

router = Router(tags=["commissioning"])

CommissionedService = Annotated[Service, ComponentName("CommissionedService")]
ContractOutcome = Annotated[Outcome, ComponentName("ContractOutcome")]
NeedGroup = Annotated[SupportReason, ComponentName("NeedGroup")]


def pounds(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class ProviderOut(Schema):
    id: int
    organisation: str
    organisation_kind: str
    services: list[CommissionedService]
    need_groups: list[NeedGroup] = Field(description="Empty: every need group")
    authorities: list[str] = Field(description="The authorities' codes")
    places: int | None
    accreditation: str
    version: int

    @staticmethod
    def resolve_organisation(obj: Provider) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_organisation_kind(obj: Provider) -> str:
        return obj.organisation.kind

    @staticmethod
    def resolve_authorities(obj: Provider) -> list[str]:
        return [a.code for a in obj.authorities.all()]


class TariffOut(Schema):
    outcome: ContractOutcome
    need_group: NeedGroup | None = Field(description="null: every group without its own row")
    price: str = Field(description="Pounds, two decimals", examples=["1500.00"])

    @staticmethod
    def resolve_need_group(obj: Tariff) -> str | None:
        return obj.need_group or None

    @staticmethod
    def resolve_price(obj: Tariff) -> str:
        return f"{obj.price:.2f}"


class ContractOut(Schema):
    id: int
    authority: str = Field(description="The commissioning authority's code")
    contract_ref: str
    provider: str = Field(description="The provider organisation's name")
    provider_id: int
    service: CommissionedService
    start_date: dt.date
    end_date: dt.date = Field(description="The contract's last day")
    places: int
    fixed_fee: str | None = Field(description="Pounds per quarter")
    budget_cap: str | None = Field(description="Pounds, outcome payments over the whole contract")
    target_job_starts: int | None
    target_sustained_26: int | None
    version: int

    @staticmethod
    def resolve_authority(obj: Contract) -> str:
        return obj.authority.code

    @staticmethod
    def resolve_provider(obj: Contract) -> str:
        return obj.provider.organisation.name

    @staticmethod
    def resolve_fixed_fee(obj: Contract) -> str | None:
        return pounds(obj.fixed_fee)

    @staticmethod
    def resolve_budget_cap(obj: Contract) -> str | None:
        return pounds(obj.budget_cap)


class ContractDetailOut(ContractOut):
    tariffs: list[TariffOut]

    @staticmethod
    def resolve_tariffs(obj: Contract) -> list[Tariff]:
        return list(obj.tariffs.all())


@router.get(
    "/providers",
    response={200: list[ProviderOut], 401: Error, 422: FieldErrors},
    summary="The provider directory",
)
@paginate(NumberedPages, page_size=PAGE_SIZE)
def list_providers(
    request: AuthedRequest,
    service: CommissionedService | None = None,
    need_group: NeedGroup | None = None,
    authority: str = "",
) -> list[Provider]:
    """Every staff member may read it, by name; filter by `service`, `need_group` (an
    entry with no need groups serves every group) and `authority` (a code)."""
    found = Authority.objects.filter(code=authority.strip()).first() if authority else None
    if authority and found is None:
        return []
    return selectors.directory(
        request.user,
        service=service.value if service else "",
        need_group=need_group.value if need_group else "",
        authority=found,
    )


@router.get(
    "/contracts",
    response={200: list[ContractOut], 401: Error, 422: FieldErrors},
    summary="Contracts",
)
@paginate(NumberedPages, page_size=PAGE_SIZE)
def list_contracts(request: AuthedRequest, authority: str = "") -> QuerySet[Contract]:
    """The contracts the caller may see (their authorities' as a commissioner, their
    own organisation's as a provider's manager), newest first; `authority` filters by
    code."""
    rows = selectors.contracts(request.user)
    if authority:
        rows = rows.filter(authority__code=authority.strip())
    return rows


@router.get(
    "/contracts/{authority}/{contract_ref}",
    response={200: ContractDetailOut, 401: Error, 404: Error},
    summary="A contract with its tariff",
)
def contract_detail(request: AuthedRequest, authority: str, contract_ref: str) -> Contract:
    found: Contract = contract_policy.fetch_or_refuse(
        request.user,
        lookup={"authority__code": authority, "contract_ref": contract_ref},
        rows=selectors.contract_page_rows(),
        channel="api",
        request=request,
    )
    return found
