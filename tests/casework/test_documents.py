"""Documents on a person's record and on an episode: who may upload, see, download and
delete them, what is refused, where the files are kept, and the audit trail of each."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pathways.casework import documents, services
from pathways.casework.models import Document, EndReason
from pathways.core import files
from pathways.core.audit import person_trail
from pathways.core.errors import IllegalTransition
from pathways.core.models import Role
from tests import file_samples
from tests.factories import EpisodeFactory, PersonFactory, staff

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate  # called in each test: a run may cross midnight


@pytest.fixture(autouse=True)
def _documents_dir(documents_dir):
    return documents_dir


@pytest.fixture
def sam(team):
    return PersonFactory(authority=team.authority, given_name="Sam", family_name="Patel")


@pytest.fixture
def episode(team, coach, sam):
    return EpisodeFactory(
        team=team, worker=coach, person=sam, started_on=TODAY() - dt.timedelta(days=40)
    )


@pytest.fixture
def stranger(other_team):
    """A coach in another team of the same council, with no relationship to Sam."""
    return staff(Role.EMPLOYMENT_SPECIALIST, other_team, email="stranger@example.org")


@pytest.fixture
def commissioner(team):
    return staff(Role.COMMISSIONER, team, email="commissioner@example.org")


def upload_file(name: str = "cv.pdf", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, file_samples.pdf() if data is None else data)


def post_upload(client: Client, url: str, *, name="cv.pdf", data=None, kind="cv", title="CV"):
    return client.post(url, {"kind": kind, "title": title, "file": upload_file(name, data)})


def episode_upload_url(episode) -> str:
    return reverse("casework:episode-document-upload", args=[episode.pk])


def person_upload_url(person) -> str:
    return reverse("casework:person-document-upload", args=[person.pk])


def stored(coach, episode, *, name="cv.pdf", data=None, on_episode=True) -> Document:
    upload = upload_file(name, data)
    return documents.upload_document(
        coach,
        episode.person,
        file=upload,
        name=upload.name,
        kind="cv",
        title="CV, March",
        episode=episode if on_episode else None,
    )


def download_url(document: Document) -> str:
    return reverse("casework:document-download", args=[document.pk])


# --- uploading ------------------------------------------------------------------------


class TestUploading:
    def test_a_coach_uploads_a_cv_to_the_episode_and_sees_it_listed(self, client, coach, episode):
        client.force_login(coach)
        response = post_upload(client, episode_upload_url(episode), title="CV for the café job")
        assert response.status_code == 302
        assert response["Location"] == f"/episodes/{episode.pk}/#documents"
        [document] = Document.objects.all()
        assert (document.person, document.episode, document.kind) == (episode.person, episode, "cv")
        assert document.content_type == "application/pdf"
        assert document.size == len(file_samples.pdf())
        page = client.get(f"/episodes/{episode.pk}/").content.decode()
        assert "CV for the café job" in page
        assert download_url(document) in page
        assert "CV for the café job added (PDF)." in page

    @pytest.mark.parametrize("name", list(file_samples.ALLOWED))
    def test_every_kind_we_keep_can_be_uploaded_to_the_person(self, client, coach, episode, name):
        build, content_type = file_samples.ALLOWED[name]
        client.force_login(coach)
        response = post_upload(client, person_upload_url(episode.person), name=name, data=build())
        assert response.status_code == 302
        assert response["Location"] == f"/people/{episode.person.pk}/#documents"
        document = Document.objects.get()
        assert document.content_type == content_type
        assert document.episode is None

    def test_the_file_is_kept_under_a_random_name_outside_the_web_root(
        self, coach, episode, documents_dir, settings
    ):
        document = stored(coach, episode, name="Sam Patel CV.pdf")
        on_disk = Path(document.file.path)
        assert on_disk.parent == documents_dir
        assert len(on_disk.name) == 32 and "Sam" not in on_disk.name
        assert on_disk.read_bytes() == file_samples.pdf()
        assert document.original_name == "Sam Patel CV.pdf"
        assert document.sha256 == hashlib.sha256(file_samples.pdf()).hexdigest()
        assert oct(on_disk.stat().st_mode & 0o777) == oct(0o600)
        # Nowhere a web server serves files from.
        for served in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]:
            folder = Path(served[1] if isinstance(served, tuple) else served).resolve()
            assert not on_disk.resolve().is_relative_to(folder)
        assert not settings.MEDIA_ROOT  # no media folder: nothing is served as media
        with pytest.raises(ValueError):
            document.file.url  # noqa: B018

    def test_the_file_is_not_reachable_at_any_static_or_media_url(self, client, coach, episode):
        document = stored(coach, episode)
        client.force_login(coach)
        name = Path(document.file.name).name
        for url in (f"/static/{name}", f"/media/{name}", f"/{name}", f"/data/documents/{name}"):
            assert client.get(url).status_code == 404, url

    def test_a_renamed_program_is_refused_and_nothing_is_kept(
        self, client, coach, episode, documents_dir
    ):
        client.force_login(coach)
        response = post_upload(
            client, episode_upload_url(episode), name="cv.pdf", data=file_samples.executable()
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert files.NOT_ALLOWED in page
        assert 'href="#id_file"' in page  # in the error summary, linked to the field
        assert not Document.objects.exists()
        assert not documents_dir.exists() or not any(documents_dir.iterdir())

    def test_a_text_file_called_pdf_is_refused_saying_so(self, client, coach, episode):
        client.force_login(coach)
        response = post_upload(
            client, episode_upload_url(episode), name="cv.pdf", data=file_samples.text()
        )
        assert response.status_code == 400
        assert "This file is called cv.pdf, but it is not a PDF" in response.content.decode()
        assert not Document.objects.exists()

    def test_a_file_over_the_limit_is_refused_as_it_streams_in(
        self, client, coach, episode, settings, documents_dir
    ):
        settings.PATHWAYS_DOCUMENT_MAX_BYTES = 2048
        client.force_login(coach)
        big = file_samples.pdf() + b"%" * 5000
        response = post_upload(client, episode_upload_url(episode), data=big)
        assert response.status_code == 400
        assert "The selected file must be smaller than 2 KB" in response.content.decode()
        assert not Document.objects.exists()

    def test_a_missing_title_and_kind_are_named(self, client, coach, episode):
        client.force_login(coach)
        response = client.post(episode_upload_url(episode), {"file": upload_file()})
        page = response.content.decode()
        assert response.status_code == 400
        assert "Select what kind of document it is" in page
        assert "Enter a title, for example CV, March 2026" in page

    def test_upload_is_on_the_persons_trail(self, client, coach, episode):
        client.force_login(coach)
        post_upload(client, episode_upload_url(episode))
        document = Document.objects.get()
        created = LogEntry.objects.get(
            action=LogEntry.Action.CREATE, content_type__model="document", object_pk=document.pk
        )
        assert created.actor == coach
        assert created.additional_data["person_id"] == episode.person.pk
        assert created in person_trail(episode.person)

    def test_a_closed_episode_takes_no_documents(self, client, team, coach, episode):
        EpisodeFactory(team=team, worker=coach, person=episode.person)  # support goes on
        services.close_episode(coach, episode, reason=EndReason.WITHDREW, notes="", on=TODAY())
        client.force_login(coach)
        response = post_upload(client, episode_upload_url(episode))
        assert response.status_code == 403
        assert "is closed and takes no more documents" in response.content.decode()
        assert not Document.objects.exists()
        with pytest.raises(IllegalTransition):
            stored(coach, episode)
        assert not Document.objects.exists()

    def test_a_coach_of_another_team_cannot_upload(self, client, stranger, episode):
        client.force_login(stranger)
        assert post_upload(client, episode_upload_url(episode)).status_code == 404
        assert post_upload(client, person_upload_url(episode.person)).status_code == 404
        assert not Document.objects.exists()

    def test_someone_who_only_reads_the_record_cannot_upload(self, client, intake, episode):
        """An intake officer sees every resident of the council, but does not work with
        them: the page refuses them before it reads the upload."""
        client.force_login(intake)
        response = post_upload(client, person_upload_url(episode.person))
        assert response.status_code == 403
        assert not Document.objects.exists()
        assert person_trail(episode.person).filter(
            additional_data__what="documents (not upload)", additional_data__outcome="denied"
        )


# --- reading and downloading ------------------------------------------------------------


class TestDownloading:
    def test_the_download_is_an_attachment_of_the_detected_type_and_audited(
        self, client, coach, episode
    ):
        document = stored(coach, episode, name="Sam's CV.pdf")
        client.force_login(coach)
        response = client.get(download_url(document))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == file_samples.pdf()
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "Sam's CV.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"].startswith("sandbox")
        assert "no-store" in response["Cache-Control"]
        entry = person_trail(episode.person).first()
        assert entry.actor == coach
        assert entry.additional_data["what"] == f"document {document.pk} (CV): download"
        assert entry.additional_data["outcome"] == "allowed"

    def test_a_picture_named_pdf_would_never_be_served_as_a_pdf(self, client, coach, episode):
        """A file is offered under the name it came with, ending in what it really is."""
        document = stored(coach, episode, name="scan", data=file_samples.png())
        client.force_login(coach)
        response = client.get(download_url(document))
        assert response["Content-Type"] == "image/png"
        assert 'filename="scan.png"' in response["Content-Disposition"]

    def test_another_teams_coach_gets_404_and_the_refusal_is_audited(
        self, client, coach, stranger, episode
    ):
        document = stored(coach, episode)
        client.force_login(stranger)
        response = client.get(download_url(document))
        assert response.status_code == 404
        assert b"%PDF" not in response.content
        refused = person_trail(episode.person).first()
        assert refused.actor == stranger
        assert refused.additional_data["outcome"] == "denied"
        assert refused.additional_data["what"] == f"document {document.pk}: download"
        # Neither the person page nor the episode page shows them the list.
        assert client.get(f"/people/{episode.person.pk}/").status_code == 404
        assert client.get(f"/episodes/{episode.pk}/").status_code == 404
        assert not documents.documents_of_person(stranger, episode.person).exists()

    def test_a_missing_document_is_the_same_404(self, client, stranger):
        client.force_login(stranger)
        assert client.get("/documents/999999/download/").status_code == 404

    def test_a_commissioner_cannot_download(self, client, coach, commissioner, episode):
        document = stored(coach, episode)
        client.force_login(commissioner)
        response = client.get(download_url(document))
        assert response.status_code == 404
        assert b"%PDF" not in response.content

    def test_someone_signed_out_is_sent_to_sign_in(self, client, coach, episode):
        document = stored(coach, episode)
        response = client.get(download_url(document))
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")

    def test_the_person_page_lists_documents_of_the_record_and_of_each_episode(
        self, client, coach, episode
    ):
        on_episode = stored(coach, episode, name="episode.pdf")
        on_record = stored(coach, episode, name="record.pdf", on_episode=False)
        client.force_login(coach)
        page = client.get(f"/people/{episode.person.pk}/").content.decode()
        assert download_url(on_episode) in page and download_url(on_record) in page
        assert "Whole record" in page and episode.episode_ref in page
        episode_page = client.get(f"/episodes/{episode.pk}/").content.decode()
        assert download_url(on_episode) in episode_page
        assert download_url(on_record) not in episode_page

    def test_the_person_page_takes_as_many_queries_whatever_the_number_of_documents(
        self, client, coach, episode, django_assert_num_queries
    ):
        client.force_login(coach)
        url = f"/people/{episode.person.pk}/"
        stored(coach, episode)
        episode_url = f"/episodes/{episode.pk}/"
        client.get(url)  # warm up (sessions, content types)
        with CaptureQueriesContext(connection) as person_page:
            client.get(url)
        with CaptureQueriesContext(connection) as episode_page:
            client.get(episode_url)
        for _ in range(4):
            stored(coach, episode)
            stored(coach, episode, on_episode=False)
        with django_assert_num_queries(len(person_page.captured_queries)):
            page = client.get(url).content.decode()
        assert page.count("/download/") == 9
        with django_assert_num_queries(len(episode_page.captured_queries)):
            page = client.get(episode_url).content.decode()
        assert page.count("/download/") == 5


# --- deleting ---------------------------------------------------------------------------


class TestDeleting:
    def test_the_uploader_deletes_with_a_reason_and_the_file_goes(
        self, client, coach, episode, django_capture_on_commit_callbacks
    ):
        document = stored(coach, episode)
        on_disk = Path(document.file.path)
        client.force_login(coach)
        url = reverse("casework:document-delete", args=[document.pk])
        assert client.get(url).status_code == 200
        refused = client.post(url, {"reason": ""})
        assert refused.status_code == 400
        assert "Say why the document is being deleted" in refused.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"reason": "Uploaded to the wrong person"})
        assert response.status_code == 302
        assert not Document.objects.exists()
        assert not on_disk.exists()
        deleted = LogEntry.objects.get(
            action=LogEntry.Action.DELETE, content_type__model="document"
        )
        assert deleted.actor == coach
        assert deleted.additional_data == {
            "person_id": episode.person.pk,
            "reason": "Uploaded to the wrong person",
        }
        assert deleted in person_trail(episode.person)

    def test_a_team_manager_may_delete_what_a_coach_uploaded(self, coach, manager, episode):
        document = stored(coach, episode)
        documents.delete_document(manager, document, reason="Duplicate")
        assert not Document.objects.exists()

    def test_another_coach_of_the_team_may_not(self, client, team, coach, episode):
        colleague = staff(Role.EMPLOYMENT_SPECIALIST, team, email="colleague@example.org")
        document = stored(coach, episode)
        client.force_login(colleague)
        page = client.get(f"/episodes/{episode.pk}/").content.decode()
        assert download_url(document) in page  # they see it
        assert reverse("casework:document-delete", args=[document.pk]) not in page
        url = reverse("casework:document-delete", args=[document.pk])
        assert client.post(url, {"reason": "Tidying"}).status_code == 403
        assert Document.objects.filter(pk=document.pk).exists()
        assert person_trail(episode.person).filter(
            additional_data__what=f"document {document.pk}: delete (may read, not delete)"
        )

    def test_another_teams_coach_gets_404(self, client, coach, stranger, episode):
        document = stored(coach, episode)
        client.force_login(stranger)
        url = reverse("casework:document-delete", args=[document.pk])
        assert client.post(url, {"reason": "x"}).status_code == 404
        assert Document.objects.filter(pk=document.pk).exists()
