"""The audit trail: every change and read of a person's record, append-only."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.html import escape

from pathways.core import audit
from pathways.core.audit import AuditTrailIsAppendOnly
from pathways.core.models import Team
from pathways.referrals import services
from tests.factories import PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_referral_changes_are_in_the_persons_trail(client, intake, coach, referral):
    client.force_login(intake)
    client.post(f"/referrals/{referral.pk}/accept/", {"version": referral.version})
    trail = [audit.describe(e) for e in audit.person_trail(referral.person)]
    updates = [e for e in trail if e["action"] == "update"]
    assert updates, trail
    assert updates[0]["who"] == intake.email
    assert updates[0]["changes"]["status"] == ["received", "accepted"]


def test_reads_and_refusals_are_recorded_with_who_and_where(client, coach, intake, referral):
    stranger = PersonFactory()
    client.force_login(intake)
    client.get(f"/people/{referral.person_id}/", REMOTE_ADDR="10.1.2.3")
    client.get(f"/people/{stranger.pk}/", REMOTE_ADDR="10.1.2.3")

    allowed = audit.describe(audit.person_trail(referral.person).first())
    assert allowed["action"] == "read" and allowed["outcome"] == "allowed"
    assert allowed["who"] == intake.email and allowed["from"] == "10.1.2.3"
    refused = audit.describe(audit.person_trail(stranger).first())
    assert refused["outcome"] == "denied" and refused["channel"] == "web"


def test_audit_entries_cannot_be_changed_or_deleted(intake, referral):
    entry = audit.record_access(intake, referral.person, channel="web")
    entry.additional_data = {"outcome": "allowed", "person_id": 0}
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.save()
    # Each attempt in its own savepoint, as a real request's transaction would be.
    with pytest.raises(AuditTrailIsAppendOnly), transaction.atomic():
        entry.delete()
    with pytest.raises(AuditTrailIsAppendOnly), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).delete()
    assert LogEntry.objects.filter(pk=entry.pk, additional_data__person_id=referral.person_id)


def test_dpo_sees_the_trail_and_refusals(client, team, intake, referral):
    from pathways.core.models import Role
    from tests.factories import staff

    dpo = staff(Role.DATA_PROTECTION_OFFICER, team)
    outsider = staff(Role.EMPLOYMENT_SPECIALIST, team)
    client.force_login(outsider)
    client.get(f"/people/{referral.person_id}/")  # allowed: a live referral to their team
    other = PersonFactory(authority=team.authority)
    client.get(f"/people/{other.pk}/")  # refused: unrelated
    services.accept_referral(intake, referral)

    client.force_login(dpo)
    home = client.get("/audit/").content.decode()
    assert other.person_ref in home and escape(outsider.get_full_name()) in home
    page = client.get(f"/audit/people/{referral.person_id}/").content.decode()
    assert escape(outsider.get_full_name()) in page and "Update" in page


def test_reading_a_trail_on_the_web_is_on_the_trail(client, team, referral):
    """As on the command line: the person can be shown that the DPO looked."""
    from pathways.core.models import Role
    from tests.factories import staff

    dpo = staff(Role.DATA_PROTECTION_OFFICER, team)
    client.force_login(dpo)
    assert client.get(f"/audit/people/{referral.person_id}/").status_code == 200
    [read] = audit.person_trail(referral.person).filter(
        actor=dpo, additional_data__what="audit trail"
    )
    assert read.additional_data["channel"] == "web"
    assert read.additional_data["outcome"] == audit.ALLOWED


def test_the_library_command_that_would_flush_the_trail_refuses(intake, referral):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    audit.record_access(intake, referral.person, channel="web")
    for args in ([], ["--truncate"], ["--yes"], ["--before-date", "2100-01-01", "--yes"]):
        with pytest.raises(CommandError, match="append-only"):
            call_command("auditlogflush", *args)
    assert audit.person_trail(referral.person).exists()


@pytest.mark.parametrize(
    ("batch", "row_by_row"), [(500, True), (3, False)], ids=["row-by-row", "alike-together"]
)
def test_scrubbing_keeps_the_entries_and_removes_the_values(
    intake, team, monkeypatch, django_assert_max_num_queries, batch, row_by_row
):
    """``scrub_values`` (erasure, decision 0023; set-aside help requests, 0058): the
    same result whether it updates each entry (few entries) or alike ones together."""
    monkeypatch.setattr(audit, "_BATCH", batch)
    teams = [TeamFactory(name=f"Philippa Quist's team {i}") for i in range(6)]
    audit.record_events(
        intake, teams, channel="cli", what="read", data=lambda t: {"note": "Philippa asked"}
    )
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Team),
        object_pk__in=[str(t.pk) for t in teams],
    )
    before = sorted((e.pk, e.action, e.actor_id, e.timestamp) for e in entries)
    assert any("Philippa" in str(e.changes) for e in entries)  # the CREATE entries

    with django_assert_max_num_queries(1 + -(-len(before) // batch)) as queries:
        assert audit.scrub_values(entries.all(), ["Philippa", ""]) == len(before)
    # Django's bulk_update writes a CASE per row; alike entries need none.
    assert any("CASE" in q["sql"] for q in queries.captured_queries) == row_by_row

    after = list(entries.all())
    assert sorted((e.pk, e.action, e.actor_id, e.timestamp) for e in after) == before
    for entry in after:
        assert entry.object_repr == audit.ERASED and entry.changes_text == ""
        assert "Philippa" not in str(entry.changes) and "Quist" not in str(entry.changes)
        if entry.action == LogEntry.Action.CREATE:
            assert entry.changes["name"] == [audit.ERASED, audit.ERASED]
        else:
            assert entry.additional_data["note"] == "(erased) asked"
            assert entry.additional_data["what"] == "read"
