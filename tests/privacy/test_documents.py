"""Documents follow the person: subject access hands over each file with its details,
and erasure deletes the rows and removes the files from the disk."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from pathways.casework import documents
from pathways.casework.models import Document
from pathways.core.audit import person_trail
from pathways.privacy import erasure
from tests import file_samples
from tests.privacy.retention_data import closed_episode, dpo
from tests.privacy.test_erasure import approved
from tests.privacy.test_subject_access import unzip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _documents_dir(documents_dir):
    return documents_dir


def kept(person, uploaded_by, *, title="CV", name="cv.pdf", data=None) -> Document:
    """A document as an upload leaves it (made directly: the person's support is over)."""
    data = file_samples.pdf() if data is None else data
    document = Document(
        person=person,
        kind="cv",
        title=title,
        original_name=name,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=uploaded_by,
    )
    document.file.save("upload", ContentFile(data), save=True)
    return document


class TestSubjectAccess:
    def test_the_archive_holds_each_file_and_its_details(self, client, dpo, coach, sar, person):
        episode = person.episodes.get(ended_on__isnull=True)
        upload = file_samples.pdf()
        with_file = documents.upload_document(
            coach,
            person,
            file=ContentFile(upload),
            name="Ada's CV.pdf",
            kind="cv",
            title="CV for the café job",
            episode=episode,
        )
        client.force_login(dpo)
        response = client.get(reverse("privacy:subject-access-archive", args=[sar.pk]))
        files = unzip_with_documents(response.content)
        [row] = files["documents.json"]
        path = f"documents/{with_file.pk}-Ada's CV.pdf"
        assert row["title"] == "CV for the café job"
        assert row["episode"] == episode.episode_ref
        assert row["uploaded_by"] == coach.email
        assert row["content_type"] == "application/pdf"
        assert row["file_in_archive"] == path
        assert "file" not in row  # the store's random name means nothing to the person
        assert files[path] == upload

        page = client.get(reverse("privacy:subject-access-document", args=[sar.pk]))
        text = page.content.decode()
        assert "CV for the café job" in text
        assert path.replace("'", "&#x27;") in text
        assert "No documents are held" not in text

    def test_a_file_missing_from_the_store_is_said_so(self, client, dpo, coach, sar, person):
        document = kept(person, coach)
        Path(document.file.path).unlink()
        client.force_login(dpo)
        response = client.get(reverse("privacy:subject-access-archive", args=[sar.pk]))
        files = unzip_with_documents(response.content)
        [missing] = [name for name in files if name.endswith(".missing.txt")]
        assert "was not found in the document store" in files[missing].decode()


def unzip_with_documents(content: bytes) -> dict[str, object]:
    """The archive's JSON and README as ``unzip`` reads them, and each file as bytes."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        raw = {name: archive.read(name) for name in archive.namelist()}
    others = {name: data for name, data in raw.items() if name.startswith("documents/")}
    rest = io.BytesIO()
    with zipfile.ZipFile(rest, "w") as archive:
        for name, data in raw.items():
            if name not in others:
                archive.writestr(name, data)
    return {**unzip(rest.getvalue()), **others}


class TestErasure:
    def test_erasure_deletes_the_documents_and_their_files(
        self, team, django_capture_on_commit_callbacks
    ):
        officer = dpo(team)
        someone = closed_episode(team, dt.date(2019, 1, 15))
        document = kept(someone, officer, title=f"CV of {someone.full_name}")
        on_disk = Path(document.file.path)
        assert on_disk.exists()
        request = approved(team, someone, officer)
        with django_capture_on_commit_callbacks(execute=True):
            erasure.carry_out_erasure(officer, request, confirmed=True)
        assert not Document.objects.filter(person=someone).exists()
        assert not on_disk.exists()
        for entry in person_trail(someone):
            assert someone.family_name not in entry.object_repr
            assert "CV of" not in str(entry.changes)

    def test_an_erasure_that_fails_leaves_every_file(self, team, monkeypatch):
        officer = dpo(team)
        someone = closed_episode(team, dt.date(2019, 1, 15))
        on_disk = Path(kept(someone, officer).file.path)
        request = approved(team, someone, officer)

        def broken(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(erasure, "_scrub_trail", broken)
        with pytest.raises(RuntimeError):
            erasure.carry_out_erasure(officer, request, confirmed=True)
        assert Document.objects.filter(person=someone).exists()
        assert on_disk.exists()
