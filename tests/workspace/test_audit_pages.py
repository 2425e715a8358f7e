"""The audit pages as the data protection officer uses them: staff named, times in UK
time, filters, pages of 50 that stay put, and a person's trail as CSV for a subject
access request, for exactly the people who may see the trail."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re

import pytest
from auditlog.models import LogEntry

from pathways.core import audit
from pathways.core.models import Role
from tests.factories import AuthorityFactory, PersonFactory, ReferralFactory, TeamFactory, staff

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def dpo(team):
    return staff(
        Role.DATA_PROTECTION_OFFICER,
        team,
        email="dpo@example.org",
        first_name="Dana",
        last_name="Pryce",
    )


@pytest.fixture
def priya(team):
    return staff(
        Role.EMPLOYMENT_SPECIALIST,
        team,
        email="p.okafor@example.org",
        first_name="Priya",
        last_name="Okafor",
    )


@pytest.fixture
def sam(team):
    return PersonFactory(authority=team.authority, person_ref="C777001")


def entry(
    person,
    actor,
    *,
    at,
    what="person record",
    channel="web",
    action=LogEntry.Action.ACCESS,
    outcome=audit.ALLOWED,
    changes=None,
):
    """An entry at a chosen moment (the trail's own functions always use "now")."""
    data = {"person_id": person.pk, "what": what, "outcome": outcome}
    if channel is not None:
        data["channel"] = channel
    return LogEntry.objects.log_create(
        person,
        force_log=True,
        action=action,
        actor=actor,
        actor_email=actor.email if actor else None,
        timestamp=at,
        changes=changes,
        additional_data=data,
    )


def text(response) -> str:
    return html.unescape(response.content.decode())


def whats(response) -> list[str]:
    """The "entry N" names in the page's table, top to bottom."""
    return re.findall(r"entry \d+", text(response))


# --- names and times ----------------------------------------------------------------


def test_the_trail_names_staff_and_never_shows_their_email(client, dpo, priya, sam, team):
    entry(sam, priya, at=dt.datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    nameless = staff(Role.EMPLOYMENT_SPECIALIST, team, first_name="", last_name="")
    entry(sam, nameless, at=dt.datetime(2026, 11, 3, 10, 0, tzinfo=UTC))
    client.force_login(dpo)

    page = text(client.get(f"/audit/people/{sam.pk}/"))

    assert "Priya Okafor" in page
    assert "p.okafor@example.org" not in page
    # Someone whose account has no name is known by their email.
    assert nameless.email in page
    assert "Dana Pryce" in page  # the officer's own read, first


@pytest.mark.parametrize(
    ("utc", "shown"),
    [
        # British Summer Time: an hour ahead of UTC.
        (dt.datetime(2026, 7, 1, 18, 22, tzinfo=UTC), "1 July 2026, 19:22"),
        (dt.datetime(2026, 12, 4, 19, 22, tzinfo=UTC), "4 December 2026, 19:22"),
    ],
)
def test_times_are_uk_local_time_written_out(client, dpo, priya, sam, utc, shown):
    entry(sam, priya, at=utc)
    client.force_login(dpo)

    page = text(client.get(f"/audit/people/{sam.pk}/"))

    assert shown in page
    assert "2026-12-0419:22" not in page


def test_the_audit_home_names_who_was_refused_in_uk_time(client, dpo, priya, team):
    stranger = PersonFactory(authority=team.authority, person_ref="C777002")
    entry(
        stranger,
        priya,
        at=dt.datetime(2026, 8, 10, 8, 5, tzinfo=UTC),
        outcome=audit.DENIED,
    )
    client.force_login(dpo)

    page = text(client.get("/audit/"))

    assert "Priya Okafor" in page and "p.okafor@example.org" not in page
    assert "10 August 2026, 09:05" in page
    assert "C777002" in page


def test_the_audit_home_lists_only_refusals_in_the_officers_authorities(client, dpo, priya):
    elsewhere = PersonFactory(authority=AuthorityFactory(), person_ref="C999999")
    entry(elsewhere, priya, at=dt.datetime(2026, 8, 10, 8, 5, tzinfo=UTC), outcome=audit.DENIED)
    client.force_login(dpo)

    page = text(client.get("/audit/"))

    assert "C999999" not in page
    assert "No refused reads." in page


# --- filters --------------------------------------------------------------------------


@pytest.fixture
def varied_trail(sam, priya, team):
    """One entry of each kind, named so a test can tell them apart."""
    colleague = staff(Role.TEAM_MANAGER, team, first_name="Tom", last_name="Achebe")
    at = dt.datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    entry(sam, priya, at=at, what="entry 1")
    entry(sam, priya, at=at + dt.timedelta(days=10), what="entry 2", channel="api")
    entry(sam, colleague, at=at + dt.timedelta(days=20), what="entry 3", channel="cli")
    # A change of the record: django-auditlog records no channel on it.
    entry(
        sam,
        colleague,
        at=at + dt.timedelta(days=30),
        what="entry 4",
        channel=None,
        action=LogEntry.Action.UPDATE,
        changes={"family_name": ["Jones", "Jonas"]},
    )
    # 23:30 UTC on 30 June is 00:30 on 1 July in London.
    entry(sam, priya, at=dt.datetime(2026, 6, 30, 23, 30, tzinfo=UTC), what="entry 5")
    return colleague


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["entry 4", "entry 5", "entry 3", "entry 2", "entry 1"]),
        ({"channel": "api"}, ["entry 2"]),
        ({"channel": "cli"}, ["entry 3"]),
        # Changes carry no channel and count as the web's.
        ({"channel": "web"}, ["entry 4", "entry 5", "entry 1"]),
        ({"action": "update"}, ["entry 4"]),
        ({"action": "delete"}, []),
        # UK days: the 00:30 BST read on 1 July is on 1 July, not 30 June.
        (
            {"since_0": "21", "since_1": "6", "since_2": "2026", "until_0": "30"}
            | {"until_1": "6", "until_2": "2026"},
            ["entry 3"],
        ),
        ({"since_0": "1", "since_1": "7", "since_2": "2026"}, ["entry 4", "entry 5"]),
    ],
)
def test_filters_narrow_the_trail(client, dpo, sam, varied_trail, params, expected):
    client.force_login(dpo)

    response = client.get(f"/audit/people/{sam.pk}/", params)

    assert response.status_code == 200
    assert whats(response) == expected


def test_filter_by_who(client, dpo, sam, priya, varied_trail):
    client.force_login(dpo)

    response = client.get(f"/audit/people/{sam.pk}/", {"who": priya.pk})

    assert whats(response) == ["entry 5", "entry 2", "entry 1"]
    # Only the staff on this trail are offered, by name.
    page = text(response)
    assert '<option value="">Anyone</option>' in page
    assert "Priya Okafor</option>" in page and "Tom Achebe</option>" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since_0": "31", "since_1": "2", "since_2": "2026"}, "start date must be a real date"),
        ({"since_0": "1", "since_1": "", "since_2": "2026"}, "must include a day, month and year"),
        (
            {"since_0": "2", "since_1": "7", "since_2": "2026"}
            | {"until_0": "1", "until_1": "7", "until_2": "2026"},
            "The end date must be the same as or after the start date",
        ),
        ({"since_0": "1", "since_1": "1", "since_2": "2999"}, "must be today or in the past"),
        ({"channel": "fax"}, "Choose how from the list"),
        ({"who": "999999"}, "Choose someone from the list"),
    ],
)
def test_wrong_filters_are_explained(client, dpo, sam, varied_trail, params, message):
    client.force_login(dpo)

    response = client.get(f"/audit/people/{sam.pk}/", params)

    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page and message in page
    assert whats(response) == []


def test_the_audit_home_filters_refusals_by_who(client, dpo, priya, team):
    other = staff(Role.EMPLOYMENT_SPECIALIST, team, first_name="Omar", last_name="Reyes")
    at = dt.datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
    entry(PersonFactory(authority=team.authority), priya, at=at, outcome=audit.DENIED)
    entry(PersonFactory(authority=team.authority), other, at=at, outcome=audit.DENIED)
    client.force_login(dpo)

    page = text(client.get("/audit/", {"who": other.pk}))

    assert "1 refused attempt," in page
    assert "Omar Reyes</td>" in page and "Priya Okafor</td>" not in page


# --- paging ---------------------------------------------------------------------------


def many(person, actor, n, start=dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC), **kwargs):
    for i in range(n):
        entry(person, actor, at=start + dt.timedelta(hours=i), what=f"entry {i}", **kwargs)


def next_link(response) -> str | None:
    found = re.search(r'href="([^"]+)" rel="next"', response.content.decode())
    return html.unescape(found.group(1)) if found else None


def test_a_long_trail_comes_fifty_to_a_page_and_pages_stay_put(client, dpo, priya, sam):
    many(sam, priya, 120)
    client.force_login(dpo)
    url = f"/audit/people/{sam.pk}/"

    seen: list[str] = []
    response = client.get(url)
    pages = 1
    # The officer's own read and the record's creation come first.
    assert len(whats(response)) == 48
    seen += whats(response)
    while link := next_link(response):
        # Someone reads the record between pages: nothing moves.
        audit.record_access(priya, sam, channel="web")
        response = client.get(url + link)
        seen += whats(response)
        pages += 1

    assert pages == 3
    assert len(seen) == len(set(seen)) == 120
    assert seen[0] == "entry 119" and seen[-1] == "entry 0"


def test_a_page_number_past_the_end_shows_the_last_page(client, dpo, priya, sam):
    many(sam, priya, 60)
    client.force_login(dpo)

    response = client.get(f"/audit/people/{sam.pk}/", {"page": "99"})

    assert response.status_code == 200
    assert whats(response)[-1] == "entry 0"


def test_the_trail_costs_the_same_queries_whatever_its_length_or_page(
    client, dpo, priya, sam, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/audit/people/{sam.pk}/"
    many(sam, priya, 5)
    client.force_login(dpo)
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    queries = len(first)  # now: the log it counts is emptied at each request
    many(sam, priya, 200, start=dt.datetime(2026, 3, 1, tzinfo=UTC))
    with django_assert_num_queries(queries):
        response = client.get(url)
    later = next_link(client.get(url + next_link(response)))
    with django_assert_num_queries(queries):
        assert len(whats(client.get(url + later))) == 50


def test_the_audit_home_pages_refusals_at_a_fixed_query_count(
    client, dpo, priya, team, django_assert_num_queries, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people = PersonFactory.create_batch(3, authority=team.authority)
    for person in people:
        many(person, priya, 2, outcome=audit.DENIED)
    client.force_login(dpo)
    client.get("/audit/")
    with CaptureQueriesContext(connection) as first:
        client.get("/audit/")
    queries = len(first)
    for person in PersonFactory.create_batch(40, authority=team.authority):
        many(person, priya, 2, outcome=audit.DENIED)
    with django_assert_num_queries(queries):
        response = client.get("/audit/")
    assert "86 refused attempts" in text(response)
    # Later pages know where the list stops (``upto``): one query fewer, no more.
    with django_assert_max_num_queries(queries):
        later = text(client.get("/audit/" + next_link(response)))
    assert later.count("Priya Okafor</td>") == 36


# --- who may see a trail ------------------------------------------------------------


@pytest.mark.parametrize("url", ["/audit/people/{pk}/", "/audit/people/{pk}/trail.csv"])
def test_a_coach_who_works_with_the_person_may_not_see_their_trail(client, team, priya, sam, url):
    ReferralFactory(team=team, person=sam)  # Priya may read Sam's record, not its trail
    entry(sam, priya, at=dt.datetime(2026, 11, 2, 10, 0, tzinfo=UTC), what="entry 1")
    client.force_login(priya)

    response = client.get(url.format(pk=sam.pk))

    assert response.status_code == 403
    assert "entry 1" not in response.content.decode()
    refused = audit.person_trail(sam).filter(actor=priya, additional_data__outcome="denied")
    assert refused.get().additional_data["what"] == "audit trail"


def test_a_data_protection_officer_of_another_authority_is_refused(client, sam):
    elsewhere = staff(Role.DATA_PROTECTION_OFFICER, TeamFactory(authority=AuthorityFactory()))
    client.force_login(elsewhere)

    assert client.get(f"/audit/people/{sam.pk}/").status_code == 403
    assert client.get(f"/audit/people/{sam.pk}/trail.csv").status_code == 403


# --- the CSV for a subject access request --------------------------------------------


def download(client, person, **params):
    response = client.get(f"/audit/people/{person.pk}/trail.csv", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_trail_downloads_as_csv_with_names_and_uk_times(client, dpo, priya, sam):
    entry(
        sam,
        priya,
        at=dt.datetime(2026, 7, 1, 18, 22, 5, tzinfo=UTC),
        action=LogEntry.Action.UPDATE,
        channel=None,
        what="",
        changes={"family_name": ["Jones", "Jonas"]},
    )
    client.force_login(dpo)

    header, export, _created, change = download(client, sam)

    assert header == [
        "When (UK time)",
        "Who",
        "Did",
        "What",
        "How",
        "Outcome",
        "From",
        "Changes",
    ]
    # The export is on the trail, and so in the file it makes.
    assert export[1:6] == ["Dana Pryce", "read", "audit trail", "Export", "allowed"]
    assert change[:3] == ["2026-07-01 19:22:05", "Priya Okafor", "update"]
    assert change[7] == "family_name: Jones → Jonas"
    exported = audit.person_trail(sam).filter(actor=dpo, additional_data__channel="export")
    assert exported.get().additional_data["what"] == "audit trail"


def test_a_formula_in_the_trail_stays_text_in_the_csv(client, dpo, priya, sam):
    entry(sam, priya, at=dt.datetime(2026, 7, 1, tzinfo=UTC), what='=HYPERLINK("http://x.test")')
    client.force_login(dpo)

    rows = download(client, sam)

    assert rows[-1][3] == '\'=HYPERLINK("http://x.test")'


def test_the_csv_keeps_the_pages_filters(client, dpo, sam, varied_trail):
    client.force_login(dpo)
    page = text(client.get(f"/audit/people/{sam.pk}/", {"channel": "api"}))
    assert f"/audit/people/{sam.pk}/trail.csv?channel=api" in page

    rows = download(client, sam, channel="api")

    assert [row[3] for row in rows[1:]] == ["entry 2"]


def test_a_csv_with_wrong_filters_goes_back_to_the_page_to_explain(client, dpo, sam):
    client.force_login(dpo)

    response = client.get(f"/audit/people/{sam.pk}/trail.csv", {"channel": "fax"})

    assert response.status_code == 302
    assert response["Location"] == f"/audit/people/{sam.pk}/?channel=fax"
    assert not audit.person_trail(sam).filter(additional_data__channel="export").exists()
