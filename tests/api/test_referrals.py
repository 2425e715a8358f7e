"""The front door through the API: every write, who may make it, and its refusals."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from auditlog.models import LogEntry

from pathways.casework.models import Episode
from pathways.core.models import Role
from pathways.referrals.models import Referral, Source, Status
from tests.api.conftest import client_for
from tests.factories import EpisodeFactory, PersonFactory, ReferralFactory, TeamFactory, staff

pytestmark = pytest.mark.django_db

TODAY = dt.date.today  # called in each test: a run may cross midnight


def post(client, url, body=None):
    if body is None:  # as `curl -X POST` sends it: no body at all
        return client.post(url, "", content_type="application/json")
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


def referral_body(person, to_team, **changes):
    return {
        "authority": person.authority.code,
        "person_ref": person.person_ref,
        "received_on": TODAY().isoformat(),
        "source": Source.ANNUAL_REVIEW,
        "team": to_team.code,
        **changes,
    }


def fill_caseload(worker, team, n):
    for _ in range(n):
        EpisodeFactory(team=team, worker=worker)


class TestCreate:
    def test_intake_officer_logs_a_referral(self, as_intake, team, intake):
        person = PersonFactory(authority=team.authority)

        response = post(
            as_intake, "/api/v1/referrals", referral_body(person, team, notes="From review")
        )

        assert response.status_code == 201
        body = response.json()
        referral = Referral.objects.get(pk=body["id"])
        assert body["referral_ref"] == referral.referral_ref
        assert body["status"] == "received"
        assert body["team"] == "SE1"
        assert body["person_ref"] == person.person_ref
        assert referral.created_by == intake
        assert referral.notes == "From review"

    def test_a_specialist_refers_someone_they_work_with_into_their_team(
        self, as_coach, coach, team
    ):
        person = EpisodeFactory(team=team, worker=coach).person

        response = post(as_coach, "/api/v1/referrals", referral_body(person, team))

        assert response.status_code == 201
        assert Referral.objects.filter(person=person, team=team).count() == 1

    def test_a_commissioner_may_not_refer(self, team):
        commissioner = staff(Role.COMMISSIONER, team)
        person = PersonFactory(authority=team.authority)

        response = post(client_for(commissioner), "/api/v1/referrals", referral_body(person, team))

        assert response.status_code == 403
        assert "cannot make referrals" in response.json()["detail"]
        assert not Referral.objects.exists()

    def test_a_person_the_caller_cannot_see_is_404(self, as_intake, team):
        stranger = PersonFactory()  # another authority
        response = post(as_intake, "/api/v1/referrals", referral_body(stranger, team))
        assert response.status_code == 404
        assert response.json()["detail"] == "No such person."
        # The try is on the stranger's trail, for their data protection officer.
        [denied] = LogEntry.objects.filter(additional_data__outcome="denied")
        assert denied.additional_data["person_id"] == stranger.pk
        assert denied.additional_data["what"] == "referral: the person referred"

    @pytest.mark.parametrize("role", [Role.TEAM_MANAGER, Role.EMPLOYMENT_SPECIALIST])
    def test_a_manager_or_specialist_refers_a_resident_the_team_does_not_know(self, team, role):
        """By the client reference alone; the answer is the new referral and nothing else
        about the person, who is then theirs to see."""
        member = staff(role, team, email="member@example.org")
        person = PersonFactory(authority=team.authority, given_name="Rosalind")
        client = client_for(member)

        response = post(client, "/api/v1/referrals", referral_body(person, team))

        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["person_ref"] == person.person_ref and body["team"] == team.code
        assert "Rosalind" not in response.content.decode()
        referral = Referral.objects.get(pk=body["id"])
        assert referral.person == person and referral.created_by == member
        created = LogEntry.objects.get_for_object(referral).get(action=LogEntry.Action.CREATE)
        assert created.actor == member
        assert client.get(f"/api/v1/people/{person.pk}").status_code == 200

    def test_a_coach_of_another_authoritys_team_is_refused(self, team):
        elsewhere = TeamFactory(code="TH1")
        coach = staff(Role.EMPLOYMENT_SPECIALIST, elsewhere, email="th@example.org")
        person = PersonFactory(authority=team.authority)
        client = client_for(coach)

        into_ours = post(client, "/api/v1/referrals", referral_body(person, team))
        into_theirs = post(client, "/api/v1/referrals", referral_body(person, elsewhere))

        assert into_ours.status_code == 403
        assert into_ours.json()["detail"] == f"You cannot make referrals to {team.name}."
        assert into_theirs.status_code == 404
        assert into_theirs.json() == {"detail": "No such person."}
        assert not Referral.objects.exists()

    def test_another_authoritys_person_is_answered_as_a_made_up_reference(self, as_manager, team):
        stranger = PersonFactory(given_name="Rosalind")  # another authority
        answers = [
            post(as_manager, "/api/v1/referrals", referral_body(stranger, team)),
            post(
                as_manager,
                "/api/v1/referrals",
                referral_body(stranger, team, authority=team.authority.code),
            ),
            post(
                as_manager,
                "/api/v1/referrals",
                referral_body(stranger, team, authority="E09000099", person_ref="C404"),
            ),
            post(
                as_manager,
                "/api/v1/referrals",
                referral_body(stranger, team, authority=team.authority.code, person_ref="C404"),
            ),
        ]
        assert [(a.status_code, a.content) for a in answers] == [
            (404, b'{"detail": "No such person."}')
        ] * 4
        assert not Referral.objects.exists()

    def test_unknown_team_is_422_naming_the_field(self, as_intake, team):
        person = PersonFactory(authority=team.authority)

        response = post(as_intake, "/api/v1/referrals", referral_body(person, team, team="NOPE"))

        assert response.status_code == 422
        body = response.json()
        assert body["errors"] == {"team": "No team has the code NOPE."}
        assert "team" in body["detail"]

    def test_bad_body_is_422_with_a_message_per_field(self, as_intake, team):
        person = PersonFactory(authority=team.authority)
        body = referral_body(person, team, received_on="31/02/2025", source="gossip")
        del body["person_ref"]

        response = post(as_intake, "/api/v1/referrals", body)

        assert response.status_code == 422
        errors = response.json()["errors"]
        assert set(errors) == {"person_ref", "received_on", "source"}
        assert errors["received_on"] == "Give a date as YYYY-MM-DD."
        assert "annual_review" in errors["source"]
        assert all(errors.values())
        assert response.json()["detail"]
        assert not Referral.objects.exists()

    def test_a_future_date_is_422(self, as_intake, team):
        person = PersonFactory(authority=team.authority)
        tomorrow = (TODAY() + dt.timedelta(days=1)).isoformat()

        response = post(
            as_intake, "/api/v1/referrals", referral_body(person, team, received_on=tomorrow)
        )

        assert response.status_code == 422
        assert response.json()["errors"] == {
            "received_on": "The date received cannot be in the future."
        }

    def test_a_second_open_referral_to_the_team_is_409(self, as_intake, referral):
        response = post(
            as_intake, "/api/v1/referrals", referral_body(referral.person, referral.team)
        )
        assert response.status_code == 409
        assert "already has an open referral" in response.json()["detail"]


class TestRead:
    def test_the_referral_and_its_audited_read(self, as_intake, referral):
        response = as_intake.get(f"/api/v1/referrals/{referral.pk}")

        assert response.status_code == 200
        body = response.json()
        assert body["id"] == referral.pk
        assert body["referral_ref"] == referral.referral_ref
        assert body["status"] == "received"
        assert body["team"] == "SE1"
        assert body["person_ref"] == referral.person.person_ref
        assert body["received_on"] == referral.received_on.isoformat()
        assert body["urgent"] is False
        assert body["worker"] is None
        assert LogEntry.objects.filter(
            additional_data__person_id=referral.person_id,
            additional_data__channel="api",
            additional_data__outcome="allowed",
        ).exists()

    def test_out_of_scope_is_404_and_the_refusal_is_audited(self, referral):
        outsider = staff(Role.INTAKE_OFFICER, TeamFactory(), email="outsider@example.org")

        response = client_for(outsider).get(f"/api/v1/referrals/{referral.pk}")

        assert response.status_code == 404
        assert response.json() == {"detail": "No such referral."}
        assert LogEntry.objects.filter(
            additional_data__person_id=referral.person_id,
            additional_data__channel="api",
            additional_data__outcome="denied",
            actor_email="outsider@example.org",
        ).exists()

    def test_writes_to_an_out_of_scope_referral_are_404(self, referral):
        outsider = staff(Role.TEAM_MANAGER, TeamFactory())
        response = post(client_for(outsider), f"/api/v1/referrals/{referral.pk}/accept")
        assert response.status_code == 404
        referral.refresh_from_db()
        assert referral.status == Status.RECEIVED


class TestAccept:
    def test_intake_officer_accepts(self, as_intake, referral, intake):
        response = post(as_intake, f"/api/v1/referrals/{referral.pk}/accept")

        assert response.status_code == 200
        assert response.json()["status"] == "accepted"
        referral.refresh_from_db()
        assert referral.status == Status.ACCEPTED
        assert referral.decided_by == intake

    def test_a_specialist_of_the_team_cannot_accept(self, as_coach, referral):
        response = post(as_coach, f"/api/v1/referrals/{referral.pk}/accept")

        assert response.status_code == 403
        assert "intake officer or manager" in response.json()["detail"]
        referral.refresh_from_db()
        assert referral.status == Status.RECEIVED

    def test_accepting_twice_is_409(self, as_intake, referral):
        post(as_intake, f"/api/v1/referrals/{referral.pk}/accept")
        response = post(as_intake, f"/api/v1/referrals/{referral.pk}/accept")
        assert response.status_code == 409
        assert "only a newly received referral" in response.json()["detail"]

    def test_a_body_that_is_not_json_is_422(self, as_intake, referral):
        response = as_intake.post(f"/api/v1/referrals/{referral.pk}/accept", {"version": 1})
        assert response.status_code == 422
        assert "JSON" in response.json()["errors"]["body"]

    def test_a_stale_version_is_409_and_changes_nothing(self, as_intake, referral):
        response = post(
            as_intake, f"/api/v1/referrals/{referral.pk}/accept", {"version": referral.version - 1}
        )
        assert response.status_code == 409
        assert "Someone else changed" in response.json()["detail"]
        referral.refresh_from_db()
        assert referral.status == Status.RECEIVED


class TestDecline:
    def test_manager_declines_with_a_reason(self, as_manager, referral):
        response = post(
            as_manager, f"/api/v1/referrals/{referral.pk}/decline", {"reason": "Not eligible"}
        )

        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "declined"
        assert body["decision_reason"] == "Not eligible"
        assert body["redirected_to"] is None

    def test_a_blank_reason_is_422(self, as_manager, referral):
        response = post(as_manager, f"/api/v1/referrals/{referral.pk}/decline", {"reason": "  "})
        assert response.status_code == 422
        assert "reason" in response.json()["errors"]
        referral.refresh_from_db()
        assert referral.status == Status.RECEIVED

    def test_redirect_to_another_team(self, as_intake, referral, other_team):
        response = post(
            as_intake,
            f"/api/v1/referrals/{referral.pk}/decline",
            {"reason": "Needs IPS", "redirect_to": "IPS1"},
        )

        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "redirected"
        onward = as_intake.get(f"/api/v1/referrals/{body['redirected_to']}").json()
        assert onward["team"] == "IPS1"
        assert onward["status"] == "received"
        assert onward["person_ref"] == body["person_ref"]

    def test_redirect_to_an_unknown_team_is_422(self, as_intake, referral):
        response = post(
            as_intake,
            f"/api/v1/referrals/{referral.pk}/decline",
            {"reason": "Needs IPS", "redirect_to": "NOPE"},
        )
        assert response.status_code == 422
        assert response.json()["errors"] == {"redirect_to": "No team has the code NOPE."}


class TestAllocate:
    @pytest.fixture
    def waiting(self, team):
        return ReferralFactory(team=team, status=Status.ACCEPTED)

    def test_intake_officer_allocates_and_an_episode_opens(self, as_intake, waiting, coach):
        response = post(
            as_intake, f"/api/v1/referrals/{waiting.pk}/allocate", {"worker": "Coach@Example.org"}
        )

        assert response.status_code == 200
        body = response.json()
        episode = Episode.objects.get(pk=body["episode_id"])
        assert episode.worker == coach
        assert episode.person == waiting.person
        assert body["episode_ref"] == episode.episode_ref
        assert body["referral"]["status"] == "allocated"
        assert body["referral"]["worker"] == "coach@example.org"

    def test_allocating_a_declined_referral_is_409(self, as_intake, team, coach):
        declined = ReferralFactory(team=team, status=Status.DECLINED)

        response = post(
            as_intake, f"/api/v1/referrals/{declined.pk}/allocate", {"worker": coach.email}
        )

        assert response.status_code == 409
        assert "declined" in response.json()["detail"]
        assert not Episode.objects.exists()

    def test_at_the_cap_without_override_is_409_with_the_cap_message(
        self, as_intake, waiting, coach, team
    ):
        fill_caseload(coach, team, 2)

        response = post(
            as_intake, f"/api/v1/referrals/{waiting.pk}/allocate", {"worker": coach.email}
        )

        assert response.status_code == 409
        detail = response.json()["detail"]
        assert "2 open cases" in detail
        assert "the cap for Supported Employment is 2" in detail
        waiting.refresh_from_db()
        assert waiting.status == Status.ACCEPTED

    def test_a_manager_overrides_the_cap_with_a_reason(self, as_manager, waiting, coach, team):
        fill_caseload(coach, team, 2)

        response = post(
            as_manager,
            f"/api/v1/referrals/{waiting.pk}/allocate",
            {"worker": coach.email, "override_reason": "Continuity: coach knows the family"},
        )

        assert response.status_code == 200
        waiting.refresh_from_db()
        assert waiting.status == Status.ALLOCATED
        assert waiting.override_reason == "Continuity: coach knows the family"

    def test_an_intake_officer_cannot_override_the_cap(self, as_intake, waiting, coach, team):
        fill_caseload(coach, team, 2)

        response = post(
            as_intake,
            f"/api/v1/referrals/{waiting.pk}/allocate",
            {"worker": coach.email, "override_reason": "Please"},
        )

        assert response.status_code == 403
        assert "Only a team manager" in response.json()["detail"]
        assert not Episode.objects.filter(referral=waiting).exists()

    def test_a_specialist_cannot_allocate(self, as_coach, waiting, coach):
        response = post(
            as_coach, f"/api/v1/referrals/{waiting.pk}/allocate", {"worker": coach.email}
        )
        assert response.status_code == 403

    def test_a_worker_outside_the_team_is_422(self, as_intake, waiting, other_team):
        stranger = staff(Role.EMPLOYMENT_SPECIALIST, other_team)

        response = post(
            as_intake, f"/api/v1/referrals/{waiting.pk}/allocate", {"worker": stranger.email}
        )

        assert response.status_code == 422
        assert "carries a caseload in Supported Employment" in response.json()["errors"]["worker"]

    def test_missing_worker_is_422(self, as_intake, waiting):
        response = post(as_intake, f"/api/v1/referrals/{waiting.pk}/allocate", {})
        assert response.status_code == 422
        assert "worker" in response.json()["errors"]
