"""The API docs in a real browser: Swagger UI renders and calls the API under our CSP.

Marked ``browser`` (run with ``pytest -m browser``): Debian's Chromium, no network.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections
from django.test.utils import override_settings

from pathways.core.models import Role
from tests.factories import PersonFactory, TeamFactory, staff

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
# The live server is plain http; production settings would redirect it to https.
PLAIN_HTTP = {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0}


@pytest.fixture(scope="session")
def _plain_http_live_server() -> Iterator[None]:
    with override_settings(**PLAIN_HTTP):
        yield


@pytest.fixture
def docs_server(_plain_http_live_server, live_server, settings) -> str:
    for name, value in PLAIN_HTTP.items():
        setattr(settings, name, value)
    return live_server.url


@pytest.fixture
def chromium(monkeypatch) -> Iterator:
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's event loop makes Django see the test's own ORM calls as async.
    monkeypatch.setitem(os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()
        # Inside Playwright's greenlet Django opens its own database connection; close
        # it, or PostgreSQL cannot drop the test database at the end of the run.
        connections.close_all()


def test_swagger_ui_authorizes_and_tries_a_call_with_no_console_errors(
    chromium, docs_server, transactional_db
):
    from pathways.api.tokens import issue_token

    team = TeamFactory(code="SE1")
    staff(Role.INTAKE_OFFICER, team, email="intake@example.org")
    PersonFactory(authority=team.authority, person_ref="C1")
    raw = issue_token("intake@example.org").raw
    problems: list[str] = []
    page = chromium.new_page()
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.set_default_timeout(15_000)

    page.goto(f"{docs_server}/api/v1/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() == 7
    page.click("button.authorize")
    page.fill(".modal-ux input", raw)
    page.click(".modal-ux button.authorize")
    page.click(".modal-ux button.close-modal")
    page.locator(".opblock-summary").first.click()
    page.click("button.try-out__btn")
    with page.expect_response(lambda r: "/api/v1/people" in r.url) as answer:
        page.click("button.execute")

    assert answer.value.status == 200
    assert answer.value.json()["items"][0]["person_ref"] == "C1"
    assert not problems, problems
