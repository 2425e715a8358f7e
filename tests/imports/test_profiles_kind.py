"""The `profiles` import: the job-seeking side of vocational profiles, keyed by person."""

from __future__ import annotations

from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from pathways.casework.models import VocationalProfile
from pathways.casework.profiles import save_profile
from pathways.core.models import InterestTag
from tests.factories import EpisodeFactory, PersonFactory
from tests.imports.conftest import csv_text

pytestmark = pytest.mark.django_db

HEADER = "authority,person_ref,interests,min_hours,max_hours,max_travel_km,kinds,wants_paid_only"


@pytest.fixture
def person(authority):
    return PersonFactory(authority=authority, person_ref="C1")


def tags_of(profile: VocationalProfile) -> list[str]:
    return sorted(t.code for t in profile.interests.all())


def test_a_profile_is_created(run, person):
    result = run(
        "profiles",
        csv_text(HEADER, "E09000025,C1,Retail; animals,8,16.5,7.5,employed;volunteering,yes"),
    )
    assert result.status == 0, result.err
    assert result.last == "imported: 1 created, 0 updated, 0 unchanged"
    profile = VocationalProfile.objects.get(person=person)
    assert tags_of(profile) == ["animals", "retail"]
    assert (profile.min_hours, profile.max_hours, profile.max_travel_km) == (
        Decimal("8"),
        Decimal("16.5"),
        Decimal("7.5"),
    )
    assert profile.kinds == ["employed", "volunteering"]
    assert profile.wants_paid_only is True
    assert profile.updated_on is not None


def test_reimport_changes_nothing_and_a_change_updates(run, person):
    row = "E09000025,C1,retail;animals,8,16,5,employed,no"
    run("profiles", csv_text(HEADER, row))
    again = run("profiles", csv_text(HEADER, "E09000025,C1,animals;retail,8.0,16,5,employed,n"))
    assert again.last == "imported: 0 created, 0 updated, 1 unchanged"
    assert VocationalProfile.objects.get().version == 1

    changed = run("profiles", csv_text(HEADER, "E09000025,C1,animals,8,20,5,employed,no"))
    assert changed.last == "imported: 0 created, 1 updated, 0 unchanged"
    profile = VocationalProfile.objects.get()
    assert tags_of(profile) == ["animals"]
    assert profile.max_hours == Decimal("20") and profile.version == 2


def test_malformed_interests_and_unknown_kinds_are_reported_and_nothing_is_written(run, person):
    PersonFactory(authority=person.authority, person_ref="C2")
    result = run(
        "profiles",
        csv_text(
            HEADER,
            "E09000025,C1,retail;knitting!,,,,,",
            "E09000025,C2,,,,,employed;gig,",
        ),
    )
    assert result.status == 1
    assert result.err[0] == (
        f"{result.file}:2: interests: 'knitting!' is not an interest code: use letters and "
        "digits, words joined by _, at most 40 characters"
    )
    assert result.err[1].startswith(f"{result.file}:3: kinds: 'gig' is not one of: employed,")
    assert result.last == "2 errors, nothing imported"
    assert not VocationalProfile.objects.exists()
    assert not InterestTag.objects.filter(code="knitting").exists()


def test_interests_not_in_the_vocabulary_are_added_once_and_reported(run, person):
    """The council's own interests load: each new one joins the vocabulary once, however
    it is written, and the import says which it added."""
    InterestTag.objects.filter(code="catering").delete()  # as the council found it
    PersonFactory(authority=person.authority, person_ref="C2")
    content = csv_text(
        HEADER,
        "E09000025,C1,Catering ;beekeeping;Customer Service,,,,,",
        "E09000025,C2,catering;BEEKEEPING,,,,,",
    )
    preview = run("profiles", content, "--dry-run")
    assert preview.out[-2:] == [
        "would add to the interest vocabulary: beekeeping, catering",
        "dry run: would import: 2 created, 0 updated, 0 unchanged",
    ]
    assert not InterestTag.objects.filter(code__in=["beekeeping", "catering"]).exists()

    result = run("profiles", content)
    assert result.out[-2:] == [
        "added to the interest vocabulary: beekeeping, catering",
        "imported: 2 created, 0 updated, 0 unchanged",
    ]
    added = InterestTag.objects.filter(code__in=["beekeeping", "catering"])
    assert sorted((t.code, t.label) for t in added) == [
        ("beekeeping", "Beekeeping"),
        ("catering", "Catering"),
    ]
    profiles = {p.person.person_ref: tags_of(p) for p in VocationalProfile.objects.all()}
    assert profiles == {
        "C1": ["beekeeping", "catering", "customer_service"],
        "C2": ["beekeeping", "catering"],
    }
    entry = LogEntry.objects.get(additional_data__what="import of profiles from profiles.csv")
    assert entry.additional_data["added"] == {"interest vocabulary": ["beekeeping", "catering"]}
    for tag in added:
        created = LogEntry.objects.get_for_object(tag).get(action=LogEntry.Action.CREATE)
        assert created.cid == entry.cid

    again = run("profiles", content)
    assert again.out == ["imported: 0 created, 0 updated, 2 unchanged"]
    assert InterestTag.objects.filter(code="beekeeping").count() == 1


def test_min_hours_above_max_hours_is_a_row_error(run, person):
    result = run("profiles", csv_text(HEADER, "E09000025,C1,,20,10,,,"))
    assert result.status == 1
    assert result.err[0] == (
        f"{result.file}:2: min_hours: the fewest hours (20) are more than the most hours (10)"
    )
    assert not VocationalProfile.objects.exists()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("min_hours", "7.25", "'7.25' is not a number of hours with at most one decimal place"),
        ("max_hours", "81", "'81' is more than 80"),
        ("max_travel_km", "-3", "'-3' is not a number of kilometres"),
        ("wants_paid_only", "maybe", "'maybe' is not yes or no"),
    ],
)
def test_bad_numbers_and_answers_are_reported(run, person, column, value, message):
    result = run("profiles", csv_text(f"authority,person_ref,{column}", f"E09000025,C1,{value}"))
    assert result.status == 1
    assert result.err[0].startswith(f"{result.file}:2: {column}: {message}")


def test_the_person_must_exist(run, authority):
    result = run("profiles", csv_text(HEADER, "E09000025,C404,retail,,,,,"))
    assert result.status == 1
    assert result.err[0] == (
        f"{result.file}:2: person_ref: no person with reference 'C404' in Newham; "
        "import them as people first"
    )


def test_a_column_left_out_keeps_the_stored_value(run, person, team, coach):
    EpisodeFactory(team=team, worker=coach, person=person)
    save_profile(
        coach,
        person,
        interests=["retail"],
        min_hours=Decimal("10"),
        max_hours=Decimal("30"),
        skills="Tills",
        travel_modes=["bus"],
    )
    result = run("profiles", csv_text("authority,person_ref,max_hours", "E09000025,C1,25"))
    assert result.last == "imported: 0 created, 1 updated, 0 unchanged"
    profile = VocationalProfile.objects.get()
    assert profile.max_hours == Decimal("25")
    assert (profile.min_hours, tags_of(profile), profile.skills, profile.travel_modes) == (
        Decimal("10"),
        ["retail"],
        "Tills",
        ["bus"],
    )
    # The stored side counts in the order check too.
    below = run("profiles", csv_text("authority,person_ref,max_hours", "E09000025,C1,5"))
    assert below.err[0] == (
        f"{below.file}:2: max_hours: the fewest hours (10.0) are more than the most hours (5)"
    )


def test_a_blank_cell_clears_the_value(run, person):
    run("profiles", csv_text(HEADER, "E09000025,C1,retail,8,16,5,employed,yes"))
    result = run("profiles", csv_text(HEADER, "E09000025,C1,,,,,,"))
    assert result.last == "imported: 0 created, 1 updated, 0 unchanged"
    profile = VocationalProfile.objects.get()
    assert tags_of(profile) == [] and profile.kinds == []
    assert profile.min_hours is None and profile.wants_paid_only is None
