"""Sharing a job with the person: the coach shares it, the person answers yes, no or
later in their portal, a yes is their own consent to send their details to that
employer and nothing goes to an employer without it; the coach hears of the answer in
their work queue and by a notification."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from pathways.casework.selectors import work_queue
from pathways.core.errors import ActionRefused, ConcurrentEdit, IllegalTransition
from pathways.core.models import Notification, Role
from pathways.employers.candidacies.models import Candidacy, CandidacyStep
from pathways.employers.candidacies.selectors import shared_jobs
from pathways.employers.candidacies.services import (
    answer_shared_job,
    move_candidacy,
    put_forward,
    share_with_person,
)
from pathways.employers.engagement.models import EmployerSite
from pathways.people.models import Consent
from tests.factories import (
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    ProfileFactory,
    UserFactory,
    staff,
)

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return dt.date.today()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


@pytest.fixture
def employer(team):
    return EmployerFactory(organisation=team.organisation, name="Greenway Garden Centre")


@pytest.fixture
def opportunity(team, employer):
    site = EmployerSite.objects.create(
        employer=employer, name="Garden centre", address="Marsh Lane\nEast Ham", postcode="E6 6LB"
    )
    return OpportunityFactory(
        employer=employer,
        authority=team.authority,
        site=site,
        title="Plant care assistant",
        hours_per_week=Decimal("16"),
        hourly_pay=Decimal("12.60"),
        opened_on=days_ago(90),
        accessibility_notes="Quiet mornings; step-free",
    )


@pytest.fixture
def person(team, coach):
    person = EpisodeFactory(team=team, worker=coach, started_on=days_ago(120)).person
    person.given_name = "Alex"
    person.save()
    return person


@pytest.fixture
def alex_account(person):
    """The person's own sign-in (the portal decides whose account it is)."""
    return UserFactory(email="alex@example.net", first_name="Alex")


@pytest.fixture
def candidacy(coach, person, opportunity):
    return put_forward(coach, person, opportunity, on=days_ago(30))


@pytest.fixture
def shared(candidacy, coach):
    return share_with_person(candidacy, by=coach, expected_version=candidacy.version)


def person_wide_consent(person, by, *, given=True, on=None):
    return Consent.objects.create(
        person=person,
        scope=Consent.Scope.SHARE_WITH_EMPLOYERS,
        given=given,
        given_on=on or days_ago(60),
        recorded_by=by,
    )


def queue_items(user, kind="job_answer"):
    return [item for item in work_queue(user, today()) if item.kind == kind]


# --- sharing -------------------------------------------------------------------------


def test_the_coach_shares_a_job_and_it_waits_for_the_persons_answer(shared, candidacy):
    assert shared.shared_with_person_on == today()
    assert shared.person_answer == ""
    assert shared.version == candidacy.version + 1
    assert shared.status == "suggested"  # sharing moves nothing on


def test_only_those_who_work_with_the_person_may_share(candidacy, team):
    intake = staff(Role.INTAKE_OFFICER, team, email="in@example.org")
    stranger = UserFactory()
    for user in (intake, stranger):
        with pytest.raises(PermissionDenied, match="Only the person's worker or their team"):
            share_with_person(candidacy, by=user, expected_version=candidacy.version)
    candidacy.refresh_from_db()
    assert candidacy.shared_with_person_on is None


def test_sharing_twice_or_with_a_stale_version_is_refused(shared, candidacy, coach):
    with pytest.raises(ConcurrentEdit, match="Someone else changed this candidacy"):
        share_with_person(shared, by=coach, expected_version=candidacy.version)
    with pytest.raises(ActionRefused, match=f"shared with Alex on {today():%-d %B %Y}"):
        share_with_person(shared, by=coach, expected_version=shared.version)


def test_an_ended_candidacy_or_one_already_with_the_employer_is_not_shared(
    candidacy, coach, person
):
    person_wide_consent(person, coach)
    moved = move_candidacy(coach, candidacy, status="applied", on=days_ago(10))
    with pytest.raises(ActionRefused, match="Alex's details have already gone to the employer"):
        share_with_person(moved, by=coach, expected_version=moved.version)
    ended = move_candidacy(coach, moved, status="withdrawn", on=days_ago(5), reason="Moved away")
    with pytest.raises(IllegalTransition, match="This candidacy has ended"):
        share_with_person(ended, by=coach, expected_version=ended.version)


def test_a_closed_opportunity_is_not_shared(candidacy, coach, opportunity):
    opportunity.closed_on = days_ago(1)
    opportunity.save()
    with pytest.raises(ActionRefused, match="This opportunity is not open"):
        share_with_person(candidacy, by=coach, expected_version=candidacy.version)


# --- the person's answer ----------------------------------------------------------


def test_a_yes_is_the_persons_own_consent_for_that_job(shared, alex_account, person):
    answered = answer_shared_job(shared, by=alex_account, answer="yes")
    assert answered.person_answer == "yes" and answered.person_answer_on == today()
    consent = answered.person_consent
    assert consent.person == person
    assert consent.scope == Consent.Scope.SHARE_WITH_EMPLOYERS and consent.given
    assert consent.given_on == today() and consent.recorded_by == alex_account
    assert "Plant care assistant at Greenway Garden Centre" in consent.notes
    assert "for this job only" in consent.notes


def test_an_answer_needs_a_shared_job(candidacy, alex_account):
    with pytest.raises(ActionRefused, match="Your coach has not shared this job with you"):
        answer_shared_job(candidacy, by=alex_account, answer="yes")
    candidacy.refresh_from_db()
    assert candidacy.person_answer == "" and Consent.objects.count() == 0


def test_an_ended_job_takes_no_answer(shared, coach, alex_account):
    move_candidacy(coach, shared, status="withdrawn", reason="The job went to someone else")
    with pytest.raises(ActionRefused, match="This job is closed now"):
        answer_shared_job(shared, by=alex_account, answer="yes")
    assert Consent.objects.count() == 0


def test_an_unknown_answer_names_the_field(shared, alex_account):
    with pytest.raises(ValidationError) as refused:
        answer_shared_job(shared, by=alex_account, answer="maybe")
    assert refused.value.message_dict == {"answer": ["Choose yes, no, or ask me later."]}


def test_later_then_no_then_yes_and_a_yes_stays(shared, alex_account):
    answer_shared_job(shared, by=alex_account, answer="later")
    answer_shared_job(shared, by=alex_account, answer="no")
    answered = answer_shared_job(shared, by=alex_account, answer="yes")
    assert answered.person_answer == "yes"
    with pytest.raises(ActionRefused, match="You said yes to this job already"):
        answer_shared_job(shared, by=alex_account, answer="no")
    assert Consent.objects.count() == 1


# --- the consent gate ----------------------------------------------------------------


def test_the_gate_accepts_the_persons_yes_without_person_wide_consent(shared, coach, alex_account):
    answered = answer_shared_job(shared, by=alex_account, answer="yes")
    moved = move_candidacy(coach, answered, status="applied")
    assert moved.status == "applied"
    assert moved.consent == answered.person_consent
    assert CandidacyStep.objects.get(candidacy=moved, status="applied").consent == (
        answered.person_consent
    )


def test_the_gate_refuses_after_no_even_with_older_person_wide_consent(
    shared, coach, person, alex_account
):
    person_wide_consent(person, coach, on=days_ago(60))
    answer_shared_job(shared, by=alex_account, answer="no")
    with pytest.raises(
        ActionRefused, match=f"Alex said no to this job in their portal on {today():%-d %B %Y}"
    ):
        move_candidacy(coach, shared, status="applied")
    shared.refresh_from_db()
    assert shared.status == "suggested" and shared.consent is None


@pytest.mark.parametrize("answer", [None, "later"])
def test_the_gate_refuses_a_shared_job_without_a_yes(answer, shared, coach, person, alex_account):
    person_wide_consent(person, coach, on=days_ago(60))
    if answer:
        answer_shared_job(shared, by=alex_account, answer=answer)
    with pytest.raises(ActionRefused, match="Alex has not said yes to this job in their portal"):
        move_candidacy(coach, shared, status="interview")


def test_a_yes_to_one_job_is_not_consent_for_another(
    shared, coach, person, alex_account, team, employer
):
    answer_shared_job(shared, by=alex_account, answer="yes")
    other = put_forward(
        coach, person, OpportunityFactory(employer=employer, authority=team.authority)
    )
    with pytest.raises(ActionRefused, match="Alex has not agreed to their details being shared"):
        move_candidacy(coach, other, status="applied")


def test_a_later_person_wide_withdrawal_takes_the_yes_back(shared, coach, person, alex_account):
    answered = answer_shared_job(shared, by=alex_account, answer="yes")
    person_wide_consent(person, coach, given=False, on=today())
    with pytest.raises(ActionRefused, match="Alex withdrew their consent"):
        move_candidacy(coach, answered, status="applied")


def test_the_employer_step_cannot_be_dated_before_the_yes(shared, coach, alex_account):
    answered = answer_shared_job(shared, by=alex_account, answer="yes")
    with pytest.raises(ValidationError) as refused:
        move_candidacy(coach, answered, status="applied", on=days_ago(3))
    assert "before Alex said yes" in refused.value.message_dict["on"][0]


# --- the coach hears of it -----------------------------------------------------------


@pytest.mark.parametrize("answer, said", [("yes", "Yes"), ("no", "No thanks")])
def test_a_yes_or_no_waits_in_the_work_queue_until_the_coach_acts(
    answer, said, shared, coach, person, alex_account
):
    assert queue_items(coach) == []
    answer_shared_job(shared, by=alex_account, answer=answer)
    [item] = queue_items(coach)
    assert item.label == "Answered about a job"
    assert item.episode.person == person and item.due_on == today() and not item.overdue
    assert item.detail == f"{said} to Plant care assistant at Greenway Garden Centre"
    assert item.url == reverse("employers:candidacy", args=[shared.pk])
    if answer == "yes":
        move_candidacy(coach, shared, status="applied")
    else:
        move_candidacy(coach, shared, status="withdrawn", reason="Alex said no thanks")
    assert queue_items(coach) == []


def test_later_puts_nothing_in_the_queue_and_tells_nobody(shared, coach, alex_account):
    answer_shared_job(shared, by=alex_account, answer="later")
    assert queue_items(coach) == []
    assert not Notification.objects.filter(kind="job_answer").exists()


def test_an_old_answer_is_overdue(shared, coach, alex_account):
    answer_shared_job(shared, by=alex_account, answer="yes")
    Candidacy.objects.filter(pk=shared.pk).update(person_answer_on=days_ago(3))
    [item] = queue_items(coach)
    assert item.overdue


def test_the_worker_is_told_and_nobody_is_named(
    shared, coach, alex_account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        answer_shared_job(shared, by=alex_account, answer="yes")
    [notice] = Notification.objects.filter(kind="job_answer")
    assert notice.recipient == coach
    assert notice.text == "A person you support said yes to a job you shared with them."
    assert notice.link == reverse("employers:candidacy", args=[shared.pk])
    assert "Alex" not in notice.text


# --- what the person sees ------------------------------------------------------------


def test_shared_jobs_in_the_persons_terms(shared, person, alex_account):
    profile = ProfileFactory(
        person=person, travel_modes=["bus", "walk"], travel_training_needed=True
    )
    assert profile.pk
    [job] = shared_jobs(person)
    assert job.candidacy_id == shared.pk
    assert (job.title, job.employer, job.kind) == (
        "Plant care assistant",
        "Greenway Garden Centre",
        "Paid job",
    )
    assert job.address == "Marsh Lane, East Ham, E6 6LB" and job.postcode_area == "E6"
    assert job.hours_per_week == Decimal("16") and job.hourly_pay == Decimal("12.60")
    assert job.weekly_pay == Decimal("201.60")
    assert job.travel == ["Bus", "Walking"] and job.travel_training_needed
    assert job.answer == "" and job.shared_on == today()
    answer_shared_job(shared, by=alex_account, answer="later")
    assert shared_jobs(person)[0].answer == "later"


def test_shared_jobs_leave_out_unshared_and_ended_ones(
    shared, candidacy, coach, person, team, employer
):
    put_forward(coach, person, OpportunityFactory(employer=employer, authority=team.authority))
    assert [j.candidacy_id for j in shared_jobs(person)] == [shared.pk]
    move_candidacy(coach, shared, status="withdrawn", reason="Filled")
    assert shared_jobs(person) == []


def test_shared_jobs_take_two_queries_however_many(
    shared, coach, person, team, employer, django_assert_num_queries
):
    ProfileFactory(person=person)
    for n in range(4):
        more = put_forward(
            coach,
            person,
            OpportunityFactory(employer=employer, authority=team.authority, title=f"Job {n}"),
        )
        share_with_person(more, by=coach, expected_version=more.version)
    with django_assert_num_queries(2):
        jobs = shared_jobs(person)
    assert len(jobs) == 5
