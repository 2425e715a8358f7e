"""A coach uploads a CV to an episode, sees it listed and downloads it; a text file
renamed to .pdf is refused in plain words; the pages fit a 320-pixel screen."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from pathways.casework.models import Document
from tests import file_samples
from tests.factories import EpisodeFactory


def test_a_coach_uploads_a_cv_to_an_episode_and_downloads_it(
    page, sign_in, axe_check, team, coach, documents_dir
):
    episode = EpisodeFactory(team=team, worker=coach)
    sign_in(page, coach.email)
    page.goto(f"/episodes/{episode.pk}/")
    expect(page.get_by_role("heading", name="Documents")).to_be_visible()
    expect(page.get_by_text("No documents yet.")).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name="Upload a document").click()
    expect(page.get_by_role("heading", level=1, name="Upload a document")).to_be_visible()
    axe_check(page)

    page.get_by_label("CV", exact=True).check()
    page.get_by_label("Title").fill("CV for the café job")
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "cv.pdf", "mimeType": "application/pdf", "buffer": file_samples.text()}]
    )
    page.get_by_role("button", name="Upload document").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("This file is called cv.pdf, but it is not a PDF")
    expect(summary).to_contain_text("It was not saved.")
    assert not Document.objects.exists()
    axe_check(page)

    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "cv.pdf", "mimeType": "application/pdf", "buffer": file_samples.pdf()}]
    )
    page.get_by_role("button", name="Upload document").click()
    expect(page.get_by_text("CV for the café job added (PDF).")).to_be_visible()
    listed = page.get_by_role("link", name="CV for the café job (download)")
    expect(listed).to_be_visible()
    axe_check(page)

    with page.expect_download() as arrived:
        listed.click()
    download = arrived.value
    assert download.suggested_filename == "cv.pdf"
    assert Path(download.path()).read_bytes() == file_samples.pdf()

    # On a small screen the list and the form reflow; a long title wraps.
    Document.objects.update(title="Better-off-calculation-" * 6)
    page.set_viewport_size({"width": 320, "height": 720})
    for url in (f"/episodes/{episode.pk}/", f"/episodes/{episode.pk}/documents/new/"):
        page.goto(url)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, f"{url} scrolls sideways at 320px: {width}px"
