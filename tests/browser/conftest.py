"""Real-browser tests: Debian's headless Chromium, driven by Playwright, against
pytest-django's live server, with axe-core checking every page for accessibility.

Run them on their own with ``pytest -m browser`` (``make test-browser``); everything in
this folder carries the ``browser`` mark. Nothing is downloaded: Chromium is the system
package at /usr/bin/chromium and axe-core comes from node_modules.
"""

from __future__ import annotations

import os
import re
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.test.utils import override_settings
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from tests.factories import PASSWORD

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Without the background-networking flags Chromium keeps trying to reach Google
# services, which on a closed network makes it slow and flaky.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_URL = "/__browser-tests__/axe.min.js"  # answered by the browser, never by the server
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

# The live server is plain http. The production-like settings make cookies Secure and
# redirect http to https, so the browser tests switch that off. SecurityMiddleware reads
# SECURE_SSL_REDIRECT and SECURE_HSTS_SECONDS once, when the live server thread builds
# its handler, so changing them per test (the ``settings`` fixture) comes too late for
# those two: they are also overridden for the whole session, before the server starts.
HTTP_SETTINGS = {
    "SESSION_COOKIE_SECURE": False,
    "CSRF_COOKIE_SECURE": False,
    "SECURE_SSL_REDIRECT": False,
    "SECURE_HSTS_SECONDS": 0,
}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``browser`` (before ``-m`` selects on marks)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _http_live_server_settings() -> Iterator[None]:
    with override_settings(**HTTP_SETTINGS):
        yield


@pytest.fixture
def server(_http_live_server_settings, live_server, settings) -> str:
    """The live server's base URL, with plain-http settings in force.

    ``_http_live_server_settings`` comes before ``live_server`` so that the session-wide
    override is in place when the server thread starts; the ``settings`` fixture then
    sets the same values per test (it changes django.conf.settings for every thread,
    the live server's included). test_smoke.py checks both took effect.
    """
    for name, value in HTTP_SETTINGS.items():
        setattr(settings, name, value)
    _warm_up(live_server.url)
    return live_server.url


_warmed: set[str] = set()


def _warm_up(url: str) -> None:
    """The live server's first answer loads every app's pages and templates, which on a
    busy 2-core machine can take longer than a page's 10-second timeout: ask once,
    patiently, before the first test's browser does."""
    if url not in _warmed:
        with urllib.request.urlopen(f"{url}/sign-in/", timeout=120) as answer:
            answer.read()
        _warmed.add(url)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium)")
    # Playwright's sync API runs an asyncio event loop on this (the main) thread, in a
    # greenlet. asyncio's "running loop" is per thread, not per greenlet, so while
    # Playwright is alive Django believes every ORM call from the test (building data
    # with the factories, checking rows) comes from async code and raises
    # SynchronousOnlyOperation. The test code is really synchronous and only touches the
    # database between browser calls, so the check is a false alarm here: switch it off
    # while Playwright runs, and only for the browser tests.
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


class BrowserProblems:
    """Console errors (a Content-Security-Policy refusal, a missing file, a script
    error) collected while a page is used. Any of them fails the test."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def console(self, message: ConsoleMessage) -> None:
        url = message.location.get("url") or ""
        if message.type != "error":
            return
        if "status of 400" in message.text and "/static/" not in url:
            return  # a form sent back with its errors answers 400 Bad Request, on purpose
        self.messages.append(f"console error at {url}: {message.text}")

    def page_error(self, error: Exception) -> None:
        self.messages.append(f"uncaught script error: {error}")

    def check(self) -> None:
        problems, self.messages = self.messages, []
        assert not problems, "The browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def browser_problems() -> BrowserProblems:
    return BrowserProblems()


@pytest.fixture
def page(browser: Browser, server: str, browser_problems: BrowserProblems) -> Iterator[Page]:
    """A fresh browser context (no cookies) and page per test, on the live server."""
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    context.route(
        f"**{AXE_URL}",
        lambda route: route.fulfill(path=AXE, content_type="text/javascript; charset=utf-8"),
    )
    page = context.new_page()
    page.on("console", browser_problems.console)
    page.on("pageerror", browser_problems.page_error)
    yield page
    context.close()
    browser_problems.check()


def assert_styled(page: Page) -> None:
    """The GOV.UK stylesheet is loaded and applied (axe's colour checks depend on it)."""
    page.wait_for_load_state("load")  # a click may still be navigating
    loaded = page.evaluate(
        """() => [...document.styleSheets].some(s =>
            (s.href || '').endsWith('/static/build/pathways.css') && s.cssRules.length > 100)"""
    )
    assert loaded, f"pathways.css is not loaded on {page.url}"
    header = page.locator(".govuk-header")
    # GOV.UK's (rebranded) header is white text on GOV.UK blue, in Arial.
    expect(header).to_have_css("background-color", "rgb(29, 112, 184)")
    expect(page.locator("h1")).to_have_css("font-family", "arial, sans-serif")


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact') or 'no impact'}): {v['help']}")
        lines.append(f"  {v['helpUrl']}")
        for node in v["nodes"][:10]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def run_axe(page: Page, browser_problems: BrowserProblems) -> None:
    assert_styled(page)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Not add_script_tag(path=...): that inlines the script, which the site's CSP
        # (scripts from 'self' only) refuses, and bypassing the CSP would hide our own
        # CSP mistakes. The page fixture serves axe from a same-origin URL instead.
        page.add_script_tag(url=AXE_URL)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = result["violations"]
    assert not violations, (
        f"axe found {len(violations)} accessibility problem(s) on {page.url} "
        f"({page.title()!r}):\n{format_violations(violations)}"
    )
    browser_problems.check()


@pytest.fixture
def axe_check(browser_problems: BrowserProblems) -> Callable[[Page], None]:
    """``axe_check(page)``: fail with a readable list if axe finds any violation (every
    impact, every rule axe runs by default), or if the page is unstyled, or if the
    browser reported a console error (a CSP refusal, a 404) on the page."""

    def check(page: Page) -> None:
        run_axe(page, browser_problems)

    return check


@pytest.fixture
def screenshot() -> Callable[[Page, str], None]:
    """``screenshot(page, "name")`` saves a full-page PNG to $PATHWAYS_SCREENSHOTS (a
    folder), when that is set, for a person to look at; otherwise it does nothing."""
    folder = os.environ.get("PATHWAYS_SCREENSHOTS")

    def take(page: Page, name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=Path(folder) / f"{name}.png", full_page=True)

    return take


@pytest.fixture
def sign_in() -> Callable[[Page, str], None]:
    """Sign in through the real sign-in form and land on "My work"."""

    def do_sign_in(page: Page, email: str) -> None:
        page.goto("/sign-in/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()

    return do_sign_in


def tab_to(page: Page, target, *, presses: int = 40) -> None:
    """Press Tab until ``target`` (a locator) has the keyboard focus, as someone using
    only a keyboard would; fail if it never does."""
    handle = target.element_handle()
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", handle):
            return
    raise AssertionError(f"Tab never reached {target} on {page.url}")


@pytest.fixture
def portal_sign_in() -> Callable[[Page, object], None]:
    """Sign a portal account in the way the person does: open the emailed link, then
    press the button, with the keyboard only; land on their home page."""
    from pathways.portal.services import sign_in_link

    def do_sign_in(page: Page, account: object) -> None:
        link = sign_in_link(account.user, "")  # type: ignore[attr-defined]
        page.goto(link)
        tab_to(page, page.get_by_role("button", name="Sign in"))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1, name=re.compile(r"^Hello "))).to_be_visible()

    return do_sign_in
