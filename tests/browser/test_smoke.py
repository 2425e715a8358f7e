"""The browser-test plumbing itself: plain http works, pages are styled, no crown."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect


def test_live_server_is_plain_http_with_insecure_cookies(page, server, sign_in, intake):
    response = page.goto("/sign-in/")
    assert response is not None
    # No redirect to https and no HSTS: the session-wide override reached the
    # SecurityMiddleware that the live server thread built when it started.
    assert response.status == 200
    assert page.url.startswith("http://")
    assert "strict-transport-security" not in response.headers
    # The cookie flags are read per response: the per-test ``settings`` override counts.
    assert django_settings.SESSION_COOKIE_SECURE is False
    sign_in(page, intake.email)
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["sessionid"]["secure"] is False
    assert cookies["csrftoken"]["secure"] is False
    assert cookies["sessionid"]["httpOnly"] is True


def test_pages_are_styled_with_the_council_name_and_no_crown(page, axe_check):
    page.goto("/sign-in/")
    axe_check(page)  # also checks pathways.css is loaded and applied
    header = page.locator(".govuk-header")
    expect(header).to_contain_text(django_settings.PATHWAYS_COUNCIL_NAME)
    expect(header.locator("svg")).to_have_count(0)
    expect(page.locator(".govuk-header__logotype, .govuk-logo, [class*='crown']")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign in")).to_have_css(
        "background-color", "rgb(0, 112, 60)"
    )
    assert "GOV.UK" not in page.content()


def test_axe_check_reports_a_real_problem(page, axe_check):
    page.goto("/sign-in/")
    page.evaluate("() => document.querySelector('label[for=id_username]').remove()")
    with pytest.raises(AssertionError, match=r"(?s)- label \(critical\): .*#id_username"):
        axe_check(page)


def test_a_content_security_policy_refusal_fails_the_test(page, browser_problems):
    page.goto("/sign-in/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate("() => document.head.insertAdjacentHTML('beforeend', '<style></style>')")
    with pytest.raises(AssertionError, match="inline style violates"):
        browser_problems.check()


def test_a_wrong_password_is_explained_and_nothing_else_is_given_away(
    page, axe_check, screenshot, intake
):
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(intake.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    message = "Enter a correct email address and password"
    expect(summary.get_by_role("alert")).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: Sign in – "))
    expect(page.locator("#id_username-error")).to_contain_text(message)
    expect(page.get_by_label("Email address")).to_have_value(intake.email)
    expect(page.get_by_label("Password")).to_have_value("")
    axe_check(page)
    screenshot(page, "00-sign-in-with-error")
    summary.get_by_role("link", name=message).click()
    expect(page.get_by_label("Email address")).to_be_focused()
