"""Download my information: everything the subject access answer holds, for the person
themself, readable and as the same file, audited, limited per account and told to their
worker."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pathways.core import audit
from pathways.core.errors import ActionRefused
from pathways.core.models import Notification
from pathways.people.models import Contact, Person
from pathways.portal.models import Section
from pathways.privacy.my_information import FILE, READABLE, TITLES, WHAT, my_information
from pathways.privacy.notices import INFORMATION_DOWNLOADED
from pathways.privacy.subject_access import archive_bytes, produce
from tests.factories import UserFactory, portal_account


@pytest.fixture
def account(person, coach):
    """The person's own portal account."""
    return portal_account(person, invited_by=coach).user


def archive(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_it_covers_every_section_the_subject_access_answer_covers(dpo, sar, person, account):
    answer = produce(dpo, sar, form="archive", channel="export")
    mine = my_information(person, by=account)

    assert [s.key for s in mine.sections] == [s.key for s in answer.sections]
    for theirs, ours in zip(answer.sections, mine.sections, strict=True):
        if theirs.key == "audit_trail":  # the download itself is on it since
            assert len(ours.rows) > len(theirs.rows)
            continue
        assert len(ours.rows) == len(theirs.rows), theirs.key
        assert ours.rows == [[(i.label, i.shown) for i in row] for row in theirs.rows]


def test_every_section_has_a_plain_heading(dpo, sar, person, account):
    """A section the subject access answer gains later gets a heading for the person."""
    answer = produce(dpo, sar, form="document", channel="web")
    assert [s.key for s in answer.sections if s.key not in TITLES] == []
    shown = my_information(person, by=account).sections
    assert shown[0].title == "About you"
    assert [label for label, _value in shown[0].rows[0]][:3] == ["ID", "Authority", "Reference"]


def test_the_file_is_the_subject_access_archive_for_the_same_person(dpo, sar, person, account):
    theirs = archive(archive_bytes(produce(dpo, sar, form="archive", channel="export"), sar))
    mine = my_information(person, by=account, form=FILE)
    ours = archive(mine.file())

    assert sorted(ours) == sorted(theirs)
    for name in theirs:
        if name in ("README.txt", "audit_trail.json"):
            continue
        assert json.loads(ours[name]) == json.loads(theirs[name]), name
    assert b"for the person, from their portal" in ours["README.txt"]
    assert mine.file_name == f"my-information-C200001-{timezone.localdate().isoformat()}.zip"


def test_staff_notes_are_included_shared_or_not_as_in_subject_access(person, account):
    notes = my_information(person, by=account).sections
    activities = next(s for s in notes if s.key == "activities")
    assert activities.title == "Notes about you"
    assert any(
        value == "Likes mornings (Lovelace, meeting 0.0)"
        for row in activities.rows
        for _label, value in row
    )


def test_it_holds_nothing_of_anyone_else(person, someone_else, account):
    text = json.dumps(
        [s.rows for s in my_information(person, by=account).sections], ensure_ascii=False
    )
    assert "Lovelace" in text
    assert "Hopper" not in text


def test_reading_and_downloading_are_on_the_persons_trail_as_portal_reads(person, account):
    my_information(person, by=account)
    my_information(person, by=account, form=FILE)

    reads = [
        (e.additional_data["channel"], e.additional_data["what"], e.actor_id)
        for e in audit.person_trail(person).filter(action=LogEntry.Action.ACCESS)
    ]
    assert reads[:2] == [
        ("portal", WHAT[FILE], account.pk),
        ("portal", WHAT[READABLE], account.pk),
    ]


def test_the_download_lists_itself_in_its_audit_section(person, account):
    trail = next(
        s for s in my_information(person, by=account, form=FILE).sections if s.key == "audit_trail"
    )
    assert ("What", WHAT[FILE]) in trail.rows[0]


def test_staff_on_the_trail_are_named_by_role_and_team_unless_the_authority_shows_names(
    person, account, coach
):
    def who(info) -> set[str]:
        trail = next(s for s in info.sections if s.key == "audit_trail")
        return {dict(row)["Who"] for row in trail.rows}

    audit.record_access(coach, person, channel="web")
    hidden = who(my_information(person, by=account))
    assert "coach@example.org" not in hidden
    assert "A job coach in Supported Employment" in hidden

    assert "You" in hidden  # the person's own reads of the page

    person.authority.portal_shows_staff_names = True
    person.authority.save()
    person = Person.objects.get(pk=person.pk)
    assert "coach@example.org" in who(my_information(person, by=account))


def test_a_file_tells_the_persons_worker_and_reading_does_not(person, account, coach):
    my_information(person, by=account)
    assert not Notification.objects.filter(kind=INFORMATION_DOWNLOADED).exists()

    my_information(person, by=account, form=FILE)
    notice = Notification.objects.get(kind=INFORMATION_DOWNLOADED)
    assert notice.recipient == coach
    assert notice.text == "Someone you support downloaded their information from the portal."
    assert notice.link == f"/people/{person.pk}/"
    assert "Lovelace" not in notice.text


def test_the_sixth_file_in_a_day_is_refused_saying_when_and_that_reading_still_works(
    person, account, settings
):
    settings.PATHWAYS_PORTAL_DOWNLOADS_PER_DAY = 5
    for _ in range(5):
        my_information(person, by=account, form=FILE)
    first = (
        audit.person_trail(person)
        .filter(additional_data__what=WHAT[FILE])
        .order_by("timestamp")
        .first()
    )
    again = timezone.localtime(first.timestamp + dt.timedelta(days=1))

    with pytest.raises(ActionRefused) as refused:
        my_information(person, by=account, form=FILE)

    assert refused.value.message == (
        "You have downloaded your information 5 times in the last 24 hours. "
        f"You can download it again after {again.day} {again:%B %Y}, {again:%H:%M}. "
        "You can still read it on this page."
    )
    files = audit.person_trail(person).filter(additional_data__what=WHAT[FILE])
    assert files.count() == 5  # the refused one took nothing
    assert Notification.objects.filter(kind=INFORMATION_DOWNLOADED).count() == 5
    my_information(person, by=account)  # the page is not limited


def test_the_limit_is_per_account_and_counts_only_the_last_24_hours(
    person, account, coach, settings
):
    settings.PATHWAYS_PORTAL_DOWNLOADS_PER_DAY = 1
    LogEntry.objects.log_create(
        person,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=account,
        timestamp=timezone.now() - dt.timedelta(hours=25),
        additional_data={"person_id": person.pk, "channel": "portal", "what": WHAT[FILE]},
    )
    my_information(person, by=account, form=FILE)  # yesterday's does not count
    with pytest.raises(ActionRefused):
        my_information(person, by=account, form=FILE)

    mother = Contact.objects.create(person=person, name="Mary Lovelace", relationship="mother")
    supporter = portal_account(
        person, invited_by=coach, supporter=mother, sections=[Section.INFORMATION]
    )
    my_information(person, by=supporter.user, form=FILE)  # another account has its own


def test_an_unknown_form_is_a_programming_error(person, account):
    with pytest.raises(ValueError):
        my_information(person, by=account, form="pdf")


def test_only_the_persons_own_portal_accounts_may_have_it(person, someone_else, coach, dpo):
    others = portal_account(someone_else, invited_by=coach).user
    for stranger in (coach, dpo, others, UserFactory()):
        with pytest.raises(PermissionDenied):
            my_information(person, by=stranger, form=FILE)
    refused = audit.person_trail(person).filter(additional_data__outcome=audit.DENIED)
    assert refused.count() == 4
    assert not Notification.objects.filter(kind=INFORMATION_DOWNLOADED).exists()
