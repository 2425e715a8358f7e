"""The user voice report: how many said happy, okay and not happy per team and quarter;
a team manager's own teams, a commissioner's authority under the small-number rules and
without the words, the page, its rows, ``pathways report user-voice``, who is refused,
and in how many queries (decision 0048)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pathways.casework.feedback import give_feedback
from pathways.core.models import Role
from pathways.reporting import user_voice
from tests.factories import AuthorityFactory, EpisodeFactory, TeamFactory, staff

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return dt.date.today()


def days_ago(n: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


def period() -> tuple[dt.date, dt.date]:
    return today() - dt.timedelta(days=200), today()


def query(authority_code: str = "") -> str:
    start, end = period()
    return (
        f"authority={authority_code}&start_0={start.day}&start_1={start.month}"
        f"&start_2={start.year}&end_0={end.day}&end_1={end.month}&end_2={end.year}"
    )


def say(team, feeling: str, words: str = "", *, ago: int = 2, person=None):
    """Someone supported by ``team`` says how it is going, ``ago`` days ago."""
    if person is None:
        person = EpisodeFactory(team=team, started_on=today() - dt.timedelta(days=300)).person
    return give_feedback(person, by=None, feeling=feeling, words=words, at=days_ago(ago))


@pytest.fixture
def commissioner(authority):
    return staff(Role.COMMISSIONER, TeamFactory(authority=authority), email="comm@example.org")


@pytest.fixture
def voices(team, other_team):
    """Supported Employment: 6 happy, 2 okay, 1 not happy (with words) this week;
    IPS: 5 happy, 5 not happy."""
    for _ in range(6):
        say(team, "happy")
    say(team, "okay")
    say(team, "okay", "The bus is late a lot")
    say(team, "not_happy", "I want a new coach")
    for _ in range(5):
        say(other_team, "happy")
        say(other_team, "not_happy")


# --- the figures -------------------------------------------------------------------------


class TestFigures:
    def test_counts_and_share_happy_per_team_and_quarter(self, authority, team, voices):
        data = user_voice.summary([authority], *period())
        se = data["by_team"]["SE1"]
        assert (se["happy"], se["okay"], se["not_happy"], se["given"]) == (6, 2, 1, 9)
        assert se["share_happy"] == "66.7"
        this_quarter = se["by_quarter"][user_voice.quarter_of(today() - dt.timedelta(days=2))]
        assert this_quarter["given"] == 9
        assert (data["given"], data["happy"], data["share_happy"]) == (19, 11, "57.9")

    def test_every_quarter_of_the_period_is_listed_with_its_zeros(self, authority, team):
        say(team, "happy", ago=2)
        say(team, "okay", ago=190)
        data = user_voice.summary([authority], *period())
        by_quarter = data["by_team"]["SE1"]["by_quarter"]
        assert list(by_quarter) == user_voice.quarters(*period())
        assert sum(q["given"] for q in by_quarter.values()) == 2
        assert len(by_quarter) >= 3

    def test_feedback_outside_the_period_or_authority_is_not_counted(self, authority, team):
        say(team, "happy", ago=250)
        elsewhere = TeamFactory(authority=AuthorityFactory())
        say(elsewhere, "happy")
        assert user_voice.summary([authority], *period())["given"] == 0

    def test_it_counts_for_the_team_that_had_the_case_then(self, authority, team, other_team):
        given = say(team, "happy")
        given.episode.team = other_team
        given.episode.save()
        data = user_voice.summary([authority], *period())
        assert list(data["by_team"]) == ["SE1"]

    def test_a_team_manager_sees_only_their_own_teams(self, authority, manager, voices):
        data = user_voice.summary([authority], *period(), viewer=manager)
        assert list(data["by_team"]) == ["SE1"]
        assert data["given"] == 9

    @pytest.mark.parametrize(
        ("day", "quarter"),
        [
            (dt.date(2026, 4, 1), "2026-27 Q1"),
            (dt.date(2026, 6, 30), "2026-27 Q1"),
            (dt.date(2026, 12, 31), "2026-27 Q3"),
            (dt.date(2027, 1, 1), "2026-27 Q4"),
            (dt.date(2027, 3, 31), "2026-27 Q4"),
        ],
    )
    def test_financial_quarters(self, day, quarter):
        assert user_voice.quarter_of(day) == quarter


class TestSmallNumbers:
    def test_small_counts_are_shown_as_under_5(self, authority, voices):
        shown = user_voice.disclose(user_voice.summary([authority], *period()), 5).marked()
        se = shown["by_team"]["SE1"]
        assert (se["okay"], se["not_happy"], se["happy"], se["given"]) == ("<5", "<5", 6, 9)
        ips = shown["by_team"]["IPS1"]
        assert (ips["happy"], ips["not_happy"], ips["share_happy"]) == (5, 5, "50.0")

    def test_a_small_count_cannot_be_worked_out_from_the_total(self, authority, team):
        for _ in range(6):
            say(team, "happy")
        say(team, "not_happy")
        shown = user_voice.disclose(user_voice.summary([authority], *period()), 5).marked()
        se = shown["by_team"]["SE1"]
        assert se["not_happy"] == "<5"
        assert se["happy"] == "hidden"  # else 7 given - 6 happy - 0 okay gives it away
        assert se["share_happy"] == "hidden"
        assert se["given"] == 7

    def test_exact_for_viewers_who_work_with_the_people(self, authority, voices):
        shown = user_voice.disclose(user_voice.summary([authority], *period()), None).marked()
        assert shown["by_team"]["SE1"]["not_happy"] == 1


# --- the page ----------------------------------------------------------------------------


class TestPage:
    def test_the_team_manager_reads_numbers_and_words_and_the_read_is_audited(
        self, client, manager, voices
    ):
        client.force_login(manager)
        response = client.get(f"/reports/user-voice/?{query()}")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Supported Employment" in html and "IPS Mental Health" not in html
        assert "66.7%" in html
        assert "I want a new coach" in html and "The bus is late a lot" in html
        read = LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS,
            additional_data__what="user voice report: what people said",
        )
        assert read.count() == 2

    def test_a_commissioner_sees_numbers_only(self, client, commissioner, voices):
        client.force_login(commissioner)
        response = client.get(f"/reports/user-voice/?{query()}")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Supported Employment" in html and "IPS Mental Health" in html
        assert "&lt;5" in html
        assert "I want a new coach" not in html and "The bus is late" not in html
        assert "Only the team reads what people wrote" in html
        rows = client.get(f"/reports/user-voice/rows.csv?{query()}")
        assert rows.status_code == 200
        assert list(csv.DictReader(io.StringIO(rows.content.decode()))) == []

    def test_the_team_managers_rows_are_pseudonymised_without_words(self, client, manager, voices):
        client.force_login(manager)
        response = client.get(f"/reports/user-voice/rows.csv?{query()}")
        lines = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert len(lines) == 9
        assert {line["team"] for line in lines} == {"SE1"}
        assert "words" not in lines[0]
        assert all(len(line["person_ref"]) == 12 for line in lines)  # the pseudonym

    @pytest.mark.parametrize("role", [Role.EMPLOYMENT_SPECIALIST, Role.PACKAGE_APPROVER])
    def test_a_role_without_reports_is_refused(self, client, team, role, voices):
        client.force_login(staff(role, team))
        assert client.get(f"/reports/user-voice/?{query()}").status_code == 403
        assert client.get(f"/reports/user-voice/rows.csv?{query()}").status_code == 403

    def test_it_is_in_the_reports_catalogue_page(self, client, manager):
        client.force_login(manager)
        assert "/reports/user-voice/" in client.get("/reports/").content.decode()

    def test_the_page_takes_the_same_queries_however_much_feedback(
        self, client, manager, team, other_team
    ):
        client.force_login(manager)
        say(team, "happy")
        say(team, "not_happy", "Words")

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(f"/reports/user-voice/?{query()}").status_code == 200
            return len(ctx.captured_queries)

        few = count()
        for i in range(12):
            say(team, "okay", f"More words {i}", ago=2 + i * 10)
            say(other_team, "happy")
        many = count()
        # The audit trail writes one entry per person whose words are read, in bulk.
        assert many == few


# --- the command line --------------------------------------------------------------------


def test_the_command_line_gives_every_team(authority, voices):
    start, end = period()
    out = StringIO()
    call_command(
        "report",
        "user-voice",
        "--from",
        start.isoformat(),
        "--to",
        end.isoformat(),
        "--format",
        "json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert set(data["by_team"]) == {"SE1", "IPS1"}
    assert data["given"] == 19


def test_the_command_line_as_a_commissioner_suppresses_small_numbers(commissioner, voices):
    start, end = period()
    out = StringIO()
    call_command(
        "report",
        "user-voice",
        "--from",
        start.isoformat(),
        "--to",
        end.isoformat(),
        "--as",
        commissioner.email,
        "--format",
        "json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["by_team"]["SE1"]["not_happy"] is None
    assert "by_team.SE1.not_happy" in data["suppressed"]
