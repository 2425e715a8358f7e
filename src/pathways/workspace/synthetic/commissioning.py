"""Synthetic commissioning: providers in the directory, contracts and their tariffs,
at the scale a benchmark needs (50 providers and 200 contracts by default).

Not one of ``generate``'s steps (asking for it changes nothing else that is made):
``commission`` runs after it, over the world it made. Every organisation that runs a
generated team that holds cases becomes a provider with a contract for each authority
where it runs one and each of the last three financial years, so its episodes' outcomes
fall to a contract (``Scale.providers`` spreads the teams over many organisations); the
other providers are new organisations with contracts of their own (their figures are
zero, as a provider without teams on the system has). Each contract has a tariff for every
outcome, a dearer job start for learning disability, a quarterly fixed fee and no
budget cap. Deterministic for a seed; written with ``bulk_create``, no audit entries.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

from django.db import transaction

from pathways.commissioning.models import Contract, Outcome, Provider, Service, Tariff
from pathways.core.models import Organisation
from pathways.workspace.synthetic.base import Generated

PRICES = {
    Outcome.JOB_START: Decimal("800.00"),
    Outcome.SUSTAINED_13: Decimal("600.00"),
    Outcome.SUSTAINED_26: Decimal("1200.00"),
    Outcome.SUSTAINED_52: Decimal("1500.00"),
    Outcome.PROGRESSION: Decimal("400.00"),
}


def _year_start(today: dt.date, back: int) -> dt.date:
    year = today.year if today.month > 3 else today.year - 1
    return dt.date(year - back, 4, 1)


@transaction.atomic
def commission(
    world: Generated,
    *,
    today: dt.date,
    providers: int = 50,
    contracts: int = 200,
    seed: int = 1,
    prefix: str = "SYN",
) -> Counter[str]:
    """Providers, contracts and tariffs over ``world``; says how many of each."""
    rng = random.Random(f"commissioning-{seed}")
    holding = [t for t in world.teams if t.caseload_cap]  # a front door holds no cases
    running = sorted({t.organisation_id for t in holding})
    extra = [
        Organisation(name=f"{prefix}{seed} Provider {n:03d}", kind=Organisation.Kind.CHARITY)
        for n in range(max(0, providers - len(running)))
    ]
    Organisation.objects.bulk_create(extra)
    extra_ids = list(
        Organisation.objects.filter(name__startswith=f"{prefix}{seed} Provider ").values_list(
            "pk", flat=True
        )
    )
    Provider.objects.bulk_create(
        [
            Provider(
                organisation_id=org_id,
                services=[rng.choice(list(Service.values))],
                places=rng.randint(20, 200),
            )
            for org_id in running + extra_ids
        ],
        ignore_conflicts=True,
    )
    by_org = dict(
        Provider.objects.filter(organisation_id__in=running + extra_ids).values_list(
            "organisation_id", "pk"
        )
    )
    serving = sorted({(t.organisation_id, t.authority_id) for t in holding})
    plan: list[tuple[int, int, int]] = [
        (by_org[org], authority_id, back) for org, authority_id in serving for back in range(3)
    ]
    n = 0
    while len(plan) < contracts and extra_ids:
        org = extra_ids[n % len(extra_ids)]
        authority = world.authorities[n % len(world.authorities)]
        plan.append((by_org[org], authority.pk, (n // len(extra_ids)) % 3))
        n += 1
    rows = []
    for i, (provider_id, authority_id, back) in enumerate(plan[: max(contracts, 0)]):
        start = _year_start(today, back)
        rows.append(
            Contract(
                authority_id=authority_id,
                contract_ref=f"{prefix}{seed}-K{i:04d}",
                provider_id=provider_id,
                service=Service.SUPPORTED_EMPLOYMENT,
                start_date=start,
                end_date=start.replace(year=start.year + 1) - dt.timedelta(days=1),
                places=rng.randint(20, 200),
                fixed_fee=Decimal(rng.randrange(5, 60) * 500),
                target_job_starts=rng.randint(10, 200),
                target_sustained_26=rng.randint(5, 100),
            )
        )
    Contract.objects.bulk_create(rows)
    made = list(
        Contract.objects.filter(contract_ref__startswith=f"{prefix}{seed}-K").values_list(
            "pk", flat=True
        )
    )
    tariffs = [
        Tariff(contract_id=pk, outcome=outcome, need_group="", price=price)
        for pk in made
        for outcome, price in PRICES.items()
    ] + [
        Tariff(
            contract_id=pk,
            outcome=Outcome.JOB_START,
            need_group="learning_disability",
            price=Decimal("1000.00"),
        )
        for pk in made
    ]
    Tariff.objects.bulk_create(tariffs)
    return Counter(providers=len(by_org), contracts=len(made), tariffs=len(tariffs))
