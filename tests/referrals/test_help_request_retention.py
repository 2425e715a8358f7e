"""Help requests set aside as not real are kept
``PATHWAYS_HELP_REQUEST_SET_ASIDE_KEEP_DAYS`` days, then ``pathways daily`` deletes
them, blanks the values on their audit entries and records the deletion (decision
0058). Requests still new, and requests referred, are never deleted."""

from __future__ import annotations

import datetime as dt
import json
import time
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from pathways.referrals import help_requests
from pathways.referrals.help_requests import form_started_token, purge_set_aside
from pathways.referrals.models import HelpRequest

pytestmark = pytest.mark.django_db


def receive(authority, n: int, given_name: str = "Jordan") -> HelpRequest:
    request = help_requests.receive_help_request(
        authority,
        {
            "given_name": given_name,
            "family_name": "Asante",
            "email": f"{given_name.lower()}@example.com",
            "phone": "",
            "postcode": "e15 4ht",
            "wants": "A job in a café, mornings.",
            "care_and_support": "yes",
            "website": "",
            "form_started": form_started_token(time.time() - 60),
        },
        remote_addr=f"203.0.113.{n}",
    )
    assert request is not None
    return request


def set_aside(intake, request: HelpRequest, days_ago: int, reason: str = "Spam") -> HelpRequest:
    help_requests.set_aside(intake, request, reason=reason, expected_version=request.version)
    when = timezone.now() - dt.timedelta(days=days_ago)
    HelpRequest.objects.filter(pk=request.pk).update(received_at=when, dealt_with_at=when)
    return request


def age(request: HelpRequest, days: int) -> None:
    HelpRequest.objects.filter(pk=request.pk).update(
        received_at=timezone.now() - dt.timedelta(days=days)
    )


def left() -> set[str]:
    return set(HelpRequest.objects.values_list("given_name", flat=True))


def test_old_set_aside_requests_go_and_recent_or_live_ones_stay(authority, intake, settings):
    settings.PATHWAYS_HELP_REQUEST_SET_ASIDE_KEEP_DAYS = 90
    set_aside(intake, receive(authority, 1, "Old"), 120)
    set_aside(intake, receive(authority, 2, "Older"), 400)
    set_aside(intake, receive(authority, 3, "Recent"), 60)
    age(receive(authority, 4, "Waiting"), 400)  # never dealt with: an officer must
    assert purge_set_aside(timezone.localdate()) == 2
    assert left() == {"Recent", "Waiting"}
    assert purge_set_aside(timezone.localdate()) == 0


def test_a_referred_request_stays(authority, team, intake, settings):
    settings.PATHWAYS_HELP_REQUEST_SET_ASIDE_KEEP_DAYS = 90
    referred = receive(authority, 1, "Referred")
    help_requests.refer_as_new_person(
        intake,
        referred,
        team=team,
        person_ref="C1",
        date_of_birth=dt.date(1990, 3, 27),
        expected_version=1,
    )
    age(referred, 400)
    assert purge_set_aside(timezone.localdate()) == 0
    assert left() == {"Referred"}


def test_the_setting_decides_how_long(authority, intake, settings):
    set_aside(intake, receive(authority, 1), 40)
    settings.PATHWAYS_HELP_REQUEST_SET_ASIDE_KEEP_DAYS = 90
    assert purge_set_aside(timezone.localdate()) == 0
    settings.PATHWAYS_HELP_REQUEST_SET_ASIDE_KEEP_DAYS = 30
    assert purge_set_aside(timezone.localdate()) == 1
    assert left() == set()


def test_the_deletion_is_on_the_trail_and_the_values_are_not(client, authority, intake, settings):
    settings.PATHWAYS_HELP_REQUEST_SET_ASIDE_KEEP_DAYS = 90
    request = receive(authority, 1, "Zebedee")
    client.force_login(intake)
    page = reverse("referrals:help-request", args=[request.pk])
    assert "Zebedee" in client.get(page).content.decode()
    set_aside(intake, request, 100, reason="Zebedee Asante testing the form")
    set_aside_on = timezone.localdate(HelpRequest.objects.get(pk=request.pk).dealt_with_at)
    trail = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(HelpRequest), object_pk=str(request.pk)
    )
    before = {(e.action, e.actor_id, e.timestamp) for e in trail}
    assert any("Zebedee" in str(e.changes) for e in trail)

    assert purge_set_aside(timezone.localdate()) == 1

    assert client.get(page).status_code == 404
    entries = list(trail.all())  # read again, not the rows read before
    # Who created, read and set it aside, and when, is kept; not what it said.
    assert before <= {(e.action, e.actor_id, e.timestamp) for e in entries}
    everything = " ".join(
        f"{e.object_repr} {e.changes} {e.changes_text} {e.serialized_data} {e.additional_data}"
        for e in entries
    )
    for value in ("Zebedee", "Asante", "zebedee@example.com", "testing the form", "café"):
        assert value not in everything
    (deleted,) = [e for e in entries if "deleted" in (e.additional_data or {}).get("what", "")]
    assert deleted.additional_data["what"] == "help request deleted: set aside as not real"
    assert deleted.additional_data["authority_id"] == authority.pk
    assert deleted.additional_data["kept_days"] == 90
    assert deleted.additional_data["set_aside_on"] == set_aside_on.isoformat()
    assert deleted.actor is None and deleted.additional_data["channel"] == "cli"
    # The deletion itself copies no values into a new entry.
    assert not trail.filter(action=LogEntry.Action.DELETE).exists()


def test_the_daily_run_deletes_them_and_says_how_many(authority, intake, settings):
    settings.PATHWAYS_HELP_REQUEST_SET_ASIDE_KEEP_DAYS = 90
    set_aside(intake, receive(authority, 1, "Old"), 100)
    set_aside(intake, receive(authority, 2, "Recent"), 10)
    out = StringIO()
    call_command("daily", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["deleted"]["help_requests_set_aside"] == 1
    assert left() == {"Recent"}
    set_aside(intake, receive(authority, 3, "Another"), 100)
    out = StringIO()
    call_command("daily", stdout=out)
    assert "help requests set aside as not real 1." in out.getvalue()


def test_a_purge_leaves_what_the_kept_entries_say_whole(client, authority, intake, settings):
    """A one-letter name must not be cut out of every entry kept ("h(erased)lp")."""
    settings.PATHWAYS_HELP_REQUEST_SET_ASIDE_KEEP_DAYS = 90
    client.force_login(intake)
    requests = [receive(authority, 1, "e"), receive(authority, 2, "a")]
    for request in requests:
        client.get(reverse("referrals:help-request", args=[request.pk]))
        set_aside(intake, request, 100)
    assert purge_set_aside(timezone.localdate()) == 2
    kept = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(HelpRequest),
        object_pk__in=[str(r.pk) for r in requests],
    )
    whats = {e.additional_data["what"] for e in kept if (e.additional_data or {}).get("what")}
    assert "help request" in whats
    assert "help request deleted: set aside as not real" in whats
    assert not any("erased" in json.dumps(e.additional_data) for e in kept)
