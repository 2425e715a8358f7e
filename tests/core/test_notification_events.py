"""Who is told, and what, when things happen: each event notifies the right people and
nobody else, in the app and by email (after the action commits), with no one's name
or reference in the email."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from pathways.casework import services as casework_services
from pathways.core.models import Notification, Role
from pathways.employment import services as employment_services
from pathways.referrals import services as referral_services
from pathways.referrals.models import Status
from tests.factories import (
    EmployerFactory,
    EpisodeFactory,
    PersonFactory,
    ReferralFactory,
    staff,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date.today  # called in each test: a run may cross midnight


@pytest.fixture(autouse=True)
def _send_at_once(settings):
    """Emails go out as the action commits (the database queue has its own tests in
    test_notifications.py)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def told(kind: str) -> list[tuple[str, str]]:
    return sorted(
        (n.recipient.email, n.link)
        for n in Notification.objects.filter(kind=kind).select_related("recipient")
    )


@pytest.fixture
def approver(team):
    return staff(Role.PACKAGE_APPROVER, team, email="approver@example.org", first_name="Aisha")


@pytest.fixture
def episode(team, coach):
    return EpisodeFactory(team=team, worker=coach)


class TestAllocation:
    def test_the_worker_is_told_and_nobody_else(
        self, intake, manager, coach, team, referral, django_capture_on_commit_callbacks
    ):
        bystander = staff(Role.EMPLOYMENT_SPECIALIST, team, email="other@example.org")
        referral_services.accept_referral(intake, referral)
        with django_capture_on_commit_callbacks(execute=True):
            episode = referral_services.allocate(intake, referral, worker=coach)
        assert told("allocated") == [(coach.email, f"/episodes/{episode.pk}/")]
        assert Notification.objects.count() == 1  # not the intake officer, manager, bystander
        assert bystander.notifications.count() == 0
        [email] = mail.outbox
        assert email.to == [coach.email]
        assert email.body.startswith(f"Hello {coach.first_name},\n\nYou have a new case allocated.")
        assert f"http://127.0.0.1:8000/episodes/{episode.pk}/" in email.body

    def test_the_email_names_nobody(
        self, intake, coach, referral, settings, django_capture_on_commit_callbacks
    ):
        settings.PATHWAYS_BASE_URL = "https://pathways.example.gov.uk"
        person = referral.person
        referral_services.accept_referral(intake, referral)
        with django_capture_on_commit_callbacks(execute=True):
            episode = referral_services.allocate(intake, referral, worker=coach)
        [email] = mail.outbox
        text = email.subject + email.body
        for secret in (
            person.family_name,
            person.given_name,
            person.person_ref,
            referral.referral_ref,
            episode.episode_ref,
            coach.last_name,
        ):
            assert secret not in text
        assert f"https://pathways.example.gov.uk/episodes/{episode.pk}/" in email.body

    def test_allocating_to_yourself_tells_nobody(self, manager, referral, intake):
        referral_services.accept_referral(intake, referral)
        referral_services.allocate(manager, referral, worker=manager)
        assert not Notification.objects.exists()

    def test_a_rolled_back_allocation_tells_nobody(
        self, intake, coach, referral, django_capture_on_commit_callbacks
    ):
        referral_services.accept_referral(intake, referral)
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            referral_services.allocate(intake, referral, worker=coach)
            raise RuntimeError("something later in the same request failed")
        assert not Notification.objects.exists()
        assert mail.outbox == []
        referral.refresh_from_db()
        assert referral.status == Status.ACCEPTED
        assert callbacks == []

    def test_a_refused_allocation_tells_nobody(self, intake, coach, team, referral):
        EpisodeFactory(team=team, person=referral.person)  # already has an open episode
        referral_services.accept_referral(intake, referral)
        with pytest.raises(Exception, match="already has an open episode"):
            referral_services.allocate(intake, referral, worker=coach)
        assert not Notification.objects.exists()


class TestPackages:
    def test_the_teams_approvers_are_told_not_the_proposer_nor_another_team(
        self, coach, manager, approver, episode, other_team, django_capture_on_commit_callbacks
    ):
        elsewhere = staff(Role.PACKAGE_APPROVER, other_team, email="elsewhere@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            casework_services.propose_package(
                coach, episode, work_entry=True, supported_element="", reason="Agreed"
            )
        link = f"/episodes/{episode.pk}/"
        assert told("approval_waiting") == [(approver.email, link), (manager.email, link)]
        assert not elsewhere.notifications.exists()
        assert not coach.notifications.exists()
        assert sorted(m.to[0] for m in mail.outbox) == [approver.email, manager.email]
        assert all("waiting for your approval" in m.body for m in mail.outbox)

    def test_a_manager_proposing_is_not_told_of_their_own_proposal(
        self, manager, approver, episode
    ):
        casework_services.propose_package(
            manager, episode, work_entry=True, supported_element="", reason="Agreed"
        )
        assert told("approval_waiting") == [(approver.email, f"/episodes/{episode.pk}/")]

    @pytest.mark.parametrize(
        ("decide", "word"),
        [
            (lambda who, p: casework_services.approve_package(who, p), "approved"),
            (lambda who, p: casework_services.reject_package(who, p, reason="No"), "rejected"),
        ],
    )
    def test_the_proposer_is_told_the_decision(self, coach, approver, episode, decide, word):
        package = casework_services.propose_package(
            coach, episode, work_entry=True, supported_element="", reason="Agreed"
        )
        decide(approver, package)
        [notice] = Notification.objects.filter(kind="proposal_decided")
        assert notice.recipient == coach
        assert notice.text == f"Your package proposal was {word}."
        assert not approver.notifications.filter(kind="proposal_decided").exists()


class TestRedirect:
    def test_the_receiving_teams_triage_staff_are_told(
        self, intake, manager, coach, referral, other_team
    ):
        their_intake = staff(Role.INTAKE_OFFICER, other_team, email="their-intake@example.org")
        their_manager = staff(Role.TEAM_MANAGER, other_team, email="their-manager@example.org")
        their_coach = staff(Role.EMPLOYMENT_SPECIALIST, other_team, email="their-coach@ex.org")
        onward = referral_services.redirect_referral(
            intake, referral, to_team=other_team, reason="IPS fits better"
        )
        link = f"/referrals/{onward.pk}/"
        assert told("referral_redirected") == sorted(
            [(their_intake.email, link), (their_manager.email, link)]
        )
        assert not their_coach.notifications.exists()
        assert not manager.notifications.exists() and not coach.notifications.exists()


def START() -> dt.date:
    return TODAY() - dt.timedelta(days=100)


@pytest.fixture
def placement(team, coach):
    episode = EpisodeFactory(team=team, worker=coach, started_on=START() - dt.timedelta(days=7))
    return employment_services.record_job_start(
        coach,
        episode.person,
        start_date=START(),
        employer=EmployerFactory(organisation=team.organisation),
        job_title="Gardener",
        kind="employed",
        paid=True,
        hours_per_week=Decimal("20"),
    )


def daily(on: dt.date) -> str:
    out = StringIO()
    call_command("daily", "--on", on.isoformat(), stdout=out)
    return out.getvalue()


class TestDailyRun:
    def test_post_start_checks_falling_due_are_told_once(self, placement, coach, manager, team):
        due = START() + dt.timedelta(days=team.post_start_check_days)
        daily(due - dt.timedelta(days=1))
        assert not Notification.objects.filter(kind="check_due").exists()
        daily(due)
        daily(due)  # a second run the same day
        daily(due + dt.timedelta(days=1))  # and the next day
        [notice] = Notification.objects.filter(kind="check_due")  # not the manager
        assert notice.recipient == coach
        assert notice.text == "6 post-start checks for a job you support are due."
        assert notice.link == f"/jobs/{placement.pk}/"

    def test_a_milestone_found_is_told_once(self, placement, coach):
        reached = START() + dt.timedelta(weeks=13)
        daily(reached)
        daily(reached)
        [notice] = Notification.objects.filter(kind="milestone_due")
        assert notice.recipient == coach
        assert notice.text == "A 13-week milestone in work is ready to confirm."
        assert notice.link == f"/jobs/{placement.pk}/"

    def test_the_digest_goes_once_a_day_to_workers_with_something_due(
        self, team, coach, manager, django_capture_on_commit_callbacks
    ):
        idle = staff(Role.EMPLOYMENT_SPECIALIST, team, email="idle@example.org")
        EpisodeFactory(team=team, worker=idle, started_on=TODAY(), last_contact_on=TODAY())
        EpisodeFactory(team=team, worker=coach, started_on=TODAY() - dt.timedelta(days=90))
        with django_capture_on_commit_callbacks(execute=True):
            out = daily(TODAY())
        daily(TODAY())
        [digest] = Notification.objects.filter(kind="digest")
        assert digest.recipient == coach
        assert digest.text == "Your work queue has 1 thing to do today, 1 of them overdue."
        assert digest.link == "/"
        assert "1 daily summaries" in out
        assert [m.to for m in mail.outbox] == [[coach.email]]

    def test_the_digest_names_nobody(self, team, coach):
        person = PersonFactory(authority=team.authority)
        EpisodeFactory(team=team, worker=coach, person=person, started_on=START())
        ReferralFactory(team=team, person=person)
        daily(TODAY())
        [digest] = Notification.objects.filter(kind="digest")
        assert person.family_name not in digest.text and person.person_ref not in digest.text
