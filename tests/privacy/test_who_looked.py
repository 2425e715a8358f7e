"""Who has looked at my record: the person's trail told back in plain words, by role and
team, one line per day and per who."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.utils import timezone

from pathways.casework import plans
from pathways.core import audit
from pathways.core.models import Membership, Role
from pathways.people.models import Contact, Person
from pathways.portal.models import Section
from pathways.privacy.who_looked import PER_PAGE, day_words, who_looked
from tests.factories import (
    AuthorityFactory,
    EpisodeFactory,
    PersonFactory,
    TeamFactory,
    portal_account,
    staff,
)


def TODAY() -> dt.date:
    return timezone.localdate()


def at(days_ago: int, hour: int = 10) -> dt.datetime:
    """A moment ``days_ago`` days back, at ``hour`` o'clock in the service's time zone."""
    day = TODAY() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def entry(person, actor, *, when, what="person record", channel="web", outcome=audit.ALLOWED):
    """A read at a chosen moment (the trail's own functions always use "now")."""
    return LogEntry.objects.log_create(
        person,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=actor,
        actor_email=actor.email if actor else None,
        timestamp=when,
        changes=None,
        additional_data={
            "person_id": person.pk,
            "channel": channel,
            "what": what,
            "outcome": outcome,
        },
    )


@pytest.fixture
def person(team):
    return PersonFactory(authority=team.authority, given_name="Ada", family_name="Lovelace")


@pytest.fixture
def priya(team):
    return staff(Role.EMPLOYMENT_SPECIALIST, team, first_name="Priya", last_name="Shah")


@pytest.fixture
def sam(team):
    return staff(Role.EMPLOYMENT_SPECIALIST, team, first_name="Sam", last_name="Okoro")


def show_names(person):
    """The authority chooses to name staff; the person as a new request reads them."""
    person.authority.portal_shows_staff_names = True
    person.authority.save()
    return Person.objects.get(pk=person.pk)


MADE = "The Pathways computer system made your record today."


def sentences(person, **kwargs) -> list[str]:
    """The lines, but the one for the record's making (a factory, with no account)."""
    lines = [look.sentence(TODAY()) for look in who_looked(person, **kwargs)]
    return [line for line in lines if line != MADE]


def test_the_record_being_made_is_the_first_line_of_all(person):
    assert [look.sentence(TODAY()) for look in who_looked(person)] == [MADE]


def test_a_read_says_role_team_what_and_day_in_plain_words(person, priya):
    entry(person, priya, when=at(5), what="episode E-1: action plan")
    day = TODAY() - dt.timedelta(days=5)
    when = f"on {day.day} {day:%B}" + (f" {day.year}" if day.year != TODAY().year else "")
    assert sentences(person) == [f"A job coach in Supported Employment looked at your plan {when}."]


def test_staff_names_are_hidden_unless_the_authority_chose_to_show_them(person, priya):
    entry(person, priya, when=at(0))
    assert "Priya" not in " ".join(sentences(person))
    assert sentences(person) == ["A job coach in Supported Employment looked at your record today."]

    person = show_names(person)
    assert sentences(person) == [
        "Priya Shah (a job coach in Supported Employment) looked at your record today."
    ]


def test_one_line_per_day_and_per_role_and_team_newest_first(person, priya, sam, team, other_team):
    entry(person, priya, when=at(1, 9), what="episode E-1")
    entry(person, sam, when=at(1, 11), what="job start")  # the same role and team, same day
    entry(person, priya, when=at(0, 9), what="vocational profile")
    entry(person, priya, when=at(0, 10), what="vocational profile")  # counted, not repeated
    manager = staff(Role.TEAM_MANAGER, other_team)
    entry(person, manager, when=at(0, 8), what="documents")

    looks = [look for look in who_looked(person) if look.sentence(TODAY()) != MADE]

    assert [look.sentence(TODAY()) for look in looks] == [
        "A job coach in Supported Employment looked at your work profile today.",
        "A team manager in IPS Mental Health looked at your documents today.",
        "A job coach in Supported Employment looked at your support and your job yesterday.",
    ]
    assert [look.times for look in looks] == [2, 1, 2]


def test_with_names_shown_two_coaches_of_one_team_are_two_lines(person, priya, sam):
    person = show_names(person)
    entry(person, priya, when=at(0, 9))
    entry(person, sam, when=at(0, 11))
    assert sentences(person) == [
        "Sam Okoro (a job coach in Supported Employment) looked at your record today.",
        "Priya Shah (a job coach in Supported Employment) looked at your record today.",
    ]


def test_changes_say_what_was_changed(person, priya, team):
    episode = EpisodeFactory(person=person, team=team, worker=priya)
    with set_actor(priya):  # as the pages' middleware does
        plans.add_goal(priya, episode, description="Find a café job", owner="person")
    lines = sentences(person)
    assert lines[0] == "A job coach in Supported Employment added to your plan today."


def test_reads_and_changes_on_one_day_are_one_line(person, priya, team):
    episode = EpisodeFactory(person=person, team=team, worker=priya)
    audit.record_access(priya, person, channel="web", what="episode E-1")
    with set_actor(priya):
        plans.add_goal(priya, episode, description="Find a café job", owner="person")
    today = [look for look in who_looked(person) if look.who.startswith("a job coach")]
    assert len(today) == 1
    assert today[0].what == "looked at your support and added to your plan"


def test_refused_looks_are_not_listed(person, team):
    stranger = staff(Role.EMPLOYMENT_SPECIALIST, TeamFactory(authority=team.authority))
    entry(person, stranger, when=at(0), outcome=audit.DENIED)
    assert sentences(person) == []


def test_an_emergency_open_is_said(person, priya):
    LogEntry.objects.log_create(
        person,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=priya,
        additional_data={
            "person_id": person.pk,
            "channel": "web",
            "what": "person record",
            "outcome": audit.ALLOWED,
            "break_glass": 7,
        },
    )
    assert sentences(person) == [
        "A job coach in Supported Employment looked at your record in an emergency today."
    ]


def test_work_with_no_account_is_the_system_or_whoever_runs_pathways(person):
    entry(person, None, when=at(1, 9), channel="cli", what="audit trail")
    entry(person, None, when=at(1, 10), channel="web")
    assert sentences(person) == [
        "The Pathways computer system looked at your record yesterday.",
        "Someone who runs Pathways looked at who has looked at your record yesterday.",
    ]


def test_role_and_team_come_from_current_memberships_preferring_the_persons_authority(person, team):
    elsewhere = TeamFactory(authority=AuthorityFactory(), name="Elsewhere Team")
    member = staff(Role.EMPLOYMENT_SPECIALIST, elsewhere)
    Membership.objects.create(user=member, team=team, role=Role.TEAM_MANAGER)
    entry(person, member, when=at(0))
    assert sentences(person) == [
        "A team manager in Supported Employment looked at your record today."
    ]


def test_since_leaves_out_older_days(person, priya):
    entry(person, priya, when=at(10))
    entry(person, priya, when=at(0))
    assert len(sentences(person)) == 2
    assert len(sentences(person, since=TODAY() - dt.timedelta(days=3))) == 1


def test_the_query_count_does_not_grow_with_the_trail(person, team, django_assert_num_queries):
    coaches = [staff(Role.EMPLOYMENT_SPECIALIST, team) for _ in range(3)]
    for day in range(60):
        for coach in coaches:
            entry(person, coach, when=at(day), what=f"episode E-{day}")
    with django_assert_num_queries(3):  # the grouped trail, memberships, portal accounts
        looks = who_looked(person)
    # One line a day (three coaches of one team), and the record being made today.
    assert len(looks) == 61 > PER_PAGE

    for day in range(60, 120):
        entry(person, coaches[0], when=at(day), what="job start")
    with django_assert_num_queries(3):
        assert len(who_looked(person)) == 121


def test_day_words_name_the_year_only_when_it_is_not_this_year():
    today = dt.date.today()
    assert day_words(today, today) == "today"
    assert day_words(today - dt.timedelta(days=1), today) == "yesterday"
    new_year = dt.date(today.year, 1, 1)
    assert day_words(new_year, new_year + dt.timedelta(days=2)) == "on 1 January"
    last_year = new_year - dt.timedelta(days=3)
    assert day_words(last_year, new_year + dt.timedelta(days=2)) == (
        f"on 29 December {today.year - 1}"
    )


# --- the person and their supporter --------------------------------------------------


def test_the_persons_own_portal_reads_and_changes_are_you_and_a_supporters_their_name(
    person, priya
):
    own = portal_account(person, invited_by=priya)
    mother = Contact.objects.create(person=person, name="Maria Example", relationship="mother")
    supporter = portal_account(person, invited_by=priya, supporter=mother, sections=[Section.PLAN])
    entry(person, own.user, when=at(1, 9), channel="portal", what="portal: My plan")
    entry(person, own.user, when=at(1, 10), channel="portal", what="portal: My information")
    entry(person, supporter.user, when=at(1, 11), channel="portal", what="portal: My plan")
    with set_actor(own.user):  # a change made on a portal page carries no channel
        Contact.objects.create(person=person, name="Sam Example", relationship="friend")

    lines = [look for look in who_looked(person) if look.day < TODAY()]
    assert [look.sentence(TODAY()) for look in lines] == [
        "Maria Example (your supporter) looked at your plan yesterday.",
        "You looked at your plan and who has looked at your record yesterday.",
    ]
    assert [look.is_you for look in lines] == [False, True]
    today = [
        look.sentence(TODAY()) for look in who_looked(person) if look.is_you and look.day == TODAY()
    ]
    assert today == ["You added to your circle of support today."]
