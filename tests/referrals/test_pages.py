"""The front-door pages as a user meets them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.html import escape

from pathways.core import audit
from pathways.core.models import Role
from pathways.people.models import Person
from pathways.referrals.models import Referral, Status
from tests.factories import EpisodeFactory, PersonFactory, staff

pytestmark = pytest.mark.django_db


def referral_form(team, **overrides):
    today = dt.date.today()
    data = {
        "person_ref": "C900001",
        "given_name": "Sam",
        "family_name": "Patel",
        "date_of_birth_0": "27",
        "date_of_birth_1": "3",
        "date_of_birth_2": "1990",
        "postcode": "e15 1ab",
        "primary_support_reason": "learning_disability",
        "team": str(team.pk),
        "source": "annual_review",
        "received_on_0": str(today.day),
        "received_on_1": str(today.month),
        "received_on_2": str(today.year),
        "notes": "Wants work in a café",
    }
    data.update(overrides)
    return data


def test_new_referral_with_mistakes_shows_the_error_summary(client, intake, team):
    client.force_login(intake)
    response = client.post(
        "/referrals/new/",
        referral_form(team, postcode="ZZ9", received_on_0="31", received_on_1="2"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter a real UK postcode, like E15 1AB" in html
    assert "The date the referral was received must be a real date" in html
    assert 'href="#id_postcode"' in html and 'href="#id_received_on_0"' in html
    assert "<title>Error: New referral" in html
    assert not Referral.objects.exists()


def test_new_referral_for_someone_new(client, intake, team):
    client.force_login(intake)
    response = client.post("/referrals/new/", referral_form(team))
    referral = Referral.objects.get()
    assert response["Location"] == f"/referrals/{referral.pk}/"
    assert referral.person.postcode == "E15 1AB"
    assert referral.source == "annual_review" and referral.status == Status.RECEIVED
    page = client.get(response["Location"]).content.decode()
    assert "Sam Patel" in page and "front door" in page


def test_refer_a_known_person_from_their_record(client, intake, team):
    person = PersonFactory(authority=team.authority)
    client.force_login(intake)
    form = client.get(f"/referrals/new/?person={person.pk}").content.decode()
    assert escape(person.full_name) in form and "Client reference" not in form
    data = {
        k: v
        for k, v in referral_form(team).items()
        if k.startswith(("team", "source", "received", "notes"))
    }
    client.post(f"/referrals/new/?person={person.pk}", {**data, "person": person.pk})
    assert Referral.objects.get().person == person


@pytest.mark.parametrize("role", [Role.TEAM_MANAGER, Role.EMPLOYMENT_SPECIALIST])
def test_a_resident_the_team_does_not_know_is_referred_by_their_client_reference(
    client, team, role
):
    """The page's way to do what the API does by reference: the client reference of a
    resident already on record, with their name and date of birth, refers them (no
    second record); a name that is not theirs is refused as a reference in use."""
    member = staff(role, team, email="member@example.org")
    person = PersonFactory(
        authority=team.authority,
        person_ref="C900001",
        given_name="Sam",
        family_name="Patel",
        date_of_birth=dt.date(1990, 3, 27),
    )
    client.force_login(member)

    wrong = client.post("/referrals/new/", referral_form(team, given_name="Samira"))
    assert "C900001 is already in use in Newham" in wrong.content.decode()
    assert not Referral.objects.exists()

    response = client.post("/referrals/new/", referral_form(team, family_name=" patel "))
    referral = Referral.objects.get()
    assert response["Location"] == f"/referrals/{referral.pk}/"
    assert referral.person == person and referral.created_by == member
    assert Person.objects.count() == 1
    assert client.get(f"/people/{person.pk}/").status_code == 200


def test_another_authoritys_client_reference_is_a_new_person_on_the_page(client, manager, team):
    """The page never reaches another authority's residents: the same reference there
    is simply someone new here."""
    stranger = PersonFactory(person_ref="C900001", given_name="Sam", family_name="Patel")
    client.force_login(manager)
    client.post("/referrals/new/", referral_form(team))
    referral = Referral.objects.get()
    assert referral.person != stranger and referral.person.authority == team.authority


def test_triage_page_lists_new_referrals_and_accept_moves_them(client, intake, referral):
    client.force_login(intake)
    assert referral.referral_ref in client.get("/referrals/triage/").content.decode()
    response = client.post(
        f"/referrals/{referral.pk}/accept/", {"version": referral.version}, follow=True
    )
    assert "is now on the waiting list" in response.content.decode()
    assert referral.referral_ref not in client.get("/referrals/triage/").content.decode()
    assert referral.referral_ref in client.get("/referrals/waiting/").content.decode()


def test_stale_form_is_refused_with_a_message(client, intake, manager, referral):
    client.force_login(intake)
    stale_version = referral.version
    referral.urgent = True
    referral.version += 1
    referral.save()
    response = client.post(
        f"/referrals/{referral.pk}/accept/", {"version": stale_version}, follow=True
    )
    assert "Someone else changed this referral" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED


def test_accept_without_the_version_is_refused_with_a_message(client, intake, referral):
    client.force_login(intake)
    response = client.post(f"/referrals/{referral.pk}/accept/", {}, follow=True)
    assert "This page was out of date" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED


def test_decline_without_reason_shows_the_error(client, intake, referral):
    client.force_login(intake)
    response = client.post(
        f"/referrals/{referral.pk}/decline/",
        {"decline-reason": "", "decline-version": referral.version},
    )
    assert response.status_code == 400
    assert "Enter the reason" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED


def test_redirect_from_the_page(client, intake, referral, other_team):
    client.force_login(intake)
    client.post(
        f"/referrals/{referral.pk}/redirect/",
        {
            "redirect-to_team": other_team.pk,
            "redirect-reason": "Needs IPS",
            "redirect-version": referral.version,
        },
    )
    referral.refresh_from_db()
    assert referral.status == Status.REDIRECTED
    assert referral.redirected_to.team == other_team


def test_allocation_page_shows_caseloads_against_the_cap(client, intake, coach, team, referral):
    referral.status = Status.ACCEPTED
    referral.save()
    for _ in range(team.caseload_cap):
        EpisodeFactory(team=team, worker=coach)
    client.force_login(intake)
    html = client.get(f"/referrals/{referral.pk}/allocate/").content.decode()
    assert f"{team.caseload_cap} of {team.caseload_cap} cases, at cap" in html
    assert "Only a team manager can allocate over the cap" in html

    refused = client.post(
        f"/referrals/{referral.pk}/allocate/", {"worker": coach.pk, "version": referral.version}
    )
    assert "open cases; the cap for" in refused.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED


def test_manager_allocates_over_the_cap_with_a_reason(client, manager, coach, team, referral):
    referral.status = Status.ACCEPTED
    referral.save()
    for _ in range(team.caseload_cap):
        EpisodeFactory(team=team, worker=coach)
    client.force_login(manager)
    response = client.post(
        f"/referrals/{referral.pk}/allocate/",
        {
            "worker": coach.pk,
            "override_reason": "Coach knows the family",
            "version": referral.version,
        },
        follow=True,
    )
    html = response.content.decode()
    assert "is allocated to" in html
    assert "over the caseload cap: Coach knows the family" in html


def test_my_work_shows_my_cases_and_my_teams_waiting_list(client, intake, coach, referral):
    from pathways.referrals import services

    services.accept_referral(intake, referral)
    client.force_login(coach)
    html = client.get("/").content.decode()
    assert escape(referral.person.full_name) in html  # waiting in my team
    services.allocate(intake, referral, worker=coach)
    html = client.get("/").content.decode()
    assert "You have no open cases" not in html
    assert "Nobody is waiting" in html


def test_waiting_list_says_how_many_wait_and_the_median_wait(client, intake, team):
    from tests.factories import ReferralFactory

    today = dt.date.today()
    for days in (10, 20, 90):
        ReferralFactory(
            team=team, status=Status.ACCEPTED, received_on=today - dt.timedelta(days=days)
        )
    client.force_login(intake)
    html = client.get("/referrals/waiting/").content.decode()
    assert "3 people are waiting. The median wait so far is 20 days." in html


def test_a_date_missing_its_year_says_so(client, intake, team):
    client.force_login(intake)
    response = client.post("/referrals/new/", referral_form(team, received_on_2=""))
    assert "The date the referral was received must include a day, month and year" in (
        response.content.decode()
    )


def test_a_referral_outside_the_users_teams_is_404_and_the_look_is_audited(
    client, other_team, referral
):
    """Like every record about a person: the refused look is on the person's trail, and
    the answer is the same 404 as for a referral that does not exist."""
    stranger = staff(Role.EMPLOYMENT_SPECIALIST, other_team, email="stranger@example.org")
    client.force_login(stranger)
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert client.get(f"/referrals/{referral.pk + 1000}/").status_code == 404
    [denied] = audit.person_trail(referral.person).filter(
        actor=stranger, additional_data__outcome=audit.DENIED
    )
    assert denied.additional_data["what"] == f"referral {referral.pk}"
    assert denied.additional_data["channel"] == "web"


def test_a_refused_allocation_is_on_the_persons_trail(client, coach, referral):
    """A specialist sees their team's referrals but only triage roles allocate: the 403
    is recorded for the data protection officer like every refusal."""
    client.force_login(coach)
    assert client.get(f"/referrals/{referral.pk}/allocate/").status_code == 403
    [denied] = audit.person_trail(referral.person).filter(
        actor=coach, additional_data__outcome=audit.DENIED
    )
    assert denied.additional_data["what"] == f"referral {referral.pk} (may read, not allocate)"
