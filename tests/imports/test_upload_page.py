"""The admin's upload page: preview first, then confirm; nobody else gets in."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pathways.core.models import Role
from pathways.people.models import Person
from tests.factories import AuthorityFactory, PersonFactory, TeamFactory, staff
from tests.imports.conftest import csv_text

pytestmark = pytest.mark.django_db

PEOPLE = csv_text(
    "authority,person_ref,given_name,family_name,date_of_birth",
    "E09000025,C1,Sam,Patel,1990-01-01",
    "E09000025,C2,Ola,Ade,03/04/1985",
)


def upload(client, content: str, kind: str = "people", name: str = "people.csv"):
    data = SimpleUploadedFile(name, content.encode(), content_type="text/csv")
    return client.post("/imports/", {"kind": kind, "file": data})


def test_staff_who_are_not_admins_are_refused(client, coach, manager):
    for user in (coach, manager):
        client.force_login(user)
        assert client.get("/imports/").status_code == 403
        assert upload(client, PEOPLE).status_code == 403
        assert client.post("/imports/confirm/", {"sha256": "x"}).status_code == 403
        assert "Imports</a>" not in client.get("/").content.decode()
    assert not Person.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/imports/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_admin_previews_then_confirms(client, admin, authority):
    client.force_login(admin)
    assert 'href="/imports/">Imports</a>' in client.get("/").content.decode()
    form = client.get("/imports/").content.decode()
    assert 'enctype="multipart/form-data"' in form and 'value="care_costs"' in form

    preview = upload(client, PEOPLE)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Check what the import will change" in html
    assert "dry run: would import: 2 created, 0 updated, 0 unchanged" in html
    assert "E09000025 C2" in html and "Confirm import" in html
    assert not Person.objects.exists()  # nothing until confirmed

    sha256 = preview.context["outcome"].sha256
    done = client.post("/imports/confirm/", {"sha256": sha256}, follow=True)
    page = done.content.decode()
    assert "people.csv: imported: 2 created, 0 updated, 0 unchanged" in page
    assert Person.objects.count() == 2
    entry = LogEntry.objects.get(additional_data__what="import of people from people.csv")
    assert entry.actor == admin and entry.additional_data["channel"] == "web"
    assert entry.additional_data["sha256"] == sha256

    # The file is used once: confirming again imports nothing more.
    again = client.post("/imports/confirm/", {"sha256": sha256}, follow=True)
    assert "no longer waiting to be imported" in again.content.decode()
    assert LogEntry.objects.filter(additional_data__what__startswith="import of").count() == 1


def test_the_page_says_which_interests_an_import_adds(client, admin, authority):
    PersonFactory(authority=authority, person_ref="C1")
    client.force_login(admin)
    content = csv_text("authority,person_ref,interests", "E09000025,C1,Beekeeping;retail")
    preview = upload(client, content, kind="profiles", name="profiles.csv")
    assert "Would add to the interest vocabulary: beekeeping" in preview.content.decode()
    sha256 = preview.context["outcome"].sha256
    done = client.post("/imports/confirm/", {"sha256": sha256}, follow=True)
    assert (
        "profiles.csv: imported: 1 created, 0 updated, 0 unchanged; "
        "added to the interest vocabulary: beekeeping"
    ) in done.content.decode()


def test_problems_are_listed_in_the_error_summary(client, admin, authority):
    client.force_login(admin)
    bad = PEOPLE + "E09000025,C3,Kim,,1990-13-01\n"
    response = upload(client, bad)
    html = response.content.decode()
    assert "There is a problem" in html
    assert "people.csv:4: family_name: required, but blank" in html
    assert "people.csv:4: date_of_birth: &#x27;1990-13-01&#x27; is not a real date" in html
    assert "people.csv has 2 errors, so nothing was imported" in html
    assert "<title>Error: Import data" in html
    assert "Confirm import" not in html
    assert client.post("/imports/confirm/", {"sha256": "anything"}).status_code == 302
    assert not Person.objects.exists()


def test_an_empty_form_says_what_to_do(client, admin):
    client.force_login(admin)
    html = client.post("/imports/", {}).content.decode()
    assert "Select what is in the file" in html and "Select a CSV or XLSX file" in html


def test_confirm_checks_the_file_again(client, admin, authority):
    """Someone added C1 between the preview and the confirm: the counts stay true."""
    client.force_login(admin)
    preview = upload(client, PEOPLE)
    Person.objects.create(
        authority=authority,
        person_ref="C1",
        given_name="Sam",
        family_name="Patel",
        date_of_birth="1990-01-01",
    )
    done = client.post(
        "/imports/confirm/", {"sha256": preview.context["outcome"].sha256}, follow=True
    )
    assert "imported: 1 created, 0 updated, 1 unchanged" in done.content.decode()


def test_an_admin_imports_only_into_their_own_authority(client, team):
    elsewhere = AuthorityFactory(code="E09000030", name="Tower Hamlets")
    their_team = TeamFactory(code="TH1", authority=elsewhere)
    admin_elsewhere = staff(Role.ADMIN, their_team, email="th-admin@example.org")
    client.force_login(admin_elsewhere)
    html = upload(client, PEOPLE).content.decode()
    assert "people.csv:2: authority: you are not an administrator for Newham" in html
    staff_file = csv_text(
        "email,given_name,family_name,team,role", "me@example.org,Me,Too,SE1,admin"
    )
    html = upload(client, staff_file, kind="staff", name="staff.csv").content.decode()
    assert "staff.csv:2: team: you are not an administrator for Newham" in html
    assert not Person.objects.exists()


class TestUploadSize:
    """A file over the limit is refused as it arrives, with the page's own error."""

    def test_a_file_over_the_limit_is_stopped_while_it_streams_in(self, client, admin, settings):
        settings.PATHWAYS_IMPORT_MAX_UPLOAD_BYTES = 1000
        client.force_login(admin)
        response = upload(client, PEOPLE + "E09000025,C3,Kim,Lee,1970-01-01\n" * 40)
        html = response.content.decode()
        assert response.status_code == 400
        assert "There is a problem" in html
        assert "The selected file must be smaller than 1,000 bytes" in html
        assert "Select a CSV or XLSX file" not in html
        assert 'value="people" checked' in html  # what they chose is kept
        assert not Person.objects.exists()

    def test_a_body_declared_too_long_is_refused_without_reading_the_file(
        self, client, admin, settings
    ):
        settings.PATHWAYS_IMPORT_MAX_UPLOAD_BYTES = 1000
        client.force_login(admin)
        response = upload(client, PEOPLE + "x" * 100_000)
        assert response.status_code == 400
        assert "The selected file must be smaller than 1,000 bytes" in response.content.decode()
        assert "pathways_pending_import" not in client.session

    def test_the_default_limit_is_ten_megabytes(self, client, admin):
        client.force_login(admin)
        response = upload(client, "x" * (10 * 1024 * 1024 + 1))
        assert response.status_code == 400
        assert "The selected file must be smaller than 10 MB" in response.content.decode()

    def test_a_file_within_the_limit_is_read_as_before(self, client, admin, settings):
        settings.PATHWAYS_IMPORT_MAX_UPLOAD_BYTES = len(PEOPLE)
        client.force_login(admin)
        assert "Check what the import will change" in upload(client, PEOPLE).content.decode()

    def test_the_form_still_needs_its_csrf_token(self, admin):
        client = Client(enforce_csrf_checks=True)
        client.force_login(admin)
        data = SimpleUploadedFile("people.csv", PEOPLE.encode(), content_type="text/csv")
        assert client.post("/imports/", {"kind": "people", "file": data}).status_code == 403
        assert not Person.objects.exists()


def test_an_import_that_runs_out_of_time_says_where_it_stopped(client, admin, authority, settings):
    settings.PATHWAYS_IMPORT_TIME_LIMIT = 0
    client.force_login(admin)
    html = upload(client, PEOPLE).content.decode()
    assert "The import stopped after 0 seconds at row 2, so nothing was imported" in html
    assert "people.csv:2: (file): the import stopped after 0 seconds at row 2" in html
    assert "Confirm import" not in html
    assert not Person.objects.exists()


def test_an_import_that_runs_out_of_time_when_confirmed_changes_nothing(
    client, admin, authority, settings
):
    client.force_login(admin)
    preview = upload(client, PEOPLE)
    settings.PATHWAYS_IMPORT_TIME_LIMIT = 0
    done = client.post("/imports/confirm/", {"sha256": preview.context["outcome"].sha256})
    assert "The import stopped after 0 seconds at row 2" in done.content.decode()
    assert not Person.objects.exists()
    entry = LogEntry.objects.get(additional_data__what="import of people from people.csv")
    assert entry.additional_data["outcome"] == "refused"


def test_a_file_with_very_many_problems_lists_the_first_500(client, admin, authority):
    client.force_login(admin)
    bad = PEOPLE + "".join(f"E09000025,X{i},Kim,Lee,not a date\n" for i in range(600))
    html = upload(client, bad).content.decode()
    assert "people.csv has 600 errors, so nothing was imported" in html
    assert html.count("is not a date; write it as") == 500
    assert "people.csv:503: date_of_birth" in html
    assert "people.csv:504: date_of_birth" not in html
    assert "And 100 more problems not listed here" in html
    assert not Person.objects.exists()
