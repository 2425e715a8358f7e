"""What "My work" shows each member of staff: the sections their roles come for.

- Casework (intake officers, specialists, managers, package approvers): what is due,
  their cases, new referrals to triage (and who among them is coming back), their
  teams' waiting list, package changes to approve.
- Commissioning (commissioners): claims to decide, contracts in force and ending, the
  provider comparison, targets and the reports.
- Data protection (data protection officers; admins for subject access): requests due,
  erasures to decide, emergency opens to review, the audit trail.
- Administration (admins): imports, staff, the provider directory, teams and their caps.

Someone with several roles gets several sections. Each section's rule is the rule of
the pages it links to, and each reads a fixed number of queries whatever the numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pathways.casework.selectors import may_approve_packages, packages_awaiting, work_queue
from pathways.commissioning import targets
from pathways.commissioning.claim_selectors import claims_to_decide
from pathways.commissioning.selectors import contracts
from pathways.core import policies
from pathways.core.models import Role, Team
from pathways.employers.pledges.policy import may_see_pledges
from pathways.matching.policy import may_manage_interests
from pathways.privacy.policy import DATA_PROTECTION
from pathways.privacy.work import DataProtectionWork, data_protection_work
from pathways.referrals.policy import may_triage, may_work_waiting_list
from pathways.referrals.selectors import teams_of, triage_summary, waiting_list
from pathways.reporting import providers
from pathways.reporting.access import may_see_reports
from pathways.reporting.caseload import TeamLine, caseload
from pathways.workspace.selectors import my_open_cases

#: The roles whose day is casework: people's cases, referrals, packages.
CASEWORK_HOME_ROLES = frozenset(
    {Role.INTAKE_OFFICER, Role.EMPLOYMENT_SPECIALIST, Role.TEAM_MANAGER, Role.PACKAGE_APPROVER}
)
#: Contracts ending within this many days are called out on the commissioner's home.
ENDING_SOON_DAYS = 90
#: Rows of the team's waiting list on "My work" (the waiting list page has them all).
WAITING_SHOWN = 50


def works_cases(user: Any) -> bool:
    """Whether the user holds cases or triages, manages or approves them."""
    scope = policies.scope_of(user)
    return scope.is_superuser or any(
        roles & CASEWORK_HOME_ROLES for roles in scope.roles_by_team.values()
    )


def holds_casework(user: Any) -> bool:
    """Whether the user is allocated cases (specialists and managers)."""
    scope = policies.scope_of(user)
    return scope.is_superuser or any(
        roles & set(policies.CASEWORK_ROLES) for roles in scope.roles_by_team.values()
    )


def commissions(user: Any) -> bool:
    scope = policies.scope_of(user)
    return scope.is_superuser or bool(scope.authorities_for(Role.COMMISSIONER))


def administers(user: Any) -> bool:
    scope = policies.scope_of(user)
    return scope.is_superuser or bool(scope.authorities_for(Role.ADMIN))


@dataclass(frozen=True)
class Casework:
    """Each part None when it is not for the user: what is due and their cases for
    those who hold cases, the new referrals for those who triage (with the people coming
    back among them), the waiting list for those who work from it, the count of package
    changes for approvers."""

    due: list[dict[str, Any]] | None
    cases: list[Any] | None
    waiting: list[Any] | None
    awaiting_approval: int | None
    to_triage: dict[str, Any] | None = None


@dataclass(frozen=True)
class Commissioning:
    claims_to_decide: int
    contracts_in_force: int
    contracts_ending: int
    ending_by: dt.date
    providers_report: bool
    keeps_targets: bool
    targets_kept: int
    reports: bool
    pledges: bool


@dataclass(frozen=True)
class Administration:
    imports: bool
    audit: bool
    staff: bool
    interests: bool
    teams: list[TeamLine]


def casework(user: Any, today: dt.date, teams: list[Team]) -> Casework:
    holds_cases = holds_casework(user)
    return Casework(
        due=[{"item": item, "label": item.label} for item in work_queue(user, today, worker=user)]
        if holds_cases
        else None,
        cases=list(my_open_cases(user)) if holds_cases else None,
        waiting=list(waiting_list(user).filter(team__in=teams)[:WAITING_SHOWN])
        if may_work_waiting_list(user)
        else None,
        awaiting_approval=(packages_awaiting(user).count() if may_approve_packages(user) else None),
        to_triage=triage_summary(user, teams) if may_triage(user) else None,
    )


def commissioning(user: Any, today: dt.date) -> Commissioning:
    ending_by = today + dt.timedelta(days=ENDING_SOON_DAYS)
    in_force = contracts(user).filter(start_date__lte=today, end_date__gte=today)
    keeps = targets.may_keep(user)
    return Commissioning(
        claims_to_decide=claims_to_decide(user).count(),
        contracts_in_force=in_force.count(),
        contracts_ending=in_force.filter(end_date__lte=ending_by).count(),
        ending_by=ending_by,
        providers_report=bool(providers.authorities_for(user)),
        keeps_targets=keeps,
        targets_kept=targets.kept_by(user).count() if keeps else 0,
        reports=may_see_reports(user),
        pledges=may_see_pledges(user),
    )


def administration(user: Any, today: dt.date) -> Administration:
    scope = policies.scope_of(user)
    team_ids = (
        None
        if scope.is_superuser
        else frozenset(
            Team.objects.filter(authority_id__in=scope.authorities_for(Role.ADMIN)).values_list(
                "pk", flat=True
            )
        )
    )
    return Administration(
        imports=policies.may_import(user),
        audit=policies.may_view_audit(user),
        staff=policies.may_administer_staff(user),
        interests=may_manage_interests(user),
        teams=caseload(team_ids, today),
    )


def home_for(user: Any, today: dt.date) -> dict[str, Any]:
    """The sections of ``user``'s "My work", each None when it is not for them."""
    teams = list(teams_of(user))
    data_protection: DataProtectionWork | None = (
        data_protection_work(user, today) if DATA_PROTECTION.opens(user) else None
    )
    return {
        "teams": teams,
        "casework": casework(user, today, teams) if works_cases(user) else None,
        "commissioning": commissioning(user, today) if commissions(user) else None,
        "data_protection": data_protection,
        "administration": administration(user, today) if administers(user) else None,
    }
