"""Erasure: a DPO proposes, approves and carries out; the person is anonymised across
every app, their audit trail keeps what happened but not what it was, and past
figures keep their counts."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db import models

from pathways.casework.models import (
    Activity,
    Goal,
    LongTermReview,
    Package,
    Step,
    VocationalProfile,
)
from pathways.commissioning.models import ClaimLine, ClaimStatus, LineStatus
from pathways.core.audit import person_trail
from pathways.core.errors import ActionRefused, IllegalTransition
from pathways.core.models import Role
from pathways.employers.models import Candidacy, CandidacyStep
from pathways.employment.models import AccessToWork, Milestone, PostStartCheck
from pathways.people.models import CareCost, Consent, Contact, Person, SupportReason
from pathways.privacy import erasure
from pathways.privacy.models import (
    ErasureReason,
    ErasureRequest,
    ErasureStatus,
    SubjectAccessRequest,
)
from pathways.reporting import outcomes
from tests.factories import EpisodeFactory, OpportunityFactory, TeamFactory, staff
from tests.privacy.retention_data import TODAY, claimed, closed_episode, dpo, job

pytestmark = pytest.mark.django_db

NAME = ("Marigold", "Quenby")
DOB = dt.date(1988, 5, 17)
REF = "C777123"
POSTCODE = "E15 4HT"
CONTACT = "Peregrine Quenby"


def full_record(team) -> Person:
    """Someone supported from 2017 to 2019, in work for a year, with notes everywhere."""
    coach = staff(Role.EMPLOYMENT_SPECIALIST, team)
    someone = closed_episode(
        team,
        dt.date(2019, 1, 15),
        given_name=NAME[0],
        family_name=NAME[1],
        date_of_birth=DOB,
        person_ref=REF,
        postcode=POSTCODE,
        email="marigold@example.net",
        phone="07700 900123",
        communication_needs="Marigold likes easy read",
        reasonable_adjustments="Quiet room for Marigold",
        primary_support_reason=SupportReason.LEARNING_DISABILITY,
        long_term_support=True,
        latitude=Decimal("51.541"),
        longitude=Decimal("0.003"),
    )
    referral = someone.referrals.get()
    referral.notes = "Marigold Quenby referred by her social worker"
    referral.save()
    episode = someone.episodes.get()
    episode.end_notes = "Marigold moved on"
    episode.save()
    Contact.objects.create(person=someone, name=CONTACT, relationship="brother", phone="0208")
    Consent.objects.create(
        person=someone,
        scope=Consent.Scope.SHARE_WITH_EMPLOYERS,
        given=True,
        given_on=dt.date(2017, 3, 1),
        recorded_by=coach,
        notes="Marigold said yes",
    )
    CareCost.objects.create(
        person=someone, effective_from=dt.date(2017, 1, 1), weekly_cost=Decimal("400")
    )
    Activity.objects.create(
        episode=episode,
        kind="meeting",
        occurred_on=dt.date(2018, 1, 1),
        with_whom="person",
        notes="Met Marigold at home",
        recorded_by=coach,
    )
    Package.objects.create(
        episode=episode,
        work_entry=True,
        reason="Marigold needs work entry",
        proposed_on=dt.date(2018, 1, 1),
    )
    LongTermReview.objects.create(
        episode=episode, reviewed_on=dt.date(2018, 6, 1), notes="Marigold doing well"
    )
    VocationalProfile.objects.create(person=someone, skills="Marigold bakes", work_history="Café")
    goal = Goal.objects.create(
        episode=episode, description="Marigold to try baking", owner="person", created_by=coach
    )
    Step.objects.create(goal=goal, description="Marigold visits the bakery")
    candidacy = Candidacy.objects.create(
        person=someone,
        opportunity=OpportunityFactory(authority=team.authority),
        status_on=dt.date(2017, 6, 1),
    )
    CandidacyStep.objects.create(
        candidacy=candidacy,
        status="applied",
        on=dt.date(2017, 6, 1),
        reason="Marigold keen",
        recorded_by=coach,
    )
    placement = job(someone, dt.date(2017, 7, 1), end=dt.date(2018, 7, 1))
    PostStartCheck.objects.create(
        placement=placement, kind="settled_in", due_on=dt.date(2017, 7, 8), notes="Marigold ok"
    )
    Milestone.objects.create(
        placement=placement,
        weeks=13,
        reached_on=dt.date(2017, 9, 30),
        found_on=dt.date(2017, 10, 1),
        notes="Marigold still there",
    )
    AccessToWork.objects.create(placement=placement, funds="Taxi for Marigold")
    # An earlier subject access request, asked for by her brother on her behalf.
    SubjectAccessRequest.objects.create(
        person=someone,
        authority=someone.authority,
        received_on=dt.date(2019, 1, 10),
        due_on=dt.date(2019, 2, 10),
        requested_by=f"{CONTACT} for Marigold",
        received_how=SubjectAccessRequest.ReceivedHow.OTHER,
        logged_by=coach,
        status=SubjectAccessRequest.Status.COMPLETED,
        completed_on=dt.date(2019, 2, 1),
        completed_by=coach,
        note="Marigold collected it",
    )
    return someone


def approved(team, someone, officer=None) -> ErasureRequest:
    officer = officer or dpo(team)
    request = erasure.propose_erasure(
        officer, someone, reason=ErasureReason.RETENTION_DUE, today=TODAY
    )
    return erasure.approve_erasure(officer, request)


def test_a_dpo_proposes_approves_and_carries_out(team):
    officer = dpo(team)
    someone = closed_episode(team, dt.date(2019, 1, 15))
    request = erasure.propose_erasure(
        officer, someone, reason=ErasureReason.RETENTION_DUE, today=TODAY
    )
    assert request.status == ErasureStatus.PROPOSED
    request = erasure.approve_erasure(officer, request)
    assert (request.status, request.approved_by) == (ErasureStatus.APPROVED, officer)
    request = erasure.carry_out_erasure(officer, request, confirmed=True)
    assert request.status == ErasureStatus.CARRIED_OUT
    assert request.carried_out_at is not None
    someone.refresh_from_db()
    assert someone.full_name == "Erased record"


def test_a_retention_request_needs_the_person_to_be_due(team):
    recent = closed_episode(team, dt.date(2023, 1, 15))
    with pytest.raises(ActionRefused, match="not due for erasure"):
        erasure.propose_erasure(dpo(team), recent, reason=ErasureReason.RETENTION_DUE, today=TODAY)


def test_a_subject_request_is_refused_while_support_is_given(team):
    someone = EpisodeFactory(team=team).person
    with pytest.raises(ActionRefused, match=r"Episode E\d+ is open: support is still being given"):
        erasure.propose_erasure(dpo(team), someone, reason=ErasureReason.SUBJECT_REQUEST)
    assert not ErasureRequest.objects.exists()


def test_a_subject_request_with_a_live_job_names_the_job(team):
    someone = closed_episode(team, dt.date(2024, 1, 15))
    job(someone, dt.date(2023, 6, 1))
    with pytest.raises(ActionRefused, match="still has in-work support"):
        erasure.propose_erasure(dpo(team), someone, reason=ErasureReason.SUBJECT_REQUEST)


def test_the_dpo_may_override_the_exception_with_a_recorded_reason(team):
    officer = dpo(team)
    someone = EpisodeFactory(team=team).person
    request = erasure.propose_erasure(
        officer,
        someone,
        reason=ErasureReason.SUBJECT_REQUEST,
        override_reason="Withdrew from the service in writing on 1 June",
    )
    request = erasure.approve_erasure(officer, request)
    erasure.carry_out_erasure(officer, request, confirmed=True)
    someone.refresh_from_db()
    assert someone.given_name == "Erased"


# --- payment evidence ----------------------------------------------------------------


@pytest.mark.parametrize("reason", ErasureReason.values)
def test_an_approved_claim_line_holds_the_record_back_whatever_the_override(team, reason):
    someone = closed_episode(team, dt.date(2019, 1, 15))
    claimed(someone, LineStatus.APPROVED, ClaimStatus.DECIDED, contract_ref="SE-2025-07")
    with pytest.raises(ActionRefused) as refused:
        erasure.propose_erasure(
            dpo(team),
            someone,
            reason=reason,
            override_reason="The person insists",
            today=TODAY,
        )
    message = str(refused.value)
    assert "contract SE-2025-07" in message
    assert "must keep payment evidence for audit" in message
    assert "no override lifts this" in message
    assert not ErasureRequest.objects.exists()


def test_a_line_awaiting_the_commissioners_decision_holds_the_record_back(team):
    someone = closed_episode(team, dt.date(2019, 1, 15))
    claimed(someone, LineStatus.PENDING, ClaimStatus.SUBMITTED)
    assert erasure.payment_evidence(someone) == [
        "Job start on 2 June 2025 was claimed on contract SE-2025-07 "
        f"({team.authority.name}) and is awaiting decision: the council must keep "
        "payment evidence for audit."
    ]
    with pytest.raises(ActionRefused, match="payment evidence"):
        erasure.propose_erasure(dpo(team), someone, reason=ErasureReason.SUBJECT_REQUEST)


def test_a_claim_submitted_after_approval_stops_the_erasure(team):
    officer = dpo(team)
    someone = closed_episode(team, dt.date(2019, 1, 15))
    request = approved(team, someone, officer)
    claimed(someone, LineStatus.PENDING, ClaimStatus.SUBMITTED)
    with pytest.raises(ActionRefused, match="payment evidence"):
        erasure.carry_out_erasure(officer, request, confirmed=True)
    someone.refresh_from_db()
    assert someone.family_name != "record"


def test_rejected_and_draft_lines_do_not_hold_the_record_back_and_lose_their_text(team):
    officer = dpo(team)
    someone = closed_episode(team, dt.date(2019, 1, 15))
    rejected = claimed(someone, LineStatus.REJECTED, ClaimStatus.DECIDED, contract_ref="A")
    draft = claimed(someone, LineStatus.PENDING, ClaimStatus.DRAFT, contract_ref="B")
    assert erasure.payment_evidence(someone) == []
    request = erasure.propose_erasure(
        officer, someone, reason=ErasureReason.SUBJECT_REQUEST, today=TODAY
    )
    erasure.carry_out_erasure(officer, erasure.approve_erasure(officer, request), confirmed=True)
    rejected.refresh_from_db()
    draft.refresh_from_db()
    assert (rejected.evidence, rejected.reason) == ("", "(erased)")
    assert (draft.evidence, draft.reason) == ("", "")
    assert "Marigold" not in str(list(ClaimLine.objects.values()))


def test_a_subject_request_for_someone_with_nothing_open_needs_no_override(team):
    someone = closed_episode(team, dt.date(2025, 1, 15))
    request = erasure.propose_erasure(dpo(team), someone, reason=ErasureReason.SUBJECT_REQUEST)
    assert request.status == ErasureStatus.PROPOSED


def test_nothing_is_erased_before_approval(team):
    officer = dpo(team)
    someone = closed_episode(team, dt.date(2019, 1, 15))
    request = erasure.propose_erasure(
        officer, someone, reason=ErasureReason.RETENTION_DUE, today=TODAY
    )
    with pytest.raises(IllegalTransition, match="only an approved request"):
        erasure.carry_out_erasure(officer, request, confirmed=True)
    someone.refresh_from_db()
    assert someone.given_name != "Erased"


def test_carrying_out_needs_confirmation(team):
    someone = closed_episode(team, dt.date(2019, 1, 15))
    request = approved(team, someone)
    with pytest.raises(ActionRefused, match="cannot be undone"):
        erasure.carry_out_erasure(dpo(team, "dpo2@example.org"), request, confirmed=False)
    someone.refresh_from_db()
    assert someone.given_name != "Erased"


def test_with_a_second_dpo_the_proposer_cannot_approve(team):
    first, second = dpo(team), dpo(team, "dpo2@example.org")
    someone = closed_episode(team, dt.date(2019, 1, 15))
    request = erasure.propose_erasure(
        first, someone, reason=ErasureReason.RETENTION_DUE, today=TODAY
    )
    with pytest.raises(ActionRefused, match="another data protection officer"):
        erasure.approve_erasure(first, request)
    assert erasure.approve_erasure(second, request).approved_by == second


def test_a_refused_request_cannot_be_approved(team):
    officer = dpo(team)
    someone = closed_episode(team, dt.date(2019, 1, 15))
    request = erasure.propose_erasure(
        officer, someone, reason=ErasureReason.RETENTION_DUE, today=TODAY
    )
    with pytest.raises(ActionRefused, match="Say why"):
        erasure.refuse_erasure(officer, request, reason=" ")
    request = erasure.refuse_erasure(officer, request, reason="Court case pending")
    assert request.refusal_reason == "Court case pending"
    with pytest.raises(IllegalTransition):
        erasure.approve_erasure(officer, request)


def test_a_person_reopened_after_approval_is_not_erased(team):
    someone = closed_episode(team, dt.date(2019, 1, 15))
    request = approved(team, someone)
    EpisodeFactory(team=team, person=someone)
    with pytest.raises(ActionRefused, match="is open"):
        erasure.carry_out_erasure(dpo(team, "dpo2@example.org"), request, confirmed=True)


def test_one_open_request_per_person(team):
    officer = dpo(team)
    someone = closed_episode(team, dt.date(2019, 1, 15))
    erasure.propose_erasure(officer, someone, reason=ErasureReason.RETENTION_DUE, today=TODAY)
    with pytest.raises(ActionRefused, match="already proposed"):
        erasure.propose_erasure(officer, someone, reason=ErasureReason.SUBJECT_REQUEST)


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.DATA_PROTECTION_OFFICER])
def test_only_the_dpo_proposes_and_the_refusal_is_audited(team, role):
    someone = closed_episode(team, dt.date(2019, 1, 15))
    other = staff(role, team)
    with pytest.raises(PermissionDenied):
        erasure.propose_erasure(other, someone, reason=ErasureReason.RETENTION_DUE, today=TODAY)
    refused = person_trail(someone).filter(actor=other).get()
    assert refused.additional_data["outcome"] == "denied"
    assert refused.additional_data["what"] == "erasure request (not propose)"


@pytest.mark.parametrize("action", ["approve", "refuse", "carry out"])
def test_a_dpo_of_another_authority_and_a_superuser_are_refused(team, action, django_user_model):
    someone = closed_episode(team, dt.date(2019, 1, 15))
    request = erasure.propose_erasure(
        dpo(team), someone, reason=ErasureReason.RETENTION_DUE, today=TODAY
    )
    if action == "carry out":
        request = erasure.approve_erasure(dpo(team, "dpo3@example.org"), request)
    elsewhere = dpo(TeamFactory(), "elsewhere@example.org")
    root = django_user_model.objects.create_superuser("root@example.org", "x")
    for user in (elsewhere, root):
        with pytest.raises(PermissionDenied):
            if action == "approve":
                erasure.approve_erasure(user, request)
            elif action == "refuse":
                erasure.refuse_erasure(user, request, reason="no")
            else:
                erasure.carry_out_erasure(user, request, confirmed=True)
    request.refresh_from_db()
    assert request.status in (ErasureStatus.PROPOSED, ErasureStatus.APPROVED)


# --- what erasure leaves -------------------------------------------------------------


def test_erasure_knows_every_kind_of_row_about_a_person():
    """A model added later with a link to a person (or to a row about one) must be
    listed in PERSON_ROWS (or registered by an app above privacy), or erasure would
    leave its text behind."""
    from django.apps import apps

    listed = {kind.model for kind in erasure.person_rows()}
    about_person = {Person, *listed}
    unlisted = [
        model.__name__
        for model in apps.get_models()
        if model.__module__.startswith("pathways.")
        and model not in about_person
        and any(
            field.many_to_one and field.related_model in about_person
            for field in model._meta.concrete_fields
        )
    ]
    assert unlisted == []


def _text_of(rows: models.QuerySet) -> str:
    """Every text, date and JSON column of the rows, as one string."""
    out = []
    for row in rows:
        for field in row._meta.concrete_fields:
            value = getattr(row, field.attname)
            if isinstance(value, str | dt.date | list | dict):
                out.append(value if isinstance(value, str) else json.dumps(value, default=str))
    return "\n".join(out)


def _everything_about(someone: Person) -> str:
    texts = [_text_of(Person.objects.filter(pk=someone.pk))]
    texts += [_text_of(erasure.rows_of(someone, kind)) for kind in erasure.person_rows()]
    for entry in person_trail(someone):
        texts.append(
            "\n".join(
                [
                    entry.object_repr,
                    entry.changes_text,
                    json.dumps(entry.changes),
                    json.dumps(entry.serialized_data),
                    json.dumps(entry.additional_data),
                ]
            )
        )
    return "\n".join(texts)


TRACES = [*NAME, REF, DOB.isoformat(), POSTCODE, "4HT", CONTACT, "Marigold", "07700", "marigold@"]


def test_after_erasure_nothing_can_be_traced_back(team):
    someone = full_record(team)
    before = _everything_about(someone)
    assert all(trace in before for trace in TRACES)  # the search would find them

    officer = dpo(team)
    erasure.carry_out_erasure(officer, approved(team, someone, officer), confirmed=True)

    after = _everything_about(someone)
    for trace in TRACES:
        assert trace not in after, trace
    assert not Contact.objects.filter(person=someone).exists()
    someone.refresh_from_db()
    assert someone.postcode == "E15"
    assert someone.date_of_birth == dt.date(1988, 4, 1)
    assert someone.person_ref.startswith("ERASED-")
    assert (someone.latitude, someone.longitude) == (None, None)


def test_the_trail_keeps_what_happened_but_not_what_it_was(team):
    someone = full_record(team)
    officer = dpo(team)
    request = approved(team, someone, officer)
    actions_before = list(person_trail(someone).order_by("id").values_list("id", "action"))
    latest_before = LogEntry.objects.latest("id").id
    erasure.carry_out_erasure(officer, request, confirmed=True)

    trail = list(person_trail(someone).order_by("id"))
    kept = [(e.id, e.action) for e in trail if e.id <= actions_before[-1][0]]
    assert kept == actions_before  # nothing deleted, each entry still says what was done
    created = next(e for e in trail if e.content_type.model == "person" and e.action == 0)
    assert set(created.changes) >= {"given_name", "date_of_birth"}  # which fields…
    assert created.changes["given_name"] == ["(erased)", "(erased)"]  # …not their values
    last = trail[-1]
    assert last.additional_data["what"] == "erased"
    assert last.additional_data["request_id"] == request.pk
    assert last.additional_data["reason"] == ErasureReason.RETENTION_DUE
    assert last.additional_data["approved_by"] == officer.email
    # The anonymising writes themselves left no entries: the erasure is one entry.
    assert list(LogEntry.objects.filter(id__gt=latest_before)) == [last]


def test_past_figures_keep_their_counts(team):
    someone = full_record(team)  # 28 in 2017, in paid work from July 2017 to July 2018
    for day in (dt.date(2017, 9, 30), dt.date(2018, 3, 31), dt.date(2018, 6, 30)):
        assert (
            outcomes.employment_rate([team.authority], day)["learning_disability"]["numerator"] == 1
        )
    on = [dt.date(2017, 6, 30), dt.date(2017, 9, 30), dt.date(2018, 3, 31), dt.date(2018, 6, 30)]
    rates = [outcomes.employment_rate([team.authority], day) for day in on]
    jobs = outcomes.outcomes([team.authority], dt.date(2017, 4, 1), dt.date(2018, 3, 31))
    saved = outcomes.savings([team.authority], dt.date(2017, 4, 1), dt.date(2019, 3, 31))

    officer = dpo(team)
    erasure.carry_out_erasure(officer, approved(team, someone, officer), confirmed=True)

    assert [outcomes.employment_rate([team.authority], day) for day in on] == rates
    assert outcomes.outcomes([team.authority], dt.date(2017, 4, 1), dt.date(2018, 3, 31)) == jobs
    assert outcomes.savings([team.authority], dt.date(2017, 4, 1), dt.date(2019, 3, 31)) == saved


@pytest.mark.parametrize(
    ("born", "start"),
    [
        (dt.date(2000, 3, 31), dt.date(2000, 1, 1)),
        (dt.date(2000, 2, 29), dt.date(2000, 1, 1)),
        (dt.date(2000, 4, 1), dt.date(2000, 4, 1)),
        (dt.date(2000, 12, 31), dt.date(2000, 10, 1)),
    ],
)
def test_the_date_of_birth_keeps_the_age_at_every_quarter_end(born, start):
    assert erasure.quarter_start(born) == start
    for year in range(2010, 2070):
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
            end = dt.date(year, month, day)
            assert outcomes.age_on(start, end) == outcomes.age_on(born, end)
