"""The new referral page asks before it saves something unusual (a date of birth, a
person who may already be on Pathways, someone already in support) and links a client
reference in use to the record it belongs to, only ever showing what the user may see."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone
from django.utils.html import escape

from pathways.core import audit
from pathways.core.errors import NeedsConfirmation
from pathways.people.models import Person
from pathways.referrals import services
from pathways.referrals.models import Referral, Status
from tests.api.conftest import client_for
from tests.factories import EpisodeFactory, PersonFactory, ReferralFactory, TeamFactory
from tests.referrals.test_pages import referral_form

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate  # called in each test: a run may cross midnight
#: What the trail says of a person shown as a possible duplicate.
SHOWN = "shown as possibly the same person"


def born_aged(years: int) -> dt.date:
    day = TODAY() - dt.timedelta(days=7)
    return day.replace(year=day.year - years, day=min(day.day, 28))


def dob(day: dt.date) -> dict[str, str]:
    return {
        "date_of_birth_0": str(day.day),
        "date_of_birth_1": str(day.month),
        "date_of_birth_2": str(day.year),
    }


def the_key(html: str) -> str:
    """The value the "Yes, this is right" checkbox carries, as a browser would send it."""
    found = re.search(r'name="confirm_unusual" type="checkbox" value="([0-9a-f]+)"', html)
    assert found, "the page does not ask to confirm"
    return found[1]


def test_a_date_of_birth_in_1820_is_refused_on_the_field(client, intake, team):
    client.force_login(intake)
    response = client.post("/referrals/new/", referral_form(team, **dob(dt.date(1820, 1, 1))))
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#id_date_of_birth_0"' in html
    assert "Date of birth must make the person 120 or younger" in html
    assert "Yes, this is right" not in html
    assert not Referral.objects.exists()


def test_an_unusual_date_of_birth_is_asked_about_then_saved_when_confirmed(client, intake, team):
    client.force_login(intake)
    data = referral_form(team, **dob(born_aged(85)))
    asked = client.post("/referrals/new/", data)
    html = asked.content.decode()
    assert asked.status_code == 200
    assert "Check before you save" in html
    assert "This date of birth makes the person 85" in html
    assert "Yes, this is right" in html
    assert "There is a problem" not in html  # a question, not an error
    assert not Referral.objects.exists()

    # Ticked, but for a different value: asked again, nothing saved.
    changed = client.post(
        "/referrals/new/",
        {**referral_form(team, **dob(born_aged(12))), "confirm_unusual": the_key(html)},
    )
    assert "makes the person 12" in changed.content.decode()
    assert not Referral.objects.exists()

    saved = client.post("/referrals/new/", {**data, "confirm_unusual": the_key(html)})
    referral = Referral.objects.get()
    assert saved["Location"] == f"/referrals/{referral.pk}/"
    assert referral.person.date_of_birth == born_aged(85)


def test_a_possible_duplicate_is_shown_with_a_link_and_the_look_audited(client, coach, team):
    known = EpisodeFactory(
        team=team,
        worker=coach,
        person=PersonFactory(
            authority=team.authority,
            person_ref="C100",
            given_name="Sam",
            family_name="Patel",
            date_of_birth=dt.date(1990, 3, 27),
        ),
    ).person
    client.force_login(coach)
    data = referral_form(team, given_name="sam", family_name="PATEL")
    asked = client.post("/referrals/new/", data)
    html = asked.content.decode()
    assert "This may be someone already on Pathways" in html
    assert f'href="/people/{known.pk}/"' in html
    assert escape(f"Open {known.full_name}'s record (C100)") in html
    assert Person.objects.count() == 1 and not Referral.objects.exists()
    shown = audit.person_trail(known).filter(additional_data__what=SHOWN)
    assert shown.count() == 1

    # Opening the link opens the record the user may see.
    assert client.get(f"/people/{known.pk}/").status_code == 200

    client.post("/referrals/new/", {**data, "confirm_unusual": the_key(html)})
    assert Person.objects.count() == 2
    assert Referral.objects.get().person.person_ref == "C900001"


def test_a_person_the_user_may_not_see_is_never_mentioned(client, coach, team):
    elsewhere = TeamFactory(authority=team.authority)
    hidden = EpisodeFactory(
        team=elsewhere,
        person=PersonFactory(
            authority=team.authority,
            given_name="Sam",
            family_name="Patel",
            date_of_birth=dt.date(1990, 3, 27),
        ),
    ).person
    client.force_login(coach)
    response = client.post("/referrals/new/", referral_form(team))
    assert response.status_code == 302  # saved without a question
    assert hidden.person_ref not in client.get(response["Location"]).content.decode()
    assert not audit.person_trail(hidden).filter(additional_data__what=SHOWN)


def test_a_client_reference_in_use_links_to_the_record_the_user_may_see(client, coach, team):
    known = EpisodeFactory(
        team=team,
        worker=coach,
        person=PersonFactory(authority=team.authority, person_ref="C900001", given_name="Ann"),
    ).person
    client.force_login(coach)
    response = client.post("/referrals/new/", referral_form(team))
    html = response.content.decode()
    assert "C900001 is already in use in Newham" in html
    assert f'<a href="/people/{known.pk}/">' in html  # in the error summary
    assert escape(f"Open the record of {known.full_name} (C900001)") in html
    assert not Referral.objects.exists()


def test_a_client_reference_in_use_by_someone_unseen_has_no_link(client, manager, team):
    hidden = PersonFactory(authority=team.authority, person_ref="C900001", given_name="Ann")
    client.force_login(manager)
    html = client.post("/referrals/new/", referral_form(team)).content.decode()
    assert "C900001 is already in use in Newham" in html
    assert f"/people/{hidden.pk}/" not in html and escape(hidden.full_name) not in html


class TestSomeoneAlreadyInSupport:
    def test_an_open_episode_is_warned_about_with_a_link_then_referred(
        self, client, intake, team, other_team
    ):
        episode = EpisodeFactory(team=other_team, started_on=TODAY() - dt.timedelta(days=20))
        person = episode.person
        ReferralFactory(team=team, person=person, status=Status.DECLINED)  # intake may see
        client.force_login(intake)
        data = {
            k: v
            for k, v in referral_form(team).items()
            if k.startswith(("team", "source", "received", "notes"))
        }
        data["person"] = person.pk
        asked = client.post(f"/referrals/new/?person={person.pk}", data)
        html = asked.content.decode()
        assert "already has an open episode of support with IPS Mental Health" in html
        assert f'href="/episodes/{episode.pk}/"' in html
        assert Referral.objects.filter(status=Status.RECEIVED).count() == 0

        done = client.post(
            f"/referrals/new/?person={person.pk}", {**data, "confirm_unusual": the_key(html)}
        )
        assert done.status_code == 302
        assert Referral.objects.filter(status=Status.RECEIVED, team=team).count() == 1

    def test_an_open_referral_elsewhere_is_warned_about(self, intake, team, other_team):
        person = PersonFactory(authority=team.authority)
        open_one = ReferralFactory(team=other_team, person=person)
        with pytest.raises(NeedsConfirmation) as asked:
            services.create_referral(
                intake, person=person, team=team, source="self", received_on=TODAY()
            )
        (unusual,) = asked.value.unusual
        assert f"open referral to IPS Mental Health ({open_one.referral_ref}" in unusual.message
        assert unusual.link == f"/referrals/{open_one.pk}/"

    def test_support_the_user_may_not_see_is_not_mentioned(self, coach, team):
        """A coach refers into their team someone in support with a team they do not
        know of: no question, nothing told."""
        elsewhere = TeamFactory(authority=team.authority)
        person = EpisodeFactory(team=elsewhere).person
        person.authority = team.authority
        person.save()
        referral = services.create_referral(
            coach, person=person, team=team, source="self", received_on=TODAY()
        )
        assert referral.status == Status.RECEIVED

    def test_the_api_refers_without_asking(self, intake, team, other_team):
        """The API asks nobody: its published contract is unchanged (201, no question)."""
        person = EpisodeFactory(team=other_team).person
        response = client_for(intake).post(
            "/api/v1/referrals",
            json.dumps(
                {
                    "authority": person.authority.code,
                    "person_ref": person.person_ref,
                    "received_on": TODAY().isoformat(),
                    "source": "annual_review",
                    "team": team.code,
                }
            ),
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        assert Referral.objects.get().person == person
