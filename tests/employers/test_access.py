"""Who sees and changes employers, pledges and candidacies.

Employers are on a provider's list, shared by all its teams; commissioners see the
pledges made to their authority but no employer records; a candidacy is part of the
person's record and follows its access rules, and only the people working with the
person move it on. Each rule is shown allowed and refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pathways.core.models import Role
from pathways.employers.candidacies.models import Candidacy
from pathways.employers.candidacies.policy import candidacy_policy
from pathways.employers.candidacies.selectors import candidacies_of_person, get_candidacy
from pathways.employers.candidacies.services import move_candidacy, put_forward
from pathways.employers.engagement.models import Employer
from pathways.employers.engagement.services import (
    create_employer,
    record_engagement,
    update_employer,
)
from pathways.employers.opportunities.selectors import opportunity_by_ref
from pathways.employers.opportunities.services import close_opportunity, update_opportunity
from pathways.employers.overview.selectors import employer_list, get_employer
from pathways.employers.pledges.selectors import pledge_progress
from pathways.employers.pledges.services import add_pledge
from pathways.people.models import Consent
from pathways.referrals.models import Status
from tests.factories import (
    AuthorityFactory,
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    ReferralFactory,
    TeamFactory,
    staff,
)

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def sister_team(team):
    """Another team of the same provider, in the same authority."""
    return TeamFactory(authority=team.authority, organisation=team.organisation)


@pytest.fixture
def employer(team):
    return EmployerFactory(organisation=team.organisation, name="Riverside Hotel")


def listed(user) -> set[str]:
    return set(employer_list(user).values_list("name", flat=True))


# --- employers ------------------------------------------------------------------------


def test_a_specialist_of_another_team_of_the_provider_sees_and_changes_employers(
    employer, sister_team
):
    specialist = staff(Role.EMPLOYMENT_SPECIALIST, sister_team)

    assert listed(specialist) == {"Riverside Hotel"}
    assert get_employer(specialist, employer.pk) == employer
    update_employer(specialist, employer, sector="Hospitality")
    record_engagement(specialist, employer, kind="meeting", occurred_on=days_ago(1))
    employer.refresh_from_db()
    assert employer.sector == "Hospitality"
    assert employer.engagements.count() == 1


def test_another_provider_neither_sees_nor_changes_them(employer, other_team):
    outsider = staff(Role.TEAM_MANAGER, other_team)  # same authority, another provider

    assert listed(outsider) == set()
    assert get_employer(outsider, employer.pk) is None
    with pytest.raises(PermissionDenied):
        update_employer(outsider, employer, sector="Hospitality")
    with pytest.raises(PermissionDenied):
        create_employer(outsider, employer.organisation, name="Sneaky Ltd")
    employer.refresh_from_db()
    assert employer.sector == "Retail"
    assert not Employer.objects.filter(name="Sneaky Ltd").exists()


def test_an_intake_officer_of_the_provider_sees_but_does_not_change(employer, intake, team):
    assert listed(intake) == {"Riverside Hotel"}
    with pytest.raises(PermissionDenied):
        update_employer(intake, employer, sector="Hospitality")
    with pytest.raises(PermissionDenied):
        create_employer(intake, team.organisation, name="New Café")
    with pytest.raises(PermissionDenied):
        record_engagement(intake, employer, kind="meeting", occurred_on=days_ago(1))
    employer.refresh_from_db()
    assert employer.sector == "Retail" and not employer.engagements.exists()


def test_opportunities_follow_their_employer(employer, sister_team, other_team, intake, team):
    opp = OpportunityFactory(employer=employer, authority=team.authority)
    specialist = staff(Role.EMPLOYMENT_SPECIALIST, sister_team)
    outsider = staff(Role.EMPLOYMENT_SPECIALIST, other_team)

    assert opportunity_by_ref(specialist, opp.opportunity_ref) == opp
    update_opportunity(specialist, opp, title="Room attendant")
    assert opportunity_by_ref(intake, opp.opportunity_ref) == opp
    assert opportunity_by_ref(outsider, opp.opportunity_ref) is None
    for user in (intake, outsider):
        with pytest.raises(PermissionDenied):
            close_opportunity(user, opp)
    opp.refresh_from_db()
    assert opp.title == "Room attendant" and opp.closed_on is None


# --- pledges and commissioners --------------------------------------------------------


@pytest.fixture
def pledges(employer, team):
    elsewhere = AuthorityFactory(code="W06000011", name="Swansea")
    made = {}
    for authority in (team.authority, elsewhere):
        made[authority.code] = add_pledge(
            staff(Role.TEAM_MANAGER, team),
            employer,
            authority=authority,
            description=f"Two placements for {authority.name}",
            source="contract",
            target=2,
            starts_on=dt.date(2025, 4, 1),
            ends_on=dt.date(2026, 3, 31),
        )
    return made


def test_a_commissioner_sees_their_authoritys_pledges_but_no_employers(employer, pledges, team):
    # Even as a member of one of the provider's own teams.
    commissioner = staff(Role.COMMISSIONER, team)

    assert listed(commissioner) == set()
    assert get_employer(commissioner, employer.pk) is None
    seen = [p.pledge for p in pledge_progress(commissioner)]
    assert seen == [pledges[team.authority.code]]  # not the one made to Swansea
    with pytest.raises(PermissionDenied):
        add_pledge(
            commissioner,
            employer,
            authority=team.authority,
            description="Made up",
            source="other",
            target=1,
            starts_on=dt.date(2025, 4, 1),
            ends_on=dt.date(2026, 3, 31),
        )


def test_a_commissioner_of_another_authority_sees_none_of_them(pledges):
    swansea_team = TeamFactory(authority=AuthorityFactory(code="W06000011"))
    commissioner = staff(Role.COMMISSIONER, swansea_team)
    elsewhere = staff(Role.COMMISSIONER, TeamFactory(authority=AuthorityFactory(code="S12000036")))

    assert [p.pledge for p in pledge_progress(commissioner)] == [pledges["W06000011"]]
    assert pledge_progress(elsewhere) == []


def test_the_provider_sees_all_its_employers_pledges(pledges, sister_team, other_team):
    mine = staff(Role.EMPLOYMENT_SPECIALIST, sister_team)
    outsider = staff(Role.EMPLOYMENT_SPECIALIST, other_team)

    assert {p.pledge.pk for p in pledge_progress(mine)} == {p.pk for p in pledges.values()}
    assert pledge_progress(outsider) == []


# --- candidacies ----------------------------------------------------------------------


@pytest.fixture
def worker(team):
    return staff(Role.EMPLOYMENT_SPECIALIST, team, email="worker@example.org")


@pytest.fixture
def candidacy(team, worker, employer):
    episode = EpisodeFactory(team=team, worker=worker, started_on=days_ago(60))
    opp = OpportunityFactory(employer=employer, authority=team.authority, opened_on=days_ago(60))
    Consent.objects.create(
        person=episode.person,
        scope=Consent.Scope.SHARE_WITH_EMPLOYERS,
        given=True,
        given_on=days_ago(50),
        recorded_by=worker,
    )
    return put_forward(worker, episode.person, opp, on=days_ago(20))


def status_of(candidacy) -> str:
    return Candidacy.objects.get(pk=candidacy.pk).status


def test_the_persons_worker_moves_the_candidacy_on(candidacy, worker):
    assert get_candidacy(worker, candidacy.pk) == candidacy
    move_candidacy(worker, candidacy, status="applied", on=days_ago(10))
    assert status_of(candidacy) == "applied"


def test_the_worker_moves_it_on_whatever_their_team(candidacy, team):
    # Allocated across providers: the episode is their relationship with the person.
    elsewhere = staff(Role.EMPLOYMENT_SPECIALIST, TeamFactory(authority=team.authority))
    candidacy.person.episodes.update(worker=elsewhere)

    assert get_candidacy(elsewhere, candidacy.pk) == candidacy
    move_candidacy(elsewhere, candidacy, status="discussed", on=days_ago(10))
    assert status_of(candidacy) == "discussed"


def test_a_coach_with_no_relationship_to_the_person_sees_nothing(candidacy, other_team):
    stranger = staff(Role.EMPLOYMENT_SPECIALIST, other_team)

    assert get_candidacy(stranger, candidacy.pk) is None
    assert not candidacies_of_person(stranger, candidacy.person).exists()
    with pytest.raises(PermissionDenied):
        move_candidacy(stranger, candidacy, status="applied", on=days_ago(10))
    assert status_of(candidacy) == "suggested"


def test_the_same_provider_without_an_open_episode_does_not_move_it(candidacy, sister_team):
    specialist = staff(Role.EMPLOYMENT_SPECIALIST, sister_team)

    # No relationship at all: the person and their candidacy are out of sight.
    assert get_candidacy(specialist, candidacy.pk) is None
    with pytest.raises(PermissionDenied):
        move_candidacy(specialist, candidacy, status="applied", on=days_ago(10))

    # A live referral to their team lets them see it; without an open episode of the
    # person, moving it on is still not theirs to do.
    ReferralFactory(team=sister_team, person=candidacy.person, status=Status.ACCEPTED)
    assert get_candidacy(specialist, candidacy.pk) == candidacy
    with pytest.raises(PermissionDenied):
        move_candidacy(specialist, candidacy, status="applied", on=days_ago(10))
    assert status_of(candidacy) == "suggested"

    # Once their team opens an episode, it is.
    EpisodeFactory(team=sister_team, person=candidacy.person)
    move_candidacy(specialist, candidacy, status="applied", on=days_ago(10))
    assert status_of(candidacy) == "applied"


def test_a_closed_episode_ends_the_right_to_move_it(candidacy, worker, manager):
    candidacy.person.episodes.update(ended_on=days_ago(1))

    for user in (worker, manager):
        with pytest.raises(PermissionDenied):
            move_candidacy(user, candidacy, status="applied", on=days_ago(1))
    assert status_of(candidacy) == "suggested"


def test_an_intake_officer_sees_candidacies_but_does_not_move_them(candidacy, intake):
    assert get_candidacy(intake, candidacy.pk) == candidacy
    with pytest.raises(PermissionDenied):
        move_candidacy(intake, candidacy, status="applied", on=days_ago(10))
    assert status_of(candidacy) == "suggested"


def test_only_those_working_with_the_person_put_them_forward(team, worker, employer, intake):
    episode = EpisodeFactory(team=team, started_on=days_ago(30))
    opp = OpportunityFactory(employer=employer, authority=team.authority)
    other_provider = staff(Role.EMPLOYMENT_SPECIALIST, TeamFactory(authority=team.authority))

    for user in (intake, other_provider):
        with pytest.raises(PermissionDenied):
            put_forward(user, episode.person, opp)
    assert not Candidacy.objects.filter(person=episode.person).exists()
    # Any specialist of the team with the open episode may.
    assert put_forward(worker, episode.person, opp).status == "suggested"
    assert candidacy_policy.can(worker, "change", Candidacy.objects.get(opportunity=opp))
