"""Who gets in: bearer tokens only, and every refusal answered in JSON."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pathways.api.tokens import issue_token
from pathways.core.models import ApiToken
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

HTTPS = {"wsgi.url_scheme": "https"}


def test_missing_token_is_401_with_a_reason(anonymous):
    response = anonymous.get("/api/v1/people")
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_token_is_401(intake):
    response = Client(HTTP_AUTHORIZATION="Bearer pw_not-a-real-token", **HTTPS).get(
        "/api/v1/people"
    )
    assert response.status_code == 401
    assert "not valid" in response.json()["detail"]


def test_revoked_token_is_401(intake):
    raw = issue_token(intake.email).raw
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", **HTTPS)
    assert client.get("/api/v1/people").status_code == 200
    ApiToken.objects.filter(user=intake).update(revoked_at=timezone.now())
    assert client.get("/api/v1/people").status_code == 401


def test_token_of_a_deactivated_account_is_401(intake):
    client = client_for(intake)
    intake.is_active = False
    intake.save()
    assert client.get("/api/v1/people").status_code == 401


def test_a_signed_in_browser_session_does_not_open_the_api(intake):
    browser = Client(**HTTPS)
    browser.force_login(intake, backend="django.contrib.auth.backends.ModelBackend")
    assert browser.session.get("_auth_user_id") == str(intake.pk)
    response = browser.get("/api/v1/people")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_write_without_a_token_is_refused_and_changes_nothing(anonymous, referral):
    response = anonymous.post(f"/api/v1/referrals/{referral.pk}/accept")
    assert response.status_code == 401
    referral.refresh_from_db()
    assert referral.status == "received"


def test_unknown_api_path_answers_json_404(as_intake):
    response = as_intake.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.django_db
def test_a_post_without_a_token_to_a_path_no_route_takes_is_json_not_a_csrf_page():
    """A script's POST to a mistyped path (an id that is not a whole number) hears
    JSON, as from every other API answer, not Django's HTML CSRF refusal."""
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/opportunities/-1/close", data="{}", content_type="application/json"
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == "No such API endpoint."


def test_wrong_method_answers_json_405(as_intake, referral):
    response = as_intake.get(f"/api/v1/referrals/{referral.pk}/accept")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "use POST" in response.json()["detail"]


def test_openapi_document_lists_every_endpoint(anonymous):
    response = anonymous.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Pathways API"
    assert {
        "/api/v1/people",
        "/api/v1/people/{person_id}",
        "/api/v1/referrals",
        "/api/v1/referrals/{referral_id}",
        "/api/v1/referrals/{referral_id}/accept",
        "/api/v1/referrals/{referral_id}/decline",
        "/api/v1/referrals/{referral_id}/allocate",
    } <= set(document["paths"])
    schemes = document["components"]["securitySchemes"].values()
    assert {"type": "http", "scheme": "bearer"} in list(schemes)


def test_docs_page_loads_everything_from_our_own_origin(anonymous):
    """The CSP allows only our own scripts and styles, and there may be no internet."""
    response = anonymous.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "http://" not in page and "https://" not in page
    assets = [
        "/api/v1/docs/assets/swagger-ui-bundle.js",
        "/api/v1/docs/assets/swagger-ui-init.js",
        "/api/v1/docs/assets/swagger-ui.css",
    ]
    for url in assets:
        assert f'"{url}"' in page
        asset = anonymous.get(url)
        assert asset.status_code == 200
        assert b"".join(asset.streaming_content)
    assert "<script>" not in page  # no inline script: the settings are a JSON data block
    assert anonymous.get("/api/v1/docs/assets/swagger-ui-bundle.js.map").status_code == 404


def test_a_tokens_last_use_is_kept_to_the_minute_without_a_write_per_call(intake):
    """The staff page shows when a token was last used; calls within the same minute
    do not each write it (a commit per read), a later call moves it on."""
    client = client_for(intake)
    assert client.get("/api/v1/people").status_code == 200
    token = ApiToken.objects.get(user=intake)
    assert token.last_used_at is not None
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/people").status_code == 200
    assert not [q for q in queries if q["sql"].startswith("UPDATE") and "apitoken" in q["sql"]]

    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=an_hour_ago)
    client.get("/api/v1/people")
    token.refresh_from_db()
    assert token.last_used_at > an_hour_ago
