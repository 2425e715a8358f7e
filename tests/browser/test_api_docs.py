"""The API docs in a real browser: Swagger UI renders offline and calls the API under
our CSP, with no console errors (the page fixture fails the test on any)."""

from __future__ import annotations

from pathways.api.tokens import issue_token
from pathways.core.models import Role
from tests.factories import PersonFactory, TeamFactory, staff


def test_swagger_ui_authorizes_and_tries_a_call(page, transactional_db):
    team = TeamFactory(code="SE1")
    staff(Role.INTAKE_OFFICER, team, email="intake@example.org")
    PersonFactory(authority=team.authority, person_ref="C1")
    raw = issue_token("intake@example.org").raw

    schema = page.request.get("/api/v1/openapi.json").json()
    operations = sum(len(methods) for methods in schema["paths"].values())
    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() == operations
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
