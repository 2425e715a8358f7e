"""Staff administration in the browser (/staff/): who may do it, and each action with
its refusals."""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from pathways.casework import services as casework
from pathways.casework.models import Episode
from pathways.core import accounts
from pathways.core.errors import ActionRefused
from pathways.core.models import ApiToken, Membership, Role, User
from pathways.core.tokens import issue_token
from pathways.core.two_factor import issue_recovery_codes
from pathways.workspace.staff import deactivate_leaver
from tests.factories import AuthorityFactory, EpisodeFactory, TeamFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(team):
    return staff(Role.ADMIN, team, email="admin@example.org", first_name="Ada", last_name="Admin")


@pytest.fixture
def elsewhere():
    """A team of another authority."""
    return TeamFactory(code="X1", name="Elsewhere team", authority=AuthorityFactory(code="E1"))


@pytest.fixture
def other_admin(elsewhere):
    return staff(Role.ADMIN, elsewhere, email="admin@elsewhere.example")


@pytest.fixture
def colleague(team):
    return staff(Role.EMPLOYMENT_SPECIALIST, team, email="colleague@example.org")


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def events(member, what):
    return LogEntry.objects.filter(
        object_id=member.pk,
        additional_data__what=what,
        additional_data__staff_admin=True,
    )


# --- who may administer -------------------------------------------------------------------


def member_urls(member, token=None, membership=None):
    token = token or ApiToken.objects.filter(user=member).first()
    membership = membership or Membership.objects.filter(user=member).first()
    return [
        ("get", f"/staff/{member.pk}/"),
        ("post", f"/staff/{member.pk}/roles/"),
        ("post", f"/staff/{member.pk}/roles/{membership.pk}/remove/"),
        ("post", f"/staff/{member.pk}/invitation/"),
        ("post", f"/staff/{member.pk}/two-factor/reset/"),
        ("post", f"/staff/{member.pk}/tokens/{token.pk}/revoke/"),
        ("get", f"/staff/{member.pk}/deactivate/"),
        ("post", f"/staff/{member.pk}/deactivate/"),
    ]


@pytest.mark.parametrize("who", ["manager", "coach", "intake"])
def test_staff_who_are_not_administrators_are_refused_every_page_and_action(
    request, who, coach, team
):
    user = request.getfixturevalue(who)
    issue_token(coach.email)
    client = as_user(user)
    pages = [("get", "/staff/"), ("get", "/staff/invite/"), ("post", "/staff/invite/")]
    pages += [("get", "/staff/activity/"), *member_urls(coach)]
    for method, url in pages:
        response = getattr(client, method)(url, {"team": team.pk, "role": Role.ADMIN})
        assert response.status_code == 403, url
        assert b"coach@example.org" not in response.content
    coach.refresh_from_db()
    assert coach.is_active
    assert Membership.objects.filter(user=coach).count() == 1
    assert ApiToken.objects.get(user=coach).revoked_at is None


def test_another_authoritys_administrator_finds_nothing_of_ours(other_admin, coach, team):
    issue_token(coach.email)
    accounts.reset_two_factor(None, coach, base_url="http://x", channel="cli")  # an event
    client = as_user(other_admin)
    for method, url in member_urls(coach):
        response = getattr(client, method)(url, {"team": team.pk, "role": Role.ADMIN})
        assert response.status_code == 404, url
    listing = client.get("/staff/", {"q": "coach"})
    assert b"coach@example.org" not in listing.content
    assert b"coach@example.org" not in client.get("/staff/activity/").content
    # Nor can they put anyone in our team.
    invited = client.post(
        "/staff/invite/",
        {
            "first_name": "Sly",
            "last_name": "Fox",
            "email": "sly@example.org",
            "team": team.pk,
            "role": Role.ADMIN,
        },
    )
    assert invited.status_code == 400 and b"Choose a team" in invited.content
    assert not User.objects.filter(email="sly@example.org").exists()
    coach.refresh_from_db()
    assert coach.is_active and ApiToken.objects.get(user=coach).revoked_at is None


def test_the_services_refuse_a_non_administrator_too(manager, coach, team):
    with pytest.raises(accounts.PermissionDenied):
        accounts.invite_staff(
            manager,
            email="x@example.org",
            first_name="X",
            last_name="Y",
            team=team,
            role=Role.EMPLOYMENT_SPECIALIST,
            base_url="http://x",
        )
    with pytest.raises(accounts.PermissionDenied):
        accounts.deactivate(manager, coach)
    with pytest.raises(accounts.PermissionDenied):
        accounts.reset_two_factor(manager, coach, base_url="http://x")


# --- the list -----------------------------------------------------------------------------


def test_the_list_shows_each_member_with_teams_roles_and_two_step(admin, coach, other_admin):
    TOTPDevice.objects.create(user=coach, name="phone", confirmed=True)
    page = as_user(admin).get("/staff/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "coach@example.org" in text and "Employment specialist, Supported Employment" in text
    assert "Set up" in text and "Not set up" in text and "Never" in text
    assert "admin@elsewhere.example" not in text  # another authority's


def test_the_list_searches_by_name_or_email(admin, coach, colleague):
    coach.first_name, coach.last_name = "Priya", "Sandhu"
    coach.save()
    found = as_user(admin).get("/staff/", {"q": "sandhu"}).content.decode()
    assert "coach@example.org" in found and "colleague@example.org" not in found
    by_email = as_user(admin).get("/staff/", {"q": "COLLEAGUE@"}).content.decode()
    assert "colleague@example.org" in by_email and "coach@example.org" not in by_email


def count_queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_and_activity_take_the_same_queries_whatever_the_rows_or_page(admin, team):
    client = as_user(admin)
    for _ in range(3):
        member = staff(Role.EMPLOYMENT_SPECIALIST, team)
        accounts.add_membership(admin, member, team=team, role=Role.INTAKE_OFFICER)
    small = count_queries(client, "/staff/")
    small_activity = count_queries(client, "/staff/activity/")
    for _ in range(110):
        member = staff(Role.EMPLOYMENT_SPECIALIST, team)
        TOTPDevice.objects.create(user=member, name="phone", confirmed=True)
        accounts.add_membership(admin, member, team=team, role=Role.INTAKE_OFFICER)
    assert count_queries(client, "/staff/") == small
    assert count_queries(client, "/staff/", page=3) == small
    assert count_queries(client, "/staff/activity/") == small_activity
    assert count_queries(client, "/staff/activity/", page=2) == small_activity
    assert "Pages of staff" in client.get("/staff/").content.decode()


# --- invite --------------------------------------------------------------------------------


def invite(client, team, email="new.starter@example.org", **extra):
    data = {
        "first_name": "Nia",
        "last_name": "Starter",
        "email": email,
        "team": team.pk,
        "role": Role.EMPLOYMENT_SPECIALIST,
        **extra,
    }
    return client.post("/staff/invite/", data, follow=True)


def link_in(message) -> str:
    found = re.search(r"http://\S+/set-password/\S+/", message.body)
    assert found, message.body
    return found.group(0)


def test_invite_creates_the_account_and_emails_a_one_time_link(admin, team):
    page = invite(as_user(admin), team, email="New.Starter@Example.org")
    assert "Invitation sent to new.starter@example.org" in page.content.decode()
    member = User.objects.get(email="new.starter@example.org")
    assert not member.has_usable_password()
    assert member.memberships.get().role == Role.EMPLOYMENT_SPECIALIST
    (message,) = mail.outbox
    assert message.to == ["new.starter@example.org"]
    assert "Nia" not in message.body and "Starter" not in message.body  # names no one
    # The link lets them choose a password, and then set up two-step sign-in.
    browser = Client()
    form_url = browser.get(link_in(message).replace("http://testserver", ""))["Location"]
    password = "lantern orchard copper 42"
    saved = browser.post(form_url, {"new_password1": password, "new_password2": password})
    assert saved.status_code == 302
    member.refresh_from_db()
    assert member.check_password(password) and member.enrol_two_factor_until is not None
    assert events(member, "invited").get().actor == admin


def test_invite_refuses_an_address_that_has_an_account(admin, coach, team):
    page = invite(as_user(admin), team, email="COACH@example.org")
    assert page.status_code == 400
    assert "A staff account already has this email address" in page.content.decode()
    assert not mail.outbox


def test_invite_asks_for_every_field(admin):
    page = as_user(admin).post("/staff/invite/", {})
    text = page.content.decode()
    assert page.status_code == 400
    for message in ("Enter their first name", "Enter their work email address", "Choose a team"):
        assert message in text


def test_resend_sends_a_new_link_until_a_password_is_chosen(admin, team):
    invite(as_user(admin), team)
    member = User.objects.get(email="new.starter@example.org")
    page = as_user(admin).post(f"/staff/{member.pk}/invitation/", follow=True)
    assert "Invitation sent to new.starter@example.org" in page.content.decode()
    assert len(mail.outbox) == 2 and link_in(mail.outbox[1])
    member.set_password("lantern orchard copper 42")
    member.save()
    refused = as_user(admin).post(f"/staff/{member.pk}/invitation/", follow=True)
    assert "has already chosen a password" in refused.content.decode()
    assert len(mail.outbox) == 2


# --- teams and roles ------------------------------------------------------------------------


def test_add_and_remove_a_role(admin, coach, team, other_team):
    client = as_user(admin)
    added = client.post(
        f"/staff/{coach.pk}/roles/",
        {"team": other_team.pk, "role": Role.INTAKE_OFFICER},
        follow=True,
    )
    assert "Role added" in added.content.decode()
    membership = coach.memberships.get(team=other_team)
    again = client.post(
        f"/staff/{coach.pk}/roles/", {"team": other_team.pk, "role": Role.INTAKE_OFFICER}
    )
    assert again.status_code == 400 and "is already intake officer" in again.content.decode()
    removed = client.post(f"/staff/{coach.pk}/roles/{membership.pk}/remove/", follow=True)
    assert "Role removed" in removed.content.decode()
    assert not coach.memberships.filter(team=other_team).exists()
    assert events(coach, "role added").exists() and events(coach, "role removed").exists()


def test_the_only_role_cannot_be_removed(admin, coach):
    membership = coach.memberships.get()
    page = as_user(admin).post(f"/staff/{coach.pk}/roles/{membership.pk}/remove/", follow=True)
    assert "only team and role" in page.content.decode()
    assert coach.memberships.exists()


def test_the_last_caseload_role_stays_while_they_hold_open_cases(admin, coach, team):
    EpisodeFactory(team=team, worker=coach)
    accounts.add_membership(admin, coach, team=team, role=Role.INTAKE_OFFICER)
    caseload = coach.memberships.get(role=Role.EMPLOYMENT_SPECIALIST)
    page = as_user(admin).post(f"/staff/{coach.pk}/roles/{caseload.pk}/remove/", follow=True)
    assert "holds 1 open case in Supported Employment: hand over their cases first" in (
        page.content.decode()
    )
    assert coach.memberships.filter(pk=caseload.pk).exists()


# --- two-step sign-in and tokens -------------------------------------------------------------


def test_reset_two_factor_removes_the_app_and_codes_and_emails_a_link(admin, coach):
    TOTPDevice.objects.create(user=coach, name="phone", confirmed=True)
    issue_recovery_codes(coach)
    page = as_user(admin).post(f"/staff/{coach.pk}/two-factor/reset/", follow=True)
    assert "Two-step sign-in reset" in page.content.decode()
    assert not TOTPDevice.objects.filter(user=coach).exists()
    assert not StaticDevice.objects.filter(user=coach).exists()
    (message,) = mail.outbox
    assert message.to == [coach.email] and link_in(message)
    assert events(coach, "two-step sign-in reset").get().actor == admin


def test_tokens_are_listed_and_one_is_revoked(admin, coach):
    first = issue_token(coach.email)
    second = issue_token(coach.email)
    client = as_user(admin)
    page = client.get(f"/staff/{coach.pk}/").content.decode()
    assert first.prefix in page and second.prefix in page and first.raw not in page
    token = ApiToken.objects.get(prefix=first.prefix)
    done = client.post(f"/staff/{coach.pk}/tokens/{token.pk}/revoke/", follow=True)
    assert f"API token {first.prefix}… revoked" in done.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiToken.objects.get(prefix=second.prefix).revoked_at is None
    assert events(coach, "api token revoked").filter(actor=admin).count() == 1


# --- deactivating a leaver ---------------------------------------------------------------------


def signed_in_session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.session.session_key


def test_deactivate_ends_sign_in_tokens_and_sessions(admin, intake):
    issue_token(intake.email)
    session = signed_in_session(intake)
    page = as_user(admin).post(f"/staff/{intake.pk}/deactivate/", follow=True)
    assert f"{intake} is deactivated" in page.content.decode()
    intake.refresh_from_db()
    assert not intake.is_active
    assert ApiToken.objects.get(user=intake).revoked_at is not None
    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert not store().exists(session)
    assert events(intake, "deactivated").get().actor == admin


def test_deactivate_hands_the_cases_over_in_the_same_step(admin, coach, colleague, team):
    EpisodeFactory(team=team, worker=coach)
    form = as_user(admin).get(f"/staff/{coach.pk}/deactivate/").content.decode()
    assert "Who takes their cases?" in form and str(colleague) in form
    refused = as_user(admin).post(f"/staff/{coach.pk}/deactivate/")
    assert refused.status_code == 400
    assert "Choose a colleague in Supported Employment" in refused.content.decode()
    page = as_user(admin).post(
        f"/staff/{coach.pk}/deactivate/", {"hand_to": [colleague.pk]}, follow=True
    )
    assert "is deactivated and 1 case handed over" in page.content.decode()
    assert Episode.objects.get().worker == colleague
    coach.refresh_from_db()
    assert not coach.is_active


def test_no_room_under_the_cap_changes_nothing(admin, coach, colleague, team):
    EpisodeFactory.create_batch(2, team=team, worker=coach)
    EpisodeFactory(team=team, worker=colleague)  # the cap is 2: room for one
    issue_token(coach.email)
    page = as_user(admin).post(f"/staff/{coach.pk}/deactivate/", {"hand_to": [colleague.pk]})
    assert page.status_code == 400
    assert "room for 1 within the cap of 2" in page.content.decode()
    coach.refresh_from_db()
    assert coach.is_active
    assert Episode.objects.filter(worker=coach).count() == 2
    assert ApiToken.objects.get(user=coach).revoked_at is None


def test_an_administrator_cannot_deactivate_themselves(admin):
    with pytest.raises(ActionRefused, match="cannot deactivate your own account"):
        deactivate_leaver(admin, admin)
    admin.refresh_from_db()
    assert admin.is_active


def test_deactivate_refuses_while_cases_are_held(admin, coach, team):
    EpisodeFactory(team=team, worker=coach)
    with pytest.raises(ActionRefused, match="hand over their cases first"):
        accounts.deactivate(admin, coach)


def test_an_administrator_of_the_teams_authority_may_reassign_a_caseload(
    admin, other_admin, coach, colleague, team
):
    EpisodeFactory(team=team, worker=coach)
    with pytest.raises(casework.PermissionDenied):
        casework.reassign_caseload(
            other_admin, team=team, from_worker=coach, to_workers=[colleague]
        )
    moved = casework.reassign_caseload(admin, team=team, from_worker=coach, to_workers=[colleague])
    assert list(moved.values()) == [colleague]


# --- the activity page ----------------------------------------------------------------------


def test_activity_lists_who_did_what_to_whom(admin, coach, team):
    client = as_user(admin)
    invite(client, team)
    client.post(f"/staff/{coach.pk}/two-factor/reset/")
    text = client.get("/staff/activity/").content.decode()
    assert "Invited" in text and "Two-step sign-in reset" in text
    assert "Ada Admin" in text and "Nia Starter" in text and str(coach) in text
    assert "role Employment specialist" in text
