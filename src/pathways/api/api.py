"""The JSON API at ``/api/v1/``: bearer-token access, and errors that are always JSON.

``core.middleware.BearerTokenMiddleware`` checks the token and signs the request in as
its owner; the API accepts only requests signed in that way, so a browser's session
cookie opens no door here. Every error answer carries ``detail``, a message a person
can act on.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser
from ninja.security import HttpBearer

from pathways.api import (
    candidacies,
    casework,
    claims,
    commissioning,
    documents,
    employers,
    employment,
    matches,
    onward,
    opportunities,
    people,
    profiles,
    referrals,
    reports,
    targets,
)
from pathways.api.docs import OfflineSwagger
from pathways.core.errors import ActionRefused

#: Where ninja says a bad value came from; not part of the field's name.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
_BODY_PARAMS = {"payload"}


class StaffToken(HttpBearer):
    """`Authorization: Bearer TOKEN` with a live token of an active staff account.

    The middleware has already looked the token up (once per request), so this only
    checks that it did, and that the request did not arrive on a session cookie.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if getattr(request, "auth_via_token", False) and request.user.is_authenticated:
            return request.user
        return None


class BadBody(ValueError):
    """A body that is JSON but not one the API can take; the message says why."""


class JsonObjects(Parser):
    """A body is a JSON object or nothing.

    ninja's schemas read attributes as well as keys, so a body such as ``[null, null]``
    or ``3`` used to pass as an empty object: every field took its default, and
    ``PUT …/profile`` cleared the whole profile. Anything but an object is refused here
    (a 422 naming ``body``, from ``http_error`` below)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise BadBody("Send the body as a JSON object ({...}), not a list or a value.")
        try:  # JSON may spell half a UTF-16 pair ("\\ud800"), which no database can store
            json.dumps(data, ensure_ascii=False).encode()
        except UnicodeEncodeError as exc:
            raise BadBody("The body holds a character that is not valid Unicode.") from exc
        return data


#: Answers any route may give besides its own, with why (for the OpenAPI document).
EVERY_ROUTE = {
    400: (
        "The request contains a NUL character (refused before any route sees it), or "
        "its body could not be read."
    ),
}


class PathwaysAPI(NinjaAPI):
    """ninja's API with the answers every route may give in the OpenAPI document."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in document["paths"].values():
            for operation in operations.values():
                responses = operation["responses"]
                for status, description in EVERY_ROUTE.items():
                    if status not in responses and str(status) not in responses:
                        responses[status] = {"description": description, "content": error}
        return document


logger = logging.getLogger(__name__)

api = PathwaysAPI(
    title="Pathways API",
    version="1",
    description=(
        "Supported-employment case management. Send `Authorization: Bearer TOKEN`; a "
        "token (from `pathways token create EMAIL`) acts with its owner's permissions. "
        "Records outside the caller's scope answer 404."
    ),
    auth=StaffToken(),
    docs=OfflineSwagger(),
    parser=JsonObjects(),
    urls_namespace="api-v1",
)
api.add_router("/people", people.router)
api.add_router("/people", profiles.router)
api.add_router("/people", documents.router)
api.add_router("/referrals", referrals.router)
api.add_router("", casework.router)
api.add_router("", employers.router)
api.add_router("", opportunities.router)
api.add_router("", matches.router)
api.add_router("", candidacies.router)
api.add_router("/reports", reports.router)
api.add_router("", employment.router)
api.add_router("", onward.router)
api.add_router("", commissioning.router)
api.add_router("", claims.router)
api.add_router("", targets.router)


def _detail(request: HttpRequest, detail: str, status: int, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Our fault, answered in JSON like every other API error (Django's 500 page is
    HTML); the traceback goes to the log, not to the client."""
    logger.error("API request failed: %s %s", request.method, request.path, exc_info=exc)
    detail = "Something went wrong on our side and nothing was changed. It has been logged."
    return _detail(request, detail, 500)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if request.headers.get("Authorization"):
        detail = (
            "The API token is not valid: it is unknown, expired or revoked, or its owner "
            "is inactive."
        )
    else:
        detail = "Send an API token in the header `Authorization: Bearer TOKEN`."
    response = _detail(request, detail, 401)
    response["WWW-Authenticate"] = 'Bearer realm="pathways"'
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _detail(request, str(exc) or "Not found.", 404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _detail(request, str(exc) or "Your role does not allow this.", 403)


@api.exception_handler(ActionRefused)
def refused(request: HttpRequest, exc: ActionRefused) -> HttpResponse:
    return _detail(request, exc.message, 409)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        # ninja could not decode the body: a bad body like any other, so 422.
        message = (
            str(exc.__cause__)
            if isinstance(exc.__cause__, BadBody)
            else "Send the body as a JSON object, with Content-Type: application/json."
        )
        return _detail(request, f"body: {message}", 422, errors={"body": message})
    return _detail(request, exc.message, exc.status_code)


def field_name(loc: tuple | list) -> str:
    """``("body", "payload", "team")`` → ``team``; ``("query", "page")`` → ``page``."""
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if parts and parts[0] in _BODY_PARAMS:
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or "body"


def _message(error: dict) -> str:
    if str(error.get("type", "")).startswith("date_"):
        return "Give a date as YYYY-MM-DD."
    msg = str(error.get("msg", "This value is not valid."))
    return msg.removeprefix("Value error, ")


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, str] = {}
    for error in exc.errors:
        name = field_name(error.get("loc", ()))
        errors[name] = f"{errors[name]} {_message(error)}" if name in errors else _message(error)
    detail = "; ".join(f"{name}: {message}" for name, message in errors.items())
    return _detail(request, detail, 422, errors=errors)
