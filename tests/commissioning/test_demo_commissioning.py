"""The demo borough's directory and contracts: three providers, each with a contract
whose team's people can earn outcomes under it."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from pathways.casework.models import Episode
from pathways.commissioning.models import Contract, Provider, Tariff
from pathways.core.models import Organisation

pytestmark = pytest.mark.django_db


def test_the_demo_has_three_providers_with_contracts_and_tariffs():
    call_command("demo", stdout=StringIO())
    kinds = {p.organisation.name: p.organisation.kind for p in Provider.objects.all()}
    assert kinds == {
        "Riverside Borough Council": Organisation.Kind.COUNCIL,
        "Bridges to Work (Riverside)": Organisation.Kind.CHARITY,
        "Riverside Futures CIC": Organisation.Kind.SOCIAL_ENTERPRISE,
    }
    contracts = {c.contract_ref: c for c in Contract.objects.select_related("provider")}
    assert set(contracts) == {"RB-SE-INHOUSE", "RB-IPS-BTW", "RB-SI-RFC"}
    for contract in contracts.values():
        assert contract.fixed_fee and contract.budget_cap and contract.target_job_starts
        assert (contract.end_date - contract.start_date).days > 2 * 365
        # The provider's teams have episodes inside the contract: outcomes can flow.
        assert Episode.objects.filter(
            team__organisation=contract.provider.organisation,
            started_on__lte=contract.end_date,
        ).exists(), contract.contract_ref
    inhouse = {
        (t.outcome, t.need_group): t.price
        for t in Tariff.objects.filter(contract__contract_ref="RB-SE-INHOUSE")
    }
    assert inhouse[("job_start", "learning_disability")] > inhouse[("job_start", "")]
    assert inhouse[("job_start", "")] == Decimal("800.00")
