"""Matching from the database with the hard rules in SQL and the people's columns cached
per authority (``selectors.people_for``, ``matching.columns``): the same ranking as
loading everyone's columns for every match, a change seen on the very next match, and a
stale cache never ranking someone the hard rules leave out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathways.casework.models import Episode, VocationalProfile
from pathways.core.models import InterestTag, OpportunityKind, Role
from pathways.employers.opportunities.models import Opportunity
from pathways.matching import columns, selectors, services
from pathways.matching.models import ColumnsChange, ColumnsVersion
from pathways.people.models import Person
from tests.factories import (
    AuthorityFactory,
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    PersonFactory,
    ProfileFactory,
    TeamFactory,
    staff,
)

CODES = ["admin", "animals", "catering", "digital", "outdoors", "retail"]
KINDS = list(OpportunityKind.values)
STAGES = ["engagement", "vocational_profiling", "job_finding", "employer_engagement"]


@pytest.fixture(autouse=True)
def _forgotten(settings):
    """Every test starts with nothing cached, and caches from its first person."""
    settings.PATHWAYS_MATCHING_CACHE_FROM = 0
    columns.clear()
    yield
    columns.clear()


def ranking(opportunity: Opportunity, **kwargs) -> list[tuple]:
    return [
        (m.person_ref, m.score, m.reasons, m.benefits_note)
        for m in selectors.people_for(opportunity, **kwargs)
    ]


def refs(opportunity: Opportunity, **kwargs) -> list[str]:
    return [m.person_ref for m in selectors.people_for(opportunity, **kwargs)]


# --- the same ranking as the plain way, on random records ---------------------------

half_hours = st.integers(0, 80).map(lambda n: Decimal(n) / 2)
where = st.one_of(
    st.none(),
    st.tuples(
        st.integers(51_300_000, 51_700_000).map(lambda n: Decimal(n) / 1_000_000),
        st.integers(-500_000, 300_000).map(lambda n: Decimal(n) / 1_000_000),
    ),
)


@st.composite
def person_spec(draw) -> dict:
    low, high = draw(st.one_of(st.none(), half_hours)), draw(st.one_of(st.none(), half_hours))
    if low is not None and high is not None and low > high:
        low, high = high, low
    return {
        "where": draw(where),
        "profile": draw(st.booleans()) or draw(st.booleans()),  # mostly with one
        "open": draw(st.integers(0, 5)) > 0,  # mostly in support
        "stage": draw(st.sampled_from(STAGES)),
        "min_hours": low,
        "max_hours": high,
        "max_travel_km": draw(
            st.one_of(st.none(), st.integers(0, 400).map(lambda n: Decimal(n) / 10))
        ),
        # "EMPLOYED" is no kind the engine knows: such a profile wants any kind.
        "kinds": draw(st.lists(st.sampled_from([*KINDS, "EMPLOYED"]), unique=True, max_size=3)),
        "wants_paid_only": draw(st.sampled_from([None, False, True])),
        "interests": draw(st.lists(st.sampled_from(CODES), unique=True, max_size=4)),
    }


@st.composite
def opportunity_spec(draw) -> dict:
    kind = draw(st.sampled_from(KINDS))
    return {
        "kind": kind,
        "paid": draw(st.booleans()),
        "hours_per_week": draw(st.integers(1, 80).map(lambda n: Decimal(n) / 2)),
        "hourly_pay": draw(st.sampled_from([None, Decimal("12.21"), Decimal("16.50")])),
        "where": draw(where),
        "tags": draw(st.lists(st.sampled_from(CODES), unique=True, max_size=4)),
    }


def make_people(team, specs: list[dict], tags: dict[str, InterestTag]) -> None:
    for n, spec in enumerate(specs):
        lat, lon = spec["where"] or (None, None)
        person = PersonFactory(
            authority=team.authority, person_ref=f"P{n:03d}", latitude=lat, longitude=lon
        )
        EpisodeFactory(
            team=team,
            person=person,
            stage=spec["stage"],
            ended_on=None if spec["open"] else dt.date.today(),
        )
        if spec["profile"]:
            profile = ProfileFactory(
                person=person,
                **{
                    k: spec[k]
                    for k in ("min_hours", "max_hours", "max_travel_km", "kinds", "wants_paid_only")
                },
            )
            profile.interests.set([tags[c] for c in spec["interests"]])


def make_opportunity(team, employer, n: int, spec: dict, tags) -> Opportunity:
    lat, lon = spec["where"] or (None, None)
    opp = OpportunityFactory(
        employer=employer,
        authority=team.authority,
        opportunity_ref=f"O{n:03d}",
        kind=spec["kind"],
        paid=spec["paid"],
        hours_per_week=spec["hours_per_week"],
        hourly_pay=spec["hourly_pay"],
        latitude=lat,
        longitude=lon,
    )
    opp.tags.set([tags[c] for c in spec["tags"]])
    return opp


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    people=st.lists(person_spec(), min_size=1, max_size=10),
    opportunities=st.lists(opportunity_spec(), min_size=1, max_size=3),
    visible=st.sets(st.integers(0, 9)),
)
@pytest.mark.django_db
def test_the_cached_ranking_is_the_plain_ranking(people, opportunities, visible, settings):
    with transaction.atomic():
        columns.clear()
        tags = {
            c: InterestTag.objects.get_or_create(code=c, defaults={"label": c})[0] for c in CODES
        }
        team = TeamFactory(authority=AuthorityFactory())
        make_people(team, people, tags)
        employer = EmployerFactory(organisation=team.organisation)
        opps = [make_opportunity(team, employer, n, s, tags) for n, s in enumerate(opportunities)]
        some = selectors.matchable_people(team.authority).filter(
            person_ref__in=[f"P{n:03d}" for n in visible]
        )
        for opp in opps:
            plain = ranking(opp, cached=False)
            settings.PATHWAYS_MATCHING_CACHE_FROM = 0
            assert ranking(opp) == plain  # cold: loads and keeps the columns
            assert ranking(opp) == plain  # warm
            assert ranking(opp, people=some) == ranking(opp, people=some, cached=False)
            settings.PATHWAYS_MATCHING_CACHE_FROM = 10_000
            columns.clear()
            assert ranking(opp) == plain  # few: loads just those who pass, keeps nothing
            assert ranking(opp, top=3) == plain[:3]
        transaction.set_rollback(True)


# --- a change is seen on the next match ---------------------------------------------


@pytest.fixture
def world(team, tags):
    """Two people in job finding who fit a 16-hour retail job, and the job."""
    employer = EmployerFactory(organisation=team.organisation)
    opp = OpportunityFactory(employer=employer, authority=team.authority, hours_per_week=16)
    opp.tags.set([tags["retail"]])
    made = {}
    for ref in ("P1", "P2"):
        person = PersonFactory(authority=team.authority, person_ref=ref)
        EpisodeFactory(team=team, person=person, stage="job_finding")
        profile = ProfileFactory(person=person, min_hours=10, max_hours=20)
        profile.interests.set([tags["retail"]])
        made[ref] = profile
    return opp, made


def score_of(opportunity: Opportunity, ref: str) -> int | None:
    return next((m.score for m in selectors.people_for(opportunity) if m.person_ref == ref), None)


def test_the_second_match_comes_from_the_cache(world):
    opp, _ = world
    with CaptureQueriesContext(connection) as cold:
        first = ranking(opp)
    with CaptureQueriesContext(connection) as warm:
        assert ranking(opp) == first
    assert len(cold) == 7
    assert len(warm) == 5  # no people's rows: only who passes the hard rules


def test_the_number_of_queries_does_not_grow_with_the_people(world, team, tags):
    opp, _ = world
    ranking(opp)
    with CaptureQueriesContext(connection) as two:
        ranking(opp)
    for n in range(6):
        person = PersonFactory(authority=team.authority, person_ref=f"Q{n}")
        EpisodeFactory(team=team, person=person, stage="job_finding")
        ProfileFactory(person=person).interests.set([tags["retail"], tags["digital"]])
    columns.clear()
    with CaptureQueriesContext(connection) as cold:
        assert len(selectors.people_for(opp)) == 8
    with CaptureQueriesContext(connection) as eight:
        assert len(selectors.people_for(opp)) == 8
    assert len(cold) == 7
    assert len(eight) == len(two) == 5


def test_changed_interests_are_seen_on_the_next_match(world, tags):
    opp, profiles = world
    opp.tags.set([tags["retail"], tags["outdoors"]])
    before = score_of(opp, "P1")
    profiles["P1"].interests.add(tags["outdoors"])
    assert score_of(opp, "P1") > before
    assert "this job involves both" in selectors.people_for(opp)[0].reasons[0]
    profiles["P1"].interests.clear()
    assert score_of(opp, "P1") < before


def test_a_saved_profile_is_seen_on_the_next_match(world):
    opp, profiles = world
    assert refs(opp) == ["P1", "P2"]
    profile = profiles["P1"]
    profile.max_hours = 12  # the job's 16 hours are now too many
    profile.save()
    assert refs(opp) == ["P2"]
    profile.max_hours = 30
    profile.save()
    assert refs(opp) == ["P1", "P2"]


def test_a_new_stage_and_closed_support_are_seen_on_the_next_match(world):
    opp, _ = world
    episode = Episode.objects.get(person__person_ref="P2")
    before = score_of(opp, "P2")
    episode.stage = "engagement"
    episode.save(update_fields=["stage"])
    assert score_of(opp, "P2") == before - 7  # 10 points for job finding, 3 for engagement
    episode.ended_on = dt.date.today()
    episode.save()
    assert refs(opp) == ["P1"]


def test_a_move_and_a_new_name_are_seen_on_the_next_match(world):
    opp, profiles = world
    opp.latitude, opp.longitude = Decimal("51.5"), Decimal("0")
    opp.save()
    assert "Distance not known" in selectors.people_for(opp)[0].reasons[2]
    person = profiles["P1"].person
    person.latitude, person.longitude = Decimal("51.51"), Decimal("0")
    person.preferred_name = "Sunny"
    person.save()
    first = selectors.people_for(opp)[0]
    assert first.person_ref == "P1"
    assert first.person_name == "Sunny"
    assert first.reasons[2].startswith("1.1 km away")


def test_a_renamed_or_merged_interest_is_seen_on_the_next_match(world, tags, team):
    opp, _ = world
    admin = staff(Role.ADMIN, team, email="admin@example.org")
    tags["retail"].label = "Shops"
    tags["retail"].save()
    assert selectors.people_for(opp)[0].reasons[0].startswith("Likes shops")
    opp.tags.set([tags["catering"]])
    assert score_of(opp, "P1") < 90
    services.merge_interests(admin, tags["retail"], into=tags["catering"])
    assert selectors.people_for(opp)[0].reasons[0].startswith("Likes catering")


def test_an_activity_does_not_throw_the_columns_away(world):
    """Recording contact moves the episode's last contact: nothing matching reads."""
    opp, _ = world
    ranking(opp)
    version = columns.version_of(opp.authority_id)
    episode = Episode.objects.get(person__person_ref="P1")
    episode.last_contact_on = dt.date.today()
    episode.save(update_fields=["last_contact_on"])
    assert columns.version_of(opp.authority_id) == version


def test_a_change_in_another_process_is_seen_through_the_version(world):
    """Another process raised the version (its own cache is not ours): we load again."""
    opp, profiles = world
    assert refs(opp) == ["P1", "P2"]
    VocationalProfile.objects.filter(pk=profiles["P1"].pk).update(kinds=["volunteering"])
    assert refs(opp) == ["P2"]  # the hard rules in SQL see it at once
    VocationalProfile.objects.filter(pk=profiles["P1"].pk).update(
        kinds=[], min_hours=None, max_hours=None
    )
    assert score_of(opp, "P1") == score_of(opp, "P2")  # cached: P1 still "said hours"
    services.columns_changed(opp.authority_id)
    assert score_of(opp, "P1") < score_of(opp, "P2")  # loaded again: 10 points, not 20


# --- a stale cache never ranks someone the hard rules leave out -----------------------


def test_a_stale_cache_never_ranks_someone_the_hard_rules_leave_out(world):
    """Writes that send no signal leave the cache stale; the hard rules, asked of the
    database on every match, still keep out whoever they now exclude."""
    opp, profiles = world
    assert refs(opp) == ["P1", "P2"]
    version = columns.version_of(opp.authority_id)
    Episode.objects.filter(person__person_ref="P1").update(ended_on=dt.date.today())
    VocationalProfile.objects.filter(pk=profiles["P2"].pk).update(wants_paid_only=True)
    opp.paid = False
    opp.save()
    assert columns.version_of(opp.authority_id) == version  # nothing told the cache
    assert refs(opp) == []


def test_someone_the_cache_has_not_seen_makes_it_load_again(world, team, tags):
    opp, _ = world
    assert refs(opp) == ["P1", "P2"]
    version = ColumnsVersion.objects.get(authority=opp.authority).version
    person = PersonFactory(authority=team.authority, person_ref="P0")
    EpisodeFactory(team=team, person=person, stage="job_finding")
    ProfileFactory(person=person).interests.set([tags["retail"]])
    ColumnsVersion.objects.filter(authority=opp.authority).update(version=version)  # missed
    assert refs(opp) == ["P1", "P2", "P0"]  # 20 points for hours said beat 10


@pytest.mark.parametrize(
    "change",
    [
        {"max_hours": 12},  # the job is 16 hours
        {"min_hours": 20},
        {"kinds": ["volunteering", "work_trial"]},  # the job is paid employment
        {"max_travel_km": 5},  # the job is 11 km north
    ],
)
def test_each_hard_rule_is_asked_of_the_database(world, change):
    """Changed behind the cache's back, each rule still leaves the person out."""
    opp, profiles = world
    opp.latitude, opp.longitude = Decimal("51.6"), Decimal("0")
    opp.save()
    for profile in profiles.values():
        profile.person.latitude, profile.person.longitude = Decimal("51.5"), Decimal("0")
        profile.person.save()
    assert refs(opp) == ["P1", "P2"]
    VocationalProfile.objects.filter(pk=profiles["P1"].pk).update(**change)
    assert refs(opp) == ["P2"]
    assert refs(opp, cached=False) == ["P2"]


# --- a few people changed: just their columns are reloaded ----------------------------


def entry_version(opp: Opportunity) -> int:
    entry = columns._entries.get(opp.authority_id)
    return entry.version if entry is not None else -1


def loaded_at(opp: Opportunity) -> float | None:
    """When the authority's columns were last loaded whole (a patch keeps it)."""
    entry = columns._entries.get(opp.authority_id)
    return entry.loaded_at if entry is not None else None


def test_a_changed_profile_reloads_just_that_person(world):
    opp, profiles = world
    ranking(opp)
    whole = loaded_at(opp)
    profile = profiles["P2"]
    profile.max_hours = 12  # the job's 16 hours are now too many
    profile.save()
    with CaptureQueriesContext(connection) as patched:
        assert refs(opp) == ["P1"]
    assert loaded_at(opp) == whole  # patched, not loaded again
    # the five of a warm match, the changes since, and P2's columns (two queries)
    assert len(patched) == 8
    assert entry_version(opp) == columns.version_of(opp.authority_id)
    assert len(columns._entries[opp.authority_id].people) == 2  # P1 kept, P2 patched in
    with CaptureQueriesContext(connection) as warm:
        assert refs(opp) == ["P1"]
    assert len(warm) == 5


def test_a_change_that_names_nobody_loads_everyone_again(world):
    opp, _ = world
    ranking(opp)
    whole = loaded_at(opp)
    services.columns_changed(opp.authority_id)  # a bulk write: who changed is not known
    with CaptureQueriesContext(connection) as reloaded:
        ranking(opp)
    assert len(reloaded) == 8  # the changes since say nobody, so the cold match's seven
    assert loaded_at(opp) != whole


def test_more_changed_people_than_the_limit_load_everyone_again(world, settings):
    opp, profiles = world
    settings.PATHWAYS_MATCHING_PATCH_UP_TO = 1
    ranking(opp)
    whole = loaded_at(opp)
    for profile in profiles.values():
        profile.max_hours = 30
        profile.save()
    with CaptureQueriesContext(connection) as reloaded:
        assert refs(opp) == ["P1", "P2"]
    assert len(reloaded) == 8
    assert loaded_at(opp) != whole


def test_columns_older_than_the_changes_kept_load_everyone_again(world):
    opp, profiles = world
    ranking(opp)
    whole = loaded_at(opp)
    profiles["P1"].save()
    profiles["P2"].save()
    version = columns.version_of(opp.authority_id)
    ColumnsChange.objects.filter(authority=opp.authority, version=version - 1).delete()
    with CaptureQueriesContext(connection) as reloaded:
        ranking(opp)
    assert len(reloaded) == 8
    assert entry_version(opp) == version
    assert loaded_at(opp) != whole


def test_changes_are_pruned_to_the_versions_kept(world, monkeypatch):
    opp, profiles = world
    monkeypatch.setattr(services, "CHANGES_KEPT", 4)
    monkeypatch.setattr(services, "PRUNE_EVERY", 2)
    for _ in range(10):
        profiles["P1"].save()
    version = columns.version_of(opp.authority_id)
    kept = set(
        ColumnsChange.objects.filter(authority=opp.authority).values_list("version", flat=True)
    )
    assert min(kept) > version - 6  # never more than CHANGES_KEPT + PRUNE_EVERY versions
    assert max(kept) == version


change_kinds = st.sampled_from(["hours", "interests", "close", "reopen", "delete", "move", "new"])


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    people=st.lists(person_spec(), min_size=1, max_size=8),
    opportunity=opportunity_spec(),
    changes=st.lists(st.tuples(change_kinds, st.integers(0, 7), half_hours), max_size=6),
)
@pytest.mark.django_db
def test_patched_columns_rank_as_a_fresh_load(people, opportunity, changes):
    """Warm columns brought up to date change by change rank exactly as loading
    everyone's columns afresh: profiles saved, interests changed, support closed and
    reopened, people deleted, moved away or added (the columns are kept from the first
    person: the autouse fixture)."""
    with transaction.atomic():
        columns.clear()
        tags = {
            c: InterestTag.objects.get_or_create(code=c, defaults={"label": c})[0] for c in CODES
        }
        team = TeamFactory(authority=AuthorityFactory())
        elsewhere = AuthorityFactory()
        make_people(team, people, tags)
        employer = EmployerFactory(organisation=team.organisation)
        opp = make_opportunity(team, employer, 0, opportunity, tags)
        assert ranking(opp) == ranking(opp, cached=False)
        whole = loaded_at(opp)
        for n, (change, which, hours) in enumerate(changes):
            found = list(Person.objects.filter(authority=team.authority).order_by("person_ref"))
            if change == "new" or not found:
                person = PersonFactory(authority=team.authority, person_ref=f"N{n:03d}")
                EpisodeFactory(team=team, person=person, stage=STAGES[which % len(STAGES)])
                ProfileFactory(person=person, max_hours=hours).interests.set(
                    [tags[CODES[which % len(CODES)]]]
                )
                assert ranking(opp) == ranking(opp, cached=False), (n, change)
                assert loaded_at(opp) == whole, (n, change)  # patched, never loaded again
                continue
            person = found[which % len(found)]
            profile = VocationalProfile.objects.filter(person=person).first()
            if change == "hours" and profile is not None:
                profile.max_hours = hours
                profile.min_hours = None
                profile.save()
            elif change == "interests" and profile is not None:
                profile.interests.set([tags[CODES[(which + n) % len(CODES)]]])
            elif change == "close":
                for episode in Episode.objects.filter(person=person, ended_on__isnull=True):
                    episode.ended_on = dt.date.today()
                    episode.save()
            elif change == "reopen":
                EpisodeFactory(team=team, person=person, stage=STAGES[which % len(STAGES)])
            elif change == "delete":  # as an erasure does: their support, then them
                for episode in Episode.objects.filter(person=person):
                    episode.delete()
                person.delete()
            elif change == "move":
                person.authority = elsewhere
                person.save()
            assert ranking(opp) == ranking(opp, cached=False), (n, change)
            assert loaded_at(opp) == whole, (n, change)  # patched, never loaded again
        transaction.set_rollback(True)
