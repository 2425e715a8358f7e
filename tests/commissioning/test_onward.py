"""Onward referral between providers (decision 0026): a provider's team refers a person
it works with to another provider in the directory, with their consent; the receiving
team triages it like any referral; the sending team keeps only what it sent."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from pathways.commissioning.models import OnwardReferral
from pathways.commissioning.onward import refer_onward
from pathways.core.errors import ActionRefused, PermissionDenied
from pathways.core.models import Organisation, Role
from pathways.referrals.models import Referral, Source, Status
from pathways.referrals.services import decline_referral
from tests.factories import (
    AuthorityFactory,
    EpisodeFactory,
    OrganisationFactory,
    PersonFactory,
    TeamFactory,
    directory_provider,
    provider_consent,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(team):
    """The sending team's organisation (the council's in-house service), in the directory."""
    directory_provider(team.organisation, team.authority)
    return team.organisation


@pytest.fixture
def charity(authority):
    org = OrganisationFactory(name="Hopeful Futures", kind=Organisation.Kind.CHARITY)
    directory_provider(org, authority)
    return org


@pytest.fixture
def charity_team(charity, authority):
    return TeamFactory(code="HF1", name="Hopeful IPS", authority=authority, organisation=charity)


@pytest.fixture
def charity_manager(charity_team):
    return staff(Role.TEAM_MANAGER, charity_team, email="hf.manager@example.org")


@pytest.fixture
def person(authority):
    return PersonFactory(authority=authority, given_name="Priya", family_name="Shah")


@pytest.fixture
def episode(team, person, coach):
    return EpisodeFactory(team=team, person=person, worker=coach)


@pytest.fixture
def consented(person, coach):
    return provider_consent(person, coach)


def send(coach, person, team, charity_team, reason="Wants IPS alongside her college course"):
    return refer_onward(coach, person, from_team=team, to_team=charity_team, reason=reason)


# --- the service ---------------------------------------------------------------------------


def test_onward_referral_makes_a_referral_the_receiving_team_triages(
    coach, person, team, charity_team, charity, episode, consented
):
    onward = send(coach, person, team, charity_team)
    referral = onward.referral
    assert referral.team == charity_team
    assert referral.person == person
    assert referral.source == Source.OTHER_PROVIDER
    assert referral.status == Status.RECEIVED
    assert referral.received_on == dt.date.today()
    assert "Wants IPS alongside her college course" in referral.notes
    assert team.name in referral.notes
    assert onward.from_team == team
    assert onward.to_provider.organisation == charity
    assert onward.consent == consented
    assert onward.sent_by == coach


def test_both_rows_are_on_the_persons_audit_trail(
    coach, person, team, charity_team, episode, consented
):
    onward = send(coach, person, team, charity_team)
    created = LogEntry.objects.filter(
        action=LogEntry.Action.CREATE, additional_data__person_id=person.pk
    )
    kinds = {e.content_type.model for e in created}
    assert {"referral", "onwardreferral"} <= kinds
    entry = created.get(content_type__model="onwardreferral")
    assert entry.object_pk == str(onward.pk)


def test_no_consent_recorded_is_refused_naming_what_is_missing(
    coach, person, team, charity_team, episode
):
    with pytest.raises(ActionRefused, match="no consent to share with other support providers"):
        send(coach, person, team, charity_team)
    assert not Referral.objects.filter(team=charity_team).exists()
    assert not OnwardReferral.objects.exists()


def test_withdrawn_consent_is_refused(coach, person, team, charity_team, episode):
    provider_consent(person, coach, given=True, days_ago=60)
    provider_consent(person, coach, given=False, days_ago=2)
    with pytest.raises(ActionRefused, match="did not give consent"):
        send(coach, person, team, charity_team)
    assert not OnwardReferral.objects.exists()


def test_consent_for_employers_only_is_not_consent_for_providers(
    coach, person, team, charity_team, episode
):
    from pathways.people.models import Consent

    Consent.objects.create(
        person=person,
        scope=Consent.Scope.SHARE_WITH_EMPLOYERS,
        given=True,
        given_on=dt.date.today(),
        recorded_by=coach,
    )
    with pytest.raises(ActionRefused, match="providers"):
        send(coach, person, team, charity_team)


def test_a_team_of_the_same_organisation_is_refused(
    coach, person, team, council, authority, episode, consented
):
    sister = TeamFactory(name="Council IPS", authority=authority, organisation=council)
    with pytest.raises(ValidationError) as exc:
        send(coach, person, team, sister)
    assert "your own organisation" in exc.value.message_dict["to_team"][0]
    assert not Referral.objects.filter(team=sister).exists()


def test_an_organisation_not_in_the_directory_is_refused(
    coach, person, team, authority, episode, consented
):
    stranger = TeamFactory(
        name="Unlisted",
        authority=authority,
        organisation=OrganisationFactory(name="Unlisted Ltd", kind=Organisation.Kind.CHARITY),
    )
    with pytest.raises(ValidationError) as exc:
        send(coach, person, team, stranger)
    assert exc.value.message_dict["to_team"] == ["Unlisted Ltd is not in the provider directory."]
    assert not Referral.objects.filter(team=stranger).exists()


def test_a_provider_not_working_in_the_persons_authority_is_refused(
    coach, person, team, authority, episode, consented
):
    elsewhere = AuthorityFactory(name="Elsewhere")
    org = OrganisationFactory(name="Far Away Trust", kind=Organisation.Kind.CHARITY)
    directory_provider(org, elsewhere)
    far_team = TeamFactory(name="Far Away IPS", authority=authority, organisation=org)
    with pytest.raises(ValidationError) as exc:
        send(coach, person, team, far_team)
    assert "Far Away Trust does not work in Newham" in exc.value.message_dict["to_team"][0]
    assert not OnwardReferral.objects.exists()


def test_a_user_not_working_with_the_person_is_refused(
    person, team, charity_team, authority, intake, episode, consented
):
    # The intake officer sees every resident of the authority but works with nobody.
    with pytest.raises(PermissionDenied):
        send(intake, person, team, charity_team)
    other = TeamFactory(authority=authority)
    outsider = staff(Role.EMPLOYMENT_SPECIALIST, other)
    with pytest.raises(PermissionDenied):
        send(outsider, person, team, charity_team)
    assert not OnwardReferral.objects.exists()


def test_a_closed_episode_is_no_longer_a_team_to_refer_from(
    coach, person, team, charity_team, episode, consented
):
    episode.ended_on = dt.date.today()
    episode.save()
    with pytest.raises(PermissionDenied):
        send(coach, person, team, charity_team)


def test_a_blank_reason_is_refused_on_its_field(
    coach, person, team, charity_team, episode, consented
):
    with pytest.raises(ValidationError) as exc:
        send(coach, person, team, charity_team, reason="   ")
    assert "reason" in exc.value.message_dict


def test_all_or_nothing_when_the_onward_row_fails(
    coach, person, team, charity_team, episode, consented, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(OnwardReferral.objects, "create", broken)
    with pytest.raises(RuntimeError):
        send(coach, person, team, charity_team)
    assert not Referral.objects.filter(team=charity_team).exists()


def test_all_or_nothing_when_the_referral_is_refused(
    coach, person, team, charity_team, episode, consented
):
    send(coach, person, team, charity_team)
    with pytest.raises(ActionRefused, match="already has an open referral"):
        send(coach, person, team, charity_team, reason="Again")
    assert OnwardReferral.objects.count() == 1
    assert Referral.objects.filter(team=charity_team).count() == 1


# --- the receiving team ----------------------------------------------------------------------


def test_the_receiving_team_sees_it_on_triage_and_sees_the_person(
    client, coach, person, team, charity_team, charity_manager, episode, consented
):
    onward = send(coach, person, team, charity_team)
    client.force_login(charity_manager)
    page = client.get(reverse("referrals:triage"))
    assert onward.referral.referral_ref in page.content.decode()
    assert person.full_name in page.content.decode()
    assert client.get(reverse("person", args=[person.pk])).status_code == 200
    assert client.get(reverse("referrals:detail", args=[onward.referral.pk])).status_code == 200
    # It sees the onward row too (it is the receiving team).
    assert client.get(reverse("onward:detail", args=[onward.pk])).status_code == 200


# --- the sending team afterwards ----------------------------------------------------------------


def test_the_sending_team_sees_the_status_but_not_the_person_once_its_episode_is_closed(
    client, coach, person, team, charity_team, charity_manager, episode, consented, settings
):
    settings.PATHWAYS_ACCESS_GRACE_DAYS = 30
    onward = send(coach, person, team, charity_team)
    decline_referral(charity_manager, onward.referral, reason="We have no places until spring")
    episode.ended_on = dt.date.today() - dt.timedelta(days=31)
    episode.save()
    client.force_login(coach)

    assert client.get(reverse("person", args=[person.pk])).status_code == 404
    assert client.get(reverse("referrals:detail", args=[onward.referral.pk])).status_code == 404

    listing = client.get(reverse("onward:sent")).content.decode()
    assert onward.referral.referral_ref in listing
    assert "Declined" in listing
    detail = client.get(reverse("onward:detail", args=[onward.pk]))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "Declined" in text
    assert "Wants IPS alongside her college course" in text
    # The receiving team's reasons are theirs, not what was sent.
    assert "no places until spring" not in text


def test_someone_neither_sending_nor_receiving_gets_404_for_the_onward_page(
    client, coach, person, team, charity_team, authority, episode, consented
):
    onward = send(coach, person, team, charity_team)
    bystander = staff(Role.TEAM_MANAGER, TeamFactory(authority=authority))
    client.force_login(bystander)
    assert client.get(reverse("onward:detail", args=[onward.pk])).status_code == 404
    assert onward.referral.referral_ref not in client.get(reverse("onward:sent")).content.decode()
    refused = LogEntry.objects.filter(
        additional_data__person_id=person.pk, additional_data__outcome="denied", actor=bystander
    )
    assert refused.exists()


def test_the_sent_list_reads_are_audited_and_queries_do_not_grow(
    client, coach, team, charity_team, authority, django_assert_max_num_queries
):
    people = []
    for _ in range(4):
        p = PersonFactory(authority=authority)
        EpisodeFactory(team=team, person=p, worker=coach)
        provider_consent(p, coach)
        send(coach, p, team, charity_team)
        people.append(p)
    directory_provider(team.organisation, authority)
    client.force_login(coach)
    # One of the ten is the header's unread-notifications count, on every page.
    with django_assert_max_num_queries(10):
        page = client.get(reverse("onward:sent"))
    assert page.status_code == 200
    for p in people:
        assert p.full_name in page.content.decode()
        assert LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS,
            additional_data__person_id=p.pk,
            additional_data__what="onward referrals sent",
        ).exists()


# --- the menu ----------------------------------------------------------------------------------

MENU_LINK = '<a class="govuk-service-navigation__link" href="/commissioning/onward/"'


@pytest.mark.parametrize("who", ["coach", "manager"])
def test_the_team_sees_onward_referrals_in_the_menu_and_it_opens(
    client, request, who, team, charity_team, person, episode, consented
):
    onward = send(request.getfixturevalue("coach"), person, team, charity_team)
    client.force_login(request.getfixturevalue(who))
    assert MENU_LINK in client.get(reverse("my-work")).content.decode()
    page = client.get(reverse("onward:sent"))
    assert page.status_code == 200
    assert (
        f'{MENU_LINK} aria-current="page">'
        '<strong class="govuk-service-navigation__active-fallback">Onward referrals</strong></a>'
    ) in page.content.decode()
    assert onward.referral.referral_ref in page.content.decode()


def test_a_commissioner_has_no_onward_referrals_in_the_menu_and_is_refused(client, authority):
    commissioner = staff(Role.COMMISSIONER, TeamFactory(authority=authority))
    client.force_login(commissioner)
    assert MENU_LINK not in client.get(reverse("my-work")).content.decode()
    assert client.get(reverse("onward:sent")).status_code == 403


# --- the pages ---------------------------------------------------------------------------------


def test_the_person_page_offers_onward_referral_only_to_those_who_may(
    client, coach, intake, person, episode, charity_team
):
    client.force_login(coach)
    assert (
        "Refer to another provider"
        in client.get(reverse("person", args=[person.pk])).content.decode()
    )
    client.force_login(intake)
    assert (
        "Refer to another provider"
        not in client.get(reverse("person", args=[person.pk])).content.decode()
    )


def test_the_form_offers_other_providers_and_says_consent_is_recorded(
    client, coach, person, episode, consented, charity_team, council, authority
):
    sister = TeamFactory(name="Council Sister Team", authority=authority, organisation=council)
    client.force_login(coach)
    page = client.get(reverse("onward:new", args=[person.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Hopeful Futures: Hopeful IPS" in text
    assert sister.name not in text
    assert "Consent to share with other support providers given on" in text
    assert LogEntry.objects.filter(
        additional_data__person_id=person.pk, additional_data__what="onward referral form"
    ).exists()


def test_the_form_refuses_without_consent(client, coach, person, episode, charity_team):
    client.force_login(coach)
    page = client.get(reverse("onward:new", args=[person.pk]))
    assert "no consent to share with other support providers" in page.content.decode()
    assert "Send the referral" not in page.content.decode()
    posted = client.post(
        reverse("onward:new", args=[person.pk]),
        {"from_team": episode.team_id, "to_team": charity_team.pk, "reason": "IPS"},
    )
    assert posted.status_code == 400
    assert "There is a problem" in posted.content.decode()
    assert not OnwardReferral.objects.exists()


def test_sending_from_the_form(client, coach, person, team, episode, consented, charity_team):
    client.force_login(coach)
    url = reverse("onward:new", args=[person.pk])
    blank = client.post(url, {"from_team": team.pk, "to_team": charity_team.pk, "reason": ""})
    assert blank.status_code == 400
    assert "Say why you are referring them to this provider" in blank.content.decode()
    done = client.post(
        url, {"from_team": team.pk, "to_team": charity_team.pk, "reason": "Wants IPS"}, follow=True
    )
    onward = OnwardReferral.objects.get()
    assert done.redirect_chain[-1][0] == reverse("onward:detail", args=[onward.pk])
    assert f"referral {onward.referral.referral_ref}" in done.content.decode()


def test_the_form_is_refused_to_those_who_do_not_work_with_the_person(
    client, intake, person, episode, consented, charity_team, authority
):
    client.force_login(intake)
    assert client.get(reverse("onward:new", args=[person.pk])).status_code == 403
    denied = client.post(
        reverse("onward:new", args=[person.pk]),
        {"from_team": episode.team_id, "to_team": charity_team.pk, "reason": "IPS"},
    )
    assert denied.status_code == 403
    assert not OnwardReferral.objects.exists()
    # Someone who cannot see the person at all learns nothing: 404.
    client.force_login(staff(Role.EMPLOYMENT_SPECIALIST, TeamFactory(authority=authority)))
    assert client.get(reverse("onward:new", args=[person.pk])).status_code == 404


def test_the_receiving_team_loses_the_onward_row_with_the_person(
    client, coach, person, team, charity_team, charity_manager, episode, consented, settings
):
    settings.PATHWAYS_ACCESS_GRACE_DAYS = 30
    onward = send(coach, person, team, charity_team)
    decline_referral(charity_manager, onward.referral, reason="No places")
    Referral.objects.filter(pk=onward.referral.pk).update(
        decided_on=dt.date.today() - dt.timedelta(days=31)
    )
    client.force_login(charity_manager)
    assert client.get(reverse("person", args=[person.pk])).status_code == 404
    assert client.get(reverse("onward:detail", args=[onward.pk])).status_code == 404
    # The sending team, still working with the person, keeps it.
    client.force_login(coach)
    assert client.get(reverse("onward:detail", args=[onward.pk])).status_code == 200
