"""What an uploaded file is, decided by its bytes: each kind we keep passes, anything
else is refused with a plain message whatever it is called."""

from __future__ import annotations

import io
import time

import pytest
from django.core.exceptions import ValidationError

from pathways.core import files
from tests import file_samples


def refusal(data: bytes, name: str = "upload", **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        files.detect(io.BytesIO(data), name=name, **kwargs)
    return caught.value.message_dict["file"][0]


@pytest.mark.parametrize("name", list(file_samples.ALLOWED))
def test_each_kind_of_document_is_recognised_by_its_bytes(name, settings):
    build, content_type = file_samples.ALLOWED[name]
    data = build()
    found = files.detect(io.BytesIO(data), name=name)
    assert found.type.content_type == content_type
    assert found.size == len(data)
    # The bytes decide, not the name: the same file without a name is the same type.
    assert files.detect(io.BytesIO(data), name="no-extension").type.content_type == content_type


def test_a_program_renamed_cv_pdf_is_refused():
    assert refusal(file_samples.executable(), "cv.pdf") == files.NOT_ALLOWED
    assert refusal(file_samples.executable(), "setup.exe") == files.NOT_ALLOWED


@pytest.mark.parametrize(
    "data",
    [
        b"<html>\x00</html>",  # a NUL: not text
        "caf\u00e9".encode("latin-1"),  # not UTF-8
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00",  # a picture we do not keep
        b"PK\x03\x04 not really a zip",
    ],
)
def test_other_files_are_refused_with_the_plain_message(data):
    assert refusal(data, "notes.txt") == files.NOT_ALLOWED
    assert refusal(data, "upload") == files.NOT_ALLOWED


def test_a_zip_that_is_not_a_word_file_is_refused():
    plain_zip = file_samples._zip([("readme.txt", b"hello")])
    assert refusal(plain_zip, "letter.docx") == files.NOT_ALLOWED


def test_a_file_named_as_another_kind_is_refused_saying_what_it_is():
    message = refusal(file_samples.text(), "cv.pdf")
    assert message == (
        "This file is called cv.pdf, but it is not a PDF: it is a text file. It was not "
        "saved. Choose the right file, or rename it to match what it is."
    )
    message = refusal(file_samples.pdf(), "budget.xlsx")
    assert message.startswith("This file is called budget.xlsx, but it is not an Excel")


def test_an_empty_file_is_refused():
    assert refusal(b"", "cv.pdf") == files.EMPTY


def test_a_file_over_the_limit_is_refused_before_it_is_read(settings):
    settings.PATHWAYS_DOCUMENT_MAX_BYTES = 1024
    message = refusal(b"a" * 1025, "big.txt")
    assert message == "The selected file must be smaller than 1 KB. It was not saved."
    files.detect(io.BytesIO(b"a" * 1024), name="fits.txt")  # the limit itself is fine


def test_a_zip_bomb_is_refused_without_unpacking_it():
    bomb = file_samples.zip_bomb()
    assert len(bomb) < 200_000  # 20 MB squeezed small
    started = time.monotonic()
    assert refusal(bomb, "letter.docx") == files.NOT_ALLOWED
    assert time.monotonic() - started < 0.5


def test_a_zip_of_thousands_of_entries_is_refused_from_its_end_record():
    crowded = file_samples.many_entries()
    started = time.monotonic()
    assert refusal(crowded, "letter.docx") == files.NOT_ALLOWED
    assert time.monotonic() - started < 0.5


def test_macro_enabled_word_files_are_refused():
    macro = file_samples._zip(
        [
            (
                "[Content_Types].xml",
                file_samples._content_types(
                    "application/vnd.ms-word.document.macroEnabled.main+xml", "/word/document.xml"
                ),
            )
        ]
    )
    assert refusal(macro, "letter.docm") == files.NOT_ALLOWED


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\sam\\CV final.pdf", "CV final.pdf"),
        ('evil"; filename=x.html', "evil_ filename_x.html"),
        ("\u202ecod.exe", "cod.exe"),  # a right-to-left override hides nothing
        ("", "document"),
    ],
)
def test_names_are_made_safe_to_show_and_to_download(given, shown):
    assert files.display_name(given) == shown


def test_the_download_name_ends_in_what_the_file_really_is():
    assert files.download_name("CV.PDF", files.PDF) == "CV.PDF"
    assert files.download_name("scan", files.JPEG) == "scan.jpg"
    assert files.download_name("page.html", files.TEXT) == "page.txt"


def test_private_files_have_no_url(documents_dir):
    storage = files.PrivateStorage()
    assert storage.location == str(documents_dir)
    with pytest.raises(ValueError):
        storage.url("anything")
