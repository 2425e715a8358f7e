"""Finding and reading people through the API: scoped, audited, and cheap per page."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pathways.core.models import Role
from pathways.referrals.models import Status
from tests.api.conftest import client_for
from tests.factories import PersonFactory, ReferralFactory, TeamFactory, staff

pytestmark = pytest.mark.django_db


def api_reads(person, outcome="allowed"):
    return LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        additional_data__person_id=person.pk,
        additional_data__channel="api",
        additional_data__outcome=outcome,
    )


class TestList:
    def test_ref_finds_only_people_the_caller_may_see(self, as_intake, authority):
        ours = PersonFactory(authority=authority, person_ref="C555")
        elsewhere = PersonFactory(person_ref="C555")  # same reference, another council
        PersonFactory(authority=authority, person_ref="C556")

        response = as_intake.get("/api/v1/people", {"ref": "C555"})

        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 1
        [item] = body["items"]
        assert item == {
            "id": ours.pk,
            "authority": "E09000025",
            "person_ref": "C555",
            "given_name": ours.given_name,
            "family_name": ours.family_name,
            "preferred_name": "",
            "date_of_birth": "1990-03-27",
        }
        assert not api_reads(elsewhere).exists()

    def test_a_specialist_sees_only_people_their_team_works_with(self, coach, team, authority):
        referred = ReferralFactory(team=team).person
        PersonFactory(authority=authority)  # a resident the team has no relationship with

        response = client_for(coach).get("/api/v1/people")

        assert [p["id"] for p in response.json()["items"]] == [referred.pk]

    def test_q_searches_by_name(self, as_intake, authority):
        PersonFactory(authority=authority, given_name="Amara", family_name="Okafor")
        PersonFactory(authority=authority, given_name="Ben", family_name="Hughes")

        items = as_intake.get("/api/v1/people", {"q": "okafor"}).json()["items"]

        assert [p["family_name"] for p in items] == ["Okafor"]

    def test_every_person_listed_is_audited_as_an_api_read(self, as_intake, intake, authority):
        people = [PersonFactory(authority=authority) for _ in range(3)]

        as_intake.get("/api/v1/people", REMOTE_ADDR="10.1.2.3")

        for person in people:
            [entry] = api_reads(person)
            assert entry.actor == intake
            assert entry.actor_email == "intake@example.org"
            assert entry.remote_addr == "10.1.2.3"
            assert entry.additional_data["what"] == "person list"
            assert entry.object_pk == str(person.pk)

    def test_pages_of_fifty(self, as_intake, authority):
        for _ in range(55):
            PersonFactory(authority=authority)

        first = as_intake.get("/api/v1/people").json()
        second = as_intake.get("/api/v1/people", {"page": 2}).json()

        assert first["count"] == 55
        assert len(first["items"]) == 50
        assert len(second["items"]) == 5
        ids = {p["id"] for p in first["items"]} | {p["id"] for p in second["items"]}
        assert len(ids) == 55

    def test_bad_page_number_is_422_naming_the_field(self, as_intake):
        response = as_intake.get("/api/v1/people", {"page": 0})
        assert response.status_code == 422
        assert "page" in response.json()["errors"]

    def test_same_number_of_queries_for_5_and_for_50_people(self, as_intake, authority):
        for _ in range(5):
            PersonFactory(authority=authority)
        as_intake.get("/api/v1/people")  # warm caches (content types) as in a running server

        with CaptureQueriesContext(connection) as five:
            response = as_intake.get("/api/v1/people")
        assert len(response.json()["items"]) == 5

        for _ in range(45):
            PersonFactory(authority=authority)
        with CaptureQueriesContext(connection) as fifty:
            response = as_intake.get("/api/v1/people")
        assert len(response.json()["items"]) == 50

        assert len(fifty) == len(five)
        inserts = [q for q in fifty.captured_queries if "auditlog_logentry" in q["sql"]]
        assert len(inserts) == 1


class TestDetail:
    def test_person_with_their_referrals(self, as_intake, team, other_team):
        person = PersonFactory(
            authority=team.authority,
            postcode="E15 4HT",
            primary_support_reason="learning_disability",
            conditions=["autism"],
            long_term_support=True,
            communication_needs="Easy read, please",
        )
        ReferralFactory(team=team, person=person, status=Status.DECLINED)
        ReferralFactory(team=other_team, person=person)

        response = as_intake.get(f"/api/v1/people/{person.pk}")

        assert response.status_code == 200
        body = response.json()
        assert body["person_ref"] == person.person_ref
        assert body["authority"] == "E09000025"
        assert body["postcode"] == "E15 4HT"
        assert body["primary_support_reason"] == "learning_disability"
        assert body["conditions"] == ["autism"]
        assert body["long_term_support"] is True
        assert body["secondary_mental_health"] is None
        assert body["communication_needs"] == "Easy read, please"
        assert sorted((r["team"], r["status"]) for r in body["referrals"]) == [
            ("IPS1", "received"),
            ("SE1", "declined"),
        ]
        assert api_reads(person).count() == 1

    def test_out_of_scope_is_404_and_the_refusal_is_audited(self, authority):
        person = PersonFactory(authority=authority)
        outsider = staff(Role.INTAKE_OFFICER, TeamFactory(), email="outsider@example.org")

        response = client_for(outsider).get(f"/api/v1/people/{person.pk}")

        assert response.status_code == 404
        assert response.json() == {"detail": "No such person."}
        [denied] = api_reads(person, outcome="denied")
        assert denied.actor_email == "outsider@example.org"
        assert not api_reads(person).exists()

    def test_no_such_person_looks_the_same_as_out_of_scope(self, as_intake):
        response = as_intake.get("/api/v1/people/999999")
        assert response.status_code == 404
        assert response.json() == {"detail": "No such person."}

    def test_commissioner_cannot_read_a_record(self, team):
        person = PersonFactory(authority=team.authority)
        commissioner = staff(Role.COMMISSIONER, team)
        assert client_for(commissioner).get(f"/api/v1/people/{person.pk}").status_code == 404
