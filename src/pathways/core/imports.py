"""Import kinds for who works where: authorities, teams and staff (docs/imports.md)."""

from __future__ import annotations

from django.db.models import Q

from pathways.core.importing import (
    Change,
    Column,
    Context,
    Kind,
    Row,
    RowProblem,
    choice,
    email_address,
    plan_save,
    text_of,
    whole_number,
)
from pathways.core.models import Authority, Membership, Organisation, Role, Team, User

# --- authorities ----------------------------------------------------------------------


def _plan_authority(row: Row, ctx: Context) -> Change:
    code = row["code"]
    existing = ctx.authorities_by_code.get(code)
    if existing is None and ctx.authority_ids is not None:
        raise RowProblem("code", f"no authority has the code '{code}'; only the operator adds one")
    if existing is not None:
        ctx.check_remit(existing, "code")
    return plan_save(Authority, existing, lookup={"code": code}, fields=row.fields(["name"]))


AUTHORITIES = Kind(
    name="authorities",
    title="Authorities",
    summary="Councils whose residents the service supports",
    model=Authority,
    columns=(
        Column("code", text_of(Authority, "code"), required=True),
        Column("name", text_of(Authority, "name"), required=True),
    ),
    key=("code",),
    plan=_plan_authority,
)


# --- teams ----------------------------------------------------------------------------


def _prepare_teams(rows: list[Row], ctx: Context) -> None:
    """Organisations by name in any letter case, and which teams already have cases."""
    ctx.cache["organisations"] = {o.name.casefold(): o for o in Organisation.objects.all()}
    # Through the teams' own relations ("referrals", "episodes": named by the apps that
    # keep them), so that core asks without importing the apps above it.
    ctx.cache["busy_teams"] = set(
        Team.objects.filter(Q(referrals__isnull=False) | Q(episodes__isnull=False))
        .values_list("pk", flat=True)
        .distinct()
    )
    # Organisations named in this file: casefolded name -> (name, kind, first line).
    ctx.cache["named"] = {}


def _organisation(row: Row, ctx: Context) -> tuple[str, str, bool]:
    """The organisation's stored spelling, its kind per the file, and whether this row is
    the one that changes a stored organisation's kind."""
    raw, kind = row["organisation"], row["organisation_kind"]
    folded = raw.casefold()
    named = ctx.cache["named"]
    if folded in named:
        name, first_kind, first_line = named[folded]
        if first_kind != kind:
            raise RowProblem(
                "organisation_kind",
                f"line {first_line} says {name} is {first_kind}; an organisation has one kind",
            )
        return name, kind, False
    stored = ctx.cache["organisations"].get(folded)
    name = stored.name if stored is not None else raw
    named[folded] = (name, kind, row.line)
    changes_kind = stored is not None and stored.kind != kind
    if changes_kind and ctx.authority_ids is not None:
        # Organisations span authorities, so an authority's admin cannot recast one.
        raise RowProblem(
            "organisation_kind",
            f"{name} is recorded as {stored.kind}; "
            "only the operator can change an organisation's kind",
        )
    return name, kind, changes_kind


def _plan_team(row: Row, ctx: Context) -> Change:
    code = row["code"]
    authority = ctx.authority(row["authority"])
    existing = ctx.teams_by_code.get(code)
    org_name, org_kind, org_kind_changes = _organisation(row, ctx)
    extra: list[str] = []
    if existing is not None:
        ctx.check_remit(existing.authority, "code")
        if existing.authority_id != authority.pk and existing.pk in ctx.cache["busy_teams"]:
            raise RowProblem(
                "authority",
                f"team {code} works for {existing.authority.name} and has referrals or "
                "episodes there, so it cannot move to another authority",
            )
        if existing.organisation.name.casefold() != org_name.casefold():
            extra.append("organisation")
    if org_kind_changes:
        extra.append("organisation_kind")

    def organisation() -> Organisation:
        found, created = Organisation.objects.get_or_create(
            name=org_name, defaults={"kind": org_kind}
        )
        if not created and found.kind != org_kind:
            found.kind = org_kind
            found.save(update_fields=["kind"])
        return found

    def set_organisation(team: Team) -> None:
        found = organisation()
        if team.organisation_id != found.pk:
            team.organisation = found
            team.save(update_fields=["organisation"])

    fields = {"name": row["name"], "authority": authority, **row.fields(["caseload_cap"])}
    if existing is None:

        def create() -> Team:
            return Team.objects.create(code=code, organisation=organisation(), **fields)

        return Change("create", (), create)
    return plan_save(
        Team,
        existing,
        lookup={"code": code},
        fields=fields,
        then=set_organisation,
        extra_changes=extra,
    )


TEAMS = Kind(
    name="teams",
    title="Teams",
    summary="Teams, the authority each works for, their organisation and caseload cap",
    model=Team,
    columns=(
        Column("code", text_of(Team, "code"), required=True),
        Column("name", text_of(Team, "name"), required=True),
        Column("authority", text_of(Authority, "code"), required=True),
        Column("organisation", text_of(Organisation, "name"), required=True),
        Column("organisation_kind", choice(Organisation.Kind), required=True),
        Column("caseload_cap", whole_number(minimum=1)),
    ),
    key=("code",),
    plan=_plan_team,
    prepare=_prepare_teams,
)


# --- staff ----------------------------------------------------------------------------


def _prepare_staff(rows: list[Row], ctx: Context) -> None:
    ctx.load_staff(r.values.get("email") for r in rows)


def _plan_staff(row: Row, ctx: Context) -> Change:
    email = row["email"]
    team = ctx.team(row["team"])
    role = row["role"]
    existing = ctx.staff_member(email)
    extra: list[str] = []
    if existing is not None:
        if existing.is_superuser and ctx.authority_ids is not None:
            raise RowProblem("email", "this is a system administrator's account; ask the operator")
        current = {(m.team_id, m.role) for m in existing.memberships.all()}
        for membership in existing.memberships.all():
            if not ctx.in_remit(membership.team.authority_id):
                raise RowProblem(
                    "email",
                    f"this person also works in {membership.team.authority.name}, "
                    "where you are not an administrator",
                )
        if {t for t, _ in current} != {team.pk}:
            extra.append("team")
        if {r for _, r in current} != {role}:
            extra.append("role")

    def set_membership(user: User) -> None:
        """Exactly one membership: the team and role the file gives."""
        user.memberships.exclude(team=team, role=role).delete()
        Membership.objects.get_or_create(user=user, team=team, role=role)

    fields = row.fields(
        ["given_name", "family_name"], {"given_name": "first_name", "family_name": "last_name"}
    )
    if existing is None:

        def create() -> User:
            user = User.objects.create_user(email, **fields)  # no password: they set one
            set_membership(user)
            return user

        return Change("create", (), create)
    return plan_save(
        User,
        existing,
        lookup={"email": email},
        fields=fields,
        column_of={"first_name": "given_name", "last_name": "family_name"},
        then=set_membership,
        extra_changes=extra,
    )


STAFF = Kind(
    name="staff",
    title="Staff",
    summary="Staff accounts with their team and role; new accounts get no password",
    model=User,
    columns=(
        Column("email", email_address, required=True),
        Column("given_name", text_of(User, "first_name"), required=True),
        Column("family_name", text_of(User, "last_name"), required=True),
        Column("team", text_of(Team, "code"), required=True),
        Column("role", choice(Role), required=True),
    ),
    key=("email",),
    plan=_plan_staff,
    prepare=_prepare_staff,
)

KINDS = (AUTHORITIES, TEAMS, STAFF)
