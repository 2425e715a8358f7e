"""The ``providers``, ``contracts``, ``tariffs``, ``purchases`` and ``targets`` import
kinds (spec/commissioning.md; ``purchases`` is defined in ``purchase_imports.py``,
``targets`` in ``targets.py``).

Each row is checked by the same rules as the pages (``directory`` and ``contracts``),
a refusal reported at its column. Who may import them: the operator at the command
line, or a commissioner or administrator of every authority a row names (``--as`` at
the command line, the signed-in user on the upload page); anyone else is refused at
the authority's column.
"""

from __future__ import annotations

from typing import Any

from pathways.commissioning.contracts import check_contract, check_tariff
from pathways.commissioning.directory import FieldRefused, commissioning_remit
from pathways.commissioning.models import Contract, Outcome, Provider, Service, Tariff
from pathways.commissioning.purchase_imports import PURCHASES
from pathways.commissioning.targets import TARGETS
from pathways.core.importing import (
    Change,
    Column,
    Context,
    Kind,
    Row,
    RowProblem,
    choice,
    choices,
    date,
    money,
    plan_save,
    text_of,
    whole_number,
)
from pathways.core.models import Authority, Organisation
from pathways.people.models import SupportReason


def _remit(ctx: Context) -> frozenset[int] | None:
    """The authorities this import may touch: a named user's commissioning remit, else
    the page's remit (None: the operator, every authority)."""
    if "remit" not in ctx.cache:
        ctx.cache["remit"] = (
            commissioning_remit(ctx.actor) if ctx.actor is not None else ctx.authority_ids
        )
    remit: frozenset[int] | None = ctx.cache["remit"]
    return remit


def _commissioned(ctx: Context, code: str, column: str = "authority") -> Authority:
    found = ctx.authorities_by_code.get(code)
    if found is None:
        raise RowProblem(column, f"no authority has the code '{code}'")
    remit = _remit(ctx)
    if remit is not None and found.pk not in remit:
        raise RowProblem(
            column, f"you are not a commissioner or administrator for {found.name} ({code})"
        )
    return found


def _refused(exc: FieldRefused, column: str | None = None) -> RowProblem:
    return RowProblem(column or exc.field, exc.detail)


def _providers_by_name(ctx: Context) -> dict[str, Provider]:
    if "providers" not in ctx.cache:
        ctx.cache["providers"] = {
            p.organisation.name.casefold(): p
            for p in Provider.objects.select_related("organisation").prefetch_related("authorities")
        }
    providers: dict[str, Provider] = ctx.cache["providers"]
    return providers


# --- providers ------------------------------------------------------------------------


def _prepare_providers(rows: list[Row], ctx: Context) -> None:
    ctx.cache["organisations"] = {o.name.casefold(): o for o in Organisation.objects.all()}
    _providers_by_name(ctx)


def _codes_list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(";") if part.strip()]


def _plan_provider(row: Row, ctx: Context) -> Change:
    name = row["organisation"].strip()
    organisation = ctx.cache["organisations"].get(name.casefold())
    kind = row.get("kind")
    if organisation is None and not kind:
        raise RowProblem("kind", f"{name} is a new organisation, so give its kind")
    if organisation is not None and kind and organisation.kind != kind:
        raise RowProblem(
            "kind",
            f"{organisation.name} is recorded as {organisation.kind}; the kind is only "
            "for new organisations",
        )
    authorities = [_commissioned(ctx, code, "authorities") for code in row["authorities"]]
    if not row["services"]:
        raise RowProblem("services", "give at least one service the provider offers")
    provider = _providers_by_name(ctx).get(organisation.name.casefold()) if organisation else None
    remit = _remit(ctx)
    wanted = {a.pk for a in authorities}
    extra: list[str] = []
    if provider is not None:
        current = {a.pk for a in provider.authorities.all()}
        wanted |= {a for a in current if remit is not None and a not in remit}
        if current != wanted:
            extra.append("authorities")
    fields = {
        "services": row["services"],
        "need_groups": row["need_groups"] or [],
        **row.fields(["places"]),
        "accreditation": row.get("accreditation") or "",
    }

    def set_authorities(saved: Provider) -> None:
        saved.authorities.set(wanted)

    if provider is None:

        def create() -> Provider:
            org = organisation or Organisation.objects.create(name=name, kind=kind)
            saved = Provider.objects.create(organisation=org, **fields)
            set_authorities(saved)
            return saved

        return Change("create", (), create)
    return plan_save(
        Provider,
        provider,
        lookup={"organisation": provider.organisation},
        fields=fields,
        then=set_authorities,
        extra_changes=extra,
    )


def _authority_codes(raw: str) -> list[str]:
    codes = _codes_list(raw)
    if not codes:
        raise ValueError("give at least one authority code")
    return codes


PROVIDERS = Kind(
    name="providers",
    title="Providers",
    summary="The provider directory: services, need groups, authorities, places",
    model=Provider,
    columns=(
        Column("organisation", text_of(Organisation, "name"), required=True),
        Column("kind", choice(Organisation.Kind)),
        Column("services", choices(Service), required=True),
        Column("need_groups", choices(SupportReason), blank=[]),
        Column("authorities", _authority_codes, required=True),
        Column("places", whole_number()),
        Column("accreditation", text_of(Provider, "accreditation"), blank=""),
    ),
    key=("organisation",),
    plan=_plan_provider,
    prepare=_prepare_providers,
)


# --- contracts ------------------------------------------------------------------------

CONTRACT_FIELDS = (
    "service",
    "start_date",
    "end_date",
    "places",
    "fixed_fee",
    "budget_cap",
    "target_job_starts",
    "target_sustained_26",
)


def _contracts_by_key(ctx: Context) -> dict[tuple[str, str], Contract]:
    if "contracts" not in ctx.cache:
        ctx.cache["contracts"] = {
            (c.authority.code, c.contract_ref): c
            for c in Contract.objects.select_related("authority", "provider")
        }
    contracts: dict[tuple[str, str], Contract] = ctx.cache["contracts"]
    return contracts


def _plan_contract(row: Row, ctx: Context) -> Change:
    authority = _commissioned(ctx, row["authority"])
    provider = _providers_by_name(ctx).get(row["provider"].strip().casefold())
    values: dict[str, Any] = {name: row.get(name) for name in CONTRACT_FIELDS}
    try:
        check_contract(
            authority=authority,
            contract_ref=row["contract_ref"],
            provider=provider,
            provider_authority_ids=(
                frozenset(a.pk for a in provider.authorities.all()) if provider else None
            ),
            **values,
        )
    except FieldRefused as exc:
        raise _refused(exc) from None
    existing = _contracts_by_key(ctx).get((authority.code, row["contract_ref"]))
    fields = {"provider": provider, **row.fields(CONTRACT_FIELDS)}
    return plan_save(
        Contract,
        existing,
        lookup={"authority": authority, "contract_ref": row["contract_ref"]},
        fields=fields,
    )


CONTRACTS = Kind(
    name="contracts",
    title="Contracts",
    summary="Contracts with providers: service, dates, places, fees, budget cap, targets",
    model=Contract,
    columns=(
        Column("contract_ref", text_of(Contract, "contract_ref"), required=True),
        Column("authority", text_of(Authority, "code"), required=True),
        Column("provider", text_of(Organisation, "name"), required=True),
        Column("service", choice(Service), required=True),
        Column("start_date", date, required=True),
        Column("end_date", date, required=True),
        Column("places", whole_number(), required=True),
        Column("fixed_fee", money(12)),
        Column("budget_cap", money(12)),
        Column("target_job_starts", whole_number()),
        Column("target_sustained_26", whole_number()),
    ),
    key=("authority", "contract_ref"),
    plan=_plan_contract,
)


# --- tariffs --------------------------------------------------------------------------


def _prepare_tariffs(rows: list[Row], ctx: Context) -> None:
    ctx.cache["tariffs"] = {
        (t.contract_id, t.outcome, t.need_group): t for t in Tariff.objects.all()
    }


def _plan_tariff(row: Row, ctx: Context) -> Change:
    authority = _commissioned(ctx, row["authority"])
    contract = _contracts_by_key(ctx).get((authority.code, row["contract_ref"]))
    if contract is None:
        raise RowProblem("contract_ref", f"{authority.name} has no contract {row['contract_ref']}")
    need_group = row.get("need_group") or ""
    try:
        check_tariff(outcome=row["outcome"], need_group=need_group, price=row["price"])
    except FieldRefused as exc:
        raise _refused(exc) from None
    existing = ctx.cache["tariffs"].get((contract.pk, row["outcome"], need_group))
    return plan_save(
        Tariff,
        existing,
        lookup={"contract": contract, "outcome": row["outcome"], "need_group": need_group},
        fields={"price": row["price"]},
    )


TARIFFS = Kind(
    name="tariffs",
    title="Tariffs",
    summary="Contracts' prices per outcome, per need group or for every group",
    model=Tariff,
    columns=(
        Column("authority", text_of(Authority, "code"), required=True),
        Column("contract_ref", text_of(Contract, "contract_ref"), required=True),
        Column("outcome", choice(Outcome), required=True),
        Column("need_group", choice(SupportReason), blank=""),
        Column("price", money(10), required=True),
    ),
    key=("authority", "contract_ref", "outcome", "need_group"),
    plan=_plan_tariff,
    prepare=_prepare_tariffs,
)

KINDS = (PROVIDERS, CONTRACTS, TARIFFS, PURCHASES, TARGETS)
