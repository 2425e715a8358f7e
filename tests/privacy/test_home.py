"""The data protection officer's home page: what waits for them, and only for them."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.core.models import Role
from pathways.people.services import open_break_glass
from pathways.privacy.models import SubjectAccessRequest
from pathways.privacy.subject_access import log_subject_access_request
from tests.factories import PersonFactory, TeamFactory, staff
from tests.privacy.retention_data import closed_episode

pytestmark = pytest.mark.django_db

TODAY = dt.date.today  # called in each test: a run may cross midnight


def _waiting_work(team, dpo, someone):
    """An overdue request, a record long past its retention, an emergency open."""
    log_subject_access_request(
        dpo,
        someone,
        received_on=TODAY() - dt.timedelta(days=40),
        requested_by="Their advocate",
        received_how=SubjectAccessRequest.ReceivedHow.EMAIL,
    )
    closed_episode(team, TODAY() - dt.timedelta(days=365 * 8))
    outsider = staff(Role.EMPLOYMENT_SPECIALIST, TeamFactory(authority=team.authority))
    open_break_glass(
        outsider, someone, reason="Safeguarding call from the police about this person tonight"
    )


def test_the_dpo_sees_what_waits_with_a_link_to_each(client, team, dpo):
    someone = PersonFactory(authority=team.authority)
    client.force_login(dpo)
    before = client.get("/privacy/").content.decode()
    assert "0 open requests" in before and "0 records due for erasure" in before
    _waiting_work(team, dpo, someone)

    page = client.get("/privacy/").content.decode()
    assert "1 open request" in page and "1 overdue" in page
    assert "1 record due for erasure" in page
    assert "1 emergency open to review" in page
    for link in ("/privacy/subject-access/", "/privacy/retention/due/", "/audit/break-glass/"):
        assert f'href="{link}"' in page
    assert 'href="/privacy/">Data protection</a>' in client.get("/").content.decode()


def test_the_page_keeps_its_query_count_as_work_grows(
    client, team, dpo, django_assert_max_num_queries
):
    client.force_login(dpo)
    for _ in range(3):
        _waiting_work(team, dpo, PersonFactory(authority=team.authority))
    # 21 with the header's unread notifications count, asked once on every page.
    with django_assert_max_num_queries(21):
        assert client.get("/privacy/").status_code == 200


@pytest.mark.parametrize(
    "role", [Role.EMPLOYMENT_SPECIALIST, Role.TEAM_MANAGER, Role.COMMISSIONER, Role.INTAKE_OFFICER]
)
def test_others_are_refused_and_not_offered_the_link(client, team, role):
    client.force_login(staff(role, team, email=f"{role}@example.org"))
    assert client.get("/privacy/").status_code == 403
    assert "Data protection</a>" not in client.get("/").content.decode()


def test_an_admin_sees_subject_access_but_not_erasure(client, team, admin):
    client.force_login(admin)
    page = client.get("/privacy/").content.decode()
    assert "Subject access requests" in page
    assert "Retention and erasure" not in page
