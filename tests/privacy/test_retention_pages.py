"""The DPO's retention and erasure pages: the schedule, what is due, the requests and
each request's steps, refused to everyone else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pathways.core.audit import person_trail
from pathways.core.models import Role
from pathways.people.models import Person
from pathways.privacy import erasure, retention
from pathways.privacy.models import ErasureReason, ErasureRequest, ErasureStatus, RecordType
from tests.factories import EpisodeFactory, TeamFactory, staff
from tests.privacy.retention_data import claimed, closed_episode, dpo

pytestmark = pytest.mark.django_db

OLD = dt.date(2015, 3, 1)


@pytest.fixture
def officer(team, client):
    user = dpo(team)
    client.force_login(user)
    return user


def test_the_schedule_page_shows_the_rules_and_what_they_mean(client, officer):
    page = client.get(reverse("privacy:retention_schedule"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Person who had an episode of support" in text
    assert "6 years" in text and "2 years" in text
    assert "referred but never had an episode" in text


def test_the_dpo_changes_a_rule_on_its_page(client, officer):
    rule = next(r for r in retention.schedule(officer) if r.record_type == RecordType.SUPPORTED)
    url = reverse("privacy:retention_rule", args=[rule.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"years": "0", "starts_from": "last_closure", "version": rule.version})
    assert bad.status_code == 400
    assert "Years must be 1 or more" in bad.content.decode()
    done = client.post(url, {"years": "7", "starts_from": "last_closure", "version": rule.version})
    assert done.status_code == 302
    rule.refresh_from_db()
    assert rule.years == 7
    stale = client.post(url, {"years": "9", "starts_from": "last_closure", "version": 1})
    assert stale.status_code == 409


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.DATA_PROTECTION_OFFICER])
def test_every_page_refuses_anyone_but_the_dpo(client, team, role):
    someone = closed_episode(team, OLD)
    owner = dpo(team)
    rule = retention.schedule(owner)[0]
    request = erasure.propose_erasure(owner, someone, reason=ErasureReason.RETENTION_DUE)
    client.force_login(staff(role, team))
    for name in ("retention_schedule", "retention_due", "erasure_requests"):
        assert client.get(reverse(f"privacy:{name}")).status_code == 403, name
    assert client.get(reverse("privacy:retention_rule", args=[rule.pk])).status_code == 404
    assert client.get(reverse("privacy:erasure_propose", args=[someone.pk])).status_code == 404
    approve = reverse("privacy:erasure_approve", args=[request.pk])
    assert client.post(approve, {"approve-confirm": "on"}).status_code == 404
    request.refresh_from_db()
    assert request.status == ErasureStatus.PROPOSED
    refused = person_trail(someone).filter(additional_data__outcome="denied")
    assert refused.count() == 2


def test_a_dpo_of_another_authority_gets_404_and_the_look_is_audited(client, team):
    someone = closed_episode(team, OLD)
    request = erasure.propose_erasure(dpo(team), someone, reason=ErasureReason.RETENTION_DUE)
    stranger = dpo(TeamFactory(), "elsewhere@example.org")
    client.force_login(stranger)
    assert client.get(reverse("privacy:erasure_request", args=[request.pk])).status_code == 404
    assert client.get(reverse("privacy:erasure_propose", args=[someone.pk])).status_code == 404
    post = client.post(reverse("privacy:erasure_carry_out", args=[request.pk]), {"confirm": "on"})
    assert post.status_code == 404
    refused = person_trail(someone).filter(actor=stranger)
    assert refused.count() == 3
    assert {e.additional_data["outcome"] for e in refused} == {"denied"}


def test_the_due_list_names_people_and_audits_the_read(client, team, officer):
    someone = closed_episode(team, OLD)
    closed_episode(team, dt.date.today() - dt.timedelta(days=30))
    page = client.get(reverse("privacy:retention_due"))
    text = page.content.decode()
    assert someone.full_name in text
    assert "1 person due" in text
    assert person_trail(someone).filter(additional_data__what="due for erasure").exists()


def test_the_due_list_takes_a_fixed_number_of_queries(
    client, team, officer, django_assert_max_num_queries
):
    for year in (2010, 2011, 2012, 2013):
        closed_episode(team, dt.date(year, 1, 1))
    for year in (2014, 2015):
        claimed(closed_episode(team, dt.date(year, 1, 1)), contract_ref=f"SE-{year}")
    client.get(reverse("privacy:retention_due"))  # the rules exist
    with django_assert_max_num_queries(12):
        page = client.get(reverse("privacy:retention_due"))
    assert page.content.decode().count("Propose erasure") == 4
    assert page.content.decode().count("Kept: payment evidence") == 2


def test_the_requests_list_takes_a_fixed_number_of_queries(
    client, team, officer, django_assert_max_num_queries
):
    for year in (2010, 2011, 2012, 2013):
        erasure.propose_erasure(
            officer, closed_episode(team, dt.date(year, 1, 1)), reason=ErasureReason.RETENTION_DUE
        )
    with django_assert_max_num_queries(10):
        page = client.get(reverse("privacy:erasure_requests"))
    assert page.content.decode().count("Retention period over") == 4


def test_propose_approve_and_carry_out_through_the_pages(client, team, officer):
    someone = closed_episode(team, OLD)
    name = someone.full_name
    propose = reverse("privacy:erasure_propose", args=[someone.pk])
    done = client.post(propose, {"reason": "retention_due", "notes": "Daily list"})
    assert done.status_code == 302
    request = ErasureRequest.objects.get()
    page = reverse("privacy:erasure_request", args=[request.pk])
    assert done["Location"] == page

    carry_out = reverse("privacy:erasure_carry_out", args=[request.pk])
    early = client.post(carry_out, {"confirm": "on"})
    assert early.status_code == 302  # back to the request: not approved yet
    assert Person.objects.get(pk=someone.pk).full_name == name

    unconfirmed = client.post(reverse("privacy:erasure_approve", args=[request.pk]), {})
    assert unconfirmed.status_code == 400
    assert "Confirm that you have checked" in unconfirmed.content.decode()
    client.post(reverse("privacy:erasure_approve", args=[request.pk]), {"approve-confirm": "on"})
    request.refresh_from_db()
    assert request.status == ErasureStatus.APPROVED

    confirm = client.get(carry_out)
    assert "This cannot be undone" in confirm.content.decode()
    not_ticked = client.post(carry_out, {})
    assert not_ticked.status_code == 400
    assert Person.objects.get(pk=someone.pk).full_name == name
    assert client.post(carry_out, {"confirm": "on"}).status_code == 302
    request.refresh_from_db()
    assert request.status == ErasureStatus.CARRIED_OUT
    assert name not in client.get(page).content.decode()
    assert name not in client.get(reverse("privacy:erasure_requests")).content.decode()


def test_a_record_that_is_payment_evidence_cannot_be_proposed_for_erasure(client, team, officer):
    someone = closed_episode(team, OLD)
    claimed(someone, contract_ref="SE-2025-07")
    propose = reverse("privacy:erasure_propose", args=[someone.pk])
    page = client.get(propose).content.decode()
    assert "evidence for payments under a contract" in page
    assert "contract SE-2025-07" in page
    assert "Propose erasure</button>" not in page
    refused = client.post(
        propose,
        {"reason": "subject_request", "override_reason": "The person insists"},
    )
    assert refused.status_code == 400
    assert "no override lifts this" in refused.content.decode()
    assert not ErasureRequest.objects.exists()


def test_a_subject_request_starts_from_the_client_reference(client, team, officer):
    someone = EpisodeFactory(team=team).person
    found = client.get(reverse("privacy:erasure_find"), {"ref": someone.person_ref.lower()})
    assert found.status_code == 302
    form = client.get(found["Location"])
    assert "support is still being given" in form.content.decode()
    refused = client.post(found["Location"], {"reason": "subject_request"})
    assert refused.status_code == 400
    assert "cannot be erased" in refused.content.decode()
    missing = client.get(reverse("privacy:erasure_find"), {"ref": "NOPE"})
    assert missing.status_code == 400
    assert "No one in your authority has that client reference" in missing.content.decode()


def test_refusing_a_request_through_its_page(client, team, officer):
    request = erasure.propose_erasure(
        officer, closed_episode(team, OLD), reason=ErasureReason.RETENTION_DUE
    )
    refuse = reverse("privacy:erasure_refuse", args=[request.pk])
    assert client.post(refuse, {"refuse-reason": ""}).status_code == 400
    assert client.post(refuse, {"refuse-reason": "Legal claim pending"}).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.refusal_reason) == ("refused", "Legal claim pending")


def test_the_audit_page_of_an_erased_person_shows_the_erasure_and_no_name(client, team, officer):
    someone = closed_episode(team, OLD)
    name, ref = someone.full_name, someone.person_ref
    request = erasure.propose_erasure(officer, someone, reason=ErasureReason.RETENTION_DUE)
    erasure.carry_out_erasure(officer, erasure.approve_erasure(officer, request), confirmed=True)
    page = client.get(reverse("audit-person", args=[someone.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "erased" in text
    assert name not in text
    assert ref not in text
