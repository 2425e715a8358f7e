""" "My work" for each role: the sections it comes for, none it does not, in a fixed
number of queries whatever the numbers behind them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pathways.core.models import Membership, Role
from pathways.privacy.models import SubjectAccessRequest
from pathways.privacy.subject_access import log_subject_access_request
from tests.commissioning.conftest import make_world
from tests.commissioning.test_claim_pages import submitted
from tests.factories import (
    AuthorityFactory,
    ContractFactory,
    EpisodeFactory,
    PersonFactory,
    ReferralFactory,
    TeamFactory,
    staff,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date.today  # called in each test: a run may cross midnight
CASEWORK = ("Due", "My cases", "My team's waiting list", "You have no open cases")


def home(client, user) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def queries(client, user) -> int:
    client.force_login(user)
    client.get("/")  # the first answer fills caches (content types) that later ones reuse
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def in_force(world, *, ends_in_days: int):
    return ContractFactory(
        authority=world.authority,
        provider=world.contract.provider,
        start_date=TODAY() - dt.timedelta(days=100),
        end_date=TODAY() + dt.timedelta(days=ends_in_days),
    )


# --- commissioners -----------------------------------------------------------------------------


def test_a_commissioner_sees_claims_to_decide_contracts_and_reports_and_no_casework(
    client, authority
):
    world = make_world(authority)
    page = home(client, world.commissioner)
    assert "No payment claims are waiting for your decision." in page
    submitted(world)
    in_force(world, ends_in_days=30)
    in_force(world, ends_in_days=400)

    page = home(client, world.commissioner)
    assert '<a class="govuk-link" href="/commissioning/claims/">1 payment claim is waiting' in page
    assert "2 contracts in force" in page
    ending = (TODAY() + dt.timedelta(days=90)).strftime("%-d %B %Y")
    assert f"1 ending by {ending}" in page
    for link in ("/reports/providers/", "/commissioning/targets/", "/reports/"):
        assert f'href="{link}"' in page
    for words in CASEWORK:
        assert words not in page


def test_the_commissioners_home_does_not_grow_with_claims_or_contracts(client, authority):
    world = make_world(authority)
    submitted(world)
    in_force(world, ends_in_days=30)
    few = queries(client, world.commissioner)
    for _ in range(3):
        submitted(make_world(authority))
        in_force(world, ends_in_days=30)
    assert queries(client, world.commissioner) == few
    assert "4 payment claims are waiting" in home(client, world.commissioner)


# --- data protection officers ------------------------------------------------------------------


@pytest.fixture
def dpo(team):
    return staff(Role.DATA_PROTECTION_OFFICER, team, email="dpo@example.org")


def request_for(dpo, team, days_ago: int) -> None:
    log_subject_access_request(
        dpo,
        PersonFactory(authority=team.authority),
        received_on=TODAY() - dt.timedelta(days=days_ago),
        requested_by="The person",
        received_how=SubjectAccessRequest.ReceivedHow.EMAIL,
    )


def test_a_data_protection_officer_sees_requests_erasures_and_emergency_opens(client, team, dpo):
    request_for(dpo, team, days_ago=40)
    page = home(client, dpo)
    assert '<h2 class="govuk-heading-m" id="data-protection">Data protection</h2>' in page
    assert "1 open request" in page and "1 overdue" in page
    assert "Erasure requests: 0 to approve" in page
    assert "0 emergency opens to review" in page
    for link in ("/privacy/subject-access/", "/privacy/erasure/", "/audit/break-glass/", "/audit/"):
        assert f'href="{link}"' in page
    for words in CASEWORK:
        assert words not in page


def test_the_data_protection_home_does_not_grow_with_requests(client, team, dpo):
    request_for(dpo, team, days_ago=3)
    few = queries(client, dpo)
    for days in range(5):
        request_for(dpo, team, days_ago=days * 10)
    assert queries(client, dpo) == few


# --- administrators -----------------------------------------------------------------------------


@pytest.fixture
def admin(team):
    return staff(Role.ADMIN, team, email="admin@example.org")


def test_an_admin_sees_imports_the_directory_and_each_teams_cases_against_its_cap(
    client, team, other_team, admin
):
    coach = staff(Role.EMPLOYMENT_SPECIALIST, other_team)
    EpisodeFactory.create_batch(3, team=other_team, worker=coach)
    ReferralFactory(team=team, status="accepted")
    page = home(client, admin)
    for link in ("/imports/", "/commissioning/providers/", "/audit/", "/reports/caseload/"):
        assert f'href="{link}"' in page
    row = page.split("IPS Mental Health</th>", 1)[1].split("</tr>", 1)[0]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[:3]] == ["20", "3", "0"]
    row = page.split("Supported Employment</th>", 1)[1].split("</tr>", 1)[0]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[:3]] == ["2", "0", "1"]
    for words in CASEWORK:
        assert words not in page


def test_the_admins_home_does_not_grow_with_teams_or_cases(client, authority, team, admin):
    few = queries(client, admin)
    for n in range(4):
        more = TeamFactory(authority=authority, code=f"T{n}")
        worker = staff(Role.EMPLOYMENT_SPECIALIST, more)
        EpisodeFactory.create_batch(2, team=more, worker=worker)
        ReferralFactory(team=more, status="accepted")
    assert queries(client, admin) == few


def test_an_admin_sees_only_their_own_authoritys_teams(client, team, admin):
    elsewhere = TeamFactory(name="Somewhere Else Team", authority=AuthorityFactory())
    assert elsewhere.name not in home(client, admin)


# --- casework ----------------------------------------------------------------------------------


def test_an_approver_sees_what_waits_for_approval_and_holds_no_cases(client, team):
    page = home(client, staff(Role.PACKAGE_APPROVER, team))
    assert "No package changes are waiting for your approval." in page
    assert "My cases" not in page and "Due" not in page


def test_an_intake_officer_sees_the_waiting_list_and_holds_no_cases(client, intake, team):
    referral = ReferralFactory(team=team, status="accepted")
    page = home(client, intake)
    assert "My team's waiting list" in page and referral.person.full_name in page
    assert "My cases" not in page


def test_a_specialist_sees_what_is_due_their_cases_and_the_waiting_list(client, coach, team):
    episode = EpisodeFactory(team=team, worker=coach)
    page = home(client, coach)
    for words in ("Due", "My cases", "My team's waiting list", episode.person.full_name):
        assert words in page
    assert "Commissioning" not in page and "Administration" not in page


def test_a_triager_sees_new_referrals_and_who_among_them_is_coming_back(client, intake, team):
    assert "No new referrals are waiting for triage." in home(client, intake)
    returning = PersonFactory(authority=team.authority)
    EpisodeFactory(team=team, person=returning, ended_on=TODAY() - dt.timedelta(days=200))
    ReferralFactory(
        team=team, person=returning, status="received", received_on=TODAY(), source="self"
    )
    ReferralFactory(team=team, status="received", received_on=TODAY() - dt.timedelta(days=3))
    ReferralFactory(team=team, status="accepted")  # on the waiting list, not to triage
    elsewhere = TeamFactory(authority=team.authority)
    ReferralFactory(team=elsewhere, status="received")  # not the intake officer's team
    page = home(client, intake)
    assert '<a class="govuk-link" href="/referrals/triage/">2 new referrals are waiting' in page
    oldest = (TODAY() - dt.timedelta(days=3)).strftime("%-d %B %Y")
    assert f"the oldest received {oldest}" in page
    assert "1 of them is someone coming back: they had support from the team before." in page


def test_the_triage_summary_does_not_grow_with_referrals(client, intake, team):
    ReferralFactory(team=team, status="received")
    few = queries(client, intake)
    for _ in range(5):
        person = PersonFactory(authority=team.authority)
        EpisodeFactory(team=team, person=person, ended_on=TODAY() - dt.timedelta(days=50))
        ReferralFactory(team=team, person=person, status="received")
    assert queries(client, intake) == few


def test_a_specialist_who_does_not_triage_is_not_shown_the_referrals(client, coach, team):
    ReferralFactory(team=team, status="received")
    page = home(client, coach)
    assert "waiting for triage" not in page


def test_only_the_teams_a_user_triages_in_are_counted(client, team):
    """A specialist in one team who triages in another sees only the other's."""
    both = staff(Role.EMPLOYMENT_SPECIALIST, team, email="both@example.org")
    other = TeamFactory(authority=team.authority)
    Membership.objects.create(user=both, team=other, role=Role.INTAKE_OFFICER)
    ReferralFactory(team=team, status="received")  # where they are a specialist
    ReferralFactory(team=other, status="received")
    open_now = PersonFactory(authority=team.authority)
    EpisodeFactory(team=other, person=open_now)  # still in support: not coming back
    ReferralFactory(team=other, person=open_now, status="received")
    page = home(client, both)
    assert "2 new referrals are waiting for triage" in page
    assert "coming back" not in page
