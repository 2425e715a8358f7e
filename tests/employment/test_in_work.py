"""In-work support after a job start: the six post-start checks, the fading plan,
Access to Work, milestones, progression, and their items in the work queue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pathways.casework import services as casework
from pathways.casework.models import Activity, ActivityKind, EndReason, Stage
from pathways.casework.selectors import work_queue
from pathways.core.errors import ConcurrentEdit, IllegalTransition, PermissionDenied
from pathways.core.models import Role
from pathways.employment import services
from pathways.employment.models import (
    AccessToWork,
    CheckKind,
    Milestone,
    Placement,
    PostStartCheck,
)
from pathways.employment.selectors import fading_of, stalled
from tests.factories import (
    EmployerFactory,
    EpisodeFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
    staff,
)

TODAY = dt.date.today  # called in each test: a run may cross midnight


def START() -> dt.date:
    """Long enough ago for a 52-week milestone, and for the episode to have started first."""
    return TODAY() - dt.timedelta(days=420)


@pytest.fixture
def episode(team, coach):
    return EpisodeFactory(
        team=team, worker=coach, stage=Stage.JOB_FINDING, started_on=START() - dt.timedelta(60)
    )


@pytest.fixture
def employer(team):
    return EmployerFactory(organisation=team.organisation, name="Riverside Library")


@pytest.fixture
def outsider(authority):
    return staff(Role.EMPLOYMENT_SPECIALIST, TeamFactory(authority=authority))


def start(coach, episode, employer, on=None, **kwargs):
    on = on or START()
    details = {
        "start_date": on,
        "employer": employer,
        "job_title": "Library assistant",
        "kind": "employed",
        "paid": True,
        "hours_per_week": Decimal("16"),
        "hourly_pay": Decimal("12.60"),
    }
    return services.record_job_start(coach, episode.person, **{**details, **kwargs})


def queue(user, on, kind):
    return [item for item in work_queue(user, on) if item.kind == kind]


class TestPostStartChecks:
    def test_a_job_start_sets_the_six_checks_due_by_the_teams_days(
        self, coach, team, episode, employer
    ):
        team.post_start_check_days = 10
        team.save()
        placement = start(coach, episode, employer)
        checks = {c.kind: c.due_on for c in placement.checks.all()}
        assert set(checks) == set(CheckKind.values)
        assert set(checks.values()) == {START() + dt.timedelta(days=10)}

    def test_without_an_episode_they_are_due_14_days_after_the_start(self, authority, employer):
        operator = UserFactory(is_superuser=True)
        person = PersonFactory(authority=authority)
        placement = services.record_job_start(
            operator,
            person,
            start_date=TODAY(),
            employer=employer,
            job_title="Porter",
            kind="employed",
            paid=True,
            hours_per_week=Decimal("10"),
        )
        assert placement.episode is None
        assert {c.due_on for c in placement.checks.all()} == {TODAY() + dt.timedelta(days=14)}

    def test_each_check_is_in_the_queue_from_the_start_and_overdue_after_its_due_date(
        self, coach, episode, employer
    ):
        placement = start(coach, episode, employer, on=TODAY() - dt.timedelta(days=20))
        due = placement.start_date + dt.timedelta(days=14)
        assert queue(coach, placement.start_date - dt.timedelta(days=1), "post_start_check") == []
        items = queue(coach, due, "post_start_check")
        assert len(items) == 6
        assert {i.due_on for i in items} == {due}
        assert not any(i.overdue for i in items)
        assert "Transport to work is working: Library assistant at Riverside Library" in {
            i.detail for i in items
        }
        assert all(i.overdue for i in queue(coach, due + dt.timedelta(days=1), "post_start_check"))

    def test_a_ticked_check_leaves_the_queue(self, coach, episode, employer):
        placement = start(coach, episode, employer, on=TODAY() - dt.timedelta(days=3))
        check = placement.checks.get(kind=CheckKind.TRANSPORT)
        services.complete_check(coach, check, done_on=TODAY(), notes="Bus pass sorted")
        check.refresh_from_db()
        assert (check.done_on, check.done_by, check.notes) == (TODAY(), coach, "Bus pass sorted")
        left = {i.detail.split(":")[0] for i in queue(coach, TODAY(), "post_start_check")}
        assert len(left) == 5
        assert CheckKind.TRANSPORT.label not in left

    def test_a_check_is_done_once_not_in_the_future_and_not_before_the_start(
        self, coach, episode, employer
    ):
        placement = start(coach, episode, employer, on=TODAY() - dt.timedelta(days=3))
        check = placement.checks.first()
        with pytest.raises(ValidationError, match="future"):
            services.complete_check(coach, check, done_on=TODAY() + dt.timedelta(days=1))
        with pytest.raises(ValidationError, match="before the start"):
            services.complete_check(coach, check, done_on=TODAY() - dt.timedelta(days=4))
        services.complete_check(coach, check, done_on=TODAY())
        with pytest.raises(IllegalTransition, match="already done"):
            services.complete_check(coach, check, done_on=TODAY())

    def test_someone_outside_the_team_cannot_tick_a_check(self, coach, outsider, episode, employer):
        placement = start(coach, episode, employer)
        check = placement.checks.first()
        with pytest.raises(PermissionDenied):
            services.complete_check(outsider, check, done_on=TODAY())
        check.refresh_from_db()
        assert check.done_on is None
        assert queue(outsider, TODAY(), "post_start_check") == []

    def test_checks_of_an_ended_job_leave_the_queue(self, coach, episode, employer):
        placement = start(coach, episode, employer, on=TODAY() - dt.timedelta(days=20))
        services.end_placement(coach, placement, end_date=TODAY(), reason="resigned")
        assert len(queue(coach, TODAY(), "post_start_check")) == 6  # still working today
        assert queue(coach, TODAY() + dt.timedelta(days=1), "post_start_check") == []


def coaching(coach, episode, day, hours):
    Activity.objects.create(
        episode=episode,
        kind=ActivityKind.IN_WORK_COACHING,
        occurred_on=day,
        minutes=int(hours * 60),
        with_whom="person",
        recorded_by=coach,
    )


class TestFadingPlan:
    @pytest.fixture
    def placement(self, coach, episode, employer):
        """A job that started 10 whole weeks ago, planned at 5 then 2 hours a week."""
        placement = start(coach, episode, employer, on=TODAY() - dt.timedelta(weeks=10))
        services.set_fading_plan(
            coach,
            placement,
            [
                (placement.start_date, Decimal("5")),
                (placement.start_date + dt.timedelta(weeks=6), Decimal("2")),
            ],
        )
        return placement

    def week(self, placement, number):
        return placement.start_date + dt.timedelta(weeks=number - 1)

    def test_planned_and_actual_hours_week_by_week(self, coach, episode, placement):
        coaching(coach, episode, self.week(placement, 1), 3)
        coaching(coach, episode, self.week(placement, 1) + dt.timedelta(days=6), 1.5)
        coaching(coach, episode, self.week(placement, 2), 2)
        casework.record_activity(  # other work with the person is not in-work coaching
            coach,
            episode,
            kind=ActivityKind.MEETING,
            occurred_on=self.week(placement, 2),
            with_whom="person",
            minutes=600,
        )
        weeks = fading_of(Placement.objects.get(pk=placement.pk), TODAY())
        assert len(weeks) == 10  # this week is not over yet
        assert [(w.planned_hours, w.actual_hours) for w in weeks[:2]] == [
            (Decimal("5"), Decimal("4.5")),
            (Decimal("5"), Decimal("2.0")),
        ]
        assert weeks[6].planned_hours == Decimal("2")

    def test_three_weeks_above_plan_flag_fading_stalled(self, coach, episode, placement):
        for number in (8, 9):
            coaching(coach, episode, self.week(placement, number), 3)
        assert queue(coach, TODAY(), "fading_stalled") == []
        coaching(coach, episode, self.week(placement, 10), 2.5)
        [item] = queue(coach, TODAY(), "fading_stalled")
        assert item.due_on == self.week(placement, 11)
        assert "3 weeks" in item.detail and "2.5 hours against 2.0 planned" in item.detail

    def test_support_at_the_plan_is_not_above_it(self, coach, episode, placement):
        for number in (8, 9, 10):
            coaching(coach, episode, self.week(placement, number), 2)
        weeks = fading_of(Placement.objects.get(pk=placement.pk), TODAY())
        assert stalled(weeks) == []
        assert queue(coach, TODAY(), "fading_stalled") == []

    def test_a_week_back_on_plan_ends_the_run(self, coach, episode, placement):
        for number in (7, 8, 10):
            coaching(coach, episode, self.week(placement, number), 4)
        assert queue(coach, TODAY(), "fading_stalled") == []

    def test_a_new_plan_replaces_the_old_one_all_or_nothing(self, coach, placement):
        with pytest.raises(ValidationError, match="Step 2: planned hours must be from 0 to 40"):
            services.set_fading_plan(
                coach,
                placement,
                [(placement.start_date, Decimal("3")), (TODAY(), Decimal("41"))],
                expected_version=Placement.objects.get(pk=placement.pk).version,
            )
        assert placement.fading_steps.count() == 2
        with pytest.raises(ValidationError, match="before the job did"):
            services.set_fading_plan(
                coach, placement, [(placement.start_date - dt.timedelta(1), Decimal("3"))]
            )
        with pytest.raises(ValidationError, match="each date once"):
            services.set_fading_plan(
                coach, placement, [(TODAY(), Decimal("3")), (TODAY(), Decimal("2"))]
            )
        services.set_fading_plan(coach, placement, [(placement.start_date, Decimal("3"))])
        assert [s.planned_hours for s in placement.fading_steps.all()] == [Decimal("3")]

    def test_a_stale_plan_is_refused(self, coach, placement):
        stale = placement.version
        services.set_fading_plan(coach, placement, [(placement.start_date, Decimal("4"))])
        with pytest.raises(ConcurrentEdit):
            services.set_fading_plan(
                coach, placement, [(placement.start_date, Decimal("1"))], expected_version=stale
            )
        assert placement.fading_steps.get().planned_hours == Decimal("4")

    def test_someone_outside_the_team_cannot_change_the_plan(self, outsider, placement):
        with pytest.raises(PermissionDenied):
            services.set_fading_plan(outsider, placement, [(placement.start_date, Decimal("0"))])
        assert placement.fading_steps.count() == 2


class TestAccessToWork:
    @pytest.fixture
    def placement(self, coach, episode, employer):
        return start(coach, episode, employer, on=TODAY() - dt.timedelta(days=30))

    def test_an_application_from_to_apply_to_approved(self, coach, placement):
        record = services.record_access_to_work(coach, placement, status="to_apply")
        assert (record.status, record.version) == ("to_apply", 1)
        applied = TODAY() - dt.timedelta(days=20)
        services.record_access_to_work(
            coach, placement, status="applied", applied_on=applied, expected_version=1
        )
        record = services.record_access_to_work(
            coach,
            placement,
            status="approved",
            funds="Job coach 6 hours a week; taxis to work",
            applied_on=applied,
            decided_on=TODAY(),
            award_ends_on=TODAY() + dt.timedelta(days=3 * 365),
            expected_version=2,
        )
        stored = AccessToWork.objects.get(placement=placement)
        assert (stored.status, stored.funds, stored.decided_on) == (
            "approved",
            "Job coach 6 hours a week; taxis to work",
            TODAY(),
        )
        assert record.version == stored.version == 3

    @pytest.mark.parametrize(
        ("details", "field"),
        [
            ({"status": "maybe"}, "status"),
            ({"status": "applied"}, "applied_on"),
            ({"status": "refused", "applied_on": TODAY()}, "decided_on"),
            ({"status": "approved", "applied_on": TODAY(), "decided_on": TODAY()}, "funds"),
            (
                {
                    "status": "approved",
                    "funds": "Taxis",
                    "applied_on": TODAY(),
                    "decided_on": TODAY() - dt.timedelta(days=1),
                },
                "decided_on",
            ),
            ({"status": "applied", "applied_on": TODAY() + dt.timedelta(days=1)}, "applied_on"),
            ({"status": "to_apply", "award_ends_on": TODAY()}, "award_ends_on"),
        ],
    )
    def test_bad_details_name_the_field(self, coach, placement, details, field):
        with pytest.raises(ValidationError) as caught:
            services.record_access_to_work(coach, placement, **details)
        assert field in caught.value.message_dict
        assert not AccessToWork.objects.filter(placement=placement).exists()

    def test_a_stale_form_is_refused(self, coach, placement):
        services.record_access_to_work(coach, placement, status="to_apply")
        services.record_access_to_work(coach, placement, status="not_needed", expected_version=1)
        with pytest.raises(ConcurrentEdit):
            services.record_access_to_work(
                coach, placement, status="applied", applied_on=TODAY(), expected_version=1
            )
        assert AccessToWork.objects.get(placement=placement).status == "not_needed"

    def test_someone_outside_the_team_is_refused(self, outsider, placement):
        with pytest.raises(PermissionDenied):
            services.record_access_to_work(outsider, placement, status="not_needed")


def day(n):
    return START() + dt.timedelta(days=n)


class TestMilestones:
    @pytest.fixture
    def placement(self, coach, episode, employer):
        return start(coach, episode, employer)

    def found(self, placement):
        return sorted(
            (m.weeks, m.reached_on) for m in Milestone.objects.filter(placement=placement)
        )

    def test_13_weeks_is_found_on_day_91_not_before(self, placement):
        assert services.find_milestones(day(90)) == []
        [milestone] = services.find_milestones(day(91))
        assert (milestone.weeks, milestone.reached_on, milestone.found_on) == (13, day(91), day(91))

    def test_a_second_run_for_the_same_day_finds_nothing_new(self, placement):
        assert len(services.find_milestones(day(182))) == 2
        assert services.find_milestones(day(182)) == []
        assert services.find_milestones(day(100)) == []
        assert self.found(placement) == [(13, day(91)), (26, day(182))]

    def test_a_late_run_catches_up_every_milestone_reached(self, placement):
        assert len(services.find_milestones(day(400))) == 3
        assert self.found(placement) == [(13, day(91)), (26, day(182)), (52, day(364))]

    @pytest.mark.parametrize(
        ("ended", "weeks"),
        [(90, []), (91, [13]), (181, [13]), (182, [13, 26]), (364, [13, 26, 52])],
    )
    def test_only_milestones_reached_while_still_in_the_job(self, coach, placement, ended, weeks):
        services.end_placement(coach, placement, end_date=day(ended), reason="contract_ended")
        services.find_milestones(day(400))
        assert [w for w, _ in self.found(placement)] == weeks

    def test_a_job_without_support_asks_for_no_confirmation(self, coach, episode, employer):
        placement = start(coach, episode, employer, supported=False)
        assert services.find_milestones(day(400)) == []
        assert self.found(placement) == []

    def test_a_milestone_is_due_until_confirmed_with_evidence(self, coach, placement):
        services.find_milestones(day(91))
        [item] = queue(coach, day(91), "milestone_due")
        assert (item.due_on, item.overdue) == (day(91), False)
        assert item.detail.startswith("13 weeks in work on")
        assert queue(coach, day(92), "milestone_due")[0].overdue
        milestone = Milestone.objects.get(placement=placement)
        services.confirm_milestone(coach, milestone, evidence="payslip", confirmed_on=day(95))
        milestone.refresh_from_db()
        assert (milestone.confirmed_on, milestone.confirmed_by, milestone.evidence) == (
            day(95),
            coach,
            "payslip",
        )
        assert queue(coach, day(96), "milestone_due") == []
        with pytest.raises(IllegalTransition, match="already confirmed"):
            services.confirm_milestone(coach, milestone, evidence="person", confirmed_on=day(96))

    @pytest.mark.parametrize(
        ("evidence", "confirmed", "field"),
        [("rumour", 95, "evidence"), ("employer", 90, "confirmed_on")],
    )
    def test_confirmation_needs_evidence_and_a_date_on_or_after_the_milestone(
        self, coach, placement, evidence, confirmed, field
    ):
        services.find_milestones(day(91))
        milestone = Milestone.objects.get(placement=placement)
        with pytest.raises(ValidationError) as caught:
            services.confirm_milestone(
                coach, milestone, evidence=evidence, confirmed_on=day(confirmed)
            )
        assert field in caught.value.message_dict
        milestone.refresh_from_db()
        assert milestone.confirmed_on is None

    def test_a_future_confirmation_is_refused(self, coach, episode, employer):
        placement = start(coach, episode, employer, on=TODAY() - dt.timedelta(days=91))
        services.find_milestones(TODAY())
        milestone = Milestone.objects.get(placement=placement)
        with pytest.raises(ValidationError, match="future"):
            services.confirm_milestone(
                coach, milestone, evidence="person", confirmed_on=TODAY() + dt.timedelta(days=1)
            )

    def test_someone_outside_the_team_cannot_confirm(self, coach, outsider, placement):
        services.find_milestones(day(91))
        milestone = Milestone.objects.get(placement=placement)
        assert queue(outsider, day(91), "milestone_due") == []
        with pytest.raises(PermissionDenied):
            services.confirm_milestone(outsider, milestone, evidence="person", confirmed_on=day(91))

    def test_a_job_ended_before_its_milestone_drops_the_item(self, coach, placement):
        services.find_milestones(day(182))
        services.end_placement(coach, placement, end_date=day(150), reason="resigned")
        items = queue(coach, day(182), "milestone_due")
        assert [i.detail[:8] for i in items] == ["13 weeks"]


class TestProgression:
    def test_support_ending_while_in_work_is_progression(self, coach, episode, employer):
        placement = start(coach, episode, employer)
        casework.close_episode(coach, episode, reason=EndReason.IN_WORK_WITHOUT_SUPPORT)
        placement.refresh_from_db()
        assert (placement.support_ended_on, placement.supported) == (TODAY(), False)

    def test_a_job_that_ended_first_is_not_progression(self, coach, episode, employer):
        placement = start(coach, episode, employer)
        services.end_placement(coach, placement, end_date=TODAY() - dt.timedelta(1), reason="other")
        casework.close_episode(coach, episode, reason=EndReason.WITHDREW)
        placement.refresh_from_db()
        assert placement.support_ended_on is None

    def test_moving_to_another_provider_is_not_progression(self, coach, episode, employer):
        placement = start(coach, episode, employer)
        casework.close_episode(coach, episode, reason=EndReason.TRANSFERRED)
        placement.refresh_from_db()
        assert (placement.support_ended_on, placement.supported) == (None, True)


def test_the_queue_reads_in_work_support_in_a_fixed_number_of_queries(
    coach, team, employer, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count_after(n):
        for _ in range(n):
            ep = EpisodeFactory(team=team, worker=coach, started_on=START() - dt.timedelta(60))
            placement = start(coach, ep, employer)
            services.set_fading_plan(coach, placement, [(START(), Decimal("1"))])
            coaching(coach, ep, TODAY() - dt.timedelta(days=10), 5)
        services.find_milestones(TODAY())
        with CaptureQueriesContext(connection) as ctx:
            items = work_queue(coach, TODAY())
        return len(ctx.captured_queries), len(items)

    few, few_items = count_after(2)
    many, many_items = count_after(8)
    assert many_items > few_items
    assert few == many
    assert PostStartCheck.objects.count() == 60


def test_in_work_changes_are_on_the_persons_audit_trail(coach, episode, employer):
    from pathways.core.audit import person_trail

    placement = start(coach, episode, employer)
    services.complete_check(coach, placement.checks.first(), done_on=TODAY())
    services.set_fading_plan(coach, placement, [(START(), Decimal("2"))])
    services.record_access_to_work(coach, placement, status="not_needed")
    services.find_milestones(day(91))
    services.confirm_milestone(
        coach, placement.milestones.get(), evidence="employer", confirmed_on=day(91)
    )
    models = {entry.content_type.model for entry in person_trail(episode.person)}
    assert {"poststartcheck", "fadingstep", "accesstowork", "milestone"} <= models


def test_my_work_links_each_in_work_item_to_the_job(client, coach, episode, employer):
    placement = start(coach, episode, employer, on=TODAY() - dt.timedelta(days=100))
    services.find_milestones(TODAY())
    client.force_login(coach)
    page = client.get("/").content.decode()
    link = f'<a class="govuk-link" href="/jobs/{placement.pk}/">'
    assert page.count(link) == 7  # six checks and the 13-week milestone
    assert f"{link}13 weeks in work on" in page


class TestReviewedEdges:
    """Edges found in review: what support ended, a back-dated end, a returner."""

    @pytest.mark.parametrize(
        "details",
        [{"supported": False}, {"supported": None}, {"paid": False, "kind": "volunteering"}],
    )
    def test_only_a_supported_paid_job_is_progression(self, coach, episode, employer, details):
        if details.get("paid") is False:
            details["hourly_pay"] = None
        placement = start(coach, episode, employer, **details)
        casework.close_episode(coach, episode, reason=EndReason.IN_WORK_WITHOUT_SUPPORT)
        placement.refresh_from_db()
        assert placement.support_ended_on is None

    def test_a_back_dated_end_drops_milestones_never_reached(self, coach, episode, employer):
        placement = start(coach, episode, employer)
        services.find_milestones(day(200))
        thirteen, twenty_six = placement.milestones.order_by("weeks")
        services.end_placement(coach, placement, end_date=day(150), reason="resigned")
        assert list(placement.milestones.all()) == [thirteen]
        with pytest.raises(Milestone.DoesNotExist):
            twenty_six.refresh_from_db()

    def test_a_milestone_after_the_end_cannot_be_confirmed(self, coach, episode, employer):
        placement = start(coach, episode, employer)
        services.find_milestones(day(200))
        late = placement.milestones.get(weeks=26)
        Placement.objects.filter(pk=placement.pk).update(end_date=day(150))  # as an import
        with pytest.raises(IllegalTransition, match="before 26 weeks"):
            services.confirm_milestone(coach, late, evidence="person", confirmed_on=day(200))

    def test_a_returners_old_job_brings_nothing_back_to_the_queue(
        self, coach, team, episode, employer
    ):
        placement = start(coach, episode, employer, on=TODAY() - dt.timedelta(days=200))
        services.set_fading_plan(coach, placement, [(placement.start_date, Decimal("0"))])
        casework.close_episode(coach, episode, reason=EndReason.IN_WORK_WITHOUT_SUPPORT)
        services.find_milestones(TODAY())
        assert set(placement.milestones.values_list("weeks", flat=True)) == {13, 26}
        returned = EpisodeFactory(team=team, worker=coach, person=episode.person)
        for day_ in (TODAY() - dt.timedelta(days=20), TODAY() - dt.timedelta(days=10)):
            coaching(coach, returned, day_, 3)
        kinds = {item.kind for item in work_queue(coach, TODAY())}
        assert not kinds & {"post_start_check", "milestone_due", "fading_stalled"}

    def test_no_milestones_after_support_ended(self, coach, episode, employer):
        placement = start(coach, episode, employer)
        Placement.objects.filter(pk=placement.pk).update(support_ended_on=day(100))
        services.find_milestones(day(400))
        assert list(placement.milestones.values_list("weeks", flat=True)) == [13]

    def test_a_reference_taken_by_an_import_gets_a_letter(self, coach, episode, employer):
        first = start(coach, episode, employer)
        imported = Placement.objects.create(
            authority=first.authority,
            placement_ref=f"PL{first.pk + 2:06d}",
            person=first.person,
            employer=employer,
            job_title="Imported",
            kind="employed",
            paid=True,
            start_date=START(),
            hours_per_week=Decimal("5"),
        )
        assert imported.pk == first.pk + 1
        third = start(coach, episode, employer)
        assert third.placement_ref == f"PL{third.pk:06d}A"

    @pytest.mark.parametrize(
        ("details", "field"),
        [
            ({"status": "applied", "applied_on": TODAY(), "decided_on": TODAY()}, "decided_on"),
            ({"status": "to_apply", "applied_on": TODAY()}, "applied_on"),
            (
                {
                    "status": "approved",
                    "funds": "Taxis",
                    "applied_on": TODAY() - dt.timedelta(days=9),
                    "decided_on": TODAY(),
                    "award_ends_on": TODAY() - dt.timedelta(days=1),
                },
                "award_ends_on",
            ),
        ],
    )
    def test_access_to_work_dates_that_do_not_fit_the_status(
        self, coach, episode, employer, details, field
    ):
        placement = start(coach, episode, employer)
        with pytest.raises(ValidationError) as caught:
            services.record_access_to_work(coach, placement, **details)
        assert field in caught.value.message_dict
