"""The demo borough's commissioning: three providers in the directory and their
contracts with Riverside, each with fixed fees, a budget cap, targets and a tariff.

- the council's own Supported Employment Team (in-house), paid more for people with a
  learning disability, with one price for every other group;
- Bridges to Work, a charity running IPS for people in secondary mental health care;
- Riverside Futures CIC, a social enterprise running supported internships.

The contracts run from the start of the financial year two years back to the end of
the next one, so the demo's recent jobs fall inside them. Everything is recorded by the
demo commissioner through the same services as the pages, so the trail names them.
Claims and purchases are loaded elsewhere.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from auditlog.context import set_actor

from pathways.commissioning import contracts, directory
from pathways.commissioning.models import Outcome, Service
from pathways.core.models import Team, User
from pathways.people.models import SupportReason

LD = SupportReason.LEARNING_DISABILITY
MH = SupportReason.MENTAL_HEALTH

#: team key: (services, need groups, places, accreditation)
ENTRIES: dict[str, tuple[list[str], list[str], int, str]] = {
    "se": (
        [
            Service.SUPPORTED_EMPLOYMENT,
            Service.WORK_EXPERIENCE,
            Service.JOB_RETENTION,
            Service.TRAVEL_TRAINING,
        ],
        [],
        80,
        "BASE quality standard (self-assessed, 2025)",
    ),
    "ips": (
        [Service.IPS],
        [MH, SupportReason.SUBSTANCE_MISUSE],
        40,
        "IPS Grow fidelity review: good fidelity (2025)",
    ),
    "ypt": (
        [Service.SUPPORTED_INTERNSHIP, Service.WORK_EXPERIENCE],
        [LD],
        12,
        "DFN Project SEARCH licensed site",
    ),
}

#: (team key, reference, service, places, fixed fee a quarter, budget cap,
#:  target job starts, target sustained 26 weeks, [(outcome, need group, price)])
CONTRACTS: list[tuple[str, str, str, int, str, str, int, int, list[tuple[str, str, str]]]] = [
    (
        "se",
        "RB-SE-INHOUSE",
        Service.SUPPORTED_EMPLOYMENT,
        80,
        "45000.00",
        "90000.00",
        40,
        24,
        [
            (Outcome.JOB_START, "", "800.00"),
            (Outcome.JOB_START, LD, "1200.00"),  # harder to help, paid more
            (Outcome.SUSTAINED_13, "", "600.00"),
            (Outcome.SUSTAINED_26, "", "1200.00"),
            (Outcome.SUSTAINED_26, LD, "1800.00"),
            (Outcome.SUSTAINED_52, "", "1500.00"),
            (Outcome.PROGRESSION, "", "500.00"),
        ],
    ),
    (
        "ips",
        "RB-IPS-BTW",
        Service.IPS,
        40,
        "30000.00",
        "60000.00",
        30,
        18,
        [
            (Outcome.JOB_START, "", "1000.00"),
            (Outcome.SUSTAINED_13, "", "750.00"),
            (Outcome.SUSTAINED_26, "", "1500.00"),
            (Outcome.SUSTAINED_52, "", "2000.00"),
        ],
    ),
    (
        "ypt",
        "RB-SI-RFC",
        Service.SUPPORTED_INTERNSHIP,
        12,
        "15000.00",
        "30000.00",
        8,
        5,
        [
            (Outcome.JOB_START, LD, "1500.00"),
            (Outcome.JOB_START, "", "1000.00"),
            (Outcome.SUSTAINED_26, "", "2000.00"),
        ],
    ),
]


def financial_year_start(day: dt.date) -> dt.date:
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def load_commissioning(commissioner: User, teams: dict[str, Team], today: dt.date) -> None:
    """The directory entries of the teams' organisations and their contracts."""
    authority = teams["se"].authority
    start = financial_year_start(today - dt.timedelta(days=730))
    end = dt.date(financial_year_start(today).year + 2, 3, 31)
    providers = {}
    with set_actor(commissioner):
        for key, (services, need_groups, places, accreditation) in ENTRIES.items():
            providers[key] = directory.record_provider(
                commissioner,
                organisation=teams[key].organisation,
                services=[str(s) for s in services],
                need_groups=[str(g) for g in need_groups],
                authorities=[authority],
                places=places,
                accreditation=accreditation,
            )
        for key, ref, service, places, fee, cap, starts, sustained, tariff in CONTRACTS:
            contract = contracts.record_contract(
                commissioner,
                authority=authority,
                contract_ref=ref,
                provider=providers[key],
                service=str(service),
                start_date=start,
                end_date=end,
                places=places,
                fixed_fee=Decimal(fee),
                budget_cap=Decimal(cap),
                target_job_starts=starts,
                target_sustained_26=sustained,
                new=True,
            )
            for outcome, need_group, price in tariff:
                contracts.set_tariff(
                    commissioner,
                    contract,
                    outcome=str(outcome),
                    need_group=str(need_group),
                    price=Decimal(price),
                )
