"""The Imports page in a real browser when the file is too large or takes too long:
Chromium shows the page's own error (not a reset connection or a blank page), and
axe-core checks it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from pathways.core.models import Role
from pathways.people.models import Person
from tests.factories import staff

HEADER = b"authority,person_ref,given_name,family_name,date_of_birth\n"
ROW = b"E09000025,C1,Sam,Patel,1990-01-01\n"


@pytest.fixture
def ada(team):
    return staff(Role.ADMIN, team, email="ada@example.org", first_name="Ada", last_name="Admin")


def choose_and_check(page: Page, content: bytes) -> None:
    page.goto("/imports/")
    page.get_by_label("People: ", exact=False).check()
    page.get_by_label("Upload a file").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Check the file").click()


@pytest.mark.parametrize("size", [5_000, 500_000], ids=["streamed", "declared"])
def test_a_file_over_the_limit_is_refused_with_the_pages_own_message(
    page, sign_in, axe_check, settings, ada, size
):
    settings.PATHWAYS_IMPORT_MAX_UPLOAD_BYTES = 2_000
    sign_in(page, ada.email)
    choose_and_check(page, HEADER + ROW * (size // len(ROW)))
    message = "The selected file must be smaller than 2,000 bytes"
    expect(page.locator(".govuk-error-summary")).to_contain_text(message)
    expect(page.locator("#id_file-error")).to_contain_text(message)
    expect(page.get_by_label("People: ", exact=False)).to_be_checked()
    axe_check(page)
    assert not Person.objects.exists()


def test_an_import_out_of_time_says_where_it_stopped(page, sign_in, axe_check, settings, ada):
    settings.PATHWAYS_IMPORT_TIME_LIMIT = 0
    sign_in(page, ada.email)
    choose_and_check(page, HEADER + ROW)
    expect(page.locator("#id_file-error")).to_contain_text(
        "The import stopped after 0 seconds at row 2, so nothing was imported"
    )
    axe_check(page)
    assert not Person.objects.exists()
