"""`pathways demo`: a realistic borough, loaded once, never over real records."""

from __future__ import annotations

from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from pathways.casework.models import Episode
from pathways.core import demo
from pathways.core.models import Membership, Role, Team, User
from pathways.people.models import CareCost, Condition, Consent, Contact, Person
from pathways.people.postcodes import normalise_postcode
from pathways.referrals.models import Referral, Source, Status
from pathways.referrals.selectors import waiting_list, worker_loads
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

#: The states the services can put a referral in (nothing moves one to "waiting": an
#: accepted referral is on the waiting list).
SERVICE_STATES = {s for s in Status if s != Status.WAITING}


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded() -> str:
    return run_demo()


def snapshot() -> dict[str, int]:
    models = (Person, User, Membership, Team, Referral, Episode, Contact, Consent, CareCost)
    return {m.__name__: m.objects.count() for m in models} | {"audit": LogEntry.objects.count()}


def test_loads_about_sixty_demo_people(loaded):
    people = Person.objects.all()
    assert people.count() == 60
    assert not people.filter(is_demo=False).exists()
    today = timezone.localdate()
    ages = [p.age_on(today) for p in people]
    assert min(ages) == 16 and max(ages) == 66
    for person in people:
        assert normalise_postcode(person.postcode) == person.postcode
    conditions = {c for p in people for c in p.conditions}
    assert {
        Condition.LEARNING_DISABILITY,
        Condition.AUTISM,
        Condition.MENTAL_HEALTH,
        Condition.PHYSICAL,
        Condition.SENSORY,
        Condition.SUBSTANCE_MISUSE,
        Condition.ACQUIRED_BRAIN_INJURY,
    } <= conditions
    needs = " ".join(people.values_list("communication_needs", flat=True))
    assert "Easy read" in needs and "BSL interpreter" in needs and "Short sentences" in needs
    assert Contact.objects.count() >= 10
    assert Consent.objects.filter(given=False).exists()  # a change of mind, kept as history
    assert CareCost.objects.values("person").distinct().count() >= 8


def test_teams_carry_their_caseload_caps(loaded):
    caps = dict(Team.objects.values_list("code", "caseload_cap"))
    assert caps == {"RB-FD": None, "RB-SE": 40, "RB-IPS": 20, "RB-YPT": 25}


def test_one_demo_account_per_role_and_several_specialists(loaded):
    roles = Membership.objects.values_list("role", flat=True)
    assert set(roles) == set(Role.values)
    assert not User.objects.filter(is_demo=False).exists()
    specialists = User.objects.filter(memberships__role=Role.EMPLOYMENT_SPECIALIST).distinct()
    assert specialists.count() >= 3
    for role in set(Role.values) - {Role.EMPLOYMENT_SPECIALIST}:
        assert User.objects.filter(memberships__role=role).distinct().count() == 1


def test_referrals_in_every_state_from_every_source(loaded):
    referrals = Referral.objects.all()
    assert set(referrals.values_list("status", flat=True)) == SERVICE_STATES
    assert set(referrals.values_list("source", flat=True)) == set(Source.values)
    front_door = sum(r.is_front_door for r in referrals)
    assert front_door > referrals.count() / 2
    assert all(r.decision_reason for r in referrals.filter(status=Status.DECLINED))
    for redirected in referrals.filter(status=Status.REDIRECTED):
        assert redirected.decision_reason
        assert redirected.redirected_to.person_id == redirected.person_id
    assert (
        Episode.objects.filter(ended_on__isnull=True).count()
        == referrals.filter(status=Status.ALLOCATED).count()
    )


def test_a_real_waiting_list_with_one_urgent_case(loaded):
    manager = User.objects.get(email="manager@riverside.example")
    everyone = list(waiting_list(manager))
    assert len(everyone) == 12
    days = [r.days_waited() for r in everyone]
    assert len(set(days)) >= 10 and max(days) > 120
    se_list = list(waiting_list(manager, Team.objects.get(code="RB-SE")))
    assert se_list[0].urgent and se_list[0].urgent_reason
    assert [r.urgent for r in se_list].count(True) == 1
    # Urgent first, then oldest first: the urgent case is not the longest waiting.
    assert se_list[0].days_waited() < se_list[1].days_waited()


def test_an_ips_specialist_is_at_the_cap(loaded):
    loads = worker_loads(Team.objects.get(code="RB-IPS"))
    full = [w for w in loads if w.at_cap]
    assert len(full) == 1 and full[0].open_cases == 20
    assert any(not w.at_cap and w.open_cases for w in loads)


def test_the_audit_trail_is_the_services_own(loaded):
    intake = User.objects.get(email="intake@riverside.example")
    manager = User.objects.get(email="manager@riverside.example")
    person = Episode.objects.first().person
    trail = LogEntry.objects.filter(additional_data__person_id=person.pk)
    assert trail.filter(actor=intake).exists()  # referred and accepted by the intake officer
    assert trail.filter(actor=manager).exists()  # allocated by the manager
    assert LogEntry.objects.filter(additional_data__outcome="denied").count() == 1


def test_demo_staff_sign_in_with_the_printed_password(loaded):
    assert demo.DEMO_PASSWORD in loaded
    assert "http://127.0.0.1:8000/" in loaded
    for sign_in in demo.sign_ins():
        assert sign_in.email in loaded
    response = Client().post(
        "/sign-in/", {"username": "intake@riverside.example", "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_running_it_twice_changes_nothing(loaded):
    before = snapshot()
    output = run_demo()
    assert "already loaded" in output
    assert demo.DEMO_PASSWORD in output
    assert snapshot() == before


def test_the_same_day_gives_the_same_borough():
    def people() -> list[tuple]:
        return list(
            Person.objects.order_by("person_ref").values_list(
                "person_ref", "given_name", "family_name", "date_of_birth", "postcode"
            )
        )

    def referrals() -> list[tuple]:
        return list(
            Referral.objects.order_by("referral_ref").values_list(
                "referral_ref", "person__person_ref", "team__code", "status", "received_on"
            )
        )

    runs = []
    for _ in range(2):
        with transaction.atomic():
            demo.load()
            runs.append((people(), referrals()))
            transaction.set_rollback(True)
    assert runs[0] == runs[1]


def test_refuses_a_database_with_real_staff():
    UserFactory()
    with pytest.raises(CommandError, match="1 real staff account"):
        run_demo()
    assert not User.objects.filter(is_demo=True).exists()


def test_refuses_a_database_with_real_people(loaded):
    PersonFactory(authority=Team.objects.get(code="RB-SE").authority)
    before = snapshot()
    with pytest.raises(CommandError, match="1 real person"):
        run_demo()
    assert snapshot() == before


def test_the_work_queue_has_something_of_every_kind_due_today(loaded):
    from django.utils import timezone

    from pathways.casework.models import Package
    from pathways.casework.selectors import work_queue

    specialist = User.objects.get(email="specialist@riverside.example")
    items = work_queue(specialist, timezone.localdate(), worker=specialist)
    assert {i.kind for i in items} == {"transitional_limit", "review_due", "no_contact"}
    assert any(i.overdue for i in items if i.kind == "transitional_limit")
    assert Package.objects.filter(status=Package.Status.PROPOSED).count() == 1
    assert (
        not Package.objects.filter(episode__ended_on__isnull=True)
        .exclude(status__in=[Package.Status.APPROVED, Package.Status.PROPOSED])
        .exists()
    )


def test_about_two_thirds_of_people_in_support_have_a_vocational_profile(loaded):
    from pathways.casework.models import VocationalProfile

    open_people = set(
        Episode.objects.filter(ended_on__isnull=True).values_list("person_id", flat=True)
    )
    profiles = VocationalProfile.objects.prefetch_related("interests")
    profiled = {p.person_id for p in profiles}
    assert profiled <= open_people
    assert 0.55 <= len(profiled) / len(open_people) <= 0.75
    for profile in profiles:
        assert profile.interests.all() and profile.kinds and profile.version == 1
        assert profile.min_hours is not None and profile.max_hours is not None
        assert profile.min_hours <= profile.max_hours
    # Written by the person's worker, so the trail names them.
    profile = profiles.select_related("person").first()
    worker = Episode.objects.get(person=profile.person, ended_on__isnull=True).worker
    entry = LogEntry.objects.get_for_object(profile).get(action=LogEntry.Action.CREATE)
    assert entry.actor == worker
