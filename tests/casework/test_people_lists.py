"""The "My people" and team lists: who is on them, each filter and sort, who may see
them, the audit of every person shown, and a fixed number of queries a page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pathways.casework.models import Package, Stage, StageEntry, SupportedElement
from pathways.casework.selectors import NO_PACKAGE, NOT_ALLOCATED, PeopleFilters, people_list
from pathways.core.models import Membership, Role
from pathways.people.models import SupportReason
from tests.factories import EpisodeFactory, PersonFactory, staff

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate  # called in each test: a run may cross midnight


def ago(days: int) -> dt.date:
    return TODAY() - dt.timedelta(days=days)


def episode(team, worker, family_name="Doe", **kwargs):
    person = PersonFactory(
        authority=team.authority,
        family_name=family_name,
        given_name=kwargs.pop("given_name", "Sam"),
        primary_support_reason=kwargs.pop("need", SupportReason.LEARNING_DISABILITY),
    )
    kwargs.setdefault("started_on", ago(200))
    return EpisodeFactory(team=team, worker=worker, person=person, **kwargs)


def approve(ep, approver, *, work_entry=False, element="", ends_on=None, decided_on=None):
    return Package.objects.create(
        episode=ep,
        work_entry=work_entry,
        supported_element=element,
        element_started_on=ago(100) if element else None,
        transitional_ends_on=ends_on,
        reason="Agreed",
        status=Package.Status.APPROVED,
        proposed_by=approver,
        proposed_on=decided_on or ago(100),
        decided_by=approver,
        decided_on=decided_on or ago(100),
    )


def names(episodes) -> list[str]:
    return [e.person.family_name for e in episodes]


@pytest.fixture
def colleague(team):
    return staff(Role.EMPLOYMENT_SPECIALIST, team, email="colleague@example.org")


@pytest.fixture
def stranger(other_team):
    return staff(Role.EMPLOYMENT_SPECIALIST, other_team, email="stranger@example.org")


# Who is on each list ----------------------------------------------------------


def test_my_people_are_the_open_episodes_allocated_to_me(team, coach, colleague):
    mine = episode(team, coach, "Mine")
    episode(team, colleague, "Colleagues")
    episode(team, coach, "Closed", ended_on=ago(1))
    assert names(people_list(coach, mine=True, on=TODAY())) == ["Mine"]
    assert list(people_list(coach, mine=True, on=TODAY())) == [mine]


def test_the_team_list_is_my_teams_people_and_nobody_elses(
    team, other_team, coach, colleague, stranger
):
    episode(team, coach, "Mine")
    episode(team, colleague, "Colleagues")
    episode(team, None, "Unallocated")
    episode(other_team, stranger, "Elsewhere")
    assert names(people_list(coach, mine=False, on=TODAY())) == [
        "Colleagues",
        "Mine",
        "Unallocated",
    ]
    assert names(people_list(stranger, mine=False, on=TODAY())) == ["Elsewhere"]
    assert names(people_list(stranger, mine=True, on=TODAY())) == ["Elsewhere"]


def test_an_intake_officer_of_the_authority_has_no_team_list(team, intake, coach):
    """An intake officer may read every resident's record, but holds no cases: the
    list of a team's people is for those who hold or manage them."""
    episode(team, coach, "Mine")
    assert list(people_list(intake, mine=False, on=TODAY())) == []


# Each filter ------------------------------------------------------------------


def test_filter_by_need_group(team, coach):
    episode(team, coach, "Learning", need=SupportReason.LEARNING_DISABILITY)
    episode(team, coach, "Mental", need=SupportReason.MENTAL_HEALTH)
    found = people_list(
        coach,
        mine=True,
        on=TODAY(),
        filters=PeopleFilters(need_group=SupportReason.MENTAL_HEALTH),
    )
    assert names(found) == ["Mental"]


def test_filter_by_stage(team, coach):
    episode(team, coach, "Engaging", stage=Stage.ENGAGEMENT)
    episode(team, coach, "Finding", stage=Stage.JOB_FINDING)
    found = people_list(
        coach, mine=True, on=TODAY(), filters=PeopleFilters(stage=Stage.JOB_FINDING)
    )
    assert names(found) == ["Finding"]


def test_filter_by_worker_and_by_nobody_allocated(team, coach, colleague, manager):
    episode(team, coach, "Coachs")
    episode(team, colleague, "Colleagues")
    episode(team, None, "Unallocated")
    by_worker = PeopleFilters(worker=str(colleague.pk))
    assert names(people_list(manager, mine=False, on=TODAY(), filters=by_worker)) == ["Colleagues"]
    nobody = PeopleFilters(worker=NOT_ALLOCATED)
    assert names(people_list(manager, mine=False, on=TODAY(), filters=nobody)) == ["Unallocated"]


def test_filter_by_team(team, other_team, coach):
    """A manager of two teams narrows the list to one."""
    Membership.objects.create(user=coach, team=other_team, role=Role.TEAM_MANAGER)
    episode(team, None, "First")
    episode(other_team, None, "Second")
    assert names(people_list(coach, mine=False, on=TODAY())) == ["First", "Second"]
    found = people_list(coach, mine=False, on=TODAY(), filters=PeopleFilters(team_id=other_team.pk))
    assert names(found) == ["Second"]


def test_filter_by_current_package(team, coach, manager):
    work_entry = episode(team, coach, "WorkEntry")
    approve(work_entry, manager, work_entry=True)
    transitional = episode(team, coach, "Transitional")
    approve(transitional, manager, work_entry=True, element=SupportedElement.TRANSITIONAL)
    long_term = episode(team, coach, "LongTerm")
    # Once transitional, now long-term: the latest decision is the current package.
    approve(long_term, manager, element=SupportedElement.TRANSITIONAL, decided_on=ago(150))
    approve(long_term, manager, element=SupportedElement.LONG_TERM, decided_on=ago(20))
    pending = episode(team, coach, "Pending")
    Package.objects.create(
        episode=pending, work_entry=True, reason="Asked", proposed_by=coach, proposed_on=ago(5)
    )

    def by(kind):
        return names(people_list(coach, mine=True, on=TODAY(), filters=PeopleFilters(package=kind)))

    assert by("work_entry") == ["Transitional", "WorkEntry"]
    assert by(SupportedElement.TRANSITIONAL) == ["Transitional"]
    assert by(SupportedElement.LONG_TERM) == ["LongTerm"]
    assert by(NO_PACKAGE) == ["Pending"]


def test_filter_no_contact_for_n_days_counts_from_the_start_when_there_was_none(team, coach):
    episode(team, coach, "Recent", last_contact_on=ago(3))
    episode(team, coach, "Quiet", last_contact_on=ago(30))
    episode(team, coach, "Never", started_on=ago(45), last_contact_on=None)
    episode(team, coach, "JustStarted", started_on=ago(2), last_contact_on=None)

    def quiet_for(days):
        filters = PeopleFilters(no_contact_days=days)
        return names(people_list(coach, mine=True, on=TODAY(), filters=filters))

    assert quiet_for(30) == ["Never", "Quiet"]
    assert quiet_for(31) == ["Never"]
    assert quiet_for(1) == ["JustStarted", "Never", "Quiet", "Recent"]


def test_filters_combine(team, coach):
    episode(team, coach, "Both", stage=Stage.JOB_FINDING, last_contact_on=ago(40))
    episode(team, coach, "StageOnly", stage=Stage.JOB_FINDING, last_contact_on=ago(2))
    episode(team, coach, "QuietOnly", stage=Stage.ENGAGEMENT, last_contact_on=ago(40))
    filters = PeopleFilters(stage=Stage.JOB_FINDING, no_contact_days=30)
    assert names(people_list(coach, mine=True, on=TODAY(), filters=filters)) == ["Both"]


# Each sort --------------------------------------------------------------------


def test_sort_by_name_both_ways(team, coach):
    for name in ("Baker", "Adams", "Clark"):
        episode(team, coach, name)
    assert names(people_list(coach, mine=True, on=TODAY())) == ["Adams", "Baker", "Clark"]
    assert names(people_list(coach, mine=True, on=TODAY(), descending=True)) == [
        "Clark",
        "Baker",
        "Adams",
    ]


def test_sort_by_stage_follows_the_pathway_not_the_alphabet(team, coach):
    episode(team, coach, "InWork", stage=Stage.IN_WORK_SUPPORT)
    episode(team, coach, "Engaging", stage=Stage.ENGAGEMENT)
    episode(team, coach, "Profiling", stage=Stage.VOCATIONAL_PROFILING)
    assert names(people_list(coach, mine=True, on=TODAY(), sort="stage")) == [
        "Engaging",
        "Profiling",
        "InWork",
    ]
    assert names(people_list(coach, mine=True, on=TODAY(), sort="stage", descending=True)) == [
        "InWork",
        "Profiling",
        "Engaging",
    ]


def test_stage_since_is_when_the_current_stage_was_entered(team, coach):
    finding = episode(team, coach, "Finding", stage=Stage.JOB_FINDING, started_on=ago(300))
    StageEntry.objects.create(episode=finding, stage=Stage.JOB_FINDING, entered_on=ago(200))
    StageEntry.objects.create(episode=finding, stage=Stage.EMPLOYER_ENGAGEMENT, entered_on=ago(90))
    StageEntry.objects.create(episode=finding, stage=Stage.JOB_FINDING, entered_on=ago(10))
    episode(team, coach, "Engaging", stage=Stage.ENGAGEMENT, started_on=ago(50))
    rows = {e.person.family_name: e for e in people_list(coach, mine=True, on=TODAY())}
    assert rows["Finding"].stage_since == ago(10)
    assert rows["Engaging"].stage_since == ago(50)  # never moved: since support began


def test_sort_by_days_since_contact_most_first_then_fewest(team, coach):
    episode(team, coach, "Week", last_contact_on=ago(7))
    episode(team, coach, "Month", last_contact_on=ago(31))
    episode(team, coach, "Never", started_on=ago(60), last_contact_on=None)
    most_first = people_list(coach, mine=True, on=TODAY(), sort="contact", descending=True)
    assert names(most_first) == ["Never", "Month", "Week"]
    fewest_first = people_list(coach, mine=True, on=TODAY(), sort="contact")
    assert names(fewest_first) == ["Week", "Month", "Never"]


def test_sort_by_package_end_puts_those_without_an_end_last(team, coach, manager):
    soon = episode(team, coach, "Soon")
    approve(soon, manager, element=SupportedElement.TRANSITIONAL, ends_on=ago(-30))
    later = episode(team, coach, "Later")
    approve(later, manager, element=SupportedElement.TRANSITIONAL, ends_on=ago(-300))
    episode(team, coach, "NoEnd")
    assert names(people_list(coach, mine=True, on=TODAY(), sort="package_end")) == [
        "Soon",
        "Later",
        "NoEnd",
    ]
    backwards = people_list(coach, mine=True, on=TODAY(), sort="package_end", descending=True)
    assert names(backwards) == ["Later", "Soon", "NoEnd"]


# The pages --------------------------------------------------------------------

ROW = re.compile(r'<tr class="govuk-table__row">\s*<td')


def test_the_page_shows_each_column(client, team, coach, manager):
    ep = episode(
        team,
        coach,
        "Okafor",
        given_name="Ada",
        need=SupportReason.MENTAL_HEALTH,
        stage=Stage.JOB_FINDING,
        last_contact_on=ago(12),
    )
    approve(ep, manager, work_entry=True, element=SupportedElement.TRANSITIONAL, ends_on=ago(-60))
    client.force_login(coach)
    html = client.get("/my-people/").content.decode()
    assert f'href="/people/{ep.person_id}/"' in html and "Ada Okafor" in html
    assert "Mental health" in html
    assert "Job finding" in html and f"since {ep.started_on:%-d %b %Y}" in html
    assert str(coach) in html
    assert "Work entry and Transitional supported employment" in html
    assert f"ends {ago(-60):%-d %b %Y}" in html
    assert re.search(r"govuk-table__cell--numeric\">12<", html)
    assert 'aria-sort="ascending"' in html and html.count('aria-sort="none"') == 3


def test_the_page_filters_sorts_and_keeps_both_in_its_links(client, team, coach):
    for i in range(3):
        episode(team, coach, f"Quiet{i}", last_contact_on=ago(40 + i))
    episode(team, coach, "Recent", last_contact_on=ago(1))
    client.force_login(coach)
    html = client.get(
        "/my-people/", {"no_contact_days": "30", "sort": "contact", "order": "desc"}
    ).content.decode()
    assert "3 people match the filters" in html and "Recent" not in html
    assert html.index("Quiet2") < html.index("Quiet1") < html.index("Quiet0")
    # The heading sorts the other way, keeping the filter.
    assert 'href="?no_contact_days=30&amp;sort=contact&amp;order=asc"' in html
    assert 'aria-sort="descending"' in html


def test_a_wrong_number_of_days_is_explained_and_shows_nobody(client, team, coach):
    episode(team, coach, "Someone")
    client.force_login(coach)
    response = client.get("/my-people/", {"no_contact_days": "thirty"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter the number of days as a whole number, like 30" in html
    assert 'href="#id_no_contact_days"' in html
    assert "Someone" not in html


def test_a_worker_from_another_team_cannot_be_chosen(client, team, coach, stranger, other_team):
    episode(other_team, stranger, "Elsewhere")
    client.force_login(coach)
    response = client.get("/my-people/team/", {"worker": str(stranger.pk)})
    assert response.status_code == 400
    assert "Elsewhere" not in response.content.decode()


def test_the_team_page_lists_the_team_and_offers_its_workers(client, team, coach, colleague):
    episode(team, colleague, "Colleagues")
    client.force_login(coach)
    html = client.get("/my-people/team/").content.decode()
    assert "Colleagues" in html
    assert f'<option value="{colleague.pk}">' in html
    assert "Not allocated" in html


def test_pages_of_fifty(client, team, coach):
    for i in range(51):
        episode(team, coach, f"Person{i:02d}")
    client.force_login(coach)
    first = client.get("/my-people/").content.decode()
    assert len(ROW.findall(first)) == 50 and "51 people" in first
    assert "{#" not in first and "core.pages.Paged" not in first  # no template comment shown
    second = client.get("/my-people/", {"page": 2}).content.decode()
    assert len(ROW.findall(second)) == 1 and "Person50" in second


# Who may see them ---------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.INTAKE_OFFICER, Role.PACKAGE_APPROVER])
def test_staff_who_hold_no_cases_are_refused_and_have_no_link(client, team, coach, role):
    episode(team, coach, "Secret")
    user = staff(role, team)
    client.force_login(user)
    for url in ("/my-people/", "/my-people/team/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Secret" not in response.content.decode()
    assert 'href="/my-people/"' not in client.get("/").content.decode()


def test_a_coach_has_the_menu_item_and_links(client, coach):
    client.force_login(coach)
    home = client.get("/").content.decode()
    assert ">My people</a>" in home
    assert 'href="/my-people/team/"' in home
    assert 'href="/my-people/"' in client.get("/people/").content.decode()


def test_nobody_sees_another_teams_people_on_the_page(client, team, other_team, coach, stranger):
    episode(other_team, stranger, "Elsewhere")
    client.force_login(coach)
    for url in ("/my-people/", "/my-people/team/"):
        assert "Elsewhere" not in client.get(url).content.decode()


def test_signing_in_is_needed(client):
    from django.urls import reverse

    response = client.get("/my-people/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# The audit trail ----------------------------------------------------------------


def test_every_person_shown_is_on_their_trail_and_only_them(client, team, coach):
    shown = [episode(team, coach, f"Shown{i:02d}") for i in range(50)]
    hidden = episode(team, coach, "Zed")  # on page 2
    client.force_login(coach)
    client.get("/my-people/")
    reads = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__what="my people list"
    )
    assert {r.object_id for r in reads} == {e.person_id for e in shown}
    assert not reads.filter(object_id=hidden.person_id).exists()
    assert all(r.actor_id == coach.pk for r in reads)


# A fixed number of queries --------------------------------------------------------


def count_queries(client, url, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("url", ["/my-people/", "/my-people/team/"])
@pytest.mark.parametrize("sort", ["name", "stage", "contact", "package_end"])
def test_the_lists_do_not_grow_with_rows_or_pages(client, team, coach, manager, url, sort):
    def grow(n):
        for _ in range(n):
            ep = episode(team, coach, "Quigley", last_contact_on=ago(40))
            approve(ep, manager, element=SupportedElement.TRANSITIONAL, ends_on=ago(-90))
            StageEntry.objects.create(episode=ep, stage=Stage.JOB_FINDING, entered_on=ago(20))

    client.force_login(coach)
    filters = {"sort": sort, "no_contact_days": "30", "package": "transitional"}
    grow(5)
    small, html = count_queries(client, url, **filters)
    assert len(ROW.findall(html)) == 5
    grow(115)
    first, html = count_queries(client, url, **filters)
    assert len(ROW.findall(html)) == 50
    third, html = count_queries(client, url, page=3, **filters)
    assert len(ROW.findall(html)) == 20
    assert small == first == third, f"{url}: {small}, {first} and {third} queries"
