"""The first step: authorities, their teams and the staff who work in them.

Each authority gets the kinds of team in ``TEAM_KINDS`` (with their caseload caps; the
teams that hold cases belong to ``Scale.providers`` organisations in turn when asked), an
intake officer, a data protection officer, a commissioner, and a manager and workers
for every team that holds cases.
"""

from __future__ import annotations

from pathways.core.models import Authority, Membership, Organisation, Role, Team, User
from pathways.workspace.synthetic.base import FAMILY_NAMES, GIVEN_NAMES, Builder, Generated
from pathways.workspace.synthetic.bulk import BATCH

#: The kinds of team a borough has, with the caseload cap each carries.
TEAM_KINDS = (
    ("SE", "Supported Employment", 40, Organisation.Kind.COUNCIL),
    ("IPS", "IPS Employment (Mental Health)", 20, Organisation.Kind.NHS),
    ("YPT", "Young People in Transition", 25, Organisation.Kind.CHARITY),
    ("FD", "Employment Front Door", None, Organisation.Kind.COUNCIL),
)

#: The kinds of organisation ``Scale.providers`` deals teams over, in turn.
PROVIDER_KINDS = (
    Organisation.Kind.CHARITY,
    Organisation.Kind.SOCIAL_ENTERPRISE,
    Organisation.Kind.COUNCIL,
    Organisation.Kind.NHS,
    Organisation.Kind.PRIVATE,
)


class StaffSteps(Builder):
    """Making the staff."""

    def staff(self) -> Generated:
        scale, tag = self.scale, self.tag
        authorities = Authority.objects.bulk_create(
            [
                Authority(code=f"{tag}-{i + 1:03d}", name=f"Synthetic Borough {tag}-{i + 1}")
                for i in range(scale.authorities)
            ]
        )
        orgs = {
            kind: Organisation.objects.get_or_create(
                name=f"Synthetic {label} ({tag})", defaults={"kind": kind}
            )[0]
            for kind, label in (
                (Organisation.Kind.COUNCIL, "Council"),
                (Organisation.Kind.NHS, "NHS Trust"),
                (Organisation.Kind.CHARITY, "Charity"),
            )
        }
        dealt = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"Synthetic Provider {n + 1:03d} ({tag})",
                    kind=PROVIDER_KINDS[n % len(PROVIDER_KINDS)],
                )
                for n in range(scale.providers)
            ]
        )
        teams: list[Team] = []
        kinds: list[str] = []
        held = 0  # teams that hold cases so far
        for authority in authorities:
            for t in range(scale.teams_per_authority):
                code, name, cap, org_kind = TEAM_KINDS[t % len(TEAM_KINDS)]
                round_ = t // len(TEAM_KINDS)
                suffix = f"-{round_ + 1}" if round_ else ""
                teams.append(
                    Team(
                        code=f"{authority.code}-{code}{suffix}",
                        name=f"{name}{suffix}",
                        authority=authority,
                        organisation=(
                            dealt[held % len(dealt)] if dealt and cap else orgs[org_kind]
                        ),
                        caseload_cap=cap,
                    )
                )
                kinds.append(code)
                held += 1 if cap else 0
        Team.objects.bulk_create(teams)
        out = Generated(
            authorities=list(authorities),
            teams=teams,
            team_kinds={t.pk: k for t, k in zip(teams, kinds, strict=True)},
        )

        users: list[User] = []
        roles: list[tuple[User, list[tuple[Team, str]]]] = []

        def add(first: str, last: str, memberships: list[tuple[Team, str]]) -> User:
            user = User(
                email=f"{tag.lower()}.staff{len(users) + 1}@synthetic.example",
                first_name=first,
                last_name=last,
                password=self.password,
            )
            users.append(user)
            roles.append((user, memberships))
            return user

        for authority in authorities:
            own = [t for t in teams if t.authority_id == authority.pk]
            out.intake_officers[authority.pk] = add(
                "Intake", authority.code, [(t, Role.INTAKE_OFFICER) for t in own]
            )
            front_door = next((t for t in own if t.caseload_cap is None), own[0])
            add("Privacy", authority.code, [(front_door, Role.DATA_PROTECTION_OFFICER)])
            add("Commissioning", authority.code, [(front_door, Role.COMMISSIONER)])
            for team in own:
                if team.caseload_cap is None:
                    continue
                out.managers[team.pk] = add("Manager", team.code, [(team, Role.TEAM_MANAGER)])
                out.workers[team.pk] = [
                    add(
                        self.rng.pick(GIVEN_NAMES),
                        self.rng.pick(FAMILY_NAMES),
                        [(team, Role.EMPLOYMENT_SPECIALIST)],
                    )
                    for _ in range(scale.workers_per_team)
                ]
        User.objects.bulk_create(users, batch_size=BATCH)
        Membership.objects.bulk_create(
            [Membership(user=u, team=t, role=r) for u, ms in roles for t, r in ms],
            batch_size=BATCH,
        )
        out.counts["staff"] = len(users)
        return out
