"""``pathways match opportunity`` and ``pathways match cohort``: the spec's output,
who is considered, access through ``--as``, refusals and the audit trail."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError

from pathways.core.models import InterestTag, Role
from pathways.employers.opportunities.models import Opportunity
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

pytestmark = pytest.mark.django_db


def another_authority():
    # An explicit code: the factory's sequence can land on the ``authority`` fixture's.
    return AuthorityFactory(code="W06000011", name="Swansea")


def match(*args: str):
    out = StringIO()
    call_command("match", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def ranked(ref: str, *args: str) -> list[dict]:
    return match("opportunity", ref, *args)


def matchable(team, ref: str, *, interests=(), worker=None, episode=True, **profile):
    person = PersonFactory(authority=team.authority, person_ref=ref)
    if episode:
        EpisodeFactory(team=team, person=person, worker=worker, stage="job_finding")
    made = ProfileFactory(person=person, **profile)
    made.interests.set(InterestTag.objects.filter(code__in=interests))
    return person


def opening(team, ref: str, *, tags=(), employer=None, **fields) -> Opportunity:
    opp = OpportunityFactory(
        employer=employer or EmployerFactory(organisation=team.organisation),
        authority=fields.pop("authority", team.authority),
        opportunity_ref=ref,
        **fields,
    )
    opp.tags.set(InterestTag.objects.filter(code__in=tags))
    return opp


# --- match opportunity ----------------------------------------------------------------


def test_items_have_a_reference_a_score_and_reasons(team, tags):
    matchable(team, "C1", interests=["retail", "catering"], min_hours=10, max_hours=20)
    matchable(team, "C2", interests=["animals"])
    opening(team, "OPP1", tags=["retail"])

    items = ranked("OPP1")

    assert [i["person_ref"] for i in items] == ["C1", "C2"]  # C1 shares an interest
    for item in items:
        assert {"person_ref", "score", "reasons"} <= set(item)
        assert isinstance(item["score"], int) and 0 <= item["score"] <= 100
        assert item["reasons"] and all(isinstance(r, str) and r for r in item["reasons"])
    assert items[0]["score"] > items[1]["score"]
    assert "16 hours a week, within the 10 to 20 hours" in items[0]["reasons"][1]


def test_only_people_of_its_authority_with_an_open_episode_and_a_profile(team, tags):
    matchable(team, "C1")
    matchable(team, "C2", episode=False)  # a profile, but no support now
    closed = matchable(team, "C3", episode=False)
    EpisodeFactory(team=team, person=closed, ended_on=dt.date.today())
    EpisodeFactory(team=team, person=PersonFactory(authority=team.authority, person_ref="C4"))
    matchable(TeamFactory(authority=another_authority()), "C5")
    matchable(team, "C6", kinds=["volunteering"])  # breaks a hard rule (a paid job)
    opening(team, "OPP1")

    assert [i["person_ref"] for i in ranked("OPP1", "--top", "0")] == ["C1"]


def test_top_defaults_to_ten_and_zero_lists_everyone(team, tags):
    for n in range(12):
        matchable(team, f"C{n:02d}")
    opening(team, "OPP1")

    assert len(ranked("OPP1")) == 10
    assert len(ranked("OPP1", "--top", "3")) == 3
    everyone = ranked("OPP1", "--top", "0")
    assert len(everyone) == 12
    assert ranked("OPP1", "--top", "3") == everyone[:3]
    with pytest.raises(CommandError, match="--top must be 0"):
        ranked("OPP1", "--top", "-1")


def test_ties_are_listed_by_reference(team, tags):
    for ref in ["C9", "C3", "C7", "C1"]:  # made out of order, all alike
        matchable(team, ref, interests=["retail"])
    matchable(team, "C5", interests=["animals"])  # lower: no shared interest
    opening(team, "OPP1", tags=["retail"])

    items = ranked("OPP1")

    assert [i["person_ref"] for i in items] == ["C1", "C3", "C7", "C9", "C5"]
    assert len({i["score"] for i in items[:4]}) == 1


def test_as_limits_the_list_to_people_that_staff_member_may_see(team, other_team, coach, tags):
    mine = matchable(team, "C1", worker=coach)
    matchable(other_team, "C2")  # same authority, another team and provider
    opening(team, "OPP1")
    intake = staff(Role.INTAKE_OFFICER, team)

    assert [i["person_ref"] for i in ranked("OPP1", "--as", coach.email)] == [mine.person_ref]
    # An intake officer sees every resident of the authority.
    assert [i["person_ref"] for i in ranked("OPP1", "--as", intake.email)] == ["C1", "C2"]


def test_refusals_are_one_line_reasons(team, other_team, tags):
    opening(team, "OPP1")
    outsider = staff(Role.EMPLOYMENT_SPECIALIST, other_team)  # another provider

    for args, reason in [
        (["NOPE"], "No opportunity has the reference NOPE"),
        (["OPP1", "--as", outsider.email], "No opportunity has the reference OPP1"),
        (["OPP1", "--as", "nobody@example.org"], "No active staff member has the email"),
    ]:
        with pytest.raises(CommandError) as refused:
            ranked(*args)
        assert str(refused.value).startswith(reason)
        assert "\n" not in str(refused.value)


def test_listed_people_are_recorded_as_read_from_the_command_line(team, coach, tags):
    listed = matchable(team, "C1", worker=coach)
    unlisted = matchable(team, "C2", worker=coach, kinds=["volunteering"])
    opening(team, "OPP1")

    ranked("OPP1", "--as", coach.email)

    entry = LogEntry.objects.get(
        action=LogEntry.Action.ACCESS, additional_data__person_id=listed.pk
    )
    assert entry.additional_data["channel"] == "cli"
    assert entry.additional_data["what"] == "match results"
    assert entry.additional_data["outcome"] == "allowed"
    assert entry.actor == coach
    assert not LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__person_id=unlisted.pk
    ).exists()


def test_the_table_shows_scores_reasons_and_the_benefits_warning(settings, team, tags):
    settings.PATHWAYS_PERMITTED_WORK_WEEKLY_LIMIT = "195.50"
    person = matchable(team, "C1", kinds=["employed"])
    opening(team, "OPP1", hours_per_week=30, hourly_pay="12.00")
    out = StringIO()

    call_command("match", "opportunity", "OPP1", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].split()[1] == "C1" and person.given_name in lines[0]
    assert int(lines[0].split()[0]) == ranked("OPP1")[0]["score"]
    assert any(line.strip().startswith("- 30 hours a week") for line in lines)
    assert any(line.strip().startswith("! About £360.00 a week") for line in lines)

    empty = StringIO()
    opening(team, "OPP2", kind="volunteering", paid=False)
    call_command("match", "opportunity", "OPP2", stdout=empty)
    assert empty.getvalue().strip() == "Nobody matches OPP2 yet."


# --- match cohort ---------------------------------------------------------------------


@pytest.fixture
def cohort(team, tags):
    """Six people, three opportunities with four places between them."""
    employer = EmployerFactory(organisation=team.organisation)
    opening(team, "OPP-A", tags=["retail"], places=1, employer=employer)
    opening(team, "OPP-B", tags=["catering"], places=2, hours_per_week=25, employer=employer)
    opening(team, "OPP-C", tags=["outdoors"], places=1, employer=employer)
    matchable(team, "C1", interests=["retail"])
    matchable(team, "C2", interests=["retail", "catering"])
    matchable(team, "C3", interests=["catering"], max_hours=20)  # not OPP-B's 25 hours
    matchable(team, "C4", interests=["outdoors"])
    matchable(team, "C5", interests=["catering"])
    matchable(team, "C6", kinds=["volunteering"])  # none of them
    return employer


def best_total(scores: dict[str, dict[str, int]], places: dict[str, int]) -> int:
    """Try every way of giving each person one of the opportunities or none."""
    people = sorted({ref for listing in scores.values() for ref in listing})
    options = [None, *scores]
    best = 0
    for choice in itertools.product(options, repeat=len(people)):
        if any(o is not None and p not in scores[o] for p, o in zip(people, choice, strict=True)):
            continue
        if any(choice.count(o) > n for o, n in places.items()):
            continue
        total = sum(scores[o][p] for p, o in zip(people, choice, strict=True) if o is not None)
        best = max(best, total)
    return best


def check(result: dict, places: dict[str, int]) -> None:
    people = [a["person_ref"] for a in result["assignments"]]
    assert len(people) == len(set(people)), "someone has two places"
    for ref, n in places.items():
        taken = sum(1 for a in result["assignments"] if a["opportunity_ref"] == ref)
        assert taken <= n, f"{ref} over its {n} places"
    assert result["total_score"] == sum(a["score"] for a in result["assignments"])


def test_cohort_fills_the_places_for_the_best_total(team, cohort):
    result = match("cohort", "--authority", team.authority.code)

    assert set(result) == {"assignments", "total_score"}
    for a in result["assignments"]:
        assert set(a) == {"person_ref", "opportunity_ref", "score"}
    check(result, {"OPP-A": 1, "OPP-B": 2, "OPP-C": 1})
    assert len(result["assignments"]) == 4
    placed = {a["person_ref"]: a["opportunity_ref"] for a in result["assignments"]}
    assert "C6" not in placed
    assert placed.get("C3") != "OPP-B"
    # Each pair's score is the one the opportunity's own ranking gives, and no other
    # way of filling the places scores more in total.
    scores = {
        ref: {i["person_ref"]: i["score"] for i in ranked(ref, "--top", "0")}
        for ref in ["OPP-A", "OPP-B", "OPP-C"]
    }
    for a in result["assignments"]:
        assert scores[a["opportunity_ref"]][a["person_ref"]] == a["score"]
    assert result["total_score"] == best_total(scores, {"OPP-A": 1, "OPP-B": 2, "OPP-C": 1})


def test_cohort_for_chosen_opportunities_only(team, cohort):
    result = match("cohort", "--authority", team.authority.code, "--opportunity", "OPP-B")

    check(result, {"OPP-B": 2})
    assert {a["opportunity_ref"] for a in result["assignments"]} == {"OPP-B"}
    assert len(result["assignments"]) == 2
    assert "C3" not in {a["person_ref"] for a in result["assignments"]}


def test_cohort_leaves_out_closed_opportunities_by_default(team, cohort):
    Opportunity.objects.filter(opportunity_ref="OPP-B").update(closed_on=dt.date.today())

    result = match("cohort", "--authority", team.authority.code)

    assert {a["opportunity_ref"] for a in result["assignments"]} == {"OPP-A", "OPP-C"}
    on = (dt.date.today() - dt.timedelta(days=30)).isoformat()  # before any opened
    assert match("cohort", "--authority", team.authority.code, "--on", on) == {
        "assignments": [],
        "total_score": 0,
    }


def test_cohort_refuses_another_authoritys_opportunity(team, cohort):
    opening(team, "OPP-X", authority=another_authority(), employer=cohort)

    for args, reason in [
        (["--opportunity", "OPP-X"], "Opportunity OPP-X is offered to another authority"),
        (["--opportunity", "NOPE"], "No opportunity has the reference NOPE"),
    ]:
        with pytest.raises(CommandError) as refused:
            match("cohort", "--authority", team.authority.code, *args)
        assert str(refused.value) == reason
    with pytest.raises(CommandError, match="No authority has the code E0"):
        match("cohort", "--authority", "E0")


def test_cohort_as_a_staff_member_places_only_people_they_see(team, other_team, coach, cohort):
    # Someone another provider supports, who would take OPP-C if everyone counted.
    theirs = matchable(other_team, "C7", interests=["outdoors"], min_hours=10, max_hours=30)
    outsider = staff(Role.TEAM_MANAGER, other_team)

    everyone = match("cohort", "--authority", team.authority.code)
    assert {"person_ref": "C7", "opportunity_ref": "OPP-C"} in [
        {k: a[k] for k in ("person_ref", "opportunity_ref")} for a in everyone["assignments"]
    ]

    result = match("cohort", "--authority", team.authority.code, "--as", coach.email)
    placed = {a["person_ref"] for a in result["assignments"]}
    assert "C7" not in placed and len(placed) == 4
    for person in Person.objects.filter(person_ref__in=placed, authority=team.authority):
        entry = LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS, additional_data__person_id=person.pk, actor=coach
        ).get()
        assert entry.additional_data["what"] == "match results"
        assert entry.additional_data["channel"] == "cli"
    assert not LogEntry.objects.filter(additional_data__person_id=theirs.pk, actor=coach)

    # The other provider sees none of the first provider's opportunities.
    nothing = match("cohort", "--authority", team.authority.code, "--as", outsider.email)
    assert nothing == {"assignments": [], "total_score": 0}
    with pytest.raises(CommandError, match="No opportunity has the reference OPP-A"):
        match(
            "cohort", "--authority", team.authority.code, "--opportunity", "OPP-A",
            "--as", outsider.email,
        )  # fmt: skip
