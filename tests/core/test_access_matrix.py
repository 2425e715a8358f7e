"""The access matrix: every role × relationship × action, checked through the policy,
the pages and the audit trail. Expectations are written out by hand from the access rules
in docs/architecture.md ("Access"), not derived from the code under test."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.utils.html import escape

from pathways.core import policies
from pathways.core.models import Role
from pathways.employers.candidacies.policy import candidacy_policy
from pathways.employers.engagement.policy import employer_policy
from pathways.employers.opportunities.policy import opportunity_policy
from pathways.employers.pledges.policy import pledge_policy
from pathways.people.policy import person_policy
from pathways.referrals.models import Status
from pathways.referrals.policy import referral_policy
from tests.factories import (
    AuthorityFactory,
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    PersonFactory,
    ReferralFactory,
    TeamFactory,
    staff,
)

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in Role]
CASEWORK = {"employment_specialist", "team_manager", "package_approver"}
AUTHORITY_WIDE = {"intake_officer", "data_protection_officer", "admin"}

# Relationship of the user's team to the person → who may VIEW the record. A team
# keeps access for the grace period after its relationship ends (30 days by default,
# PATHWAYS_ACCESS_GRACE_DAYS; decision 0021).
RELATIONSHIPS = {
    "unrelated, same authority": AUTHORITY_WIDE,
    "live referral to my team": AUTHORITY_WIDE | CASEWORK,
    "referral to my team declined today": AUTHORITY_WIDE | CASEWORK,
    "referral to my team declined 60 days ago": AUTHORITY_WIDE,
    "open episode in my team": AUTHORITY_WIDE | CASEWORK,
    "episode in my team closed today": AUTHORITY_WIDE | CASEWORK,
    "episode in my team closed 60 days ago": AUTHORITY_WIDE,
    "another authority": set(),
}
# Who may CHANGE a record they can see; who may read its AUDIT trail.
CHANGERS = {"intake_officer", "employment_specialist", "team_manager", "package_approver"}
AUDITORS = {"data_protection_officer", "admin"}


def make_person(relationship: str, team):
    if relationship == "another authority":
        return PersonFactory(authority=AuthorityFactory())
    person = PersonFactory(authority=team.authority)
    if relationship == "live referral to my team":
        ReferralFactory(team=team, person=person, status=Status.ACCEPTED)
    elif relationship.startswith("referral to my team declined"):
        days = 0 if relationship.endswith("today") else 60
        on = dt.date.today() - dt.timedelta(days=days)
        ReferralFactory(team=team, person=person, status=Status.DECLINED, decided_on=on)
    elif relationship == "open episode in my team":
        EpisodeFactory(team=team, person=person)
    elif relationship.startswith("episode in my team closed"):
        days = 0 if relationship.endswith("today") else 60
        on = dt.date.today() - dt.timedelta(days=days)
        EpisodeFactory(team=team, person=person, started_on=on - dt.timedelta(days=90), ended_on=on)
    return person


CASES = [(role, rel) for role in ROLES for rel in RELATIONSHIPS]


@pytest.mark.parametrize(("role", "relationship"), CASES)
def test_person_policy(role, relationship, team):
    user = staff(role, team)
    person = make_person(relationship, team)
    may_view = role in RELATIONSHIPS[relationship]

    assert person_policy.can(user, "view", person) is may_view
    assert (person in person_policy.visible(user, type(person).objects.all())) is may_view
    assert person_policy.can(user, "change", person) is (may_view and role in CHANGERS)
    assert person_policy.can(user, "view_audit", person) is (may_view and role in AUDITORS)
    assert user.has_perm("people.view_person", person) is may_view


@pytest.mark.parametrize(("role", "relationship"), CASES)
def test_person_page_and_its_audit(role, relationship, team, client):
    user = staff(role, team)
    person = make_person(relationship, team)
    may_view = role in RELATIONSHIPS[relationship]
    client.force_login(user)

    response = client.get(f"/people/{person.pk}/")

    assert response.status_code == (200 if may_view else 404)
    if may_view:
        assert escape(person.family_name) in response.content.decode()
    entry = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__person_id=person.pk
    ).latest("timestamp")
    assert entry.actor == user
    assert entry.additional_data["outcome"] == ("allowed" if may_view else "denied")
    assert entry.additional_data["channel"] == "web"
    assert entry.remote_addr == "127.0.0.1"


@pytest.mark.parametrize("role", ROLES)
def test_people_search_lists_only_visible_people(role, team, client):
    user = staff(role, team)
    people = {rel: make_person(rel, team) for rel in RELATIONSHIPS}
    for person in people.values():
        person.family_name = "Okonkwo"
        person.save()
    client.force_login(user)

    html = client.get("/people/", {"q": "Okonkwo"}).content.decode()

    for rel, person in people.items():
        assert (f"/people/{person.pk}/" in html) is (role in RELATIONSHIPS[rel]), rel


# Referral actions: where the referral sits relative to the user → allowed roles.
REFERRAL_PLACES = ["my team", "another team, same authority", "another authority"]
REFERRAL_EXPECTED = {
    "view": {
        "my team": set(ROLES) - {"commissioner"},
        "another team, same authority": AUTHORITY_WIDE,
        "another authority": set(),
    },
    "triage": {"my team": {"intake_officer", "team_manager"}},
    "allocate": {"my team": {"intake_officer", "team_manager"}},
    "override_cap": {"my team": {"team_manager"}},
    "set_urgent": {"my team": {"team_manager"}},
}


@pytest.mark.parametrize("place", REFERRAL_PLACES)
@pytest.mark.parametrize("role", ROLES)
def test_referral_policy(role, place, team, client):
    user = staff(role, team)
    if place == "my team":
        target_team = team
    elif place == "another team, same authority":
        target_team = TeamFactory(authority=team.authority)
    else:
        target_team = TeamFactory()
    referral = ReferralFactory(team=target_team)

    for action, allowed in REFERRAL_EXPECTED.items():
        expected = role in allowed.get(place, set())
        assert referral_policy.can(user, action, referral) is expected, action

    client.force_login(user)
    page = client.get(f"/referrals/{referral.pk}/")
    assert page.status_code == (200 if role in REFERRAL_EXPECTED["view"][place] else 404)
    accept = client.post(f"/referrals/{referral.pk}/accept/", {"version": referral.version})
    referral.refresh_from_db()
    may_triage = role in REFERRAL_EXPECTED["triage"].get(place, set())
    assert (referral.status == Status.ACCEPTED) is may_triage
    if role not in REFERRAL_EXPECTED["view"][place]:
        assert accept.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_who_may_make_referrals(role, team):
    user = staff(role, team)
    sister_team = TeamFactory(authority=team.authority)
    elsewhere = TeamFactory()
    referrers = {"intake_officer", "team_manager", "employment_specialist"}
    assert policies.can_refer_to(user, team) is (role in referrers)
    assert policies.can_refer_to(user, sister_team) is (role == "intake_officer")
    assert policies.can_refer_to(user, elsewhere) is False


def test_signed_out_visitors_are_sent_to_sign_in(client, referral):
    for url in [
        "/",
        "/people/",
        f"/people/{referral.person_id}/",
        "/referrals/triage/",
        "/referrals/waiting/",
        f"/referrals/{referral.pk}/allocate/",
        "/audit/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/sign-in/"), url


@pytest.mark.parametrize("role", ROLES)
def test_audit_pages_are_for_the_dpo_and_admins(role, team, client):
    user = staff(role, team)
    person = PersonFactory(authority=team.authority)
    client.force_login(user)
    allowed = role in AUDITORS
    assert client.get("/audit/").status_code == (200 if allowed else 403)
    assert client.get(f"/audit/people/{person.pk}/").status_code == (200 if allowed else 403)
    export = client.get(f"/audit/people/{person.pk}/trail.csv")
    assert export.status_code == (200 if allowed else 403)


# --- the same matrix through the API -------------------------------------------------


def api_client(user):
    from django.test import Client

    from pathways.api.tokens import issue_token

    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user.email).raw}")


@pytest.mark.parametrize(("role", "relationship"), CASES)
def test_person_through_the_api(role, relationship, team):
    user = staff(role, team)
    person = make_person(relationship, team)
    may_view = role in RELATIONSHIPS[relationship]
    client = api_client(user)

    detail = client.get(f"/api/v1/people/{person.pk}")
    listing = client.get("/api/v1/people", {"ref": person.person_ref}).json()

    assert detail.status_code == (200 if may_view else 404)
    assert [p["id"] for p in listing["items"]] == ([person.pk] if may_view else [])
    entry = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__person_id=person.pk
    ).latest("timestamp")
    assert entry.additional_data["channel"] == "api"
    assert entry.actor == user


@pytest.mark.parametrize("place", REFERRAL_PLACES)
@pytest.mark.parametrize("role", ROLES)
def test_referral_accept_through_the_api(role, place, team):
    user = staff(role, team)
    target_team = {
        "my team": team,
        "another team, same authority": TeamFactory(authority=team.authority),
        "another authority": TeamFactory(),
    }[place]
    referral = ReferralFactory(team=target_team)
    may_view = role in REFERRAL_EXPECTED["view"][place]
    may_triage = role in REFERRAL_EXPECTED["triage"].get(place, set())

    response = api_client(user).post(
        f"/api/v1/referrals/{referral.pk}/accept", content_type="application/json"
    )

    assert response.status_code == (200 if may_triage else 403 if may_view else 404)
    assert "detail" in response.json() or may_triage
    referral.refresh_from_db()
    assert (referral.status == Status.ACCEPTED) is may_triage


# --- and through the command line ----------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_audit_trail_through_the_cli(role, team):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    user = staff(role, team)
    person = PersonFactory(authority=team.authority)
    args = ["audit", "person", team.authority.code, person.person_ref, "--as", user.email]

    if role in AUDITORS:
        call_command(*args)
    else:
        with pytest.raises(CommandError):
            call_command(*args)
    entry = LogEntry.objects.filter(additional_data__person_id=person.pk).latest("timestamp")
    assert entry.additional_data["channel"] == "cli"
    assert entry.additional_data["outcome"] == ("allowed" if role in AUDITORS else "denied")
    assert entry.actor == user


# --- employers, opportunities, pledges and candidacies --------------------------------

# Whose employer list it is, relative to the user's team → who may do what. Employers
# are shared by every team of the provider; commissioners see none of them.
EMPLOYER_PLACES = ["my organisation", "another organisation"]
EMPLOYER_KEEPERS = {"employment_specialist", "team_manager"}
EMPLOYER_EXPECTED = {
    "view": {"my organisation": set(ROLES) - {"commissioner"}},
    "change": {"my organisation": EMPLOYER_KEEPERS},
}


@pytest.mark.parametrize("place", EMPLOYER_PLACES)
@pytest.mark.parametrize("role", ROLES)
def test_employer_and_opportunity_policies(role, place, team):
    from pathways.employers.models import Employer, Opportunity

    user = staff(role, team)
    mine = place == "my organisation"
    employer = EmployerFactory(**({"organisation": team.organisation} if mine else {}))
    opportunity = OpportunityFactory(employer=employer, authority=team.authority)

    for action, allowed in EMPLOYER_EXPECTED.items():
        expected = role in allowed.get(place, set())
        assert employer_policy.can(user, action, employer) is expected, action
        assert opportunity_policy.can(user, action, opportunity) is expected, action
        assert user.has_perm(f"employers.{action}_employer", employer) is expected, action
    may_view = role in EMPLOYER_EXPECTED["view"].get(place, set())
    assert (employer in employer_policy.visible(user, Employer.objects.all())) is may_view
    assert (opportunity in opportunity_policy.visible(user, Opportunity.objects.all())) is may_view


# Social-value pledges: the provider that keeps the employer, and the commissioners
# and managers of the authority the pledge was made to.
PLEDGE_PLACES = [
    "my organisation's employer, to my authority",
    "another organisation's employer, to my authority",
    "another organisation's employer, to another authority",
]
PLEDGE_EXPECTED = {
    "view": {
        "my organisation's employer, to my authority": set(ROLES),
        "another organisation's employer, to my authority": {"commissioner", "team_manager"},
    },
    "change": {"my organisation's employer, to my authority": EMPLOYER_KEEPERS},
}


@pytest.mark.parametrize("place", PLEDGE_PLACES)
@pytest.mark.parametrize("role", ROLES)
def test_pledge_policy(role, place, team):
    from pathways.employers.models import SocialValuePledge

    user = staff(role, team)
    mine = place.startswith("my organisation")
    employer = EmployerFactory(**({"organisation": team.organisation} if mine else {}))
    authority = (
        team.authority
        if place.endswith("my authority")
        else AuthorityFactory(code="W06000011", name="Swansea")
    )
    pledge = SocialValuePledge.objects.create(
        employer=employer,
        authority=authority,
        description="Two supported placements",
        source=SocialValuePledge.Source.CONTRACT,
        target=2,
        starts_on=dt.date(2025, 4, 1),
        ends_on=dt.date(2026, 3, 31),
    )

    for action, allowed in PLEDGE_EXPECTED.items():
        expected = role in allowed.get(place, set())
        assert pledge_policy.can(user, action, pledge) is expected, action
    may_view = role in PLEDGE_EXPECTED["view"].get(place, set())
    assert (pledge in pledge_policy.visible(user, SocialValuePledge.objects.all())) is may_view


# A candidacy is part of the person's record: seen exactly when the person is (the
# RELATIONSHIPS table above), moved on only by the specialists and managers of a team
# with an open episode of the person.
CANDIDACY_MOVERS = {"open episode in my team": {"employment_specialist", "team_manager"}}


@pytest.mark.parametrize(("role", "relationship"), CASES)
def test_candidacy_policy(role, relationship, team):
    from pathways.employers.models import Candidacy

    user = staff(role, team)
    person = make_person(relationship, team)
    candidacy = Candidacy.objects.create(
        person=person,
        opportunity=OpportunityFactory(
            employer=EmployerFactory(organisation=team.organisation), authority=person.authority
        ),
        status_on=dt.date.today(),
    )
    may_view = role in RELATIONSHIPS[relationship]
    may_move = role in CANDIDACY_MOVERS.get(relationship, set())

    assert candidacy_policy.can(user, "view", candidacy) is may_view
    assert (candidacy in candidacy_policy.visible(user, Candidacy.objects.all())) is may_view
    assert candidacy_policy.can(user, "change", candidacy) is may_move
    assert user.has_perm("employers.change_candidacy", candidacy) is may_move
