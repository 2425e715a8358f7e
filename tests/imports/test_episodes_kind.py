"""Episodes brought in from a team's spreadsheet, with their package and history."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.casework.models import Episode, LongTermReview, Package
from pathways.casework.selectors import work_queue
from tests.factories import PersonFactory
from tests.imports.conftest import csv_text

pytestmark = pytest.mark.django_db

HEADER = (
    "authority,person_ref,episode_ref,team,worker,started_on,package,package_started_on,"
    "last_review_on,last_contact_on,ended_on"
)


@pytest.fixture
def person(authority):
    return PersonFactory(authority=authority, person_ref="C1")


def test_an_open_episode_with_its_package(run, person, team, coach):
    result = run(
        "episodes",
        csv_text(
            HEADER,
            "E09000025,C1,EP1,SE1,coach@example.org,2024-05-01,work_entry;transitional,"
            "2024-06-01,,2024-09-30,",
        ),
    )
    assert result.status == 0, result.err
    assert result.last == "imported: 1 created, 0 updated, 0 unchanged"
    episode = Episode.objects.get()
    assert (episode.person, episode.team, episode.worker) == (person, team, coach)
    assert episode.last_contact_on == dt.date(2024, 9, 30)
    package = episode.packages.get()
    assert package.status == Package.Status.APPROVED and package.work_entry
    assert package.transitional_ends_on == dt.date(2026, 6, 1)
    # The imported clock drives the queue like one set in the app.
    items = work_queue(coach, dt.date(2026, 4, 1))
    assert {i.kind for i in items} == {"transitional_limit", "no_contact"}


def test_reimport_changes_nothing_and_a_new_package_adds_history(run, person, team, coach):
    row = "E09000025,C1,EP1,SE1,coach@example.org,2024-05-01,transitional,,,,"
    run("episodes", csv_text(HEADER, row))
    assert run("episodes", csv_text(HEADER, row)).last == (
        "imported: 0 created, 0 updated, 1 unchanged"
    )
    changed = run(
        "episodes",
        csv_text(
            HEADER,
            "E09000025,C1,EP1,SE1,coach@example.org,2024-05-01,long_term,2025-05-01,2025-11-01,,",
        ),
    )
    assert changed.last == "imported: 0 created, 1 updated, 0 unchanged"
    episode = Episode.objects.get()
    assert [p.supported_element for p in episode.packages.order_by("id")] == [
        "transitional",
        "long_term",
    ]
    assert LongTermReview.objects.get().reviewed_on == dt.date(2025, 11, 1)


@pytest.mark.parametrize(
    ("package", "message"),
    [
        ("transitional;long_term", "transitional and long_term support are never combined"),
        ("weekly", "'weekly' is not a package element"),
    ],
)
def test_bad_packages_are_reported_by_line(run, person, team, package, message):
    result = run("episodes", csv_text(HEADER, f"E09000025,C1,EP1,SE1,,2024-05-01,{package},,,,"))
    assert result.status == 1
    assert result.err[0].startswith(f"{result.file}:2: package: {message}")
    assert not Episode.objects.exists()


def test_dates_and_reviews_are_checked(run, person, team):
    result = run(
        "episodes",
        csv_text(
            HEADER,
            "E09000025,C1,EP1,SE1,,2024-05-01,transitional,,2024-08-01,,2024-04-01",
        ),
    )
    assert result.err == [
        f"{result.file}:2: ended_on: is before the episode started (01/05/2024)",
        f"{result.file}:2: last_review_on: only long-term support has quality reviews",
        "2 errors, nothing imported",
    ]


def test_a_returner_links_to_their_earlier_episode(run, person, team):
    run(
        "episodes",
        csv_text(
            HEADER,
            "E09000025,C1,EP1,SE1,,2022-01-01,work_entry,,,,2022-12-31",
            "E09000025,C1,EP2,SE1,,2024-01-01,work_entry,,,,",
        ),
    )
    first, second = Episode.objects.order_by("started_on")
    assert second.previous == first and second.is_returner
