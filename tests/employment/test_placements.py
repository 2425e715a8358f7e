"""Job starts, changes of hours, job ends, and the ``placements`` import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from pathways.casework import services as casework
from pathways.casework.models import EndReason, Stage
from pathways.core.errors import IllegalTransition, PermissionDenied
from pathways.core.models import Role
from pathways.employers.candidacies.models import Candidacy, CandidacyStatus
from pathways.employers.engagement.models import Employer
from pathways.employment import services
from pathways.employment.models import Placement, PlacementTerms, PostStartCheck
from pathways.employment.policy import placement_policy
from tests.factories import (
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    PersonFactory,
    TeamFactory,
    staff,
)

TODAY = dt.date.today  # called in each test: a run may cross midnight


@pytest.fixture
def episode(team, coach):
    return EpisodeFactory(team=team, worker=coach, stage=Stage.EMPLOYER_ENGAGEMENT)


@pytest.fixture
def employer(team):
    return EmployerFactory(organisation=team.organisation, name="Riverside Café")


def start(coach, episode, employer, **kwargs):
    defaults = {
        "start_date": TODAY() - dt.timedelta(days=10),
        "employer": employer,
        "job_title": "Kitchen porter",
        "kind": "employed",
        "paid": True,
        "hours_per_week": Decimal("16"),
        "hourly_pay": Decimal("12.60"),
    }
    return services.record_job_start(coach, episode.person, **{**defaults, **kwargs})


def test_a_job_start_moves_the_episode_to_in_work_support(coach, episode, employer):
    placement = start(coach, episode, employer)
    episode.refresh_from_db()
    assert episode.stage == Stage.IN_WORK_SUPPORT
    assert placement.episode == episode
    assert placement.placement_ref == f"PL{placement.pk:06d}"
    terms = placement.terms.get()
    assert (terms.effective_from, terms.hours_per_week) == (placement.start_date, Decimal("16"))


def test_a_job_start_from_an_accepted_offer_takes_the_opportunitys_details(
    coach, episode, employer, team
):
    opportunity = OpportunityFactory(
        employer=employer, authority=team.authority, title="Barista", hours_per_week=Decimal("20")
    )
    candidacy = Candidacy.objects.create(
        person=episode.person,
        opportunity=opportunity,
        status=CandidacyStatus.OFFERED,
        status_on=TODAY(),
    )
    with pytest.raises(IllegalTransition, match="Only an accepted offer"):
        services.record_job_start(coach, episode.person, start_date=TODAY(), candidacy=candidacy)
    candidacy.status = CandidacyStatus.ACCEPTED
    candidacy.save()
    placement = services.record_job_start(
        coach, episode.person, start_date=TODAY(), candidacy=candidacy
    )
    assert (placement.job_title, placement.hours_per_week, placement.employer) == (
        "Barista",
        Decimal("20"),
        employer,
    )
    with pytest.raises(IllegalTransition, match="already recorded"):
        services.record_job_start(coach, episode.person, start_date=TODAY(), candidacy=candidacy)


def test_someone_without_a_relationship_cannot_record_a_job(episode, employer, team):
    outsider = staff(Role.EMPLOYMENT_SPECIALIST, TeamFactory(authority=team.authority))
    with pytest.raises(PermissionDenied):
        start(outsider, episode, employer)
    assert not Placement.objects.exists()


def test_missing_details_are_named(coach, episode, employer):
    with pytest.raises(ValidationError) as caught:
        services.record_job_start(coach, episode.person, start_date=TODAY())
    assert set(caught.value.message_dict) >= {"employer", "job_title", "kind", "paid"}
    with pytest.raises(ValidationError) as caught:
        start(coach, episode, employer, paid=False)
    assert "hourly_pay" in caught.value.message_dict


def test_a_change_of_hours_keeps_the_history(coach, episode, employer):
    placement = start(coach, episode, employer)
    services.change_terms(
        coach,
        placement,
        effective_from=TODAY(),
        hours_per_week=Decimal("30"),
        hourly_pay=Decimal("12.60"),
    )
    placement.refresh_from_db()
    assert placement.hours_per_week == Decimal("30")
    assert list(placement.terms.values_list("hours_per_week", flat=True)) == [
        Decimal("16"),
        Decimal("30"),
    ]
    with pytest.raises(ValidationError, match="before the job started"):
        services.change_terms(
            coach,
            placement,
            effective_from=placement.start_date - dt.timedelta(days=1),
            hours_per_week=Decimal("10"),
            hourly_pay=None,
        )


def test_a_job_end_reopens_job_finding_unless_another_job_goes_on(coach, episode, employer):
    first = start(coach, episode, employer)
    second = start(coach, episode, employer, job_title="Cleaner")
    services.end_placement(coach, first, end_date=TODAY(), reason="contract_ended")
    episode.refresh_from_db()
    assert episode.stage == Stage.IN_WORK_SUPPORT  # still in the other job
    services.end_placement(coach, second, end_date=TODAY(), reason="resigned")
    episode.refresh_from_db()
    assert episode.stage == Stage.JOB_FINDING
    with pytest.raises(IllegalTransition, match="already ended"):
        services.end_placement(coach, second, end_date=TODAY(), reason="resigned")


def test_end_before_start_is_refused(coach, episode, employer):
    placement = start(coach, episode, employer)
    with pytest.raises(ValidationError, match="before it started"):
        services.end_placement(
            coach, placement, end_date=placement.start_date - dt.timedelta(days=1), reason="other"
        )


def test_a_job_start_on_the_episodes_first_day_is_recorded_and_the_day_before_refused(
    coach, episode, employer
):
    """The issue's case: a job start dated years before the episode began was accepted,
    and the stage then showed "from" that day with checks due back then."""
    with pytest.raises(ValidationError) as refused:
        start(coach, episode, employer, start_date=episode.started_on - dt.timedelta(days=1))
    assert refused.value.message_dict == {
        "start_date": [
            f"The job start must be on or after {episode.started_on:%-d %B %Y}, "
            "when this episode of support began"
        ]
    }
    with pytest.raises(ValidationError, match="job start must be on or after"):
        start(coach, episode, employer, start_date=dt.date(2020, 1, 1))
    assert not Placement.objects.exists()
    episode.refresh_from_db()
    assert episode.stage == Stage.EMPLOYER_ENGAGEMENT and not episode.stage_entries.exists()

    placement = start(coach, episode, employer, start_date=episode.started_on)
    assert placement.episode == episode
    assert episode.stage_entries.get().entered_on == episode.started_on
    assert {c.due_on for c in placement.checks.all()} == {
        episode.started_on + dt.timedelta(days=episode.team.post_start_check_days)
    }


def test_a_job_that_ended_before_the_episode_began_leaves_its_stage(coach, team, employer):
    """A job from before this support, ended late in the record, does not date a stage
    before the episode began."""
    earlier = EpisodeFactory(team=team, worker=coach, started_on=TODAY() - dt.timedelta(days=400))
    placement = start(coach, earlier, employer, start_date=TODAY() - dt.timedelta(days=300))
    casework.close_episode(
        coach, earlier, reason=EndReason.WITHDREW, on=TODAY() - dt.timedelta(days=100)
    )
    now = EpisodeFactory(
        team=team,
        worker=coach,
        person=earlier.person,
        started_on=TODAY() - dt.timedelta(days=20),
        stage=Stage.EMPLOYER_ENGAGEMENT,
    )
    services.end_placement(
        coach, placement, end_date=TODAY() - dt.timedelta(days=50), reason="resigned"
    )
    now.refresh_from_db()
    assert now.stage == Stage.EMPLOYER_ENGAGEMENT and not now.stage_entries.exists()


# --- the import -----------------------------------------------------------------------

HEADER = (
    "authority,person_ref,placement_ref,employer,job_title,kind,paid,start_date,end_date,"
    "hours_per_week,hourly_pay,supported,end_reason"
)


def run(tmp_path, *lines, **kwargs):
    path = tmp_path / "placements.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    call_command("import", "placements", str(path), **kwargs)


def test_import_creates_placements_with_their_terms_and_is_idempotent(
    tmp_path, team, coach, capsys
):
    person = PersonFactory(authority=team.authority, person_ref="C1")
    episode = EpisodeFactory(team=team, person=person, started_on=dt.date(2024, 1, 1))
    line = (
        "E09000025,C1,PL1,Green Leaf Garden Centre,Gardener,employed,yes,2024-03-01,,16,12.60,yes,"
    )
    run(tmp_path, line)
    placement = Placement.objects.get()
    assert placement.episode == episode
    assert placement.employer.organisation == team.organisation
    assert placement.terms.get().hours_per_week == Decimal("16")
    assert "1 created" in capsys.readouterr().out
    run(tmp_path, line)
    assert "0 created, 0 updated, 1 unchanged" in capsys.readouterr().out
    run(tmp_path, line.replace(",,16,", ",2024-09-30,16,").replace("yes,\n", "yes,resigned"))
    placement.refresh_from_db()
    assert placement.end_date == dt.date(2024, 9, 30)
    assert Employer.objects.count() == 1


def test_import_brings_jobs_from_before_the_episode_as_history(tmp_path, team, coach, capsys):
    """Jobs held before support began are imported (the service refuses them): they stay
    the person's history, outside the episode, and do not move its stage."""
    person = PersonFactory(authority=team.authority, person_ref="C1")
    episode = EpisodeFactory(
        team=team, person=person, started_on=dt.date(2026, 12, 4), stage=Stage.JOB_FINDING
    )
    run(
        tmp_path,
        "E09000025,C1,PL1,Green Leaf Garden Centre,Gardener,employed,yes,2020-01-01,"
        "2021-06-30,16,9.50,no,resigned",
        "E09000025,C1,PL2,Riverside Café,Cook,employed,yes,2026-11-01,,12,12.60,no,",
    )
    assert "2 created" in capsys.readouterr().out
    assert list(Placement.objects.order_by("start_date").values_list("episode", flat=True)) == [
        None,
        None,
    ]
    episode.refresh_from_db()
    assert episode.stage == Stage.JOB_FINDING and not episode.stage_entries.exists()
    assert not PostStartCheck.objects.exists()


def test_import_problems_name_the_line_and_column(tmp_path, team, capsys):
    PersonFactory(authority=team.authority, person_ref="C1")
    with pytest.raises(SystemExit):
        run(
            tmp_path,
            "E09000025,C1,PL1,Café,Cook,employed,yes,2024-03-01,2024-02-01,16,,,",
            "E09000025,C1,PL2,Café,Volunteer,volunteering,no,2024-03-01,,8,9.00,,",
            "E09000025,C9,PL3,Café,Cook,employed,yes,2024-03-01,,16,,,",
            "E09000025,C1,PL4,Café,Cook,employed,yes,2024-03-01,,16,,,resigned",
        )
    err = capsys.readouterr().err
    assert "placements.csv:2: end_date: the job cannot end" in err
    assert "placements.csv:3: hourly_pay: unpaid work has no hourly pay" in err
    assert "placements.csv:4: person_ref: no person with reference 'C9'" in err
    assert "placements.csv:5: end_reason: give the end_date too" in err
    assert not Placement.objects.exists() and not PlacementTerms.objects.exists()


def test_a_council_without_provider_teams_imports_jobs_under_the_employers_name(
    tmp_path, authority, capsys
):
    """A council recording jobs from its social-care records for the employment-rate
    return, with no provider's teams loaded: each job keeps its employer's name and no
    employer list is needed or changed."""
    PersonFactory(authority=authority, person_ref="C1")
    PersonFactory(authority=authority, person_ref="C2")
    lines = (
        "E09000025,C1,PL1,Tesco,Shelf stacker,employed,yes,2024-03-01,,16,11.44,no,",
        "E09000025,C2,PL2,Newham Library,Volunteer,volunteering,no,2024-05-01,,6,,,",
    )
    run(tmp_path, *lines)
    assert "imported: 2 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    jobs = {p.placement_ref: p for p in Placement.objects.all()}
    assert str(jobs["PL1"]) == "Shelf stacker at Tesco"
    assert jobs["PL1"].employer is None and jobs["PL2"].employer_name == "Newham Library"
    assert not Employer.objects.exists()
    run(tmp_path, *lines)
    assert "0 created, 0 updated, 2 unchanged" in capsys.readouterr().out
    run(tmp_path, lines[0].replace("Tesco", "TESCO"), lines[1])
    assert "0 created, 0 updated, 2 unchanged" in capsys.readouterr().out


def test_a_job_found_without_a_provider_joins_no_providers_list(tmp_path, team, capsys):
    """Not supported by a provider: a new employer stays off the only provider's list,
    but a name already on it is still that employer."""
    PersonFactory(authority=team.authority, person_ref="C1")
    PersonFactory(authority=team.authority, person_ref="C2")
    listed = EmployerFactory(organisation=team.organisation, name="Green Leaf Café")
    run(
        tmp_path,
        "E09000025,C1,PL1,Corner Shop,Assistant,employed,yes,2024-03-01,,10,11.44,no,",
        "E09000025,C2,PL2,green leaf café,Cook,employed,yes,2024-03-01,,16,12.00,no,",
    )
    assert "imported: 2 created" in capsys.readouterr().out
    jobs = {p.placement_ref: p for p in Placement.objects.all()}
    assert jobs["PL1"].employer is None and jobs["PL1"].employer_name == "Corner Shop"
    assert jobs["PL2"].employer == listed
    assert list(Employer.objects.all()) == [listed]


def test_with_several_providers_a_new_employer_joins_the_importers_list_or_none(
    tmp_path, team, coach, capsys
):
    """Several providers work for the authority: run by none of them, the job keeps the
    employer's name (a placement needs no list); run by a member, it joins theirs."""
    TeamFactory(authority=team.authority)
    PersonFactory(authority=team.authority, person_ref="C1")
    PersonFactory(authority=team.authority, person_ref="C2")
    run(tmp_path, "E09000025,C1,PL1,Tesco,Cashier,employed,yes,2024-03-01,,16,11.44,yes,")
    assert "imported: 1 created" in capsys.readouterr().out
    assert Placement.objects.get().employer_name == "Tesco" and not Employer.objects.exists()
    run(
        tmp_path,
        "E09000025,C2,PL2,Asda,Cashier,employed,yes,2024-03-01,,16,11.44,yes,",
        as_email=coach.email,
    )
    assert "imported: 1 created" in capsys.readouterr().out
    assert Placement.objects.get(placement_ref="PL2").employer.organisation == team.organisation


def test_placements_follow_the_persons_access(coach, episode, employer, team):

    placement = start(coach, episode, employer)
    outsider = staff(Role.EMPLOYMENT_SPECIALIST, TeamFactory(authority=team.authority))
    visible_to = lambda user: list(  # noqa: E731
        placement_policy.visible(user, Placement.objects.all())
    )
    assert visible_to(coach) == [placement]
    assert visible_to(outsider) == []
    assert placement_policy.can(coach, "change", placement)
    assert not placement_policy.can(outsider, "view", placement)
    commissioner = staff(Role.COMMISSIONER, team)
    assert visible_to(commissioner) == []
