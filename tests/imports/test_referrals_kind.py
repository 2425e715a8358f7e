"""Referrals, including history that opens episodes of support."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.casework.models import Episode
from pathways.referrals.models import Referral, Status
from tests.factories import EpisodeFactory, PersonFactory, TeamFactory
from tests.imports.conftest import csv_text

pytestmark = pytest.mark.django_db

HEADER = "authority,person_ref,referral_ref,received_on,source,team,status,worker,allocated_on"


@pytest.fixture
def person(authority):
    return PersonFactory(authority=authority, person_ref="C1")


class TestReferrals:
    def test_status_defaults_to_received(self, run, person, team, admin):
        result = run(
            "referrals",
            csv_text(
                "authority,person_ref,referral_ref,received_on,source,team",
                "E09000025,C1,R1,2025-01-02,annual_review,SE1",
            ),
            "--as",
            "admin@example.org",
        )
        assert result.status == 0, result.err
        referral = Referral.objects.get()
        assert (referral.person, referral.team, referral.status) == (person, team, Status.RECEIVED)
        assert referral.source == "annual_review" and referral.received_on == dt.date(2025, 1, 2)
        assert referral.created_by == admin
        assert not Episode.objects.exists()

    def test_unknown_person_team_and_worker_are_reported_together(self, run, person, team):
        result = run(
            "referrals",
            csv_text(HEADER, "E09000025,C404,R1,2025-01-02,self,XX9,allocated,ghost@example.org,"),
        )
        assert result.err == [
            f"{result.file}:2: person_ref: no person with reference 'C404' in Newham; "
            "import them as people first",
            f"{result.file}:2: team: no team has the code 'XX9'",
            f"{result.file}:2: worker: no staff member has the email ghost@example.org",
            "3 errors, nothing imported",
        ]
        assert not Referral.objects.exists()

    def test_allocated_referral_opens_one_episode_even_over_the_cap(self, run, person, team, coach):
        for _ in range(team.caseload_cap):
            EpisodeFactory(team=team, worker=coach)
        content = csv_text(
            HEADER, "E09000025,C1,R1,2025-01-02,self,SE1,allocated,Coach@Example.org,03/02/2025"
        )
        first = run("referrals", content)
        assert first.last == "imported: 1 created, 0 updated, 0 unchanged"
        episode = Episode.objects.get(referral__referral_ref="R1")
        assert (episode.worker, episode.person, episode.team) == (coach, person, team)
        assert episode.started_on == dt.date(2025, 2, 3) and episode.ended_on is None
        second = run("referrals", content)
        assert second.last == "imported: 0 created, 0 updated, 1 unchanged"
        assert Episode.objects.filter(referral__referral_ref="R1").count() == 1

    def test_a_returner_s_new_episode_links_to_their_last_one(self, run, person, team, coach):
        """The same returner rule as allocation on the page: the episode that ended
        before the new one began is its previous episode; one ending later is not."""
        EpisodeFactory(
            person=person,
            team=team,
            started_on=dt.date(2022, 1, 3),
            ended_on=dt.date(2023, 6, 30),
            episode_ref="E000901",
        )
        last = EpisodeFactory(
            person=person,
            team=team,
            started_on=dt.date(2023, 9, 1),
            ended_on=dt.date(2024, 3, 31),
            episode_ref="E000902",
        )
        EpisodeFactory(
            person=person,
            team=team,
            started_on=dt.date(2025, 3, 1),
            ended_on=dt.date(2025, 4, 30),
            episode_ref="E000903",
        )
        content = csv_text(
            HEADER, "E09000025,C1,R1,2025-01-02,self,SE1,allocated,coach@example.org,03/02/2025"
        )
        result = run("referrals", content)
        assert result.status == 0, result.err
        opened = Episode.objects.get(referral__referral_ref="R1")
        assert opened.started_on == dt.date(2025, 2, 3)
        assert opened.previous == last

    def test_episode_starts_on_the_decision_or_receipt_when_allocation_date_is_blank(
        self, run, authority, team, coach
    ):
        PersonFactory(authority=authority, person_ref="C1")
        PersonFactory(authority=authority, person_ref="C2")
        run(
            "referrals",
            csv_text(
                HEADER + ",decided_on",
                "E09000025,C1,R1,2025-01-02,self,SE1,allocated,coach@example.org,,2025-01-10",
                "E09000025,C2,R2,2025-01-02,self,SE1,allocated,coach@example.org,,",
            ),
        )
        started = dict(Episode.objects.values_list("referral__referral_ref", "started_on"))
        assert started == {"R1": dt.date(2025, 1, 10), "R2": dt.date(2025, 1, 2)}

    def test_allocating_an_existing_referral_is_an_update_that_opens_the_episode(
        self, run, person, team, coach
    ):
        run("referrals", csv_text(HEADER, "E09000025,C1,R1,2025-01-02,self,SE1,waiting,,"))
        result = run(
            "referrals",
            csv_text(HEADER, "E09000025,C1,R1,2025-01-02,self,SE1,allocated,coach@example.org,"),
        )
        assert result.last == "imported: 0 created, 1 updated, 0 unchanged"
        assert Referral.objects.get().version == 2
        assert Episode.objects.get().worker == coach

    def test_the_import_cannot_contradict_an_open_episode(self, run, person, team, coach, manager):
        run(
            "referrals",
            csv_text(HEADER, "E09000025,C1,R1,2025-01-02,self,SE1,allocated,coach@example.org,"),
        )
        result = run(
            "referrals",
            csv_text(HEADER, "E09000025,C1,R1,2025-01-02,self,SE1,allocated,manager@example.org,"),
        )
        assert result.status == 1
        assert "this referral's episode is with" in result.err[0]
        assert Referral.objects.get().worker == coach

    def test_inconsistent_rows(self, run, authority, person, team, coach):
        elsewhere = TeamFactory(code="TH1")
        tomorrow = dt.date.today() + dt.timedelta(days=1)
        result = run(
            "referrals",
            csv_text(
                HEADER,
                "E09000025,C1,R1,2025-01-02,self,TH1,,,",
                "E09000025,C1,R2,2025-01-02,self,SE1,declined,coach@example.org,",
                f"E09000025,C1,R3,{tomorrow:%Y-%m-%d},self,SE1,,,",
                "E09000025,C1,R4,2025-01-02,friend,SE1,pending,,",
            ),
        )
        assert result.err == [
            f"{result.file}:2: team: TH1 works for {elsewhere.authority.name}, not Newham",
            f"{result.file}:3: worker: only an allocated referral has a worker, not a declined one",
            f"{result.file}:4: received_on: is in the future",
            f"{result.file}:5: source: 'friend' is not one of: social_care_assessment, "
            "annual_review, dwp, self, education_transition, secondary_mental_health, "
            "substance_misuse, primary_care, other_provider, other",
            f"{result.file}:5: status: 'pending' is not one of: received, accepted, waiting, "
            "allocated, declined, redirected, closed",
            "5 errors, nothing imported",
        ]
        assert not Referral.objects.exists()
