"""A person's date of birth within plausible bounds, and people who may already be on
Pathways: refused, asked about, or linked, in ``people.services``."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pathways.core.errors import NeedsConfirmation, RefusedWithLink
from pathways.core.models import Role
from pathways.people import services
from pathways.people.models import Person
from tests.factories import EpisodeFactory, PersonFactory, TeamFactory, staff
from tests.people.test_record_pages import edit_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate  # called in each test: a run may cross midnight


def born_aged(years: int) -> dt.date:
    """A birthday ``years`` years ago, a week ago (so the age is ``years`` today)."""
    day = TODAY() - dt.timedelta(days=7)
    return day.replace(year=day.year - years, day=min(day.day, 28))


def add(actor, team, **fields):
    data = {
        "person_ref": "C900001",
        "given_name": "Sam",
        "family_name": "Patel",
        "date_of_birth": dt.date(1990, 3, 27),
        **fields,
    }
    return services.create_person(actor, authority=team.authority, **data)


class TestDateOfBirth:
    def test_1_january_1820_is_refused_on_the_field(self, intake, team):
        with pytest.raises(ValidationError) as refused:
            add(intake, team, date_of_birth=dt.date(1820, 1, 1))
        assert "120 or younger" in refused.value.message_dict["date_of_birth"][0]
        assert not Person.objects.exists()

    def test_a_date_in_the_future_is_refused(self, intake, team):
        with pytest.raises(ValidationError) as refused:
            add(intake, team, date_of_birth=TODAY() + dt.timedelta(days=1))
        assert "in the past" in refused.value.message_dict["date_of_birth"][0]

    def test_age_121_is_refused_and_120_asked_about(self, intake, team):
        with pytest.raises(ValidationError):
            add(intake, team, date_of_birth=born_aged(121))
        with pytest.raises(NeedsConfirmation):
            add(intake, team, date_of_birth=born_aged(120))

    @pytest.mark.parametrize(("age", "says"), [(13, "is 13"), (81, "is 81"), (3, "is 3")])
    def test_an_unusual_age_is_asked_about_and_saved_once_confirmed(self, intake, team, age, says):
        with pytest.raises(NeedsConfirmation) as asked:
            add(intake, team, date_of_birth=born_aged(age))
        (unusual,) = asked.value.unusual
        assert unusual.field == "date_of_birth"
        assert f"makes the person {age}" in unusual.message
        assert not Person.objects.exists()
        person = add(intake, team, date_of_birth=born_aged(age), confirmed=asked.value.key)
        assert person.date_of_birth == born_aged(age)

    @pytest.mark.parametrize("age", [14, 16, 64, 80])
    def test_an_ordinary_age_is_not_asked_about(self, intake, team, age):
        assert add(intake, team, date_of_birth=born_aged(age)).pk

    def test_changing_to_an_unusual_date_of_birth_asks_and_other_changes_do_not(self, coach, team):
        person = EpisodeFactory(
            team=team, worker=coach, person=PersonFactory(authority=team.authority)
        ).person
        with pytest.raises(NeedsConfirmation) as asked:
            services.update_person(
                coach, person, expected_version=person.version, date_of_birth=born_aged(85)
            )
        person.refresh_from_db()
        assert person.date_of_birth == dt.date(1990, 3, 27)
        saved = services.update_person(
            coach,
            person,
            expected_version=person.version,
            date_of_birth=born_aged(85),
            confirmed=asked.value.key,
        )
        # Saved as it is: a later change of phone number does not ask again.
        again = services.update_person(
            coach,
            saved,
            expected_version=saved.version,
            date_of_birth=born_aged(85),
            phone="020 7946 0000",
        )
        assert again.phone == "020 7946 0000"


class TestPossibleDuplicates:
    def test_someone_the_user_may_see_with_the_same_name_and_birthday_is_asked_about(
        self, coach, team
    ):
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
        with pytest.raises(NeedsConfirmation) as asked:
            add(coach, team, given_name="SAM", family_name=" patel ")
        (unusual,) = asked.value.unusual
        assert "may be someone already on Pathways" in unusual.message
        assert "C100" in unusual.message
        assert unusual.link == f"/people/{known.pk}/" and unusual.shows == known
        assert Person.objects.count() == 1
        twin = add(coach, team, confirmed=asked.value.key)
        assert twin.pk != known.pk and Person.objects.count() == 2

    def test_someone_the_user_may_not_see_is_not_mentioned(self, coach, team):
        elsewhere = TeamFactory(authority=team.authority)
        EpisodeFactory(
            team=elsewhere,
            person=PersonFactory(
                authority=team.authority,
                given_name="Sam",
                family_name="Patel",
                date_of_birth=dt.date(1990, 3, 27),
            ),
        )
        person = add(coach, team)  # no question: nothing is told about the other record
        assert person.person_ref == "C900001"

    def test_a_different_birthday_is_not_a_match(self, coach, team):
        EpisodeFactory(
            team=team,
            worker=coach,
            person=PersonFactory(authority=team.authority, given_name="Sam", family_name="Patel"),
        )
        assert add(coach, team, date_of_birth=dt.date(1991, 3, 27)).pk


class TestClientReferenceInUse:
    def test_refused_with_a_link_when_the_user_may_see_the_record(self, coach, team):
        known = EpisodeFactory(
            team=team,
            worker=coach,
            person=PersonFactory(authority=team.authority, person_ref="C900001"),
        ).person
        with pytest.raises(RefusedWithLink) as refused:
            add(coach, team, given_name="Other")
        assert refused.value.link == f"/people/{known.pk}/"
        message = refused.value.message_dict["person_ref"][0]
        assert "C900001 is already in use in Newham" in message
        assert known.full_name in message

    def test_refused_without_a_link_or_a_name_otherwise(self, team):
        manager = staff(Role.TEAM_MANAGER, team, email="m2@example.org")
        hidden = PersonFactory(authority=team.authority, person_ref="C900001")
        with pytest.raises(ValidationError) as refused:
            add(manager, team, given_name="Other")
        assert not isinstance(refused.value, RefusedWithLink)
        assert refused.value.message_dict == {"person_ref": ["C900001 is already in use in Newham"]}
        assert hidden.full_name not in str(refused.value)


class TestTheEditPage:
    def test_an_unusual_date_of_birth_is_asked_about_then_saved_when_ticked(
        self, client, coach, team
    ):
        person = EpisodeFactory(
            team=team, worker=coach, person=PersonFactory(authority=team.authority)
        ).person
        client.force_login(coach)
        url = f"/people/{person.pk}/edit/"
        born = born_aged(82)
        data = edit_data(
            person,
            date_of_birth_0=born.day,
            date_of_birth_1=born.month,
            date_of_birth_2=born.year,
        )
        asked = client.post(url, data)
        html = asked.content.decode()
        assert "This date of birth makes the person 82" in html
        assert "Yes, this is right" in html
        person.refresh_from_db()
        assert person.date_of_birth == dt.date(1990, 3, 27)
        key = re.search(r'name="confirm_unusual" type="checkbox" value="(\w+)"', html)
        assert key
        saved = client.post(url, {**data, "confirm_unusual": key[1]})
        assert saved.status_code == 302
        person.refresh_from_db()
        assert person.date_of_birth == born

    def test_1820_is_refused_on_the_field(self, client, coach, team):
        person = EpisodeFactory(
            team=team, worker=coach, person=PersonFactory(authority=team.authority)
        ).person
        client.force_login(coach)
        response = client.post(
            f"/people/{person.pk}/edit/",
            edit_data(person, date_of_birth_0=1, date_of_birth_1=1, date_of_birth_2=1820),
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert 'href="#id_date_of_birth_0"' in html and "120 or younger" in html
