"""Asking for help with no account: the answers checked in plain words, the spam guard
(a hidden field, a form sent too fast, hourly limits per address and per authority),
the possible matches an intake officer sees, and the three ways to deal with a request,
all or nothing and once only."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from pathways.core.errors import ConcurrentEdit, IllegalTransition, NeedsConfirmation
from pathways.core.models import Notification, Role
from pathways.people.models import Person
from pathways.referrals import help_requests, selectors
from pathways.referrals.help_requests import TooManyRequests, form_started_token
from pathways.referrals.models import HelpRequest, HelpStatus, Referral, Source, Status
from tests.factories import AuthorityFactory, PersonFactory, TeamFactory, staff

pytestmark = pytest.mark.django_db


def answers(**changes) -> dict:
    """What a person types, the form shown a minute ago."""
    fields = {
        "given_name": "Jordan",
        "family_name": "Asante",
        "email": "jordan@example.com",
        "phone": "",
        "date_of_birth": dt.date.today() - dt.timedelta(days=365 * 25),
        "postcode": "e15 4ht",
        "wants": "A job in a café, mornings.",
        "care_and_support": "yes",
        "website": "",
        "form_started": form_started_token(time.time() - 60),
    }
    fields.update(changes)
    return fields


def receive(authority, remote_addr="203.0.113.9", **changes):
    return help_requests.receive_help_request(
        authority, answers(**changes), remote_addr=remote_addr
    )


def refusals(authority) -> list[str]:
    return [
        e.additional_data["what"]
        for e in LogEntry.objects.filter(object_pk=str(authority.pk), action=LogEntry.Action.ACCESS)
        if e.additional_data.get("outcome") == "denied"
    ]


class TestReceive:
    def test_a_request_is_kept_and_the_authoritys_intake_officers_are_told(
        self, authority, team, intake, manager, coach
    ):
        other_authority_intake = staff(Role.INTAKE_OFFICER, TeamFactory())
        made = receive(authority)
        assert made is not None
        assert made.status == HelpStatus.NEW and made.postcode == "E15 4HT"
        assert made.authority == authority
        told = set(
            Notification.objects.filter(kind="help_requested").values_list(
                "recipient__email", flat=True
            )
        )
        assert told == {intake.email, manager.email}
        assert other_authority_intake.email not in told

    def test_the_address_is_not_kept_on_the_request(self, authority):
        made = receive(authority, remote_addr="198.51.100.7")
        assert "198.51.100.7" not in made.client_key and len(made.client_key) == 64

    def test_every_missing_answer_is_named_at_once(self, authority):
        with pytest.raises(ValidationError) as refused:
            receive(
                authority,
                given_name=" ",
                family_name="",
                email="",
                phone="",
                wants="",
                care_and_support="",
            )
        assert refused.value.message_dict == {
            "given_name": ["Write your first name."],
            "family_name": ["Write your last name."],
            "email": ["Write your email address or your phone number. We need one to contact you."],
            "wants": ["Tell us what kind of work or help you want."],
            "care_and_support": ["Choose yes, no or I don't know."],
        }
        assert not HelpRequest.objects.exists()

    def test_a_phone_number_alone_is_enough_to_contact(self, authority):
        made = receive(authority, email="", phone="07700 900982")
        assert made.phone == "07700 900982" and made.email == ""

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("email", "jordan at example", "Write your email address like name@example.com."),
            ("phone", "call me", "Write your phone number using numbers, like 07700 900 982."),
            ("postcode", "NOWHERE", "Write your postcode like E15 1AB, or leave it empty."),
            (
                "date_of_birth",
                dt.date.today() + dt.timedelta(days=1),
                "Your date of birth must be in the past.",
            ),
            ("care_and_support", "maybe", "Choose yes, no or I don't know."),
            ("wants", "x" * 2001, "Write less. Use 2,000 letters or fewer."),
        ],
    )
    def test_a_wrong_answer_is_named_with_what_to_do(self, authority, field, value, message):
        with pytest.raises(ValidationError) as refused:
            receive(authority, **{field: value})
        assert refused.value.message_dict == {field: [message]}

    def test_the_hidden_field_filled_in_looks_received_but_is_dropped(self, authority, intake):
        assert receive(authority, website="http://cheap-pills.example") is None
        assert not HelpRequest.objects.exists()
        assert not Notification.objects.exists()
        assert refusals(authority) == ["help request refused: the hidden field was filled in"]

    def test_a_form_sent_back_too_fast_looks_received_but_is_dropped(self, authority):
        assert receive(authority, form_started=form_started_token(time.time() - 1)) is None
        assert receive(authority, form_started="12345.0:forged") is None
        assert receive(authority, form_started="") is None
        assert not HelpRequest.objects.exists()
        assert refusals(authority) == ["help request refused: sent too fast to be typed"] * 3

    def test_a_form_left_open_for_hours_is_still_received(self, authority):
        """Nothing times out and loses what the person typed."""
        assert receive(authority, form_started=form_started_token(time.time() - 9 * 3600))

    def test_one_address_is_limited_per_hour(self, authority, settings):
        settings.PATHWAYS_HELP_REQUEST_LIMIT_PER_ADDRESS = 2
        receive(authority, remote_addr="203.0.113.1")
        receive(authority, remote_addr="203.0.113.1")
        with pytest.raises(TooManyRequests, match="a lot of requests from this computer"):
            receive(authority, remote_addr="203.0.113.1")
        assert receive(authority, remote_addr="203.0.113.2") is not None
        assert HelpRequest.objects.count() == 3
        assert refusals(authority) == ["help request refused: too many from one address in an hour"]

    def test_requests_older_than_an_hour_do_not_count(self, authority, settings):
        settings.PATHWAYS_HELP_REQUEST_LIMIT_PER_ADDRESS = 1
        first = receive(authority)
        HelpRequest.objects.filter(pk=first.pk).update(
            received_at=first.received_at - dt.timedelta(minutes=61)
        )
        assert receive(authority) is not None

    def test_one_authority_is_limited_per_hour(self, authority, settings):
        settings.PATHWAYS_HELP_REQUEST_LIMIT_PER_AUTHORITY = 3
        for n in range(3):
            receive(authority, remote_addr=f"203.0.113.{n}")
        with pytest.raises(TooManyRequests, match="a lot of requests in the last hour"):
            receive(authority, remote_addr="203.0.113.99")
        assert receive(AuthorityFactory(), remote_addr="203.0.113.99") is not None


@pytest.fixture
def asked(authority):
    return receive(authority, phone="+44 7700 900982")


class TestPossibleMatches:
    def test_same_name_and_date_of_birth_or_email_or_phone(self, authority, intake, asked):
        by_name = PersonFactory(
            authority=authority,
            given_name="JORDAN",
            family_name="asante",
            date_of_birth=asked.date_of_birth,
        )
        by_email = PersonFactory(authority=authority, email="Jordan@Example.com")
        by_phone = PersonFactory(authority=authority, phone="07700-900 982")
        PersonFactory(authority=authority, given_name="Jordan", family_name="Asante")  # born 1990
        PersonFactory(authority=AuthorityFactory(), email="jordan@example.com")
        found = selectors.possible_matches(intake, [asked])[asked.pk]
        assert {p.pk for p in found} == {by_name.pk, by_email.pk, by_phone.pk}

    def test_nobody_the_user_may_not_see_is_mentioned(self, authority, team, manager, asked):
        PersonFactory(authority=authority, email="jordan@example.com")
        assert selectors.possible_matches(manager, [asked])[asked.pk] == []

    def test_one_query_for_a_page_of_requests(self, authority, intake, django_assert_num_queries):
        many = [receive(authority, remote_addr=str(n), email=f"p{n}@example.com") for n in range(4)]
        for n in range(4):
            PersonFactory(authority=authority, email=f"p{n}@example.com")
        selectors.possible_matches(intake, many[:1])  # reads the user's roles, kept on the user
        with django_assert_num_queries(1):
            found = selectors.possible_matches(intake, many)
        assert all(len(found[r.pk]) == 1 for r in many)


class TestDealWith:
    def test_refer_as_a_new_person(self, authority, team, intake, asked):
        referral = help_requests.refer_as_new_person(
            intake, asked, team=team, person_ref="C777001", date_of_birth=None, expected_version=1
        )
        person = referral.person
        assert (person.given_name, person.family_name, person.person_ref) == (
            "Jordan",
            "Asante",
            "C777001",
        )
        assert person.date_of_birth == asked.date_of_birth and person.postcode == "E15 4HT"
        assert person.email == "jordan@example.com" and person.phone == "+44 7700 900982"
        assert referral.source == Source.SELF and referral.status == Status.RECEIVED
        assert referral.received_on == asked.received_at.date()
        assert "A job in a café, mornings." in referral.notes
        asked.refresh_from_db()
        assert asked.status == HelpStatus.REFERRED and asked.referral == referral
        assert asked.dealt_with_by == intake and asked.dealt_with_at is not None

    def test_a_new_person_without_a_date_of_birth_needs_one(self, authority, team, intake):
        asked = receive(authority, date_of_birth=None)
        with pytest.raises(ValidationError) as refused:
            help_requests.refer_as_new_person(
                intake, asked, team=team, person_ref="C1", date_of_birth=None, expected_version=1
            )
        assert "date_of_birth" in refused.value.message_dict
        referral = help_requests.refer_as_new_person(
            intake,
            asked,
            team=team,
            person_ref="C1",
            date_of_birth=dt.date(1999, 1, 2),
            expected_version=1,
        )
        assert referral.person.date_of_birth == dt.date(1999, 1, 2)

    def test_refer_someone_already_on_record(self, authority, team, intake, asked):
        known = PersonFactory(authority=authority, email="jordan@example.com")
        referral = help_requests.refer_existing_person(
            intake, asked, person=known, team=team, expected_version=1
        )
        assert referral.person == known and referral.source == Source.SELF
        assert Person.objects.count() == 1
        asked.refresh_from_db()
        assert asked.referral == referral

    def test_only_a_suggested_match_may_be_referred(self, authority, team, intake, asked):
        stranger = PersonFactory(authority=authority)
        with pytest.raises(ValidationError, match="Choose one of the people"):
            help_requests.refer_existing_person(
                intake, asked, person=stranger, team=team, expected_version=1
            )
        assert not Referral.objects.exists()

    def test_a_request_is_dealt_with_once(self, authority, team, intake, manager, asked):
        help_requests.refer_as_new_person(
            intake, asked, team=team, person_ref="C2", date_of_birth=None, expected_version=1
        )
        with pytest.raises(IllegalTransition, match="dealt with already: referred"):
            help_requests.refer_as_new_person(
                manager, asked, team=team, person_ref="C3", date_of_birth=None, expected_version=1
            )
        with pytest.raises(IllegalTransition, match="dealt with already"):
            help_requests.set_aside(manager, asked, reason="Spam", expected_version=2)
        assert Referral.objects.count() == 1 and Person.objects.count() == 1

    def test_a_request_changed_since_it_was_read_is_refused(self, authority, intake, asked):
        HelpRequest.objects.filter(pk=asked.pk).update(version=2)
        with pytest.raises(ConcurrentEdit):
            help_requests.set_aside(intake, asked, reason="Spam", expected_version=1)

    def test_all_or_nothing_when_the_referral_is_refused(self, authority, team, intake, asked):
        PersonFactory(authority=authority, person_ref="C9")  # the reference is someone else's
        with pytest.raises(ValidationError, match="already in use"):
            help_requests.refer_as_new_person(
                intake, asked, team=team, person_ref="C9", date_of_birth=None, expected_version=1
            )
        asked.refresh_from_db()
        assert asked.status == HelpStatus.NEW and asked.version == 1
        assert Person.objects.count() == 1 and not Referral.objects.exists()

    def test_someone_on_record_with_the_same_name_is_asked_about_first(
        self, authority, team, intake, asked
    ):
        PersonFactory(
            authority=authority,
            given_name="Jordan",
            family_name="Asante",
            date_of_birth=asked.date_of_birth,
        )
        with pytest.raises(NeedsConfirmation) as asking:
            help_requests.refer_as_new_person(
                intake, asked, team=team, person_ref="C10", date_of_birth=None, expected_version=1
            )
        referral = help_requests.refer_as_new_person(
            intake,
            asked,
            team=team,
            person_ref="C10",
            date_of_birth=None,
            expected_version=1,
            confirmed=asking.value.key,
        )
        assert referral.person.person_ref == "C10"

    def test_a_team_of_another_authority_is_refused(self, authority, intake, asked):
        elsewhere = TeamFactory()
        with pytest.raises(ValidationError, match="Choose a team of Newham"):
            help_requests.refer_as_new_person(
                intake,
                asked,
                team=elsewhere,
                person_ref="C4",
                date_of_birth=None,
                expected_version=1,
            )

    def test_not_a_real_request_needs_a_reason(self, authority, intake, asked):
        with pytest.raises(ValidationError, match="Enter why"):
            help_requests.set_aside(intake, asked, reason="  ", expected_version=1)
        help_requests.set_aside(intake, asked, reason="An advert for a website", expected_version=1)
        asked.refresh_from_db()
        assert asked.status == HelpStatus.NOT_REAL and asked.reason == "An advert for a website"

    def test_staff_who_do_not_triage_may_not_deal_with_requests(
        self, authority, team, coach, asked
    ):
        with pytest.raises(PermissionDenied):
            help_requests.set_aside(coach, asked, reason="Spam", expected_version=1)
        other = staff(Role.INTAKE_OFFICER, TeamFactory())
        with pytest.raises(PermissionDenied):
            help_requests.set_aside(other, asked, reason="Spam", expected_version=1)
        asked.refresh_from_db()
        assert asked.status == HelpStatus.NEW


def test_what_the_person_wrote_is_in_their_subject_access(authority, team, intake, asked):
    """(Erasure blanks it: tests/privacy/test_erasure.py.)"""
    from pathways.privacy.selectors import gather

    referral = help_requests.refer_as_new_person(
        intake, asked, team=team, person_ref="C31", date_of_birth=None, expected_version=1
    )
    [section] = [s for s in gather(referral.person).sections if s.key == "help_requests"]
    [row] = section.rows
    shown = {item.name: item.value for item in row}
    assert shown["wants"] == "A job in a café, mornings."
    assert "client_key" not in shown
