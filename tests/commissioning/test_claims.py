"""Claims (spec/commissioning.md, "Claims"): a provider's manager saves and submits,
a commissioner of the authority decides each line, nobody decides their own
organisation's claim, and every step and every read of lines is on the trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from pathways.commissioning import claims
from pathways.commissioning.claim_selectors import claim_lines, claims_of, claims_to_decide
from pathways.commissioning.models import Claim, ClaimLine, ClaimStatus, LineStatus
from pathways.core.errors import ActionRefused, ConcurrentEdit, IllegalTransition, PermissionDenied
from pathways.core.models import Role
from tests.commissioning.factories import ContractFactory, TariffFactory, confirm_milestone
from tests.factories import TeamFactory, UserFactory, staff

pytestmark = pytest.mark.django_db

START, END = dt.date(2025, 4, 1), dt.date(2026, 3, 31)


def saved(w):
    return claims.save_claim(w.manager, w.contract, START, END)


def submitted(w):
    claim = saved(w)
    return claims.submit_claim(w.manager, claim, claim.version)


def test_a_manager_saves_a_draft_of_every_claimable_outcome(world):
    claim = saved(world)
    assert claim.status == ClaimStatus.DRAFT
    assert [(line.outcome, line.price, line.status) for line in claim.lines.all()] == [
        ("job_start", Decimal("500.00"), LineStatus.PENDING),
        ("job_start", Decimal("500.00"), LineStatus.PENDING),
    ]
    assert claim.lines.first().evidence.startswith("Started as Kitchen assistant")


def test_nothing_is_claimed_twice(world):
    saved(world)
    with pytest.raises(ActionRefused, match="nothing to claim"):
        saved(world)
    confirm_milestone(world.jobs[0], 26)
    second = saved(world)
    assert [line.outcome for line in second.lines.all()] == ["sustained_26"]


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (START - dt.timedelta(days=1), END, "period_from"),
        (START, END + dt.timedelta(days=366), "period_to"),
        (END, START, "period_to"),
    ],
    ids=["before-start", "past-the-year-after", "backwards"],
)
def test_a_period_outside_the_contract_is_refused(world, start, end, field):
    with pytest.raises(ValidationError) as refused:
        claims.save_claim(world.manager, world.contract, start, end)
    assert field in refused.value.message_dict
    assert not Claim.objects.exists()


def test_the_year_after_the_contract_may_be_claimed(world):
    claim = claims.save_claim(world.manager, world.contract, START, END + dt.timedelta(days=365))
    assert claim.lines.count() == 2


def test_over_cap_lines_are_saved_as_over_cap_and_count_nothing(world):
    world.contract.budget_cap = Decimal("500.00")
    world.contract.save()
    claim = saved(world)
    assert [line.over_cap for line in claim.lines.order_by("achieved_on")] == [False, True]
    assert claims_of(world.manager, world.contract).get().total == Decimal("500.00")


def test_the_cap_counts_what_earlier_claims_took(world):
    world.contract.budget_cap = Decimal("1600.00")
    world.contract.save()
    claims.save_claim(world.manager, world.contract, START, dt.date(2025, 6, 30))  # 500
    confirm_milestone(world.jobs[0], 26)  # 1500: past the 1100 left
    later = claims.save_claim(world.manager, world.contract, dt.date(2025, 7, 1), END)
    assert [(line.outcome, line.over_cap) for line in later.lines.all()] == [
        ("job_start", False),
        ("sustained_26", True),
    ]


@pytest.mark.parametrize("who", ["coach", "other_manager", "other_commissioner", "commissioner"])
def test_only_the_providers_manager_may_claim(world, who):
    if who == "other_manager":
        user = staff(Role.TEAM_MANAGER, TeamFactory(authority=world.authority))
    elif who == "other_commissioner":
        user = staff(Role.COMMISSIONER, TeamFactory())
    else:
        user = getattr(world, who)
    with pytest.raises(PermissionDenied):
        claims.save_claim(user, world.contract, START, END)
    claim = saved(world)
    with pytest.raises(PermissionDenied):
        claims.submit_claim(user, claim, claim.version)
    assert not LogEntry.objects.filter(additional_data__what="claim submitted").exists()


def test_submitting_needs_the_version_read_and_happens_once(world):
    claim = saved(world)
    with pytest.raises(ConcurrentEdit):
        claims.submit_claim(world.manager, claim, claim.version + 1)
    claim = claims.submit_claim(world.manager, claim, claim.version)
    assert claim.submitted_by == world.manager
    with pytest.raises(IllegalTransition):
        claims.submit_claim(world.manager, claim, claim.version)


def test_a_commissioner_decides_each_line_and_the_claim_is_decided_after_the_last(world):
    claim = submitted(world)
    first, second = claim.lines.all()
    claims.decide_line(world.commissioner, first, True, "", claim.version)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    claims.decide_line(world.commissioner, second, False, "No payslip", claim.version)
    claim.refresh_from_db()
    second.refresh_from_db()
    assert claim.status == ClaimStatus.DECIDED
    assert (second.status, second.reason, second.decided_by) == (
        LineStatus.REJECTED,
        "No payslip",
        world.commissioner,
    )


def test_a_rejection_needs_a_reason(world):
    claim = submitted(world)
    with pytest.raises(ValidationError) as refused:
        claims.decide_line(world.commissioner, claim.lines.first(), False, "  ", claim.version)
    assert "reason" in refused.value.message_dict


def test_a_draft_cannot_be_decided_nor_a_line_twice(world):
    draft = saved(world)
    with pytest.raises(IllegalTransition):
        claims.decide_line(world.commissioner, draft.lines.first(), True, "", draft.version)
    claims.submit_claim(world.manager, draft, draft.version)
    draft.refresh_from_db()
    line = draft.lines.first()
    claims.decide_line(world.commissioner, line, True, "", draft.version)
    draft.refresh_from_db()
    with pytest.raises(IllegalTransition):
        claims.decide_line(world.commissioner, line, False, "Changed my mind", draft.version)


def test_deciding_needs_the_claims_version(world):
    claim = submitted(world)
    with pytest.raises(ConcurrentEdit):
        claims.decide_line(world.commissioner, claim.lines.first(), True, "", claim.version - 1)


def test_a_rejected_line_may_be_claimed_again(world):
    claim = submitted(world)
    first, second = claim.lines.all()
    claims.decide_line(world.commissioner, first, False, "No evidence of the start", claim.version)
    again = saved(world)
    assert [(line.episode_id, line.outcome) for line in again.lines.all()] == [
        (first.episode_id, "job_start")
    ]


@pytest.mark.parametrize(
    "who",
    [
        "coach",
        "manager",
        "other_manager",
        "other_commissioner",
        "commissioner_in_provider",
        "superuser_in_provider",
    ],
)
def test_who_may_not_decide(world, who):
    if who == "other_manager":
        user = staff(Role.TEAM_MANAGER, TeamFactory(authority=world.authority))
    elif who == "other_commissioner":
        user = staff(Role.COMMISSIONER, TeamFactory())
    elif who == "commissioner_in_provider":
        user = world.commissioner
        staff_team = world.provider_team
        user.memberships.create(team=staff_team, role=Role.EMPLOYMENT_SPECIALIST)
    elif who == "superuser_in_provider":
        user = UserFactory(is_superuser=True)
        user.memberships.create(team=world.provider_team, role=Role.EMPLOYMENT_SPECIALIST)
    else:
        user = getattr(world, who)
    claim = submitted(world)
    with pytest.raises(PermissionDenied):
        claims.decide_line(user, claim.lines.first(), True, "", claim.version)
    assert not ClaimLine.objects.exclude(status=LineStatus.PENDING).exists()
    assert claim not in claims_to_decide(user)


def test_a_superuser_outside_the_provider_may_decide(world):
    claim = submitted(world)
    claims.decide_line(UserFactory(is_superuser=True), claim.lines.first(), True, "", claim.version)
    assert ClaimLine.objects.filter(status=LineStatus.APPROVED).count() == 1


def test_a_commissioner_sees_the_submitted_claims_of_the_authority(world):
    draft = saved(world)
    assert list(claims_to_decide(world.commissioner)) == []
    claims.submit_claim(world.manager, draft, draft.version)
    assert [c.pk for c in claims_to_decide(world.commissioner)] == [draft.pk]
    assert list(claims_to_decide(staff(Role.COMMISSIONER, TeamFactory()))) == []


def test_a_draft_may_be_deleted_or_refreshed_but_not_a_submitted_claim(world):
    claim = saved(world)
    confirm_milestone(world.jobs[0], 26)
    fresh = claims.refresh_draft(world.manager, claim, claim.version)
    assert sorted(line.outcome for line in fresh.lines.all()) == [
        "job_start",
        "job_start",
        "sustained_26",
    ]
    claims.submit_claim(world.manager, fresh, fresh.version)
    fresh.refresh_from_db()
    with pytest.raises(IllegalTransition):
        claims.delete_draft(world.manager, fresh, fresh.version)
    other = staff(Role.TEAM_MANAGER, TeamFactory(authority=world.authority))
    with pytest.raises(PermissionDenied):
        claims.delete_draft(other, fresh, fresh.version)


def test_every_step_is_on_the_trail(world):
    claim = submitted(world)
    line = claim.lines.first()
    claims.decide_line(world.commissioner, line, False, "No payslip", claim.version)
    whats = list(
        LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
        .order_by("pk")
        .values_list("additional_data__what", flat=True)
    )
    assert whats == ["claim prepared", "claim submitted", "claim line rejected"]
    rejected = LogEntry.objects.get(additional_data__what="claim line rejected")
    assert rejected.actor == world.commissioner
    assert rejected.additional_data["person_id"] == line.person_id
    # the lines' own changes are recorded by django-auditlog, on each person's trail
    assert (
        LogEntry.objects.filter(
            action=LogEntry.Action.CREATE, content_type__model="claimline"
        ).count()
        == 2
    )


def test_reading_lines_is_a_read_of_each_person(world, django_assert_max_num_queries):
    claim = saved(world)
    with django_assert_max_num_queries(4):
        lines = claim_lines(world.commissioner, claim, channel="web")
    reads = LogEntry.objects.filter(additional_data__what=f"claim {claim.pk} lines")
    assert sorted(reads.values_list("additional_data__person_id", flat=True)) == sorted(
        line.person_id for line in lines
    )
    assert claim_lines(staff(Role.COMMISSIONER, TeamFactory()), claim, channel="web") == []


def test_an_outcome_on_another_contracts_live_line_is_not_offered_again(world):
    saved(world)
    earlier = ContractFactory(
        authority=world.authority,
        provider=world.contract.provider,
        contract_ref="A0",
        start_date=world.contract.start_date,
    )
    TariffFactory(contract=earlier, outcome="job_start", price=Decimal("1.00"))
    with pytest.raises(ActionRefused, match="nothing to claim"):
        claims.save_claim(world.manager, earlier, START, END)


def test_lines_saved_together_are_on_the_trail_as_a_line_saved_alone(world):
    """A claim's lines go in in one statement (core.audit.create_recorded); each still has
    the CREATE entry django-auditlog writes for a single save, with who and where."""
    with set_actor(world.manager, remote_addr="10.0.0.7"):
        claim = saved(world)
        line = claim.lines.order_by("pk").first()
        alone = ClaimLine.objects.get(pk=line.pk)
        alone.pk = None
        # one live line per outcome: the copy is a rejected one
        alone.status, alone.reason = LineStatus.REJECTED, "Copy"
        alone.save()
    entries = {
        e.object_id: e
        for e in LogEntry.objects.filter(
            action=LogEntry.Action.CREATE, content_type__model="claimline"
        )
    }
    assert len(entries) == 3
    together, single = entries[line.pk], entries[alone.pk]
    for field in ("actor", "actor_email", "remote_addr", "object_repr", "additional_data"):
        assert getattr(together, field) == getattr(single, field), field
    assert together.actor == world.manager and together.remote_addr == "10.0.0.7"
    assert together.additional_data == {"person_id": line.person_id}
    differs = {k for k in together.changes if together.changes[k] != single.changes.get(k)}
    assert set(together.changes) == set(single.changes) and differs == {"id", "status", "reason"}
    assert together.changes["evidence"][1] == line.evidence
