"""Opening a person's record in an emergency ("break-glass", decision 0021): with a
reason, read only, for a few hours, every read flagged on the person's trail, and
reviewed by the data protection officer of the person's home authority."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from pathways.api.tokens import issue_token
from pathways.core import audit
from pathways.core.errors import ActionRefused, PermissionDenied
from pathways.core.models import Role
from pathways.people import services
from pathways.people.models import BreakGlass
from pathways.people.policy import person_policy
from tests.factories import AuthorityFactory, EpisodeFactory, PersonFactory, TeamFactory, staff

pytestmark = pytest.mark.django_db

REASON = "Safeguarding call from the GP about a missed medication review"


@pytest.fixture
def stranger(authority):
    """Someone in the coach's authority whom the coach's team does not work with."""
    return PersonFactory(authority=authority, family_name="Adebayo")


@pytest.fixture
def dpo(team):
    return staff(Role.DATA_PROTECTION_OFFICER, team, email="dpo@example.org")


def reads(person):
    return LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__person_id=person.pk
    ).order_by("timestamp", "id")


# --- the services ----------------------------------------------------------------------


def test_an_open_lets_the_user_read_but_not_change_the_record(coach, stranger, settings):
    settings.PATHWAYS_BREAK_GLASS_HOURS = 4
    assert not person_policy.can(coach, "view", stranger)

    opened = services.open_break_glass(coach, stranger, reason=f"  {REASON}\n")

    assert opened.reason == REASON
    assert opened.expires_at - opened.opened_at == dt.timedelta(hours=4)
    assert person_policy.can(coach, "view", person_policy_fresh(stranger))
    assert not person_policy.can(coach, "change", stranger)
    with pytest.raises(PermissionDenied):
        services.update_person(
            coach, stranger, expected_version=stranger.version, phone="07700 900999"
        )
    opening = reads(stranger).last()
    assert opening.additional_data["what"] == f"opened in an emergency: {REASON}"
    assert opening.additional_data["break_glass"] == opened.pk


def person_policy_fresh(person):
    return type(person).objects.get(pk=person.pk)


def test_the_open_ends_when_it_expires(coach, stranger):
    opened = services.open_break_glass(coach, stranger, reason=REASON)
    BreakGlass.objects.filter(pk=opened.pk).update(expires_at=timezone.now())
    assert not person_policy.can(coach, "view", stranger)


@pytest.mark.parametrize("reason", ["", "   ", "urgent", "need to see it"])
def test_a_reason_is_required_in_plain_words(coach, stranger, reason):
    with pytest.raises(ValidationError) as refused:
        services.open_break_glass(coach, stranger, reason=reason)
    assert "reason" in refused.value.message_dict
    assert not BreakGlass.objects.exists()


def test_someone_who_can_already_see_the_record_is_refused(coach, team, stranger, intake):
    EpisodeFactory(team=team, person=stranger)
    with pytest.raises(ActionRefused, match="already see this record"):
        services.open_break_glass(coach, stranger, reason=REASON)
    with pytest.raises(ActionRefused, match="already see this record"):
        services.open_break_glass(intake, stranger, reason=REASON)
    assert not BreakGlass.objects.exists()


def test_a_person_outside_the_users_authorities_is_refused(coach):
    elsewhere = PersonFactory(authority=AuthorityFactory(code="W06000011", name="Swansea"))
    with pytest.raises(PermissionDenied, match="authority where you work"):
        services.open_break_glass(coach, elsewhere, reason=REASON)
    assert not BreakGlass.objects.exists()


def test_a_commissioner_cannot_open_a_record(team, stranger):
    commissioner = staff(Role.COMMISSIONER, team, email="commissioner@example.org")
    with pytest.raises(PermissionDenied):
        services.open_break_glass(commissioner, stranger, reason=REASON)


def test_every_read_under_an_open_is_flagged(coach, stranger, other_team):
    opened = services.open_break_glass(coach, stranger, reason=REASON)
    audit.record_access(coach, stranger, channel="web")
    audit.record_access_bulk(coach, [stranger], channel="web", what="a list")
    someone_else = staff(Role.EMPLOYMENT_SPECIALIST, other_team, email="else@example.org")
    audit.record_access(someone_else, stranger, channel="web", outcome=audit.DENIED)

    flagged = [e.additional_data.get("break_glass") for e in reads(stranger)]
    assert flagged == [opened.pk, opened.pk, opened.pk, None]
    trail = [audit.describe(e)["what"] for e in audit.person_trail(stranger)]
    assert f"person record (emergency open {opened.pk})" in trail


def test_the_dpo_of_the_home_authority_reviews_an_open(coach, stranger, dpo):
    opened = services.open_break_glass(coach, stranger, reason=REASON)

    reviewed = services.review_break_glass(dpo, opened, note="Confirmed with the GP; justified")

    assert reviewed.reviewed_by == dpo and reviewed.reviewed_at is not None
    assert reviewed.review_note == "Confirmed with the GP; justified"
    with pytest.raises(ActionRefused, match="already reviewed"):
        services.review_break_glass(dpo, opened, note="Again")


@pytest.mark.parametrize("role", [Role.ADMIN, Role.TEAM_MANAGER, Role.INTAKE_OFFICER])
def test_only_that_authoritys_dpo_may_review(coach, stranger, team, role):
    opened = services.open_break_glass(coach, stranger, reason=REASON)
    other_dpo = staff(
        Role.DATA_PROTECTION_OFFICER,
        TeamFactory(authority=AuthorityFactory(code="W06000011", name="Swansea")),
        email="swansea-dpo@example.org",
    )
    for reviewer in [staff(role, team, email=f"{role}@example.org"), other_dpo]:
        with pytest.raises(PermissionDenied, match="data protection officer"):
            services.review_break_glass(reviewer, opened, note="Looks fine")
    opened.refresh_from_db()
    assert opened.reviewed_at is None


def test_a_review_needs_a_note(coach, stranger, dpo):
    opened = services.open_break_glass(coach, stranger, reason=REASON)
    with pytest.raises(ValidationError):
        services.review_break_glass(dpo, opened, note="  ")


# --- the pages ---------------------------------------------------------------------------


def test_the_no_such_person_page_offers_an_emergency_open(client, coach, stranger):
    client.force_login(coach)
    page = client.get(f"/people/{stranger.pk}/")

    assert page.status_code == 404
    html = page.content.decode()
    assert "Open this record in an emergency" in html
    assert "Adebayo" not in html
    assert reads(stranger).last().additional_data["outcome"] == "denied"

    refused = client.post(f"/people/{stranger.pk}/break-glass/", {"reason": "urgent"})
    assert refused.status_code == 400
    assert "Say in a sentence why you need this record now" in refused.content.decode()

    done = client.post(f"/people/{stranger.pk}/break-glass/", {"reason": REASON})
    assert done.status_code == 302 and done["Location"] == f"/people/{stranger.pk}/"
    page = client.get(f"/people/{stranger.pk}/")
    assert page.status_code == 200
    assert "Adebayo" in page.content.decode()
    assert "You opened this record in an emergency" in page.content.decode()
    opened = BreakGlass.objects.get()
    assert reads(stranger).last().additional_data["break_glass"] == opened.pk
    # Read only: the record's edit page stays closed.
    assert client.get(f"/people/{stranger.pk}/edit/").status_code in (403, 404)


def test_the_api_reads_under_an_open_are_flagged_too(coach, stranger):
    opened = services.open_break_glass(coach, stranger, reason=REASON)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(coach.email).raw}")
    assert api.get(f"/api/v1/people/{stranger.pk}").status_code == 200
    assert reads(stranger).last().additional_data["break_glass"] == opened.pk


def test_no_emergency_open_is_offered_outside_the_users_authorities(client, coach):
    elsewhere = PersonFactory(authority=AuthorityFactory(code="W06000011", name="Swansea"))
    client.force_login(coach)

    page = client.get(f"/people/{elsewhere.pk}/")
    nobody = client.get("/people/999999/")

    assert page.status_code == nobody.status_code == 404
    assert "emergency" not in page.content.decode()
    assert "Page not found" in page.content.decode()
    assert "Page not found" in nobody.content.decode()
    assert client.post(f"/people/{elsewhere.pk}/break-glass/", {"reason": REASON}).status_code == (
        404
    )
    assert not BreakGlass.objects.exists()


def test_the_dpo_reviews_opens_oldest_first(client, coach, dpo, authority, team):
    first = services.open_break_glass(
        coach, PersonFactory(authority=authority, person_ref="C1"), reason=REASON
    )
    second = services.open_break_glass(
        coach, PersonFactory(authority=authority, person_ref="C2"), reason=REASON
    )
    BreakGlass.objects.filter(pk=first.pk).update(opened_at=timezone.now() - dt.timedelta(days=2))
    client.force_login(dpo)

    home = client.get("/audit/").content.decode()
    assert "2 emergency opens to review" in home
    page = client.get("/audit/break-glass/").content.decode()
    assert page.index("C1: opened by") < page.index("C2: opened by")
    assert REASON in page

    blank = client.post(f"/audit/break-glass/{first.pk}/review/", {f"review-{first.pk}-note": ""})
    assert blank.status_code == 400
    assert "Say what you checked and what you decided" in blank.content.decode()
    done = client.post(
        f"/audit/break-glass/{first.pk}/review/",
        {f"review-{first.pk}-note": "Checked with the caller; justified"},
    )
    assert done.status_code == 302
    first.refresh_from_db()
    assert first.reviewed_by == dpo
    assert "1 emergency open to review" in client.get("/audit/").content.decode()
    assert second.pk in [o.pk for o in BreakGlass.objects.filter(reviewed_at__isnull=True)]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EMPLOYMENT_SPECIALIST, Role.TEAM_MANAGER])
def test_the_review_page_is_for_the_dpo(client, team, coach, stranger, role):
    opened = services.open_break_glass(coach, stranger, reason=REASON)
    client.force_login(staff(role, team, email=f"{role}@example.org"))
    assert client.get("/audit/break-glass/").status_code == 403
    review = client.post(
        f"/audit/break-glass/{opened.pk}/review/", {f"review-{opened.pk}-note": "fine"}
    )
    assert review.status_code == 403
    opened.refresh_from_db()
    assert opened.reviewed_at is None


def test_another_authoritys_dpo_does_not_see_the_open(client, coach, stranger):
    opened = services.open_break_glass(coach, stranger, reason=REASON)
    swansea = TeamFactory(authority=AuthorityFactory(code="W06000011", name="Swansea"))
    client.force_login(staff(Role.DATA_PROTECTION_OFFICER, swansea, email="s@example.org"))
    assert stranger.person_ref not in client.get("/audit/break-glass/").content.decode()
    review = client.post(
        f"/audit/break-glass/{opened.pk}/review/", {f"review-{opened.pk}-note": "fine"}
    )
    assert review.status_code == 404
