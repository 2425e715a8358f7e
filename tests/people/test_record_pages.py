"""The pages that keep a person's record right: edit details, add a contact, record
consent. Real rows, the real services, the audit trail; no mocks of our own code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import timezone
from django.utils.html import escape

from pathways.core import audit
from pathways.core.errors import ConcurrentEdit
from pathways.core.models import Role
from pathways.people import services
from pathways.people.models import Consent, Contact, Person
from tests.factories import PersonFactory, ReferralFactory, TeamFactory, staff

pytestmark = pytest.mark.django_db

POSTCODE_ERROR = "Enter a real UK postcode, like E15 1AB"
CONFLICT = "Someone else changed this record while you were editing it."


@pytest.fixture
def sam(team):
    """Someone with a live referral to the team, so its coach may see and change them."""
    person = PersonFactory(
        authority=team.authority,
        given_name="Sam",
        family_name="Patel",
        person_ref="C123456",
        date_of_birth=dt.date(1990, 3, 27),
        postcode="E15 1AB",
        phone="020 7946 0000",
    )
    ReferralFactory(team=team, person=person)
    return person


@pytest.fixture
def dpo(team):
    return staff(Role.DATA_PROTECTION_OFFICER, team, email="dpo@example.org")


@pytest.fixture
def outsider(other_team):
    """An employment specialist in another team of the same authority, with no link to Sam."""
    return staff(Role.EMPLOYMENT_SPECIALIST, other_team, email="outsider@example.org")


def edit_data(person: Person, **changes) -> dict:
    """What the edit form posts when nothing is changed, with ``changes`` applied."""
    answer = {True: "yes", False: "no", None: "unknown"}
    dob = person.date_of_birth
    data = {
        "version": person.version,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "preferred_name": person.preferred_name,
        "date_of_birth_0": dob.day,
        "date_of_birth_1": dob.month,
        "date_of_birth_2": dob.year,
        "postcode": person.postcode,
        "primary_support_reason": person.primary_support_reason,
        "conditions": list(person.conditions),
        "long_term_support": answer[person.long_term_support],
        "secondary_mental_health": answer[person.secondary_mental_health],
        "ehc_plan": answer[person.ehc_plan],
        "email": person.email,
        "phone": person.phone,
        "communication_needs": person.communication_needs,
        "reasonable_adjustments": person.reasonable_adjustments,
    }
    data.update(changes)
    return data


def snapshot(person: Person) -> dict:
    fresh = Person.objects.get(pk=person.pk)
    return {f.attname: getattr(fresh, f.attname) for f in Person._meta.concrete_fields}


def error_summary(html: str) -> str:
    assert 'class="govuk-error-summary"' in html, "no error summary on the page"
    start = html.index('class="govuk-error-summary"')
    return html[start : html.index("</ul>", start)]


# --- edit details ---------------------------------------------------------------------


def test_edit_form_shows_the_record_as_it_is(client, coach, sam):
    sam.long_term_support = True
    sam.conditions = ["autism"]
    sam.save()
    client.force_login(coach)
    response = client.get(f"/people/{sam.pk}/edit/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<input type="hidden" name="version" value="1"' in html
    assert 'name="given_name" type="text" value="Sam"' in html
    assert 'name="date_of_birth_0" type="text" inputmode="numeric" value="27"' in html
    assert 'id="id_conditions_1" name="conditions" type="checkbox" value="autism" checked' in html
    assert 'name="long_term_support" type="radio" value="yes" checked' in html
    assert 'name="ehc_plan" type="radio" value="unknown" checked' in html


def test_edit_saves_and_normalises_the_postcode(client, coach, sam):
    client.force_login(coach)
    response = client.post(
        f"/people/{sam.pk}/edit/",
        edit_data(
            sam,
            postcode="  e20 2st ",
            preferred_name="Sammy",
            family_name="Patel-Jones",
            conditions=["autism", "mental_health"],
            long_term_support="yes",
            secondary_mental_health="no",
            email="sam@example.org",
            communication_needs="Easy read",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/people/{sam.pk}/"
    sam.refresh_from_db()
    assert sam.postcode == "E20 2ST"
    assert (sam.preferred_name, sam.family_name) == ("Sammy", "Patel-Jones")
    assert sam.conditions == ["autism", "mental_health"]
    assert (sam.long_term_support, sam.secondary_mental_health, sam.ehc_plan) == (
        True,
        False,
        None,
    )
    assert sam.email == "sam@example.org"
    assert sam.version == 2
    page = client.get(response["Location"]).content.decode()
    assert "govuk-notification-banner--success" in page
    assert "Details saved for Sam Patel-Jones." in page
    assert "E20 2ST" in page


def test_a_bad_postcode_shows_the_error_summary_and_changes_nothing(client, coach, sam):
    before = snapshot(sam)
    client.force_login(coach)
    response = client.post(
        f"/people/{sam.pk}/edit/", edit_data(sam, postcode="NOT A POSTCODE", phone="07700 900001")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<a href="#id_postcode">{POSTCODE_ERROR}</a>' in error_summary(html)
    assert html.count(POSTCODE_ERROR) == 2  # in the summary and by the field
    assert "<title>Error: Edit details" in html
    assert 'value="NOT A POSTCODE"' in html  # what was typed survives
    assert snapshot(sam) == before


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "1990", "The date of birth must be a real date"),
        ("27", "", "1990", "The date of birth must include a day, month and year"),
        ("", "", "", "Enter the date of birth"),
        ("1", "1", "2999", "The date of birth must be in the past"),
    ],
)
def test_an_impossible_date_of_birth_changes_nothing(client, coach, sam, day, month, year, message):
    before = snapshot(sam)
    client.force_login(coach)
    response = client.post(
        f"/people/{sam.pk}/edit/",
        edit_data(
            sam, date_of_birth_0=day, date_of_birth_1=month, date_of_birth_2=year, postcode="E20"
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400
    summary = error_summary(html)
    assert f'<a href="#id_date_of_birth_0">{escape(message)}</a>' in summary
    assert POSTCODE_ERROR in summary  # every mistake at once, not one at a time
    assert snapshot(sam) == before


def test_required_names_and_a_bad_email_are_reported(client, coach, sam):
    before = snapshot(sam)
    client.force_login(coach)
    response = client.post(
        f"/people/{sam.pk}/edit/",
        edit_data(sam, given_name="", family_name=" ", email="sam-at-example", ehc_plan=""),
    )
    summary = error_summary(response.content.decode())
    for message in (
        "Enter the person&#x27;s first name",
        "Enter the person&#x27;s last name",
        "Enter an email address in the correct format, like name@example.com",
        "Select yes, no or not known for ehc plan",
    ):
        assert message in summary
    assert snapshot(sam) == before


def test_a_stale_version_is_refused_and_the_other_change_kept(client, coach, manager, sam):
    client.force_login(coach)
    form = client.get(f"/people/{sam.pk}/edit/").content.decode()
    assert 'name="version" value="1"' in form
    # The manager saves first, from the same version.
    services.update_person(manager, sam, expected_version=1, phone="07700 900123")

    stale = edit_data(sam, version=1, phone="020 7946 0000", postcode="E20 2ST")
    response = client.post(f"/people/{sam.pk}/edit/", stale)

    html = response.content.decode()
    assert response.status_code == 409
    assert CONFLICT in error_summary(html)
    assert 'value="E20 2ST"' in html  # the coach's typing is still there to copy
    assert 'name="version" value="1"' in html  # saving again is refused again...
    sam.refresh_from_db()
    assert (sam.phone, sam.postcode, sam.version) == ("07700 900123", "E15 1AB", 2)
    again = client.post(f"/people/{sam.pk}/edit/", stale)
    assert again.status_code == 409
    sam.refresh_from_db()
    assert sam.phone == "07700 900123"
    # ...until the form is opened again, which shows the manager's change and new version.
    assert f'<a class="govuk-link" href="/people/{sam.pk}/edit/">' in html
    reloaded = client.get(f"/people/{sam.pk}/edit/").content.decode()
    assert 'name="version" value="2"' in reloaded
    assert 'value="07700 900123"' in reloaded


def test_the_change_is_in_the_audit_trail_with_the_editors_email(client, coach, sam):
    client.force_login(coach)
    client.get(f"/people/{sam.pk}/edit/")
    client.post(f"/people/{sam.pk}/edit/", edit_data(sam, postcode="e20 2st"))
    change = audit.person_trail(sam).filter(action=LogEntry.Action.UPDATE).get()
    entry = audit.describe(change)
    assert entry["who"] == "coach@example.org"
    assert change.actor == coach
    assert entry["changes"]["postcode"] == ["E15 1AB", "E20 2ST"]
    assert entry["changes"]["version"] == ["1", "2"]
    # Opening the form was a read of the record, and is in the trail too.
    reads = audit.person_trail(sam).filter(action=LogEntry.Action.ACCESS)
    assert reads.filter(actor=coach, additional_data__what="person record: edit details").exists()


def test_saving_without_changes_is_not_a_new_version(client, coach, sam):
    client.force_login(coach)
    response = client.post(f"/people/{sam.pk}/edit/", edit_data(sam))
    assert response.status_code == 302
    sam.refresh_from_db()
    assert sam.version == 1
    assert not audit.person_trail(sam).filter(action=LogEntry.Action.UPDATE).exists()


def test_a_new_postcode_clears_the_old_coordinates(coach, sam):
    sam.latitude, sam.longitude = Decimal("51.541"), Decimal("0.001")
    sam.save()
    services.update_person(coach, sam, expected_version=1, phone="07700 900999")
    sam.refresh_from_db()
    assert sam.latitude == Decimal("51.541")  # another change leaves them alone
    services.update_person(coach, sam, expected_version=2, postcode="N1 9GU")
    sam.refresh_from_db()
    assert (sam.postcode, sam.latitude, sam.longitude) == ("N1 9GU", None, None)


def test_the_service_refuses_unknown_conditions_and_stale_versions(coach, sam):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.update_person(coach, sam, expected_version=1, conditions=["not_a_condition"])
    assert "conditions" in exc.value.message_dict
    with pytest.raises(ConcurrentEdit):
        services.update_person(coach, sam, expected_version=7, phone="1")
    sam.refresh_from_db()
    assert (sam.version, sam.conditions, sam.phone) == (1, [], "020 7946 0000")


# --- circle of support ----------------------------------------------------------------


def test_add_a_contact(client, intake, sam):
    client.force_login(intake)
    assert client.get(f"/people/{sam.pk}/contacts/new/").status_code == 200
    response = client.post(
        f"/people/{sam.pk}/contacts/new/",
        {
            "name": "Asha Patel",
            "relationship": "mother",
            "phone": "07700 900456",
            "email": "asha@example.org",
            "notes": "Call after 5pm.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/people/{sam.pk}/"
    contact = Contact.objects.get(person=sam)
    assert (contact.name, contact.relationship, contact.phone, contact.email, contact.notes) == (
        "Asha Patel",
        "mother",
        "07700 900456",
        "asha@example.org",
        "Call after 5pm.",
    )
    page = client.get(response["Location"]).content.decode()
    assert "Asha Patel added to Sam Patel&#x27;s circle of support." in page
    assert "<strong>Asha Patel</strong>, mother – 07700 900456 – asha@example.org" in page
    trail = audit.person_trail(sam).filter(action=LogEntry.Action.CREATE)
    assert trail.filter(actor=intake, content_type__model="contact").exists()


def test_a_contact_needs_a_name_and_relationship(client, coach, sam):
    client.force_login(coach)
    response = client.post(f"/people/{sam.pk}/contacts/new/", {"email": "nope"})
    summary = error_summary(response.content.decode())
    assert response.status_code == 400
    assert '<a href="#id_name">Enter the contact&#x27;s name</a>' in summary
    assert '<a href="#id_relationship">Enter how the contact knows the person</a>' in summary
    assert "Enter an email address in the correct format" in summary
    assert not Contact.objects.exists()


# --- consent --------------------------------------------------------------------------


def consent_data(scope="employers", given="yes", day=None, notes=""):
    day = day or timezone.localdate()
    return {
        "scope": scope,
        "given": given,
        "given_on_0": day.day,
        "given_on_1": day.month,
        "given_on_2": day.year,
        "notes": notes,
    }


def test_a_later_refusal_is_the_current_state_and_the_history_stays(client, coach, manager, sam):
    today = timezone.localdate()
    client.force_login(manager)
    response = client.post(
        f"/people/{sam.pk}/consent/new/",
        consent_data(day=today - dt.timedelta(days=30), notes="Happy for employers to know."),
    )
    assert response.status_code == 302
    client.force_login(coach)
    response = client.post(
        f"/people/{sam.pk}/consent/new/",
        consent_data(given="no", notes="Wants to tell employers themselves."),
    )
    assert response.status_code == 302

    assert Consent.objects.filter(person=sam).count() == 2
    html = client.get(f"/people/{sam.pk}/").content.decode()
    assert "Consent recorded for Sam Patel: Share details with employers – no." in html
    current = html[html.index("Consent to share") : html.index("Consent history")]
    assert "Share details with employers" in current
    assert f"No – {today:%-d %b %Y}, recorded by {coach}" in current
    assert "Yes –" not in current
    history = html[html.index("Consent history") :]
    history = history[: history.index("</table>")]
    refusal = history.index("Wants to tell employers themselves.")
    earlier = history.index("Happy for employers to know.")
    assert refusal < earlier  # newest first
    assert str(coach) in history[:refusal] and str(manager) in history[refusal:earlier]


def test_consent_cannot_be_dated_in_the_future_or_left_unanswered(client, coach, sam):
    client.force_login(coach)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(f"/people/{sam.pk}/consent/new/", consent_data(day=tomorrow))
    summary = error_summary(response.content.decode())
    assert response.status_code == 400
    assert (
        '<a href="#id_given_on_0">The date of the decision must be today or earlier</a>' in summary
    )
    response = client.post(f"/people/{sam.pk}/consent/new/", {"notes": "?"})
    summary = error_summary(response.content.decode())
    assert '<a href="#id_scope_0">Select what the consent is for</a>' in summary
    assert '<a href="#id_given_0">Select yes if they gave consent' in summary
    assert '<a href="#id_given_on_0">Enter the date of the decision</a>' in summary
    assert not Consent.objects.exists()


def test_the_service_refuses_a_future_consent_date_too(coach, sam):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.record_consent(
            coach,
            sam,
            scope="employers",
            given=True,
            given_on=timezone.localdate() + dt.timedelta(days=1),
        )


# --- who may use these pages ----------------------------------------------------------

PAGES = ["edit/", "contacts/new/", "consent/new/"]


def test_the_person_page_links_to_the_forms_for_those_who_may_change(client, coach, dpo, sam):
    client.force_login(coach)
    html = client.get(f"/people/{sam.pk}/").content.decode()
    for page in PAGES:
        assert f'href="/people/{sam.pk}/{page}"' in html
    client.force_login(dpo)
    html = client.get(f"/people/{sam.pk}/").content.decode()
    assert "Sam Patel" in html
    for page in PAGES:
        assert f"/people/{sam.pk}/{page}" not in html


@pytest.mark.parametrize("page", PAGES)
def test_someone_outside_the_relationship_gets_404_and_is_audited(client, outsider, sam, page):
    before = snapshot(sam)
    client.force_login(outsider)
    url = f"/people/{sam.pk}/{page}"
    assert client.get(url).status_code == 404
    post = client.post(url, {**edit_data(sam, phone="1"), **consent_data(), "name": "X"})
    assert post.status_code == 404
    denied = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        actor=outsider,
        additional_data__person_id=sam.pk,
        additional_data__outcome=audit.DENIED,
    )
    assert denied.count() == 2
    assert snapshot(sam) == before
    assert not Contact.objects.exists() and not Consent.objects.exists()


@pytest.mark.parametrize("page", PAGES)
def test_a_person_in_another_authority_is_404(client, coach, page):
    elsewhere = PersonFactory()
    ReferralFactory(team=TeamFactory(), person=elsewhere)
    client.force_login(coach)
    assert client.get(f"/people/{elsewhere.pk}/{page}").status_code == 404
    assert client.get(f"/people/{elsewhere.pk + 1000}/{page}").status_code == 404


@pytest.mark.parametrize("role", [Role.DATA_PROTECTION_OFFICER, Role.ADMIN])
@pytest.mark.parametrize("page", PAGES)
def test_those_who_may_see_but_not_change_get_403(client, team, sam, role, page):
    before = snapshot(sam)
    reader = staff(role, team)
    client.force_login(reader)
    assert client.get(f"/people/{sam.pk}/").status_code == 200
    url = f"/people/{sam.pk}/{page}"
    assert client.get(url).status_code == 403
    response = client.post(url, {**edit_data(sam, phone="1"), **consent_data(), "name": "X"})
    assert response.status_code == 403
    assert snapshot(sam) == before
    assert not Contact.objects.exists() and not Consent.objects.exists()
    refused = audit.person_trail(sam).filter(actor=reader, additional_data__outcome=audit.DENIED)
    assert refused.count() == 2


@pytest.mark.parametrize("page", PAGES)
def test_signed_out_visitors_are_sent_to_sign_in(client, sam, page):
    response = client.get(f"/people/{sam.pk}/{page}")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
