"""Employers, opportunities, matching and candidacies through the API: scoped by the
policies, writes through the services, personal data audited, queries fixed."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pathways.core.models import InterestTag, Membership, Role
from pathways.employers.candidacies.models import Candidacy
from pathways.employers.candidacies.services import put_forward
from pathways.employers.engagement.models import Employer, EmployerContact, EmployerSite, Engagement
from pathways.employers.engagement.services import record_engagement
from pathways.employers.pledges.services import add_pledge
from pathways.people.models import Consent
from tests.api.conftest import client_for
from tests.factories import (
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    ProfileFactory,
    TeamFactory,
    staff,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def api_reads(what, outcome="allowed"):
    return LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        additional_data__channel="api",
        additional_data__what=what,
        additional_data__outcome=outcome,
    )


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.json()
    return len(ctx.captured_queries), response.json()


@pytest.fixture
def tags(db):
    wanted = {"retail": "Retail", "catering": "Catering", "outdoors": "Outdoors"}
    return {
        code: InterestTag.objects.get_or_create(code=code, defaults={"label": label})[0]
        for code, label in wanted.items()
    }


@pytest.fixture
def employer(team):
    return EmployerFactory(organisation=team.organisation, name="Greggs", sector="Food retail")


@pytest.fixture
def opportunity(employer, authority, tags):
    opp = OpportunityFactory(
        employer=employer, authority=authority, opportunity_ref="OPP-CAFE", places=1
    )
    opp.tags.set([tags["catering"], tags["retail"]])
    return opp


def matchable(team, worker, tags, *codes, **profile):
    """A person of the team's authority with an open episode and a profile."""
    person = EpisodeFactory(team=team, worker=worker).person
    ProfileFactory(person=person, **profile).interests.set([tags[c] for c in codes])
    return person


@pytest.fixture
def person(team, coach, tags):
    return matchable(team, coach, tags, "catering", "retail")


@pytest.fixture
def outsider(other_team):
    """A specialist of another provider organisation (TeamFactory gives each team one)."""
    return staff(Role.EMPLOYMENT_SPECIALIST, other_team, email="outsider@example.org")


@pytest.fixture
def candidacy(coach, person, opportunity):
    return put_forward(coach, person, opportunity)


def test_every_endpoint_needs_a_token(anonymous, employer, opportunity, candidacy, person):
    for url in (
        "/api/v1/employers",
        f"/api/v1/employers/{employer.pk}",
        "/api/v1/opportunities",
        f"/api/v1/opportunities/{opportunity.pk}",
        f"/api/v1/opportunities/{opportunity.pk}/matches",
        f"/api/v1/people/{person.pk}/opportunities",
        f"/api/v1/candidacies?person={person.pk}",
        f"/api/v1/candidacies/{candidacy.pk}",
    ):
        assert anonymous.get(url).status_code == 401, url
    for url in (
        "/api/v1/employers",
        f"/api/v1/employers/{employer.pk}/engagements",
        "/api/v1/opportunities",
        f"/api/v1/opportunities/{opportunity.pk}/close",
        "/api/v1/candidacies",
        f"/api/v1/candidacies/{candidacy.pk}/move",
        "/api/v1/matching/cohort",
    ):
        assert post(anonymous, url).status_code == 401, url


# --- employers ------------------------------------------------------------------------


class TestEmployers:
    def test_list_and_search(self, as_coach, employer, opportunity, team):
        EmployerFactory(organisation=team.organisation, name="Tesco", sector="Supermarket")
        EmployerFactory(name="Elsewhere Ltd")  # another provider's list

        body = as_coach.get("/api/v1/employers").json()
        assert body["count"] == 2
        assert [e["name"] for e in body["items"]] == ["Greggs", "Tesco"]
        greggs = body["items"][0]
        assert greggs["open_opportunities"] == 1
        assert greggs["organisation_id"] == team.organisation_id
        items = as_coach.get("/api/v1/employers", {"q": "food"}).json()["items"]
        assert [e["name"] for e in items] == ["Greggs"]

    def test_detail_has_sites_contacts_engagements_pledges(
        self, as_coach, coach, employer, opportunity, authority
    ):
        EmployerSite.objects.create(employer=employer, name="Stratford", postcode="E15 1AZ")
        EmployerContact.objects.create(employer=employer, name="Ann Lee", email="ann@greggs.test")
        record_engagement(coach, employer, kind="meeting", occurred_on=TODAY())
        add_pledge(
            coach,
            employer,
            authority=authority,
            description="Four supported jobs",
            source="contract",
            target=4,
            starts_on=TODAY() - dt.timedelta(days=30),
            ends_on=TODAY() + dt.timedelta(days=300),
        )

        response = as_coach.get(f"/api/v1/employers/{employer.pk}")

        assert response.status_code == 200
        body = response.json()
        assert [s["name"] for s in body["sites"]] == ["Stratford"]
        assert [c["email"] for c in body["contacts"]] == ["ann@greggs.test"]
        assert [(e["kind"], e["recorded_by"]) for e in body["engagements"]] == [
            ("meeting", "coach@example.org")
        ]
        assert [(p["authority"], p["target"]) for p in body["pledges"]] == [("E09000025", 4)]
        assert [(o["opportunity_ref"], o["open"]) for o in body["opportunities"]] == [
            ("OPP-CAFE", True)
        ]
        assert body["open_opportunities"] == 1

    def test_create_without_organisation_when_keeping_one_list(self, as_coach, coach, team):
        response = post(
            as_coach,
            "/api/v1/employers",
            {
                "name": " Pret ",
                "size": "large",
                "disability_confident": "committed",
                "disability_confident_on": "2024-05-01",
                "relationship_owner": "COACH@example.org",
            },
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["name"] == "Pret" and body["organisation_id"] == team.organisation_id
        assert body["relationship_owner"] == "coach@example.org"
        assert body["disability_confident_until"] == "2027-05-01"
        assert Employer.objects.get(pk=body["id"]).relationship_owner == coach

    def test_create_validation_names_the_field(self, as_coach, employer):
        clash = post(as_coach, "/api/v1/employers", {"name": "greggs"})
        assert clash.status_code == 422
        assert clash.json()["errors"] == {"name": "greggs is already on your employer list."}
        undated = post(
            as_coach, "/api/v1/employers", {"name": "X", "disability_confident": "leader"}
        )
        assert list(undated.json()["errors"]) == ["disability_confident_on"]
        size = post(as_coach, "/api/v1/employers", {"name": "X", "size": "huge"})
        assert size.status_code == 422 and list(size.json()["errors"]) == ["size"]
        owner = post(as_coach, "/api/v1/employers", {"name": "X", "relationship_owner": "no@x.org"})
        assert list(owner.json()["errors"]) == ["relationship_owner"]
        assert Employer.objects.count() == 1

    def test_keeping_two_lists_needs_the_organisation(self, coach, team, authority):
        second = TeamFactory(authority=authority)
        staff_in_both = staff(Role.TEAM_MANAGER, team, email="both@example.org")
        Membership.objects.create(user=staff_in_both, team=second, role=Role.TEAM_MANAGER)
        client = client_for(staff_in_both)

        ambiguous = post(client, "/api/v1/employers", {"name": "Pret"})
        assert ambiguous.status_code == 422 and "organisation" in ambiguous.json()["errors"]
        chosen = post(
            client, "/api/v1/employers", {"name": "Pret", "organisation": second.organisation_id}
        )
        assert chosen.status_code == 201
        assert chosen.json()["organisation_id"] == second.organisation_id
        # Someone who keeps no list, or names a provider they do not work for: 403.
        assert (
            post(
                client_for(coach),
                "/api/v1/employers",
                {"name": "Z", "organisation": second.organisation_id},
            ).status_code
            == 403
        )

    def test_engagement_logged_by_a_specialist_not_an_intake_officer(
        self, as_coach, as_intake, employer
    ):
        url = f"/api/v1/employers/{employer.pk}/engagements"
        body = {"kind": "job_carving", "occurred_on": TODAY().isoformat(), "attendees": 3}
        made = post(as_coach, url, body)
        assert made.status_code == 201, made.json()
        assert made.json()["kind"] == "job_carving" and made.json()["attendees"] == 3
        # The intake officer of the same provider sees the employer but may not change it.
        assert as_intake.get(f"/api/v1/employers/{employer.pk}").status_code == 200
        refused = post(as_intake, url, body)
        assert refused.status_code == 403 and refused.json()["detail"]
        future = post(as_coach, url, {**body, "occurred_on": "2999-01-01"})
        assert future.status_code == 422 and list(future.json()["errors"]) == ["occurred_on"]
        bad_kind = post(as_coach, url, {**body, "kind": "party"})
        assert list(bad_kind.json()["errors"]) == ["kind"]
        assert Engagement.objects.count() == 1

    def test_another_provider_gets_404(self, outsider, employer):
        client = client_for(outsider)
        assert client.get("/api/v1/employers").json()["items"] == []
        assert client.get(f"/api/v1/employers/{employer.pk}").status_code == 404
        refused = post(
            client,
            f"/api/v1/employers/{employer.pk}/engagements",
            {"kind": "meeting", "occurred_on": TODAY().isoformat()},
        )
        assert refused.status_code == 404
        assert not Engagement.objects.exists()

    def test_list_queries_do_not_grow(self, as_coach, team):
        def add(n):
            for _ in range(n):
                OpportunityFactory(employer=EmployerFactory(organisation=team.organisation))

        add(3)
        as_coach.get("/api/v1/employers")  # warm caches as in a running server
        small, body = count_queries(as_coach, "/api/v1/employers")
        add(27)
        large, more = count_queries(as_coach, "/api/v1/employers")
        assert (body["count"], more["count"]) == (3, 30)
        assert small == large


# --- opportunities --------------------------------------------------------------------


def new_opportunity(employer, **overrides):
    return {
        "employer": employer.pk,
        "opportunity_ref": "OPP-NEW",
        "authority": "E09000025",
        "title": "Kitchen porter",
        "kind": "employed",
        "paid": True,
        "hours_per_week": "16",
        "hourly_pay": "12.21",
        "places": 2,
        "tags": ["catering"],
        **overrides,
    }


class TestOpportunities:
    def test_create_read_and_close(self, as_coach, employer, tags):
        made = post(as_coach, "/api/v1/opportunities", new_opportunity(employer))
        assert made.status_code == 201, made.json()
        body = made.json()
        assert body["tags"] == ["catering"] and body["open"] is True
        assert body["weekly_pay"] == "195.36" and body["employer"] == "Greggs"
        assert body["opened_on"] == TODAY().isoformat() and body["pipeline"] == {}

        detail = as_coach.get(f"/api/v1/opportunities/{body['id']}").json()
        assert detail["opportunity_ref"] == "OPP-NEW" and detail["authority"] == "E09000025"

        closed = post(as_coach, f"/api/v1/opportunities/{body['id']}/close")
        assert closed.status_code == 200
        assert closed.json()["open"] is False and closed.json()["closed_on"] == TODAY().isoformat()
        again = post(as_coach, f"/api/v1/opportunities/{body['id']}/close")
        assert again.status_code == 409 and "already closed" in again.json()["detail"]

    def test_validation_names_the_field(self, as_coach, employer, tags):
        def errors(**overrides):
            response = post(
                as_coach, "/api/v1/opportunities", new_opportunity(employer, **overrides)
            )
            assert response.status_code == 422, response.json()
            return response.json()["errors"]

        assert errors(tags=["knitting"]) == {"tags": "Unknown interest tags: knitting."}
        assert list(errors(paid=False)) == ["hourly_pay"]
        assert list(errors(authority="E99999999")) == ["authority"]
        assert list(errors(site=999999)) == ["site"]
        assert list(errors(kind="gig")) == ["kind"]
        assert list(errors(hours_per_week="123.45")) == ["hours_per_week"]
        body = new_opportunity(employer)
        del body["title"]
        response = post(as_coach, "/api/v1/opportunities", body)
        assert response.status_code == 422 and list(response.json()["errors"]) == ["title"]

    def test_list_filters(self, as_coach, employer, opportunity, authority):
        OpportunityFactory(
            employer=employer, authority=authority, kind="volunteering", title="Garden helper"
        )
        OpportunityFactory(
            employer=employer, authority=authority, title="Old job", closed_on=TODAY()
        )

        def titles(**params):
            items = as_coach.get("/api/v1/opportunities", params).json()["items"]
            return sorted(o["title"] for o in items)

        assert titles() == ["Café assistant", "Garden helper"]
        assert titles(open="false") == ["Café assistant", "Garden helper", "Old job"]
        assert titles(kind="volunteering") == ["Garden helper"]
        assert titles(q="garden") == ["Garden helper"]
        assert titles(q="OPP-CAFE") == ["Café assistant"]
        assert as_coach.get("/api/v1/opportunities", {"kind": "gig"}).status_code == 422

    def test_intake_officer_sees_but_may_not_change(self, as_intake, employer, opportunity):
        assert as_intake.get(f"/api/v1/opportunities/{opportunity.pk}").status_code == 200
        assert post(as_intake, f"/api/v1/opportunities/{opportunity.pk}/close").status_code == 403
        made = post(as_intake, "/api/v1/opportunities", new_opportunity(employer, tags=[]))
        assert made.status_code == 403
        opportunity.refresh_from_db()
        assert opportunity.closed_on is None

    def test_another_provider_gets_404(self, outsider, employer, opportunity):
        client = client_for(outsider)
        assert client.get("/api/v1/opportunities").json()["items"] == []
        assert client.get(f"/api/v1/opportunities/{opportunity.pk}").status_code == 404
        assert post(client, f"/api/v1/opportunities/{opportunity.pk}/close").status_code == 404
        made = post(client, "/api/v1/opportunities", new_opportunity(employer, tags=[]))
        assert made.status_code == 404

    def test_list_queries_do_not_grow(self, as_coach, employer, authority, tags):
        def add(n):
            for _ in range(n):
                OpportunityFactory(employer=employer, authority=authority).tags.set(
                    [tags["retail"], tags["outdoors"]]
                )

        add(3)
        as_coach.get("/api/v1/opportunities")
        small, body = count_queries(as_coach, "/api/v1/opportunities")
        add(27)
        large, more = count_queries(as_coach, "/api/v1/opportunities")
        assert (body["count"], more["count"]) == (3, 30)
        assert all(o["tags"] == ["outdoors", "retail"] for o in more["items"])
        assert small == large


# --- matching -------------------------------------------------------------------------


class TestMatching:
    def test_people_for_an_opportunity_ranked_and_audited(
        self, as_coach, coach, team, other_team, opportunity, person, tags
    ):
        weaker = matchable(team, coach, tags, "outdoors")
        too_few_hours = matchable(team, coach, tags, "catering", max_hours=8)
        unseen = matchable(other_team, None, tags, "catering", "retail")

        response = as_coach.get(f"/api/v1/opportunities/{opportunity.pk}/matches")

        assert response.status_code == 200, response.json()
        items = response.json()
        assert [i["person_id"] for i in items] == [person.pk, weaker.pk]
        best = items[0]
        assert set(best) == {"person_id", "person_ref", "score", "reasons", "benefits_note"}
        assert best["person_ref"] == person.person_ref
        assert best["score"] > items[1]["score"] and best["reasons"]
        audited = api_reads("match results")
        assert sorted(e.additional_data["person_id"] for e in audited) == sorted(
            [person.pk, weaker.pk]
        )
        assert not audited.filter(additional_data__person_id=unseen.pk).exists()
        assert not audited.filter(additional_data__person_id=too_few_hours.pk).exists()
        top = as_coach.get(f"/api/v1/opportunities/{opportunity.pk}/matches", {"top": 1})
        assert [i["person_id"] for i in top.json()] == [person.pk]
        bad = as_coach.get(f"/api/v1/opportunities/{opportunity.pk}/matches", {"top": -1})
        assert bad.status_code == 422 and "top" in bad.json()["errors"]

    def test_matches_of_another_providers_opportunity_are_404(self, outsider, opportunity, person):
        response = client_for(outsider).get(f"/api/v1/opportunities/{opportunity.pk}/matches")
        assert response.status_code == 404
        assert not api_reads("match results").exists()

    def test_matches_queries_do_not_grow(self, as_coach, coach, team, opportunity, tags):
        def add(n):
            for _ in range(n):
                matchable(team, coach, tags, "catering")

        url = f"/api/v1/opportunities/{opportunity.pk}/matches"
        add(3)
        as_coach.get(url, {"top": 0})
        small, three = count_queries(as_coach, url, {"top": 0})
        add(27)
        large, thirty = count_queries(as_coach, url, {"top": 0})
        assert (len(three), len(thirty)) == (3, 30)
        assert small == large

    def test_opportunities_for_a_person(
        self, as_coach, employer, authority, opportunity, person, tags
    ):
        OpportunityFactory(employer=employer, authority=authority, title="Gardener").tags.set(
            [tags["outdoors"]]
        )
        OpportunityFactory(employer=employer, authority=authority, closed_on=TODAY())
        OpportunityFactory(employer=EmployerFactory(), authority=authority, title="Not ours")

        response = as_coach.get(f"/api/v1/people/{person.pk}/opportunities")

        assert response.status_code == 200, response.json()
        items = response.json()
        assert [i["title"] for i in items] == ["Café assistant", "Gardener"]
        assert items[0]["opportunity_id"] == opportunity.pk and items[0]["reasons"]
        [entry] = api_reads("opportunity matches")
        assert entry.additional_data["person_id"] == person.pk

    def test_opportunities_for_a_person_out_of_scope_is_404_and_audited(
        self, outsider, person, opportunity
    ):
        response = client_for(outsider).get(f"/api/v1/people/{person.pk}/opportunities")
        assert response.status_code == 404
        [denied] = api_reads("opportunity matches", outcome="denied")
        assert denied.additional_data["person_id"] == person.pk
        assert client_for(outsider).get("/api/v1/people/999999/opportunities").status_code == 404

    def test_cohort_allocation_over_the_people_the_caller_may_see(
        self, as_coach, coach, team, other_team, employer, authority, opportunity, person, tags
    ):
        second = matchable(team, coach, tags, "catering")
        matchable(other_team, None, tags, "catering", "retail")  # not the coach's to see
        OpportunityFactory(
            employer=employer, authority=authority, opportunity_ref="OPP-GARDEN", places=1
        ).tags.set([tags["catering"]])

        response = post(as_coach, "/api/v1/matching/cohort", {"authority": "E09000025"})

        assert response.status_code == 200, response.json()
        body = response.json()
        placed = {(a["person_id"], a["opportunity_ref"]) for a in body["assignments"]}
        assert {p for p, _ in placed} == {person.pk, second.pk}
        assert body["total_score"] == sum(a["score"] for a in body["assignments"])
        assert sorted(e.additional_data["person_id"] for e in api_reads("match results")) == sorted(
            [person.pk, second.pk]
        )
        assert not Candidacy.objects.exists()

        only = post(
            as_coach,
            "/api/v1/matching/cohort",
            {"authority": "E09000025", "opportunities": ["OPP-CAFE"]},
        ).json()
        assert [a["opportunity_ref"] for a in only["assignments"]] == ["OPP-CAFE"]

    def test_cohort_names_bad_fields(self, as_coach, outsider, opportunity):
        unknown = post(as_coach, "/api/v1/matching/cohort", {"authority": "E99999999"})
        assert unknown.status_code == 422 and list(unknown.json()["errors"]) == ["authority"]
        ref = post(
            as_coach,
            "/api/v1/matching/cohort",
            {"authority": "E09000025", "opportunities": ["NOPE"]},
        )
        assert ref.status_code == 422 and list(ref.json()["errors"]) == ["opportunities"]
        # Another provider's opportunity is unknown to the caller.
        hidden = post(
            client_for(outsider),
            "/api/v1/matching/cohort",
            {"authority": "E09000025", "opportunities": ["OPP-CAFE"]},
        )
        assert hidden.status_code == 422


# --- candidacies ----------------------------------------------------------------------


class TestCandidacies:
    def test_put_forward_then_consent_guards_the_employer_facing_step(
        self, as_coach, coach, person, opportunity
    ):
        made = post(
            as_coach,
            "/api/v1/candidacies",
            {"person": person.pk, "opportunity": opportunity.pk, "reason": "Loves baking"},
        )
        assert made.status_code == 201, made.json()
        body = made.json()
        assert body["status"] == "suggested" and body["score"] is not None
        assert [(s["status"], s["reason"]) for s in body["steps"]] == [
            ("suggested", "Loves baking")
        ]
        assert "applied" in body["next_statuses"]
        url = f"/api/v1/candidacies/{body['id']}/move"

        refused = post(as_coach, url, {"status": "applied", "version": body["version"]})
        assert refused.status_code == 409
        assert "has not agreed to their details being shared" in refused.json()["detail"]
        assert Candidacy.objects.get().status == "suggested"

        consent = Consent.objects.create(
            person=person, scope="employers", given=True, given_on=TODAY(), recorded_by=coach
        )
        moved = post(as_coach, url, {"status": "applied", "version": body["version"]})
        assert moved.status_code == 200, moved.json()
        after = moved.json()
        assert after["status"] == "applied" and after["consent_id"] == consent.pk
        assert after["steps"][-1]["consent_id"] == consent.pk
        assert after["version"] == body["version"] + 1

        stale = post(as_coach, url, {"status": "interview", "version": body["version"]})
        assert stale.status_code == 409 and "Someone else changed" in stale.json()["detail"]
        backwards = post(as_coach, url, {"status": "discussed", "version": after["version"]})
        assert backwards.status_code == 409

    def test_twice_is_409_and_bad_moves_name_the_field(self, as_coach, candidacy, person):
        again = post(
            as_coach,
            "/api/v1/candidacies",
            {"person": person.pk, "opportunity": candidacy.opportunity_id},
        )
        assert again.status_code == 409 and "already been put forward" in again.json()["detail"]
        url = f"/api/v1/candidacies/{candidacy.pk}/move"
        version = candidacy.version
        hired = post(as_coach, url, {"status": "hired", "version": version})
        assert list(hired.json()["errors"]) == ["status"]
        no_reason = post(as_coach, url, {"status": "withdrawn", "version": version})
        assert no_reason.status_code == 422 and list(no_reason.json()["errors"]) == ["reason"]
        future = post(
            as_coach, url, {"status": "discussed", "on": "2999-01-01", "version": version}
        )
        assert list(future.json()["errors"]) == ["on"]
        unversioned = post(as_coach, url, {"status": "discussed"})
        assert unversioned.status_code == 422
        assert list(unversioned.json()["errors"]) == ["version"]
        candidacy.refresh_from_db()
        assert candidacy.status == "suggested" and candidacy.version == version

    def test_detail_and_lists_are_audited(self, as_coach, candidacy, person, opportunity):
        detail = as_coach.get(f"/api/v1/candidacies/{candidacy.pk}")
        assert detail.status_code == 200
        assert detail.json()["person_ref"] == person.person_ref
        assert detail.json()["opportunity_ref"] == "OPP-CAFE"
        [read] = api_reads(f"candidacy {candidacy.pk}")
        assert read.additional_data["person_id"] == person.pk

        by_person = as_coach.get("/api/v1/candidacies", {"person": person.pk}).json()
        by_opportunity = as_coach.get("/api/v1/candidacies", {"opportunity": opportunity.pk})
        assert [c["id"] for c in by_person["items"]] == [candidacy.pk]
        assert [c["id"] for c in by_opportunity.json()["items"]] == [candidacy.pk]
        assert api_reads("candidacy list").count() == 2
        neither = as_coach.get("/api/v1/candidacies")
        assert neither.status_code == 422 and list(neither.json()["errors"]) == ["person"]

    def test_intake_officer_sees_but_may_not_move_or_put_forward(
        self, as_intake, candidacy, person, opportunity
    ):
        assert as_intake.get(f"/api/v1/candidacies/{candidacy.pk}").status_code == 200
        moved = post(
            as_intake,
            f"/api/v1/candidacies/{candidacy.pk}/move",
            {"status": "discussed", "version": candidacy.version},
        )
        assert moved.status_code == 403
        Candidacy.objects.all().delete()
        made = post(
            as_intake, "/api/v1/candidacies", {"person": person.pk, "opportunity": opportunity.pk}
        )
        assert made.status_code == 403

    def test_out_of_scope_is_404_and_the_refused_read_audited(
        self, outsider, candidacy, person, opportunity
    ):
        client = client_for(outsider)
        assert client.get(f"/api/v1/candidacies/{candidacy.pk}").status_code == 404
        move = post(
            client,
            f"/api/v1/candidacies/{candidacy.pk}/move",
            {"status": "discussed", "version": candidacy.version},
        )
        assert move.status_code == 404
        assert client.get("/api/v1/candidacies", {"person": person.pk}).status_code == 404
        assert client.get("/api/v1/candidacies", {"opportunity": opportunity.pk}).status_code == 404
        made = post(client, "/api/v1/candidacies", {"person": person.pk, "opportunity": 1})
        assert made.status_code == 404
        denied = LogEntry.objects.filter(additional_data__outcome="denied")
        assert [e.additional_data["person_id"] for e in denied] == [person.pk] * 4
        assert client.get("/api/v1/candidacies/999999").status_code == 404

    def test_list_queries_do_not_grow(self, as_coach, coach, team, opportunity, tags):
        def add(n):
            for _ in range(n):
                put_forward(coach, matchable(team, coach, tags), opportunity)

        add(3)
        params = {"opportunity": opportunity.pk}
        as_coach.get("/api/v1/candidacies", params)
        small, body = count_queries(as_coach, "/api/v1/candidacies", params)
        add(27)
        large, more = count_queries(as_coach, "/api/v1/candidacies", params)
        assert (body["count"], more["count"]) == (3, 30)
        assert small == large


def test_openapi_document_lists_the_employer_endpoints(anonymous):
    document = anonymous.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/employers",
        "/api/v1/employers/{employer_id}",
        "/api/v1/employers/{employer_id}/engagements",
        "/api/v1/opportunities",
        "/api/v1/opportunities/{opportunity_id}",
        "/api/v1/opportunities/{opportunity_id}/close",
        "/api/v1/opportunities/{opportunity_id}/matches",
        "/api/v1/people/{person_id}/opportunities",
        "/api/v1/matching/cohort",
        "/api/v1/candidacies",
        "/api/v1/candidacies/{candidacy_id}",
        "/api/v1/candidacies/{candidacy_id}/move",
    } <= set(document["paths"])
    operations = [op for path in document["paths"].values() for op in path.values()]
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
