"""The job-start and placement pages: what a coach sees and does for a person in work,
who else may look, and that the pages' queries do not grow with the record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pathways.casework.models import Activity, ActivityKind, Stage
from pathways.core.models import Role
from pathways.employers.candidacies.models import Candidacy, CandidacyStatus
from pathways.employment import services
from pathways.employment.models import (
    AccessToWork,
    FadingStep,
    Milestone,
    Placement,
    PlacementTerms,
    PostStartCheck,
)
from tests.factories import (
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    TeamFactory,
    staff,
)

TODAY = dt.date.today  # called in each test: a run may cross midnight


def STARTED() -> dt.date:
    return TODAY() - dt.timedelta(days=100)


def parts(prefix: str, day: dt.date) -> dict[str, str]:
    """A GOV.UK date input's three boxes, as a browser posts them."""
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


@pytest.fixture
def episode(team, coach):
    return EpisodeFactory(
        team=team,
        worker=coach,
        stage=Stage.EMPLOYER_ENGAGEMENT,
        started_on=STARTED() - dt.timedelta(days=60),
    )


@pytest.fixture
def person(episode):
    return episode.person


@pytest.fixture
def employer(team):
    return EmployerFactory(organisation=team.organisation, name="Riverside Café")


def start_job(coach, person, employer, *, start_date=None, title="Kitchen porter") -> Placement:
    start_date = start_date or STARTED()
    return services.record_job_start(
        coach,
        person,
        start_date=start_date,
        employer=employer,
        job_title=title,
        kind="employed",
        paid=True,
        hours_per_week=Decimal("16"),
        hourly_pay=Decimal("12.60"),
    )


@pytest.fixture
def placement(coach, person, employer):
    return start_job(coach, person, employer)


@pytest.fixture
def outsider(authority):
    """A coach in another team of the same authority, who does not work with the person."""
    return staff(
        Role.EMPLOYMENT_SPECIALIST, TeamFactory(authority=authority), email="o@example.org"
    )


def page_url(placement: Placement) -> str:
    return reverse("employment:placement", args=[placement.pk])


def coaching(episode, coach, day: dt.date, minutes: int) -> Activity:
    return Activity.objects.create(
        episode=episode,
        kind=ActivityKind.IN_WORK_COACHING,
        occurred_on=day,
        minutes=minutes,
        with_whom=Activity.With.PERSON,
        recorded_by=coach,
    )


# --- the pages render -----------------------------------------------------------------


def test_the_placement_page_shows_the_job_and_its_support(client, coach, placement):
    client.force_login(coach)
    response = client.get(page_url(placement))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Kitchen porter at Riverside Café" in text
    assert "Post-start checks" in text and "0 of 6 done." in text
    assert "Transport to work is working" in text
    assert "Fading support plan" in text and "Access to Work" in text
    assert "16 hours a week, £12.60 an hour" in text
    assert "fading.svg" in text  # 14 whole weeks: the chart is shown
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")
    assert entry.additional_data["what"] == "placement"
    assert entry.additional_data["person_id"] == placement.person_id
    assert entry.additional_data["outcome"] == "allowed"


def test_a_job_whose_employer_is_on_no_list_shows_its_name_without_a_link(client, coach, person):
    """An imported job the person found themself: its employer is named, not linked to
    an employer page that does not exist."""
    job = Placement.objects.create(
        authority=person.authority,
        placement_ref="PL9",
        person=person,
        unlisted_employer="Corner Shop",
        job_title="Shop assistant",
        kind="employed",
        paid=True,
        start_date=STARTED(),
        hours_per_week=Decimal("10"),
    )
    client.force_login(coach)
    text = client.get(page_url(job)).content.decode()
    assert '<h1 class="govuk-heading-l">Shop assistant at Corner Shop</h1>' in text
    assert '<dd class="govuk-summary-list__value">Corner Shop</dd>' in text
    person_page = client.get(reverse("person", args=[person.pk])).content.decode()
    assert "Shop assistant at Corner Shop" in person_page


def test_the_person_page_lists_jobs_and_offers_a_job_start(client, coach, person, placement):
    client.force_login(coach)
    response = client.get(reverse("person", args=[person.pk]))
    text = response.content.decode()
    assert page_url(placement) in text
    assert "6 post-start checks to do" in text
    assert reverse("employment:job-start", args=[person.pk]) in text


def test_the_job_start_page_renders_for_the_coach(client, coach, person, employer):
    client.force_login(coach)
    response = client.get(reverse("employment:job-start", args=[person.pk]))
    assert response.status_code == 200
    assert "Record a job start" in response.content.decode()
    assert "Riverside Café" in response.content.decode()


# --- a job start ----------------------------------------------------------------------


def test_a_job_start_found_by_the_person(client, coach, person, employer, episode):
    client.force_login(coach)
    response = client.post(
        reverse("employment:job-start", args=[person.pk]),
        {
            "employer": employer.pk,
            "job_title": "Gardener",
            "kind": "employed",
            "paid": "yes",
            **parts("start_date", TODAY() - dt.timedelta(days=3)),
            "hours_per_week": "20",
            "hourly_pay": "12.60",
            "supported": "yes",
        },
    )
    placement = Placement.objects.get(person=person)
    assert response.status_code == 302 and response["Location"] == page_url(placement)
    assert placement.job_title == "Gardener" and placement.hours_per_week == Decimal("20")
    assert placement.checks.count() == 6
    episode.refresh_from_db()
    assert episode.stage == Stage.IN_WORK_SUPPORT
    page = client.get(response["Location"]).content.decode()
    assert "Job start recorded: Gardener at Riverside Café" in page


def test_a_job_start_before_the_episode_began_is_an_error_on_its_date(
    client, coach, person, employer, episode
):
    client.force_login(coach)
    data = {
        "employer": employer.pk,
        "job_title": "Gardener",
        "kind": "employed",
        "paid": "yes",
        "hours_per_week": "20",
        "supported": "yes",
    }
    url = reverse("employment:job-start", args=[person.pk])
    day_before = episode.started_on - dt.timedelta(days=1)
    response = client.post(url, {**data, **parts("start_date", day_before)})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_start_date_0"' in html
    assert (
        f"The job start must be on or after {episode.started_on:%-d %B %Y}, "
        "when this episode of support began"
    ) in html
    assert not Placement.objects.exists()
    response = client.post(url, {**data, **parts("start_date", episode.started_on)})
    assert response.status_code == 302
    assert Placement.objects.get().start_date == episode.started_on


def test_a_job_start_from_an_accepted_candidacy(client, coach, person, employer, team):
    opportunity = OpportunityFactory(
        employer=employer,
        authority=team.authority,
        title="Barista",
        kind="employed",
        paid=True,
        hours_per_week=Decimal("18"),
        hourly_pay=Decimal("12.21"),
    )
    candidacy = Candidacy.objects.create(
        person=person, opportunity=opportunity, status=CandidacyStatus.ACCEPTED, status_on=TODAY()
    )
    client.force_login(coach)
    candidacy_page = client.get(reverse("employers:candidacy", args=[candidacy.pk]))
    url = reverse("employment:job-start", args=[person.pk]) + f"?candidacy={candidacy.pk}"
    assert url in candidacy_page.content.decode()

    form = client.get(url).content.decode()
    assert 'value="Barista"' in form and 'value="18.0"' in form
    response = client.post(
        url,
        {
            "employer": employer.pk,
            "job_title": "Barista",
            "kind": "employed",
            "paid": "yes",
            **parts("start_date", TODAY()),
            "hours_per_week": "18",
            "hourly_pay": "12.21",
            "supported": "yes",
        },
    )
    assert response.status_code == 302
    placement = Placement.objects.get(person=person)
    assert placement.candidacy == candidacy
    assert placement.job_title == "Barista"
    page = client.get(reverse("employers:candidacy", args=[candidacy.pk])).content.decode()
    assert page_url(placement) in page and "The job start is recorded" in page
    # A second start from the same offer is refused, with the reason.
    again = client.post(
        url,
        {
            "employer": employer.pk,
            "job_title": "Barista",
            "kind": "employed",
            "paid": "yes",
            **parts("start_date", TODAY()),
            "hours_per_week": "18",
            "supported": "yes",
        },
    )
    assert again.status_code == 400
    assert "already recorded" in again.content.decode()
    assert Placement.objects.filter(person=person).count() == 1


def test_a_job_start_from_someone_elses_candidacy_is_not_found(
    client, coach, person, employer, team
):
    other = EpisodeFactory(team=team, worker=coach).person
    opportunity = OpportunityFactory(employer=employer, authority=team.authority)
    candidacy = Candidacy.objects.create(
        person=other, opportunity=opportunity, status=CandidacyStatus.ACCEPTED, status_on=TODAY()
    )
    client.force_login(coach)
    url = reverse("employment:job-start", args=[person.pk])
    assert client.get(f"{url}?candidacy={candidacy.pk}").status_code == 404
    assert client.get(f"{url}?candidacy=x1").status_code == 404
    assert client.get(f"{url}?candidacy=99999999999999999999").status_code == 404


def test_a_job_start_with_missing_details_names_the_fields(client, coach, person, employer):
    client.force_login(coach)
    response = client.post(
        reverse("employment:job-start", args=[person.pk]),
        {"employer": employer.pk, "kind": "employed", "paid": "no", "hourly_pay": "10"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter the job title" in text
    assert "Enter the start date" in text
    assert "Enter the hours a week" in text
    assert "Unpaid work has no hourly pay" in text
    assert "<title>Error: " in text
    assert not Placement.objects.exists()
    # The form sent back still shows who the job is for: that is a read of the record.
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")
    assert entry.additional_data["person_id"] == person.pk
    assert entry.additional_data["what"] == "job start"


def test_a_job_start_too_far_ahead_is_refused_on_the_field(client, coach, person, employer):
    client.force_login(coach)
    response = client.post(
        reverse("employment:job-start", args=[person.pk]),
        {
            "employer": employer.pk,
            "job_title": "Gardener",
            "kind": "employed",
            "paid": "yes",
            **parts("start_date", TODAY() + dt.timedelta(days=120)),
            "hours_per_week": "20",
            "supported": "yes",
        },
    )
    assert response.status_code == 400
    assert 'href="#id_start_date_0">Record a job start at most two months ahead' in (
        response.content.decode()
    )


# --- the placement page's forms -------------------------------------------------------


def test_ticking_off_a_check(client, coach, placement):
    check = placement.checks.get(kind="transport")
    client.force_login(coach)
    response = client.post(
        reverse("employment:check", args=[placement.pk, check.pk]),
        {**parts(f"check-{check.pk}-done_on", TODAY()), f"check-{check.pk}-notes": "Bus pass"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#checks")
    check.refresh_from_db()
    assert (check.done_on, check.done_by, check.notes) == (TODAY(), coach, "Bus pass")
    page = client.get(page_url(placement)).content.decode()
    assert "1 of 6 done." in page
    assert f"Done on {TODAY():%-d %B %Y} by" in page and "Bus pass" in page
    assert "Post-start check done: Transport to work is working." in page


def test_a_check_done_in_the_future_is_refused_on_its_date(client, coach, placement):
    check = placement.checks.get(kind="transport")
    client.force_login(coach)
    response = client.post(
        reverse("employment:check", args=[placement.pk, check.pk]),
        parts(f"check-{check.pk}-done_on", TODAY() + dt.timedelta(days=2)),
    )
    assert response.status_code == 400
    assert (
        f'href="#id_check-{check.pk}-done_on_0">The date it was done cannot be in the future'
        in (response.content.decode())
    )
    check.refresh_from_db()
    assert check.done_on is None


def test_confirming_a_milestone(client, coach, placement):
    (milestone,) = services.find_milestones(TODAY())
    assert milestone.weeks == 13
    milestone = Milestone.objects.get(placement=placement)
    client.force_login(coach)
    page = client.get(page_url(placement)).content.decode()
    assert "Confirm 13 weeks in work" in page
    prefix = f"milestone-{milestone.pk}"
    response = client.post(
        reverse("employment:milestone", args=[placement.pk, milestone.pk]),
        {f"{prefix}-evidence": "payslip", **parts(f"{prefix}-confirmed_on", TODAY())},
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.confirmed_on, milestone.evidence, milestone.confirmed_by) == (
        TODAY(),
        "payslip",
        coach,
    )
    page = client.get(page_url(placement)).content.decode()
    assert "13 weeks in work confirmed." in page
    assert "seen a payslip" in page


def test_a_milestone_without_evidence_names_the_field(client, coach, placement):
    services.find_milestones(TODAY())
    milestone = Milestone.objects.get(placement=placement)
    prefix = f"milestone-{milestone.pk}"
    client.force_login(coach)
    response = client.post(
        reverse("employment:milestone", args=[placement.pk, milestone.pk]),
        parts(f"{prefix}-confirmed_on", TODAY()),
    )
    assert response.status_code == 400
    assert "Choose how you know the person is still in work" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.confirmed_on is None


def fading_post(placement: Placement, rows: list[tuple[dt.date | None, str]], version=None):
    data = {"fading-version": placement.version if version is None else version}
    data["fading-rows"] = 6
    for n, (day, hours) in enumerate(rows, start=1):
        if day is not None:
            data.update(parts(f"fading-from_{n}", day))
        data[f"fading-hours_{n}"] = hours
    return data


def test_setting_a_fading_plan(client, coach, placement, episode):
    coaching(episode, coach, STARTED() + dt.timedelta(days=1), 600)
    client.force_login(coach)
    response = client.post(
        reverse("employment:fading", args=[placement.pk]),
        fading_post(
            placement,
            [(STARTED(), "10"), (STARTED() + dt.timedelta(weeks=4), "5"), (None, "")],
        ),
    )
    assert response.status_code == 302 and response["Location"].endswith("#fading")
    steps = list(FadingStep.objects.filter(placement=placement))
    assert [(s.starts_on, s.planned_hours) for s in steps] == [
        (STARTED(), Decimal("10")),
        (STARTED() + dt.timedelta(weeks=4), Decimal("5")),
    ]
    page = client.get(page_url(placement)).content.decode()
    assert "Fading plan saved: 2 steps." in page
    assert f"From {STARTED():%-d %B %Y}: 10 coaching hours a week" in page
    # The form shows the plan, to change it.
    assert f'name="fading-from_1_0" type="text" inputmode="numeric" value="{STARTED().day}"' in page


def test_a_fading_step_without_a_date_names_the_field(client, coach, placement):
    client.force_login(coach)
    response = client.post(
        reverse("employment:fading", args=[placement.pk]),
        fading_post(placement, [(STARTED(), "10"), (None, "4")]),
    )
    assert response.status_code == 400
    assert 'href="#id_fading-from_2_0">Enter the date step 2 starts' in response.content.decode()
    assert not FadingStep.objects.exists()


def test_an_empty_fading_plan_is_refused(client, coach, placement):
    client.force_login(coach)
    response = client.post(
        reverse("employment:fading", args=[placement.pk]), fading_post(placement, [])
    )
    assert response.status_code == 400
    assert "Give at least one week" in response.content.decode()


def test_stalled_fading_is_flagged(client, coach, placement, episode):
    services.set_fading_plan(coach, placement, [(STARTED(), Decimal("2"))])
    for week in range(14):
        coaching(episode, coach, STARTED() + dt.timedelta(weeks=week), 240)
    client.force_login(coach)
    page = client.get(page_url(placement)).content.decode()
    assert "Fading has stalled: coaching has been above the plan for the last 14 weeks" in page


def test_recording_access_to_work(client, coach, placement):
    client.force_login(coach)
    url = reverse("employment:access-to-work", args=[placement.pk])
    response = client.post(
        url,
        {
            "atw-version": "0",
            "atw-status": "approved",
            "atw-funds": "Taxis to work",
            **parts("atw-applied_on", TODAY() - dt.timedelta(days=30)),
            **parts("atw-decided_on", TODAY() - dt.timedelta(days=2)),
        },
    )
    assert response.status_code == 302
    record = AccessToWork.objects.get(placement=placement)
    assert (record.status, record.funds, record.version) == ("approved", "Taxis to work", 1)
    page = client.get(page_url(placement)).content.decode()
    assert "Access to Work saved: approved." in page and "Taxis to work" in page
    assert 'name="atw-version" value="1"' in page


def test_access_to_work_approved_without_funds_names_the_field(client, coach, placement):
    client.force_login(coach)
    response = client.post(
        reverse("employment:access-to-work", args=[placement.pk]),
        {
            "atw-version": "0",
            "atw-status": "approved",
            **parts("atw-applied_on", TODAY() - dt.timedelta(days=30)),
            **parts("atw-decided_on", TODAY()),
        },
    )
    assert response.status_code == 400
    assert 'href="#id_atw-funds">Say what the award funds.' in response.content.decode()
    assert not AccessToWork.objects.exists()


def test_changing_hours_and_ending_the_job(client, coach, placement):
    client.force_login(coach)
    response = client.post(
        reverse("employment:terms", args=[placement.pk]),
        {
            "terms-version": placement.version,
            **parts("terms-effective_from", TODAY() - dt.timedelta(days=7)),
            "terms-hours_per_week": "24",
            "terms-hourly_pay": "12.60",
        },
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.hours_per_week == Decimal("24")
    assert PlacementTerms.objects.filter(placement=placement).count() == 2
    response = client.post(
        reverse("employment:end", args=[placement.pk]),
        {
            "end-version": placement.version,
            **parts("end-end_date", TODAY() - dt.timedelta(days=1)),
            "end-end_reason": "resigned",
        },
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert (placement.end_date, placement.end_reason) == (
        TODAY() - dt.timedelta(days=1),
        "resigned",
    )
    page = client.get(page_url(placement)).content.decode()
    assert "Job end recorded" in page and "Resigned" in page
    assert "Record that the job ended" not in page


def test_an_end_before_the_start_names_the_field(client, coach, placement):
    client.force_login(coach)
    response = client.post(
        reverse("employment:end", args=[placement.pk]),
        {
            "end-version": placement.version,
            **parts("end-end_date", STARTED() - dt.timedelta(days=1)),
            "end-end_reason": "resigned",
        },
    )
    assert response.status_code == 400
    assert 'href="#id_end-end_date_0">The job cannot end before it started.' in (
        response.content.decode()
    )


# --- someone else changed it first ----------------------------------------------------


def test_a_stale_fading_plan_answers_409(client, coach, placement):
    stale = placement.version
    services.change_terms(
        coach, placement, effective_from=TODAY(), hours_per_week=Decimal("20"), hourly_pay=None
    )
    client.force_login(coach)
    response = client.post(
        reverse("employment:fading", args=[placement.pk]),
        fading_post(placement, [(STARTED(), "10")], version=stale),
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "Someone else changed this job while you were working on it" in text
    assert not FadingStep.objects.exists()
    # Sent again (having checked), it goes through: the form now holds the new version.
    assert f'name="fading-version" value="{stale + 1}"' in text


def test_stale_hours_and_job_end_answer_409(client, coach, placement):
    stale = placement.version
    services.set_fading_plan(coach, placement, [(STARTED(), Decimal("8"))])
    client.force_login(coach)
    terms = client.post(
        reverse("employment:terms", args=[placement.pk]),
        {
            "terms-version": stale,
            **parts("terms-effective_from", TODAY()),
            "terms-hours_per_week": "30",
        },
    )
    end = client.post(
        reverse("employment:end", args=[placement.pk]),
        {"end-version": stale, **parts("end-end_date", TODAY()), "end-end_reason": "resigned"},
    )
    assert (terms.status_code, end.status_code) == (409, 409)
    placement.refresh_from_db()
    assert placement.hours_per_week == Decimal("16") and placement.end_date is None


def test_stale_access_to_work_answers_409(client, coach, placement):
    services.record_access_to_work(coach, placement, status="to_apply")
    client.force_login(coach)
    response = client.post(
        reverse("employment:access-to-work", args=[placement.pk]),
        {"atw-version": "0", "atw-status": "not_needed"},
    )
    assert response.status_code == 409
    assert "Someone else changed Access to Work" in response.content.decode()
    assert AccessToWork.objects.get().status == "to_apply"


# --- who may look, and who may change -------------------------------------------------


def every_form(placement: Placement) -> list[tuple[str, dict]]:
    check = placement.checks.first()
    milestone = placement.milestones.first()
    assert check is not None and milestone is not None
    return [
        (
            reverse("employment:check", args=[placement.pk, check.pk]),
            parts(f"check-{check.pk}-done_on", TODAY()),
        ),
        (
            reverse("employment:milestone", args=[placement.pk, milestone.pk]),
            {
                f"milestone-{milestone.pk}-evidence": "payslip",
                **parts(f"milestone-{milestone.pk}-confirmed_on", TODAY()),
            },
        ),
        (
            reverse("employment:fading", args=[placement.pk]),
            fading_post(placement, [(TODAY(), "5")]),
        ),
        (
            reverse("employment:access-to-work", args=[placement.pk]),
            {"atw-version": "0", "atw-status": "not_needed"},
        ),
        (
            reverse("employment:terms", args=[placement.pk]),
            {
                "terms-version": placement.version,
                **parts("terms-effective_from", TODAY()),
                "terms-hours_per_week": "30",
            },
        ),
        (
            reverse("employment:end", args=[placement.pk]),
            {
                "end-version": placement.version,
                **parts("end-end_date", TODAY()),
                "end-end_reason": "resigned",
            },
        ),
    ]


def nothing_changed(placement: Placement) -> None:
    fresh = Placement.objects.get(pk=placement.pk)
    assert fresh.version == placement.version and fresh.end_date is None
    assert not PostStartCheck.objects.filter(done_on__isnull=False).exists()
    assert not Milestone.objects.filter(confirmed_on__isnull=False).exists()
    assert not FadingStep.objects.exists() and not AccessToWork.objects.exists()
    assert PlacementTerms.objects.count() == 1


def test_someone_outside_the_team_gets_404_and_changes_nothing(client, outsider, placement):
    services.find_milestones(TODAY())
    client.force_login(outsider)
    assert client.get(page_url(placement)).status_code == 404
    refused = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__outcome="denied"
    )
    assert refused.filter(additional_data__what="placement").count() == 1
    assert client.get(reverse("employment:fading-chart", args=[placement.pk])).status_code == 404
    assert (
        client.get(reverse("employment:job-start", args=[placement.person_id])).status_code == 404
    )
    for url, data in every_form(placement):
        assert client.post(url, data).status_code == 404, url
    job_start = client.post(
        reverse("employment:job-start", args=[placement.person_id]),
        {"job_title": "Spy", "kind": "employed", "paid": "yes", **parts("start_date", TODAY())},
    )
    assert job_start.status_code == 404
    nothing_changed(placement)
    assert Placement.objects.count() == 1


def test_someone_who_may_read_but_not_change_sees_no_forms(client, team, placement):
    dpo = staff(Role.DATA_PROTECTION_OFFICER, team, email="dpo@example.org")
    services.find_milestones(TODAY())
    client.force_login(dpo)
    response = client.get(page_url(placement))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Kitchen porter" in text and '<form method="post" action="/jobs/' not in text
    for url, data in every_form(placement):
        assert client.post(url, data).status_code == 403, url
    assert (
        client.get(reverse("employment:job-start", args=[placement.person_id])).status_code == 403
    )
    nothing_changed(placement)


# --- the fading chart -----------------------------------------------------------------


def test_the_fading_chart_is_an_svg_image(client, coach, placement, episode):
    services.set_fading_plan(
        coach,
        placement,
        [(STARTED(), Decimal("10")), (STARTED() + dt.timedelta(weeks=6), Decimal("4"))],
    )
    for week in range(12):
        coaching(episode, coach, STARTED() + dt.timedelta(weeks=week, days=1), 300)
    client.force_login(coach)
    url = reverse("employment:fading-chart", args=[placement.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    body = response.content
    assert body.startswith(b"<?xml") and b"<svg" in body
    assert b"<script" not in body
    # Deterministic: no date, and fixed ids.
    assert client.get(url).content == body
    # The chart's own policy lets its inline styles through, and nothing else.
    policy = response["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "default-src 'none'" in policy
    page = client.get(page_url(placement))
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]


def test_the_fading_chart_of_a_job_started_today(client, coach, person, employer):
    placement = start_job(coach, person, employer, start_date=TODAY())
    client.force_login(coach)
    response = client.get(reverse("employment:fading-chart", args=[placement.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert "fading.svg" not in client.get(page_url(placement)).content.decode()


# --- query counts ---------------------------------------------------------------------


def grow(placement: Placement, coach, episode) -> None:
    """Ten of everything a placement page lists: fading steps, terms, coaching weeks,
    done checks (with who did them), every milestone, Access to Work."""
    services.set_fading_plan(
        coach,
        placement,
        [(STARTED() + dt.timedelta(weeks=w), Decimal(10 - w)) for w in range(10)],
    )
    for w in range(1, 10):
        services.change_terms(
            coach,
            placement,
            effective_from=STARTED() + dt.timedelta(weeks=w),
            hours_per_week=Decimal(16 + w),
            hourly_pay=Decimal("12.60"),
        )
    for week in range(10):
        coaching(episode, coach, STARTED() + dt.timedelta(weeks=week), 120)
    for check in placement.checks.all()[:5]:
        services.complete_check(coach, check, done_on=TODAY())
    services.find_milestones(TODAY() + dt.timedelta(days=400))
    services.record_access_to_work(coach, placement, status="to_apply")


def test_the_placement_page_queries_do_not_grow(
    client, coach, person, employer, episode, django_assert_num_queries
):
    placement = start_job(coach, person, employer)
    services.set_fading_plan(coach, placement, [(STARTED(), Decimal("5"))])
    coaching(episode, coach, STARTED(), 60)
    services.find_milestones(TODAY())
    client.force_login(coach)
    url = page_url(placement)
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow(placement, coach, episode)
    assert placement.milestones.count() == 3 and placement.fading_steps.count() == 10
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    text = response.content.decode()
    assert "5 of 6 done." in text and text.count("weeks in work") >= 3


def test_the_person_page_queries_do_not_grow(
    client, coach, person, employer, episode, django_assert_num_queries
):
    first = start_job(coach, person, employer)
    services.find_milestones(TODAY())
    services.record_access_to_work(coach, first, status="to_apply")
    client.force_login(coach)
    url = reverse("person", args=[person.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(9):
        job = start_job(coach, person, employer, title=f"Job {n}")
        services.record_access_to_work(coach, job, status="to_apply")
        services.set_fading_plan(coach, job, [(STARTED(), Decimal("5"))])
    services.find_milestones(TODAY())
    assert Placement.objects.filter(person=person).count() == 10
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count('href="/jobs/') == 10
