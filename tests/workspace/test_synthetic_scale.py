"""The generator at national scale: COPY writes what executemany writes, the same seed
makes the same rows, timelines sit inside their episodes, and ``pathways synthetic``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from pathways.casework.models import Activity, Episode
from pathways.people.models import Person
from pathways.workspace.synthetic import Scale, generate
from pathways.workspace.synthetic.bulk import insert_rows, reset_sequences, writing_with

pytestmark = pytest.mark.django_db

ALL = Scale(
    authorities=2,
    workers_per_team=3,
    people=150,
    referrals=220,
    seed=11,
    employers=10,
    opportunities=20,
    profiles=30,
    placements=40,
    activities=900,
)
#: Values made afresh on every run, whatever the seed: an unusable password's random
#: salt and the moment a staff account was made.
_PER_RUN = {("core", "user", "password"), ("core", "user", "date_joined")}


def _tables() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in ("core", "people", "referrals", "casework", "employers")
        or m._meta.app_label == "employment"
    ]


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of every table the generator writes, in id order, as plain values."""
    out = {}
    for model in _tables():
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if (model._meta.app_label, model._meta.model_name, f.attname) not in _PER_RUN
        ]
        out[model._meta.label] = list(model._default_manager.order_by("pk").values_list(*names))
    return out


def _generate_and_roll_back(*, copy: bool) -> dict[str, list[tuple]]:
    """Make ``ALL`` with the ids an empty database gives, take its rows and undo it."""
    reset_sequences(*_tables())  # earlier tests moved them on
    with transaction.atomic():
        with writing_with(copy=copy):
            generate(ALL)
        rows = _snapshot()
        transaction.set_rollback(True)
    return rows


def test_the_same_seed_makes_the_same_rows_in_every_table():
    first = _generate_and_roll_back(copy=False)
    assert len(first["casework.Activity"]) == 900
    assert _generate_and_roll_back(copy=False) == first


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_writes_the_same_rows_as_executemany():
    by_executemany = _generate_and_roll_back(copy=False)
    by_copy = _generate_and_roll_back(copy=True)
    assert by_copy.keys() == by_executemany.keys()
    for table, rows in by_executemany.items():
        assert by_copy[table] == rows, table
    assert len(by_copy["casework.Activity"]) == 900


def test_timelines_sit_inside_their_episodes():
    world = generate(ALL)
    assert Activity.objects.count() == world.counts["activities"] == 900
    for episode in Episode.objects.prefetch_related("activities"):
        entries = list(episode.activities.all())
        for activity in entries:
            assert episode.started_on <= activity.occurred_on
            assert activity.occurred_on <= (episode.ended_on or timezone.localdate())
            assert activity.recorded_by_id == episode.worker_id
            assert activity.minutes > 0
        contacts = [a.occurred_on for a in entries if a.is_contact_with_person]
        assert episode.last_contact_on == (max(contacts) if contacts else None)
    kinds = set(Activity.objects.values_list("kind", flat=True))
    assert {"meeting", "phone", "employer_contact", "job_search"} <= kinds
    assert Activity.objects.exclude(notes="").exists() and Activity.objects.filter(notes="")
    # Ids were given out by the generator: the database's own sequence follows on.
    episode = Episode.objects.first()
    made = Activity.objects.create(
        episode=episode, kind="phone", occurred_on=episode.started_on, recorded_by=episode.worker
    )
    assert made.pk == Activity.objects.aggregate(top=Max("pk"))["top"]


def test_longer_episodes_have_more_entries():
    generate(ALL)
    episodes = list(Episode.objects.annotate(n=models.Count("activities")))
    short = [e.n for e in episodes if e.ended_on and (e.ended_on - e.started_on).days < 30]
    long = [e.n for e in episodes if (e.ended_on is None) or (e.ended_on - e.started_on).days > 300]
    assert short and long
    assert sum(long) / len(long) > sum(short) / len(short)


def test_insert_rows_writes_a_stream_in_chunks():
    generate(Scale(people=3, referrals=3, seed=2))
    person = Person.objects.first()
    episode = Episode.objects.first()

    def stream():  # more rows than one chunk, never held in a list
        for n in range(5_001):
            yield {
                "id": 10_000 + n,
                "episode_id": episode.pk,
                "kind": "phone",
                "occurred_on": episode.started_on,
                "with_whom": "person",
                "recorded_by_id": episode.worker_id,
                "recorded_at": timezone.now(),
            }

    assert person is not None
    assert insert_rows(Activity, stream()) == 5_001
    assert Activity.objects.filter(pk__gte=10_000).count() == 5_001


def test_the_command_fills_an_empty_database():
    out = StringIO()
    call_command(
        "synthetic",
        "--people=60",
        "--authorities=2",
        "--activities=300",
        "--placements=10",
        "--seed=3",
        stdout=out,
    )
    text = out.getvalue()
    assert Person.objects.count() == 60
    assert Activity.objects.count() == 300
    assert "people: 60" in text and "activities: 300" in text
    assert "Done in" in text and "10 placements" in text


def test_the_command_refuses_a_database_with_people():
    generate(Scale(people=2, referrals=2))
    with pytest.raises(CommandError, match="already holds people"):
        call_command("synthetic", "--people=10", stdout=StringIO())
    assert Person.objects.count() == 2


def test_the_citus_plan_places_every_table_by_its_authority():
    from pathways.workspace.synthetic.distribution import plan

    places = {p.label: p for p in plan()}
    assert len(places) == len({p.table for p in places.values()})
    assert places["people.Person"].kind == "distributed" and places["people.Person"].via is None
    assert places["casework.Activity"].via == ("episode_id", "casework_episode")
    assert places["casework.Step"].via == ("goal_id", "casework_goal")
    assert places["core.InterestTag"].kind == "reference"
    assert places["core.User"].kind == "reference"
    assert places["sessions.Session"].kind == "coordinator"
    # A child is placed after the parent it takes the authority from.
    order = [p.table for p in plan()]
    for p in places.values():
        if p.via:
            assert order.index(p.via[1]) < order.index(p.table)


def test_the_command_prints_the_citus_plan_and_writes_nothing():
    out = StringIO()
    call_command("synthetic", "--citus-plan", stdout=out)
    text = out.getvalue()
    assert "SELECT create_reference_table('core_interesttag');" in text
    assert (
        "SELECT create_distributed_table('casework_activity', 'authority_id', "
        "colocate_with => 'people_person');"
    ) in text
    assert "ALTER TABLE casework_activity ADD COLUMN authority_id bigint;" in text
    assert Person.objects.count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_loading_puts_back_every_foreign_key_and_index():
    def schema() -> dict[str, dict]:
        with connection.cursor() as cursor:
            return {
                m._meta.db_table: connection.introspection.get_constraints(cursor, m._meta.db_table)
                for m in _tables()
            }

    before = schema()
    generate(ALL)
    assert schema() == before
    assert "activity_notes_search" in before["casework_activity"]
