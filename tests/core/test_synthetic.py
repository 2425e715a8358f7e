"""The synthetic-data generator makes what it claims, keeping the front door's rules."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone

from pathways.casework.models import Episode
from pathways.core.models import Authority, Team
from pathways.core.synthetic import Scale, generate
from pathways.people.models import Person
from pathways.people.postcodes import normalise_postcode
from pathways.people.selectors import search_people
from pathways.referrals.models import LIVE_STATUSES, Referral, Status
from pathways.referrals.selectors import waiting_list

pytestmark = pytest.mark.django_db

SMALL = Scale(authorities=2, workers_per_team=3, people=200, referrals=320, seed=7)


@pytest.fixture
def world():
    return generate(SMALL)


def test_makes_the_numbers_asked_for(world):
    assert Authority.objects.count() == 2
    assert Team.objects.count() == 8
    assert Person.objects.count() == 200
    assert Referral.objects.count() == 320
    assert world.counts["people"] == 200 and world.counts["referrals"] == 320
    assert Episode.objects.count() == world.counts["episodes"]
    assert Episode.objects.filter(ended_on__isnull=True).count() == world.counts["episodes.open"]
    assert world.counts["episodes.open"] > 0


def test_referrals_in_every_state(world):
    assert set(Referral.objects.values_list("status", flat=True)) == set(Status.values)


def test_keeps_the_front_door_rules(world):
    today = timezone.localdate()
    live = Counter(
        Referral.objects.filter(status__in=LIVE_STATUSES).values_list("person_id", "team_id")
    )
    assert max(live.values()) == 1
    open_episodes = Episode.objects.filter(ended_on__isnull=True)
    per_person = Counter(open_episodes.values_list("person_id", flat=True))
    assert max(per_person.values()) == 1
    caps = dict(Team.objects.values_list("pk", "caseload_cap"))
    for (worker, team), cases in Counter(open_episodes.values_list("worker", "team")).items():
        assert cases <= caps[team], worker
    for referral in Referral.objects.filter(status=Status.ALLOCATED).select_related("episode"):
        assert referral.episode.started_on == referral.allocated_on
        assert referral.episode.worker_id == referral.worker_id
    for referral in Referral.objects.filter(status=Status.REDIRECTED).select_related(
        "redirected_to"
    ):
        onward = referral.redirected_to
        assert onward.person_id == referral.person_id and onward.team_id != referral.team_id
        assert onward.received_on == referral.decided_on
    assert not Referral.objects.filter(received_on__gt=today).exists()
    assert not Episode.objects.filter(started_on__gt=today).exists()
    for person in Person.objects.all():
        assert normalise_postcode(person.postcode) == person.postcode
        assert 16 <= person.age_on(today) <= 66


def test_the_selectors_work_on_it(world):
    team = next(t for t in world.teams if t.caseload_cap == 20)
    rows = list(waiting_list(world.managers[team.pk], team)[:50])
    assert rows and all(r.team_id == team.pk for r in rows)
    intake = world.intake_officers[team.authority_id]
    someone = Person.objects.filter(authority=team.authority).first()
    assert someone in search_people(intake, someone.family_name)


def test_the_same_seed_makes_the_same_world():
    def snapshot() -> list[tuple]:
        return list(
            Referral.objects.order_by("referral_ref", "authority__code").values_list(
                "referral_ref", "person__person_ref", "person__given_name", "status", "received_on"
            )
        )

    runs = []
    for _ in range(2):
        with transaction.atomic():
            generate(SMALL)
            runs.append(snapshot())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]


def test_worlds_with_different_prefixes_share_a_database():
    generate(Scale(people=20, referrals=30, prefix="AAA"))
    generate(Scale(people=20, referrals=30, prefix="BBB"))
    assert Person.objects.count() == 40
    # Ids were given out by the generator: the database's own sequence must follow on.
    Person.objects.create(
        authority=Authority.objects.first(),
        person_ref="after",
        given_name="Ada",
        family_name="Lovelace",
        date_of_birth="1990-12-10",
    )
