"""How the schema would be spread over a distributed PostgreSQL (Citus), read from the
models so that it stays true as they change (docs/national-scale.md, decision 0052).

Every table gets one of three places:

- **reference**: small tables every request reads (authorities, teams, staff and their
  memberships, organisations, the interest vocabulary, employers and providers, who
  are shared across authorities), copied whole to every node;
- **distributed** by ``authority_id``, all in one co-location group, so that one
  authority's person, referrals, episodes, timeline and jobs sit on one node and join
  there. A table either has the column already or reaches it through the parent named
  in ``via`` (an activity through its episode): those need the column added and filled
  from the parent before they can be distributed;
- **coordinator**: tables with no authority at all (sessions, sign-in attempts, the
  audit log, notifications, the task queue), left on the coordinator.

``pathways synthetic --citus-plan`` prints :func:`sql`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db import models

COLUMN = "authority_id"

#: Small, read on every request, or shared across authorities: copied to every node.
REFERENCE = frozenset(
    {
        "core.Authority",
        "core.Organisation",
        "core.Team",
        "core.User",
        "core.Membership",
        "core.InterestTag",
        "auth.Group",
        "auth.Permission",
        "auth.Group_permissions",
        "contenttypes.ContentType",
        "employers.Employer",
        "employers.EmployerSite",
        "employers.EmployerContact",
        "employers.Engagement",
        "commissioning.Provider",
        "commissioning.Provider_authorities",
    }
)


@dataclass(frozen=True)
class Place:
    """Where one table goes."""

    label: str  # app.Model
    table: str
    kind: str  # "reference", "distributed" or "coordinator"
    #: For a distributed table without the column: the foreign key to the parent it
    #: takes the authority from, and that parent's table.
    via: tuple[str, str] | None = None


def _owns_column(model: type[models.Model]) -> bool:
    return any(f.attname == COLUMN for f in model._meta.concrete_fields)


def plan(models_: Iterable[type[models.Model]] | None = None) -> list[Place]:
    """Every table's place, parents before the tables that take the authority from them."""
    chosen = [
        m
        for m in (models_ or apps.get_models(include_auto_created=True))
        if m._meta.managed and not m._meta.proxy
    ]
    places: dict[str, Place] = {}
    for model in chosen:
        label = model._meta.label
        if label in REFERENCE:
            places[label] = Place(label, model._meta.db_table, "reference")
        elif _owns_column(model):
            places[label] = Place(label, model._meta.db_table, "distributed")
    # The rest reach a distributed parent through a foreign key, or stay on the
    # coordinator; a child is placed once its parent is (so repeat until nothing moves).
    waiting = [m for m in chosen if m._meta.label not in places]
    moved = True
    while moved:
        moved = False
        for model in list(waiting):
            for field in model._meta.concrete_fields:
                parent = field.related_model if field.is_relation else None
                place = places.get(parent._meta.label) if parent else None
                if place and place.kind == "distributed":
                    places[model._meta.label] = Place(
                        model._meta.label,
                        model._meta.db_table,
                        "distributed",
                        via=(field.column or field.attname, place.table),
                    )
                    waiting.remove(model)
                    moved = True
                    break
    for model in waiting:
        places[model._meta.label] = Place(model._meta.label, model._meta.db_table, "coordinator")
    return list(places.values())


def sql(places: list[Place] | None = None) -> str:
    """The statements that would distribute the schema, as a script to read and adapt."""
    places = plan() if places is None else places
    lines = [
        "-- Pathways on Citus: generated from the models by `pathways synthetic --citus-plan`.",
        "-- Before create_distributed_table, Citus needs authority_id in every primary key,",
        "-- unique constraint and foreign key between distributed tables: (authority_id, id).",
        "",
        "-- Reference tables: copied to every node.",
    ]
    lines += [
        f"SELECT create_reference_table('{p.table}');" for p in places if p.kind == "reference"
    ]
    lines += ["", "-- Tables that take the authority from their parent: add it and fill it."]
    for p in places:
        if p.kind == "distributed" and p.via:
            column, parent = p.via
            fill = f"UPDATE {p.table} AS c SET {COLUMN} = p.{COLUMN} FROM {parent} AS p"  # noqa: S608 (printed, never run)
            lines += [
                f"ALTER TABLE {p.table} ADD COLUMN {COLUMN} bigint;",
                f"{fill} WHERE p.id = c.{column};",
            ]
    distributed = [p for p in places if p.kind == "distributed"]
    lines += ["", "-- Distributed by authority, all co-located with the first."]
    for n, p in enumerate(distributed):
        colocate = "" if n == 0 else f", colocate_with => '{distributed[0].table}'"
        lines.append(f"SELECT create_distributed_table('{p.table}', '{COLUMN}'{colocate});")
    lines += ["", "-- Left on the coordinator (no authority):"]
    lines += [f"--   {p.table}" for p in places if p.kind == "coordinator"]
    return "\n".join(lines) + "\n"
